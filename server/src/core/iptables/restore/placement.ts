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
import { optionsAnalysis } from './options';

/** A rule the kernel accepts only on some hooks. */
interface Restricted {
  rule: CommandLine;
  chain: string;
  /** Hook bits it may be reached from. */
  allowed: number;
  placement: Placement;
  what: string;
  range: () => Range;
}

export function placementFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  const a = restoreAnalysis(doc);
  const byTable = new Map<TableAnalysis, Restricted[]>();
  const add = (ta: TableAnalysis, r: Restricted) => {
    const table = ta.block.name;
    if (!(r.placement.tables as readonly string[]).includes(table)) {
      const message =
        r.what === '-j DROP' && table === 'nat'
          ? '`-j DROP` is refused in the nat table (iptables: "The nat table is not intended for filtering"); drop in the filter table instead'
          : `\`${r.what}\` is not allowed in the ${table} table (only ${list(r.placement.tables.map((t) => `\`${t}\``))}); the kernel refuses the rule`;
      out.push(finding('IPT005', r.range(), message, { data: { table, chain: r.chain } }));
      return;
    }
    let l = byTable.get(ta);
    if (!l) byTable.set(ta, (l = []));
    l.push(r);
  };
  for (const ta of a.tables) {
    if (!ta.known) continue;
    for (const c of ta.graph.chains.values()) {
      for (const r of c.rules) {
        const name = r.targetName;
        if (name === undefined || r.targetKind === 'goto') continue;
        const spec = getTarget(name, lineFamily(doc, r));
        if (!spec) continue;
        const byOption = spec.options.some((o) => o.placement);
        if (!spec.placement && !byOption) continue;
        let p: Placement | null = spec.placement;
        if (byOption) p = targetPlacement(name, (peekCommand(r).rule?.target?.options ?? []).map((o) => o.name));
        if (!p || p.legacyOnly) continue;
        add(ta, { rule: r, chain: c.name, allowed: mask(p), placement: p, what: `-j ${name}`, range: () => r.rule?.target?.nameRange ?? r.range });
      }
    }
  }
  // restricted matches (collected by the options pass)
  for (const need of optionsAnalysis(doc).needs) {
    const ta = a.tables.find((t) => need.cmd.line > t.block.startLine && need.cmd.line <= t.block.endLine);
    const chain = need.cmd.chainName;
    if (!ta || !ta.known || chain === undefined) continue;
    add(ta, { rule: need.cmd, chain, allowed: mask(need.placement), placement: need.placement, what: `-m ${need.name}`, range: () => need.range });
  }
  for (const [ta, rs] of byTable) hooks(ta, rs, out);
  return out;
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
function hooks(ta: TableAnalysis, rs: Restricted[], out: Finding[]): void {
  const table = ta.block.name;
  let violations = 0;
  for (const r of rs) {
    const bad = hookNames(reached(ta, r.chain) & ~r.allowed);
    if (!bad.length) continue;
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
