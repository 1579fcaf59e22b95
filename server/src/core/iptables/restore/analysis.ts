// What the restore-level checks share: for each table, the chain graph after
// restore (../chains.ts), the jump edges between chains, and for every chain the
// set of built-in hooks whose packets can reach it through jumps and gotos.
// The kernel checks target and match placement against that set (x_tables
// mark_source_chains; nf_tables chain validation), and nf_tables refuses loops
// and nesting only on chains a hook reaches.
//
// Built once per document (WeakMap); linear in the number of rules. The edges are
// kept as chain ids; the Edge objects are built on first read (loop and placement
// findings need them, most documents never do).

import type { CommandLine, IptablesDocument, TableBlock } from '../ast';
import { BUILTIN_CHAINS, isTableName } from '../ast';
import { chainGraph, resolvedTargets, type ChainInfo, type TableGraph } from '../chains';
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
  readonly rule: CommandLine;
  from: string;
  to: string;
}

export interface TableAnalysis {
  block: TableBlock;
  graph: TableGraph;
  /** One of the five tables iptables knows. */
  known: boolean;
  /** Chain name → dense id (every chain of the graph; the id is `ChainInfo.order`). */
  readonly ids: Map<string, number>;
  names: string[];
  /** Outgoing edges (to user chains) of each chain id, in rule order (built on first read). */
  readonly edges: Edge[][];
  /** Hook bits reaching each chain id (a built-in chain is reached by its own hook). */
  mask: Uint8Array;
}

/** Edges out of chain `name` to user chains. */
export function outEdges(ta: TableAnalysis, name: string): Edge[] {
  const id = idOf(ta, name);
  return id === undefined ? [] : ta.edges[id];
}

/** Hook bits that reach chain `name` (0: nothing reaches it). */
export function hookMask(ta: TableAnalysis, name: string): number {
  const id = idOf(ta, name);
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
 * the previous version's analysis (an edge reads its rule through the chain's
 * position: swapped or moved nodes need nothing), the edges of chains whose
 * jumps changed built again, and the hook masks widened (jumps only added) or
 * recomputed when edges changed. It then belongs to `doc`.
 */
function patched(doc: IptablesDocument, g: ReturnType<typeof chainGraph>): RestoreAnalysis | undefined {
  const e = structuralEdit(doc);
  const a = e && cache.get(e.prev);
  const ta = a && a.byBlock.get(e.table);
  if (!e || !a || !ta || a.tables.length !== g.tables.length || a.tables.some((x, i) => x.graph !== g.tables[i])) return undefined;
  const redo = new Set<string>();
  // (edges read their rule through the chain's position: a swapped or moved node needs nothing)
  for (const [from, to] of e.replaced) if (from.targetName !== to.targetName && from.chainName !== undefined && ta.graph.chains.has(from.chainName)) redo.add(from.chainName);
  if (e.delta) {
    // the tables further down have new blocks
    for (const x of a.tables) {
      if (x === ta || x.block.startLine < e.table.startLine) continue;
      a.byBlock.delete(x.block);
      x.block = x.graph.table;
      a.byBlock.set(x.block, x);
    }
    // a chain with rules taken out or put in: positions moved
    for (const r of [...e.removed, ...e.added]) if (r.chainName !== undefined) redo.add(r.chainName);
  }
  if (redo.size) {
    // the edges (once built) and the edges as chain ids: only the redone chains change
    const to = edgeTargets(ta);
    const built = ta instanceof Analysed ? ta.built : ta.edges;
    const before = new Map<number, ChainIds>();
    for (const name of redo) {
      const c = ta.graph.chains.get(name);
      if (!c) continue;
      const id = c.order;
      before.set(id, to[id]);
      const tids: number[] = [];
      const list = chainEdges(ta.graph, c, undefined, undefined, tids, !!built);
      if (built) built[id] = list;
      to[id] = tids;
    }
    const version = edgesVersion(ta) + 1;
    edgeVersions.set(ta, version);
    edgeChanges.set(ta, { version, before });
    if (ta.known) ta.mask = (before.size === redo.size && widened(ta.mask, to, before)) || hookMasks(ta.graph, to);
  }
  a.byBlock.delete(e.table);
  ta.block = e.next;
  a.byBlock.set(e.next, ta);
  cache.delete(e.prev);
  return a;
}

/**
 * The hook masks after chains only gained jumps (every old target of each changed
 * chain is still one): the old masks with the bits of each changed chain carried
 * to what it now reaches. Undefined when a chain lost a target (then masks may
 * shrink: computed again).
 */
function widened(old: Uint8Array, to: ChainIds[], before: Map<number, ChainIds>): Uint8Array | undefined {
  for (const [id, was] of before) {
    const now = new Set<number>();
    const ts = to[id];
    for (let k = 0; k < ts.length; k++) now.add(ts[k]);
    for (let k = 0; k < was.length; k++) if (!now.has(was[k])) return undefined;
  }
  const mask = old.slice();
  const stack: number[] = [];
  for (const id of before.keys()) if (mask[id]) spread(mask, to, id, mask[id], stack);
  return mask;
}

/** Adds `bits` to the mask of chain `from` and of every chain it reaches through `to`. */
function spread(mask: Uint8Array, to: ChainIds[], from: number, bits: number, stack: number[]): void {
  mask[from] |= bits;
  stack.push(from);
  while (stack.length) {
    const c = stack.pop()!;
    const ts = to[c];
    for (let k = 0; k < ts.length; k++) {
      const n = ts[k];
      if ((mask[n] & bits) === bits) continue;
      mask[n] |= bits;
      stack.push(n);
    }
  }
}

