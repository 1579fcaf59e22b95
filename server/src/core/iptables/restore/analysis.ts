// What the restore-level checks share: for each table, the chain graph after
// restore (../chains.ts), the jump edges between chains, and for every chain the
// set of built-in hooks whose packets can reach it through jumps and gotos.
// The kernel checks target and match placement against that set (x_tables
// mark_source_chains; nf_tables chain validation), and nf_tables refuses loops
// and nesting only on chains a hook reaches.
//
// Built once per document (WeakMap); linear in the number of rules.

import type { CommandLine, IptablesDocument, TableBlock } from '../ast';
import { BUILTIN_CHAINS, isTableName } from '../ast';
import { chainGraph, type ChainInfo, type TableGraph } from '../chains';
import { structuralEdit } from '../incremental';
import type { RuleFamily } from '../modules';

export const HOOKS = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] as const;
export type Hook = (typeof HOOKS)[number];
/** Bit of each built-in chain in a hook mask. */
export const HOOK_BIT: Readonly<Record<string, number>> = { PREROUTING: 1, INPUT: 2, FORWARD: 4, OUTPUT: 8, POSTROUTING: 16 };

export function hookNames(mask: number): Hook[] {
  return HOOKS.filter((h) => mask & HOOK_BIT[h]);
}

/** A `-j`/`-g` from a rule of one chain to a user chain. */
export interface Edge {
  rule: CommandLine;
  from: string;
  to: string;
}

export interface TableAnalysis {
  block: TableBlock;
  graph: TableGraph;
  /** One of the five tables iptables knows. */
  known: boolean;
  /** Chain name → dense id (every chain of the graph). */
  ids: Map<string, number>;
  names: string[];
  /** Outgoing edges (to user chains) of each chain id, in rule order. */
  edges: Edge[][];
  /** Hook bits reaching each chain id (a built-in chain is reached by its own hook). */
  mask: Uint8Array;
}

/** Edges out of chain `name` to user chains. */
export function outEdges(ta: TableAnalysis, name: string): Edge[] {
  const id = ta.ids.get(name);
  return id === undefined ? [] : ta.edges[id];
}

/** Hook bits that reach chain `name` (0: nothing reaches it). */
export function hookMask(ta: TableAnalysis, name: string): number {
  const id = ta.ids.get(name);
  return id === undefined ? 0 : ta.mask[id];
}

export interface RestoreAnalysis {
  tables: TableAnalysis[];
  byBlock: Map<TableBlock, TableAnalysis>;
}

/** A chain that exists after restore and is not built in. */
export function isUserChain(c: ChainInfo | undefined): c is ChainInfo {
  return !!c && !c.builtin && !c.deleted && c.decls.length > 0;
}

const cache = new WeakMap<IptablesDocument, RestoreAnalysis>();

export function restoreAnalysis(doc: IptablesDocument): RestoreAnalysis {
  let a = cache.get(doc);
  if (!a) {
    a = build(doc);
    cache.set(doc, a);
  }
  return a;
}

function build(doc: IptablesDocument): RestoreAnalysis {
  const g = chainGraph(doc);
  const p = patched(doc, g);
  if (p) return p;
  const tables: TableAnalysis[] = [];
  const byBlock = new Map<TableBlock, TableAnalysis>();
  for (const tg of g.tables) {
    const ta = analyseTable(tg);
    tables.push(ta);
    byBlock.set(tg.table, ta);
  }
  return { tables, byBlock };
}

/**
 * After a structural edit (../incremental.ts) whose chain graph was patched:
 * the previous version's analysis with the edges' rule nodes swapped or moved,
 * the edges of chains whose jumps changed built again, and the hook masks
 * recomputed when edges changed. It then belongs to `doc`.
 */
function patched(doc: IptablesDocument, g: ReturnType<typeof chainGraph>): RestoreAnalysis | undefined {
  const e = structuralEdit(doc);
  const a = e && cache.get(e.prev);
  const ta = a && a.byBlock.get(e.table);
  if (!e || !a || !ta || a.tables.length !== g.tables.length || a.tables.some((x, i) => x.graph !== g.tables[i])) return undefined;
  const redo = new Set<string>();
  for (const [from, to] of e.replaced) {
    const id = from.chainName === undefined ? undefined : ta.ids.get(from.chainName);
    if (id === undefined) continue;
    if (from.targetName !== to.targetName) {
      redo.add(from.chainName!);
      continue;
    }
    const list = ta.edges[id];
    for (let i = 0; i < list.length; i++) if (list[i].rule === from) list[i] = { rule: to, from: list[i].from, to: list[i].to };
  }
  if (e.delta) {
    // nodes below the edit moved (this table's and the tables further down)
    for (const x of a.tables) {
      if (x !== ta && x.block.startLine < e.table.startLine) continue;
      for (const list of x.edges) {
        for (let i = 0; i < list.length; i++) {
          const l = list[i].rule.line;
          const to = l > e.after ? l + e.delta : l >= e.repointed && l < e.first ? l : -1;
          if (to >= 0) list[i].rule = doc.lines[to] as CommandLine; // the edges belong to this analysis alone
        }
      }
      if (x !== ta) {
        a.byBlock.delete(x.block);
        x.block = x.graph.table;
        a.byBlock.set(x.block, x);
      }
    }
    for (const r of [...e.removed, ...e.added]) if (r.chainName !== undefined) redo.add(r.chainName);
  }
  for (const name of redo) {
    const id = ta.ids.get(name);
    const c = ta.graph.chains.get(name);
    if (id === undefined || !c) continue;
    const list: Edge[] = [];
    for (const r of c.rules) if (r.targetName !== undefined && isUserChain(ta.graph.chains.get(r.targetName))) list.push({ rule: r, from: c.name, to: r.targetName });
    ta.edges[id] = list;
  }
  if (redo.size && ta.known) {
    // the edges as chain ids, kept for the next edit: only the redone chains change
    let to = targetIds.get(ta);
    if (!to) to = ta.edges.map((list) => Int32Array.from(list, (x) => ta.ids.get(x.to)!));
    else for (const name of redo) {
      const id = ta.ids.get(name);
      if (id !== undefined) to[id] = Int32Array.from(ta.edges[id], (x) => ta.ids.get(x.to)!);
    }
    targetIds.set(ta, to);
    ta.mask = hookMasks(ta.block.name, ta.ids, to);
  }
  a.byBlock.delete(e.table);
  ta.block = e.next;
  a.byBlock.set(e.next, ta);
  cache.delete(e.prev);
  return a;
}

