// IPT008: rules that can never run, because an earlier rule of the same chain
// ends every packet's walk: ACCEPT, DROP, REJECT, RETURN or a goto, with no
// condition at all. A comment is not a condition (`-m comment` matches every
// packet), nor is `-p all`. Order is the chain's order after restore (-I/-D/-R
// applied), as ../chains.ts computes it.
//
// IPT009: a user chain no rule jumps or goes to (after restore): its rules never
// see a packet. A hint, since a chain may be kept on purpose for later use.

import { finding } from '../../codes';
import type { Finding } from '../../types';
import type { CommandLine, IptablesDocument } from '../ast';
import { peekCommand } from '../parse';
import type { ChainInfo, TableGraph } from '../chains';
import { lineEdit } from '../incremental';
import { isUserChain, restoreAnalysis, type TableAnalysis } from './analysis';

const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN']);

/**
 * Verdicts already judged, by line node: a node's text never changes (an edited line gets a
 * new node), so the next version reuses them instead of reading the line's tree again.
 */
const judged = new WeakMap<CommandLine, boolean>();

/** Terminal and without any condition. */
export function isUnconditionalVerdict(cmd: CommandLine): boolean {
  if (cmd.targetName === undefined) return false;
  if (cmd.targetKind !== 'goto' && !TERMINAL.has(cmd.targetName)) return false;
  let v = judged.get(cmd);
  if (v === undefined) {
    v = unconditional(cmd);
    judged.set(cmd, v);
  }
  return v;
}

/** isUnconditionalVerdict for a terminal target or a goto: reads the rule's tree. */
function unconditional(cmd: CommandLine): boolean {
  const full = peekCommand(cmd);
  const rule = full.rule;
  if (!rule || rule.stray.length) return false;
  if (full.flags.some((f) => f.name === '-4' || f.name === '-6' || f.name === '--ipv4' || f.name === '--ipv6')) return false;
  for (const g of rule.generic) {
    const isProto = g.name === '-p' || g.name === '--protocol';
    if (!(isProto && !g.negated && g.values[0] && (g.values[0].value.toLowerCase() === 'all' || g.values[0].value === '0'))) return false;
  }
  for (const m of rule.matches) {
    if (m.name !== 'comment' || m.implicit) return false;
    // only `--comment` (or a prefix of it): another option here (an abbreviated
    // core option such as `--sour`) is a condition
    for (const o of m.options) if (o.negated || o.name.length < 5 || !'--comment'.startsWith(o.name)) return false;
  }
  return true;
}

/** Chains of one table with something to report, by chain id (restore/analysis.ts `ids`), in id order. */
interface TablePart {
  graph: TableGraph;
  /** IPT008: chain ids with a rule that ends every walk early, and that rule's index. */
  dead: { id: number; stop: number }[];
  /** IPT009: ids of user chains nothing else jumps or goes to. */
  unused: number[];
  /** Their findings, once asked for (kept by the next version while their lines and rule counts stay). */
  unusedFindings?: Finding[];
}

interface DeadResult {
  tables: TableAnalysis[];
  parts: TablePart[];
}

const cache = new WeakMap<IptablesDocument, DeadResult>();

/** The chains (per table) IPT008 and IPT009 report, patched from the previous version where an edit allows. */
function deadAnalysis(doc: IptablesDocument): DeadResult {
  let r = cache.get(doc);
  if (!r) {
    r = patched(doc) ?? run(doc);
    cache.set(doc, r);
  }
  return r;
}

/** Index of the first rule (but the last) that ends every packet's walk, or -1. */
function stopIndex(c: ChainInfo): number {
  const rules = c.rules;
  for (let i = 0; i < rules.length - 1; i++) if (isUnconditionalVerdict(rules[i])) return i;
  return -1;
}

function isUnused(ta: TableAnalysis, c: ChainInfo): boolean {
  return ta.known && isUserChain(c) && !c.refs.some((r) => r.chainName !== c.name);
}

function run(doc: IptablesDocument): DeadResult {
  const tables = restoreAnalysis(doc).tables;
  const parts = tables.map((ta): TablePart => {
    const part: TablePart = { graph: ta.graph, dead: [], unused: [] };
    let id = 0;
    for (const c of ta.graph.chains.values()) {
      const stop = stopIndex(c);
      if (stop >= 0) part.dead.push({ id, stop });
      if (isUnused(ta, c)) part.unused.push(id);
      id++;
    }
    return part;
  });
  return { tables: tables.slice(), parts };
}

/**
 * After an incremental re-parse whose chain graph was patched (same chain
 * objects, see ../chains.ts): only the chains that the edited lines, before and
 * after the edit, add rules to or jump to are judged again.
 */