/** A table analysis whose edges are built on first read (most documents need them as chain ids only). */
class Analysed implements TableAnalysis {
  built: Edge[][] | undefined;
  #ids: Map<string, number> | undefined;
  constructor(
    public block: TableBlock,
    readonly graph: TableGraph,
    readonly known: boolean,
    readonly names: string[],
    public mask: Uint8Array,
  ) {}
  /** Chain name → id (the chain's position in the graph's map, `ChainInfo.order`), built on first read. */
  get ids(): Map<string, number> {
    if (!this.#ids) {
      const m = new Map<string, number>();
      this.names.forEach((n, i) => m.set(n, i));
      this.#ids = m;
    }
    return this.#ids;
  }
  get edges(): Edge[][] {
    if (!this.built) {
      const user = this.names.map((n) => isUserChain(this.graph.chains.get(n)));
      this.built = this.names.map((n) => chainEdges(this.graph, this.graph.chains.get(n)!, this.names, user, undefined, true));
    }
    return this.built;
  }
}

/** The id of chain `name` in `ta` (undefined: no such chain). */
function idOf(ta: TableAnalysis, name: string): number | undefined {
  return ta.graph.chains.get(name)?.order;
}

/** An edge that reads its rule through its chain's position: rule nodes moved or swapped by an edit need no update. */
class ChainEdge implements Edge {
  constructor(
    private readonly chain: ChainInfo,
    private readonly index: number,
    readonly from: string,
    readonly to: string,
  ) {}
  get rule(): CommandLine {
    return this.chain.rules[this.index];
  }
}

/** The edges out of chain `c` (rules that jump or go to a user chain), in rule order; their target ids go to `tids`. */
function chainEdges(graph: TableGraph, c: ChainInfo, names: string[] | undefined, user: boolean[] | undefined, tids: number[] | undefined, make: boolean): Edge[] {
  const list: Edge[] = [];
  const rules = c.rules;
  let lastName: string | undefined;
  let last: ChainInfo | undefined;
  for (let i = 0; i < rules.length; i++) {
    const t = rules[i].targetName;
    if (t === undefined) continue;
    // consecutive rules often jump to the same chain (ids are the chains' positions in the map)
    const to = t === lastName ? last : graph.chains.get(t);
    lastName = t;
    last = to;
    if (!to || !(user ? user[to.order] : isUserChain(to))) continue;
    if (make) list.push(new ChainEdge(c, i, c.name, names ? names[to.order] : t));
    tids?.push(to.order);
  }
  return list;
}

/** Chain ids (plain arrays: most chains jump to one or three others). */
export type ChainIds = readonly number[];

/** Edges as target chain ids per chain id (kept per analysis; patched() redoes the changed chains). */
const targetIds = new WeakMap<TableAnalysis, ChainIds[]>();

/** The targets of `ta.edges` as chain ids: `edgeTargets(ta)[id][k]` is the id of `ta.edges[id][k].to`. */
export function edgeTargets(ta: TableAnalysis): ChainIds[] {
  let to = targetIds.get(ta);
  if (!to) {
    to = ta.edges.map((list) => list.map((x) => ta.ids.get(x.to)!));
    targetIds.set(ta, to);
  }
  return to;
}

/** How many times patched() changed the edges (their targets) of a table analysis. */
const edgeVersions = new WeakMap<TableAnalysis, number>();

/** What the last patch changed: the previous targets (`edgeTargets`) of each chain whose edges it redid. */
const edgeChanges = new WeakMap<TableAnalysis, { version: number; before: Map<number, ChainIds> }>();

/**
 * The chains whose edges the edit that made edgesVersion() `version` redid, with
 * their targets before it (undefined when that is not the last edit, or unknown).
 */
export function edgesChangedBy(ta: TableAnalysis, version: number): Map<number, ChainIds> | undefined {
  const c = edgeChanges.get(ta);
  return c && c.version === version && c.before.size ? c.before : undefined;
}

/**
 * A number that changes whenever an edit changes which chains the edges of `ta`
 * lead to (the rule nodes of edges may be swapped or moved without changing it).
 */
export function edgesVersion(ta: TableAnalysis): number {
  return edgeVersions.get(ta) ?? 0;
}

/** The hook bits reaching each chain id (what analyseTable computes), from the edges as ids. */
function hookMasks(graph: TableGraph, to: ChainIds[]): Uint8Array {
  const mask = new Uint8Array(to.length);
  const stack: number[] = [];
  for (const b of BUILTIN_CHAINS[graph.table.name as keyof typeof BUILTIN_CHAINS]) {
    const start = graph.chains.get(b)?.order;
    if (start !== undefined) spread(mask, to, start, HOOK_BIT[b], stack);
  }
  return mask;
}

const NO_IDS: ChainIds = Object.freeze([]);

function analyseTable(graph: TableGraph): TableAnalysis {
  const block = graph.table;
  const known = isTableName(block.name);
  const names: string[] = [];
  const user: boolean[] = [];
  for (const c of graph.chains.values()) {
    names.push(c.name);
    user.push(isUserChain(c));
  }
  const to: ChainIds[] = new Array(names.length);
  const tids: number[] = [];
  // the graph's own reading of each rule's target, while it is fresh (no lookups by name)
  const resolved = resolvedTargets(graph);
  let k = 0;
  let id = 0;
  for (const c of graph.chains.values()) {
    tids.length = 0;
    if (resolved) {
      for (let i = 0; i < c.rules.length; i++) {
        const t = resolved[k++];
        if (t >= 0 && user[t]) tids.push(t);
      }
    } else chainEdges(graph, c, names, user, tids, false);
    to[id] = tids.length ? tids.slice() : NO_IDS;
    id++;
  }
  const mask = known ? hookMasks(graph, to) : new Uint8Array(names.length);
  const ta = new Analysed(block, graph, known, names, mask);
  targetIds.set(ta, to);
  return ta;
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