/** Edges as target chain ids per chain id, for patched() (kept per analysis). */
const targetIds = new WeakMap<TableAnalysis, Int32Array[]>();

/** The hook bits reaching each chain id (what analyseTable computes), from the edges as ids. */
function hookMasks(table: string, ids: Map<string, number>, to: Int32Array[]): Uint8Array {
  const mask = new Uint8Array(to.length);
  const stack: number[] = [];
  for (const b of BUILTIN_CHAINS[table as keyof typeof BUILTIN_CHAINS]) {
    const bit = HOOK_BIT[b];
    const start = ids.get(b);
    if (start === undefined) continue;
    mask[start] |= bit;
    stack.push(start);
    while (stack.length) {
      const c = stack.pop()!;
      const ts = to[c];
      for (let i = 0; i < ts.length; i++) {
        const n = ts[i];
        if (mask[n] & bit) continue;
        mask[n] |= bit;
        stack.push(n);
      }
    }
  }
  return mask;
}

function analyseTable(graph: TableGraph): TableAnalysis {
  const block = graph.table;
  const known = isTableName(block.name);
  const ids = new Map<string, number>();
  const names: string[] = [];
  const user: boolean[] = [];
  for (const c of graph.chains.values()) {
    ids.set(c.name, names.length);
    names.push(c.name);
    user.push(isUserChain(c));
  }
  const edges: Edge[][] = new Array(names.length);
  const to: Int32Array[] = new Array(names.length);
  for (const c of graph.chains.values()) {
    const id = ids.get(c.name)!;
    const list: Edge[] = [];
    for (const r of c.rules) {
      const t = r.targetName;
      if (t === undefined) continue;
      const tid = ids.get(t);
      if (tid !== undefined && user[tid]) list.push({ rule: r, from: c.name, to: t });
    }
    edges[id] = list;
    const ti = new Int32Array(list.length);
    for (let i = 0; i < list.length; i++) ti[i] = ids.get(list[i].to)!;
    to[id] = ti;
  }
  const mask = known ? hookMasks(block.name, ids, to) : new Uint8Array(names.length);
  return { block, graph, known, ids, names, edges, mask };
}

/** The family a line is read with: `-4`/`-6` on the line, else the document's. */
export function lineFamily(doc: IptablesDocument, cmd: CommandLine): RuleFamily {
  if (cmd.ipVersion === 4) return 'ipv4';
  if (cmd.ipVersion === 6) return 'ipv6';
  return doc.family;
}

/** True when the restore tool for this document skips the line (`-6` in an IPv4 file …). */
export function skippedLine(doc: IptablesDocument, cmd: CommandLine): boolean {
  return (doc.family === 'ipv4' && cmd.ipVersion === 6) || (doc.family === 'ipv6' && cmd.ipVersion === 4);
}

/**
 * The jump rule that completes, last in file order, the earliest path from
 * `hook` to `chain` (nf_tables validates a path when its last piece arrives, so
 * that is the line it blames when the target sits before the jumps). Minimax
 * path over edges weighted by their line; undefined when no path exists.
 */
export function lastJumpOnPath(ta: TableAnalysis, hook: string, chain: string): { rule: CommandLine; line: number; path: Edge[] } | undefined {
  if (hook === chain) return undefined;
  // Dijkstra on max(line), with a binary heap (few chains carry violations).
  const best = new Map<string, number>([[hook, -1]]);
  const via = new Map<string, Edge>();
  const done = new Set<string>();
  const heap: [number, string][] = [[-1, hook]];
  const push = (item: [number, string]) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p][0] <= heap[i][0]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): [number, string] => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  while (heap.length) {
    const [d, c] = pop();
    if (done.has(c)) continue;
    done.add(c);
    if (c === chain) break;
    for (const e of outEdges(ta, c)) {
      const nd = Math.max(d, e.rule.line);
      const old = best.get(e.to);
      if (old === undefined || nd < old) {
        best.set(e.to, nd);
        via.set(e.to, e);
        push([nd, e.to]);
      }
    }
  }
  if (!done.has(chain)) return undefined;
  const path: Edge[] = [];
  let c = chain;
  while (c !== hook) {
    const e = via.get(c);
    if (!e) break;
    path.unshift(e);
    c = e.from;
  }
  let last = path[0];
  for (const e of path) if (e.rule.line > last.rule.line) last = e;
  return last ? { rule: last.rule, line: last.rule.line, path } : undefined;
}
