// IPT005: a target (or a restricted match) where the kernel refuses it.
//
// Checked against iptables-nft-restore 1.8.9 in `unshare -n`:
//  - the TABLE is always checked, even in a user chain nothing jumps to
//    (`*mangle … -A X -j REJECT` fails; `*nat … -j DROP` fails in userspace);
//  - the HOOK is checked for every built-in chain whose packets can reach the
//    rule's chain through jumps and gotos (a MASQUERADE in a user chain that
//    PREROUTING jumps to fails; in a chain nothing reaches it passes);
//  - nf_tables adds the rules one by one and refuses each rule whose addition
//    makes the table invalid: the restricted rule itself when its chain is
//    already reached from a bad hook, otherwise EVERY later jump that would let
//    a bad hook reach it. We report the restricted rule (the cause, with the
//    path) and each jump restore refuses (simulated in file order);
//  - after such a refusal through a user chain, nf_tables keeps finding the
//    table invalid and refuses EVERY later rule of the table (checked: unrelated
//    `-A OUTPUT -j ACCEPT` lines fail too); those lines are reported as well,
//    pointing at the cause. A refusal in a built-in chain does not do this.
// Restrictions only the legacy backend enforces (TRACE) are not reported.

import { finding } from '../../codes';
import type { Finding, Range, RelatedInfo } from '../../types';
import type { CommandLine, IptablesDocument } from '../ast';
import { getTarget, targetPlacement, type Placement } from '../modules';
import { peekCommand } from '../parse';
import { HOOK_BIT, hookMask, hookNames, lastJumpOnPath, lineFamily, restoreAnalysis, type TableAnalysis } from './analysis';
import { optionsAnalysis, type MatchNeed } from './options';
import { lineEdit, moveFinding, type LineEdit } from '../incremental';

/** A rule the kernel accepts only on some hooks. */
interface Restricted {
  rule: CommandLine;
  chain: string;
  /** Hook bits it may be reached from. */
  allowed: number;
  placement: Placement;
  what: string;
  range: () => Range;
  /** The hook bits reaching its chain, when already known. */
  reach?: number;
}

/** One table's part of the findings (placementFindings puts the parts in the order of one whole pass). */
interface TablePart {
  /** `-j TARGET` outside the tables it works in (chain order). */
  targets: Finding[];
  /** `-m MATCH` likewise (line order). */
  matches: Finding[];
  /** Hook checks (and jumps restore refuses). */
  hooks: Finding[];
  /** Where the table's hook checks come in a whole pass: 1 a restricted target, 2 only restricted matches, 0 none. */
  order: 0 | 1 | 2;
  /** Restricted rules reached from a hook they may not be used from (0: `hooks` is empty). */
  violations: number;
  /** The hook masks the part was judged with. */
  mask: Uint8Array;
}

interface PlacementResult {
  /** The analysis the parts were computed from (restore/analysis.ts patches it in place after an edit). */
  tables: TableAnalysis[];
  parts: (TablePart | undefined)[];
}

const cache = new WeakMap<IptablesDocument, PlacementResult>();

export function placementFindings(doc: IptablesDocument): Finding[] {
  let r = cache.get(doc);
  if (!r) {
    r = patched(doc) ?? run(doc);
    cache.set(doc, r);
  }
  const out: Finding[] = [];
  for (const p of r.parts) if (p) for (const f of p.targets) out.push(f);
  for (const p of r.parts) if (p) for (const f of p.matches) out.push(f);
  for (const o of [1, 2]) for (const p of r.parts) if (p && p.order === o) for (const f of p.hooks) out.push(f);
  return out;
}

function run(doc: IptablesDocument): PlacementResult {
  const a = restoreAnalysis(doc);
  const needs = needsByTable(doc, a.tables);
  return { tables: a.tables.slice(), parts: a.tables.map((ta, i) => (ta.known ? tablePart(doc, ta, needs[i]) : undefined)) };
}

/** The restricted matches of each table (collected by the options pass), in line order. */
function needsByTable(doc: IptablesDocument, tables: TableAnalysis[]): MatchNeed[][] {
  const out: MatchNeed[][] = tables.map(() => []);
  let i = 0;
  for (const need of optionsAnalysis(doc).needs) {
    const l = need.cmd.line;
    // needs are in line order, tables too
    if (!(i < tables.length && l > tables[i].block.startLine && l <= tables[i].block.endLine)) {
      i = tables.findIndex((t) => l > t.block.startLine && l <= t.block.endLine);
      if (i < 0) {
        i = 0;
        continue;
      }
    }
    out[i].push(need);
  }
  return out;
}