function patched(doc: IptablesDocument): DeadResult | undefined {
  const e = lineEdit(doc);
  const p = e && cache.get(e.prev);
  if (!e || !p) return undefined;
  const tables = restoreAnalysis(doc).tables;
  if (tables.length !== p.tables.length || tables.some((t, i) => t !== p.tables[i] || t.graph !== p.parts[i].graph)) return undefined;
  const ti = e.prev.tables.findIndex((t) => t.startLine < e.first && e.first <= t.endLine);
  if (ti < 0) return undefined;
  const ta = tables[ti];
  const names = new Set<string>();
  const note = (l: IptablesDocument['lines'][number]) => {
    if (l.kind !== 'command') return;
    if (l.chainName !== undefined) names.add(l.chainName);
    if (l.targetName !== undefined) names.add(l.targetName);
  };
  for (let l = e.first; l <= e.after; l++) note(e.prev.lines[l]);
  for (let l = e.first; l <= e.after + e.delta; l++) note(doc.lines[l]);
  const ids = new Set<number>();
  for (const n of names) {
    const id = ta.ids.get(n);
    if (id !== undefined) ids.add(id);
  }
  const parts = p.parts.slice();
  const old = p.parts[ti];
  let part = old;
  let unusedChanged = false;
  if (ids.size) {
    part = { graph: old.graph, dead: old.dead.filter((x) => !ids.has(x.id)), unused: old.unused.filter((x) => !ids.has(x)) };
    for (const id of ids) {
      const c = ta.graph.chains.get(ta.names[id]);
      if (!c) continue;
      const stop = stopIndex(c);
      if (stop >= 0) part.dead.push({ id, stop });
      if (isUnused(ta, c)) part.unused.push(id);
    }
    part.dead.sort((x, y) => x.id - y.id);
    part.unused.sort((x, y) => x - y);
    unusedChanged = part.unused.length !== old.unused.length || old.unused.some((x) => ids.has(x)) || part.unused.some((x) => ids.has(x));
  }
  // IPT009 findings name the chain's (last) declaration and its rule count
  const declsStay = (q: TablePart) => !e.delta || q.unused.every((id) => lastDeclLine(ta, id) < e.first);
  const keep = !!old.unusedFindings && !unusedChanged && declsStay(part);
  if (part !== old) {
    if (keep) part.unusedFindings = old.unusedFindings;
  } else if (old.unusedFindings && !keep) part = { ...old, unusedFindings: undefined };
  parts[ti] = part;
  // the tables below moved
  if (e.delta) for (let i = ti + 1; i < parts.length; i++) if (parts[i].unusedFindings) parts[i] = { ...parts[i], unusedFindings: undefined };
  return { tables: p.tables, parts };
}

function lastDeclLine(ta: TableAnalysis, id: number): number {
  const c = ta.graph.chains.get(ta.names[id]);
  const d = c?.decls[c.decls.length - 1];
  return d ? d.line : Infinity;
}

export function deadRuleFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  const r = deadAnalysis(doc);
  r.tables.forEach((ta, i) => {
    for (const { id, stop } of r.parts[i].dead) {
      const c = ta.graph.chains.get(ta.names[id])!;
      const rules = c.rules;
      const v = rules[stop];
      const verdict = v.targetKind === 'goto' ? `-g ${v.targetName}` : `-j ${v.targetName}`;
      for (let i = stop + 1; i < rules.length; i++) {
        const r = rules[i];
        out.push(
          finding('IPT008', r.range, `never runs: the rule on line ${v.line + 1} (\`${verdict}\` without conditions) ends every packet's walk through \`${c.name}\` before this rule`, {
            related: [{ range: v.range, message: `\`${verdict}\` takes every packet` }],
            data: { chain: c.name, verdictLine: v.line },
          }),
        );
      }
    }
  });
  return out;
}

export function unusedChainFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  const r = deadAnalysis(doc);
  r.tables.forEach((ta, i) => {
    const part = r.parts[i];
    if (!part.unusedFindings) {
      const fs: Finding[] = [];
      for (const id of part.unused) {
        const c = ta.graph.chains.get(ta.names[id])!;
        const d = c.decls[c.decls.length - 1];
        fs.push(
          finding('IPT009', d.nameRange, `no rule jumps or goes to \`${c.name}\`, so its ${c.rules.length} rule${c.rules.length === 1 ? '' : 's'} never see a packet`, {
            data: { chain: c.name },
          }),
        );
      }
      part.unusedFindings = fs;
    }
    for (const f of part.unusedFindings) out.push(f);
  });
  return out;
}