/** Targets with an option of its own placement (TCPMSS --clamp-mss-to-pmtu …). */
const optionPlaced = new WeakMap<object, boolean>();

/** The placement a rule's target restricts it to (null: none, or only the legacy backend checks it). */
function targetRestriction(doc: IptablesDocument, r: CommandLine): Placement | null {
  const name = r.targetName;
  if (name === undefined || r.targetKind === 'goto') return null;
  const spec = getTarget(name, lineFamily(doc, r));
  if (!spec) return null;
  let byOption = optionPlaced.get(spec);
  if (byOption === undefined) optionPlaced.set(spec, (byOption = spec.options.some((o) => o.placement)));
  if (!spec.placement && !byOption) return null;
  let p: Placement | null = spec.placement;
  if (byOption) p = targetPlacement(name, (peekCommand(r).rule?.target?.options ?? []).map((o) => o.name));
  return !p || p.legacyOnly ? null : p;
}

function targetRestricted(r: CommandLine, chain: string, p: Placement): Restricted {
  return { rule: r, chain, allowed: mask(p), placement: p, what: `-j ${r.targetName}`, range: () => r.rule?.target?.nameRange ?? r.range };
}

function needRestricted(need: MatchNeed, chain: string): Restricted {
  return { rule: need.cmd, chain, allowed: mask(need.placement), placement: need.placement, what: `-m ${need.name}`, range: () => need.range };
}

/** IPT005 when the table itself refuses the rule, else undefined (then its hooks are checked). */
function tableFinding(table: string, r: Restricted): Finding | undefined {
  if ((r.placement.tables as readonly string[]).includes(table)) return undefined;
  const message =
    r.what === '-j DROP' && table === 'nat'
      ? '`-j DROP` is refused in the nat table (iptables: "The nat table is not intended for filtering"); drop in the filter table instead'
      : `\`${r.what}\` is not allowed in the ${table} table (only ${list(r.placement.tables.map((t) => `\`${t}\``))}); the kernel refuses the rule`;
  return finding('IPT005', r.range(), message, { data: { table, chain: r.chain } });
}

function tablePart(doc: IptablesDocument, ta: TableAnalysis, needs: MatchNeed[]): TablePart {
  const table = ta.block.name;
  const part: TablePart = { targets: [], matches: [], hooks: [], order: 0, violations: 0, mask: ta.mask };
  const rs: Restricted[] = [];
  for (const c of ta.graph.chains.values()) {
    let reach: number | undefined;
    for (const r of c.rules) {
      const p = targetRestriction(doc, r);
      if (!p) continue;
      const x = targetRestricted(r, c.name, p);
      const f = tableFinding(table, x);
      if (f) part.targets.push(f);
      else {
        x.reach = reach ??= c.builtin ? HOOK_BIT[c.name] ?? 0 : ta.mask[c.order];
        rs.push(x);
      }
    }
  }
  if (rs.length) part.order = 1;
  for (const need of needs) {
    const chain = need.cmd.chainName;
    if (chain === undefined) continue;
    const x = needRestricted(need, chain);
    const f = tableFinding(table, x);
    if (f) part.matches.push(f);
    else rs.push(x);
  }
  if (rs.length && !part.order) part.order = 2;
  if (rs.length) part.violations = hooks(ta, rs, part.hooks);
  return part;
}

/**
 * After an incremental re-parse whose restore analysis was patched: the tables
 * above the edit keep their part, the tables below move theirs (when nothing in
 * them is reached from a wrong hook: those findings name lines), and the edited
 * table keeps its part when its hook masks did not change, nothing in it was
 * reached from a wrong hook, and the edited lines, before and after, have no
 * finding; every other table is checked again.
 */
function patched(doc: IptablesDocument): PlacementResult | undefined {
  const e = lineEdit(doc);
  const p = e && cache.get(e.prev);
  if (!e || !p) return undefined;
  const a = restoreAnalysis(doc);
  if (a.tables.length !== p.tables.length || a.tables.some((t, i) => t !== p.tables[i])) return undefined;
  let needs: MatchNeed[][] | undefined;
  const parts = a.tables.map((ta, i): TablePart | undefined => {
    const old = p.parts[i];
    if (!ta.known || !old) return old;
    const block = e.prev.tables[i];
    if (block.endLine < e.first) return old;
    if (block.startLine > e.after) {
      if (!e.delta) return old;
      if (!old.violations) return shiftPart(old, e);
    } else if (!old.violations && sameMask(old.mask, ta.mask)) {
      const q = editedPart(doc, e, ta, old);
      if (q) return q;
    }
    needs ??= needsByTable(doc, a.tables);
    return tablePart(doc, ta, needs[i]);
  });
  return { tables: p.tables, parts };
}

function sameMask(x: Uint8Array, y: Uint8Array): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const onLine = (f: Finding, first: number, last: number): boolean => f.range.start.line >= first && f.range.start.line <= last;

/** The edited table's part when the edit changes none of its findings (see patched), else undefined. */
function editedPart(doc: IptablesDocument, e: LineEdit, ta: TableAnalysis, old: TablePart): TablePart | undefined {
  if (old.targets.some((f) => onLine(f, e.first, e.after)) || old.matches.some((f) => onLine(f, e.first, e.after))) return undefined;
  const table = ta.block.name;
  const last = e.after + e.delta;
  for (let l = e.first; l <= last; l++) {
    const r = doc.lines[l];
    if (r.kind !== 'command' || r.chainName === undefined) continue;
    const pl = targetRestriction(doc, r);
    if (!pl) continue;
    const c = ta.graph.chains.get(r.chainName);
    if (!c || !c.rules.includes(r)) continue; // not in the table after restore
    const x = targetRestricted(r, c.name, pl);
    if (tableFinding(table, x) || reached(ta, x.chain) & ~x.allowed) return undefined;
  }
  for (const need of optionsAnalysis(doc).needs) {
    const l = need.cmd.line;
    if (l < e.first || l > last || need.cmd.chainName === undefined) continue;
    const x = needRestricted(need, need.cmd.chainName);
    if (tableFinding(table, x) || reached(ta, x.chain) & ~x.allowed) return undefined;
  }
  const part = e.delta ? shiftPart(old, e) : old;
  return { ...part, mask: ta.mask };
}

/** A part whose findings all lie on their own rule's line, moved with the lines below the edit. */
function shiftPart(old: TablePart, e: LineEdit): TablePart {
  const move = (fs: Finding[]) => fs.map((f) => (f.range.start.line > e.after ? moveFinding(f, e.delta) : f));
  return { ...old, targets: move(old.targets), matches: move(old.matches) };
}

function mask(p: Placement): number {
  return p.chains.reduce((m, h) => m | (HOOK_BIT[h] ?? 0), 0);
}

function list(xs: readonly string[]): string {
  return xs.length === 1 ? xs[0] : xs.slice(0, -1).join(', ') + ' and ' + xs[xs.length - 1];
}

function reached(ta: TableAnalysis, chain: string): number {
  const builtin = !!ta.graph.chains.get(chain)?.builtin;
  return builtin ? HOOK_BIT[chain] ?? 0 : hookMask(ta, chain);
}

/** Hook checks for one table: the restricted rules in the final ruleset, then the jumps restore refuses. */
function hooks(ta: TableAnalysis, rs: Restricted[], out: Finding[]): number {
  const table = ta.block.name;
  let violations = 0;
  for (const r of rs) {
    const reach = r.reach ?? reached(ta, r.chain);
    if (!(reach & ~r.allowed)) continue;
    const bad = hookNames(reach & ~r.allowed);
    violations++;
    const where = `only ${list(r.placement.chains)} of the ${table} table`;
    if (ta.graph.chains.get(r.chain)?.builtin) {
      out.push(finding('IPT005', r.range(), `\`${r.what}\` is not allowed in ${r.chain}: ${where}; the kernel refuses the rule`, { data: { table, chain: r.chain } }));
      continue;
    }
    const last = lastJumpOnPath(ta, bad[0], r.chain);
    const related: RelatedInfo[] = (last?.path ?? []).map((e) => ({ range: e.rule.range, message: `${e.from} → ${e.to}` }));
    const path = last && last.path.length ? ` (${[bad[0], ...last.path.map((e) => e.to)].join(' → ')})` : '';
    out.push(
      finding('IPT005', r.range(), `\`${r.what}\` is not allowed here: chain \`${r.chain}\` is reached from ${list(bad)}${path}, but it works in ${where}; the kernel refuses the rule`, {
        data: { table, chain: r.chain, hooks: bad },
        ...(related.length ? { related } : {}),
      }),
    );
  }
  if (violations) refusedJumps(ta, rs, out);
  return violations;
}

/**
 * Replays the table's rules in file order as nf_tables adds them and reports
 * each jump it refuses: one that would let a hook reach a restricted rule
 * (already added) that the hook may not use. A refused rule is not added.
 */
function refusedJumps(ta: TableAnalysis, rs: Restricted[], out: Finding[]): void {
  const table = ta.block.name;
  type Ev = { line: number; r?: Restricted; edge?: { from: string; to: string; rule: CommandLine } };
  const events: Ev[] = [];
  for (const r of rs) events.push({ line: r.rule.line, r });
  for (const edges of ta.edges) for (const e of edges) events.push({ line: e.rule.line, edge: e });
  events.sort((x, y) => x.line - y.line || (x.r ? -1 : 1));

  const m = new Map<string, number>();
  for (const [name, c] of ta.graph.chains) if (c.builtin) m.set(name, HOOK_BIT[name] ?? 0);
  const accepted = new Map<string, Restricted[]>();
  const next = new Map<string, string[]>();
  const refused = new Set<CommandLine>();
  let poison: CommandLine | undefined; // the first refusal that leaves the table invalid
  for (const ev of events) {
    if (ev.r) {
      const r = ev.r;
      if ((m.get(r.chain) ?? 0) & ~r.allowed) {
        refused.add(r.rule); // reported by the final-state check
        if (!ta.graph.chains.get(r.chain)?.builtin && (!poison || r.rule.line < poison.line)) poison = r.rule;
        continue;
      }
      let l = accepted.get(r.chain);
      if (!l) accepted.set(r.chain, (l = []));
      l.push(r);
      continue;
    }
    const e = ev.edge!;
    if (refused.has(e.rule)) continue;
    const bits = m.get(e.from) ?? 0;
    // chains that would get new hook bits, and whether a restricted rule there objects
    const visit: string[] = [];
    const seen = new Set<string>();
    const stack = [e.to];
    let culprit: Restricted | undefined;
    while (stack.length && !culprit) {
      const c = stack.pop()!;
      if (seen.has(c) || !(bits & ~(m.get(c) ?? 0))) continue;
      seen.add(c);
      visit.push(c);
      for (const r of accepted.get(c) ?? []) {
        if (bits & ~r.allowed) {
          culprit = r;
          break;
        }
      }
      for (const n of next.get(c) ?? []) stack.push(n);
    }
    if (culprit) {
      refused.add(e.rule);
      if (!poison || e.rule.line < poison.line) poison = e.rule;
      const hook = hookNames(bits & ~culprit.allowed);
      out.push(
        finding(
          'IPT005',
          e.rule.rule?.target?.nameRange ?? e.rule.range,
          `this jump lets ${list(hook)} packets reach \`${culprit.chain}\`, whose rule on line ${culprit.rule.line + 1} uses \`${culprit.what}\` (which works in only ${list(culprit.placement.chains)} of the ${table} table); iptables-nft-restore refuses this rule`,
          { data: { table, chain: e.from, hooks: hook }, related: [{ range: culprit.rule.range, message: `\`${culprit.what}\` here` }] },
        ),
      );
      continue;
    }
    for (const c of visit) m.set(c, (m.get(c) ?? 0) | bits);
    let l = next.get(e.from);
    if (!l) next.set(e.from, (l = []));
    l.push(e.to);
  }
  if (!poison) return;
  const cause = poison;
  for (const cmd of ta.block.commands) {
    if (cmd.line <= cause.line || refused.has(cmd) || !(cmd.command === 'A' || cmd.command === 'I' || cmd.command === 'R')) continue;
    out.push(
      finding('IPT005', cmd.range, `iptables-nft-restore refuses this rule too: after it refuses line ${cause.line + 1}, nf_tables finds the ${table} table invalid at every later rule. Fix line ${cause.line + 1}.`, {
        data: { table, cause: cause.line, cascade: true },
        related: [{ range: cause.range, message: 'the refused rule' }],
      }),
    );
  }
}
