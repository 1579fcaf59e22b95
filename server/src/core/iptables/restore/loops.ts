// IPT007: jumps nf_tables refuses ("Too many links", ELOOP-like), checked with
// iptables-nft-restore 1.8.9 in `unshare -n`:
//  - a loop of jumps/gotos (`-A A -j A`, A → B → A) on chains a built-in chain
//    reaches; loops among chains nothing reaches are accepted;
//  - nesting deeper than the nf_tables jump stack (16): a jump into a chain 16
//    jumps away from its hook fails (iptables-legacy accepts deeper nesting).
// Every rule whose jump closes or continues a loop is reported (restore blames
// the one it adds last), and every jump that goes past the depth limit.

import { finding } from '../../codes';
import type { Finding } from '../../types';
import type { IptablesDocument } from '../ast';
import { lineEdit, moveFinding } from '../incremental';
import { edgesChangedBy, edgesVersion, edgeTargets, restoreAnalysis, type ChainIds, type TableAnalysis } from './analysis';

/** NFT_JUMP_STACK_SIZE: nf_tables validation refuses chain level 16 and deeper. */
export const MAX_JUMP_DEPTH = 16;

/** One table's findings and what they were computed from. */
interface TablePart {
  findings: Finding[];
  /** edgesVersion() and hook masks of the table analysis at the time. */
  version: number;
  mask: Uint8Array;
  /**
   * Without findings: an upper bound of each reached chain's depth (jumps from a
   * hook; exact after a whole pass), so that an added jump can be judged alone.
   */
  depth?: Int32Array;
}

interface LoopResult {
  tables: TableAnalysis[];
  parts: (TablePart | undefined)[];
}

const cache = new WeakMap<IptablesDocument, LoopResult>();

export function loopFindings(doc: IptablesDocument): Finding[] {
  let r = cache.get(doc);
  if (!r) {
    r = patched(doc) ?? run(doc);
    cache.set(doc, r);
  }
  const out: Finding[] = [];
  for (const p of r.parts) if (p) for (const f of p.findings) out.push(f);
  return out;
}

function run(doc: IptablesDocument): LoopResult {
  const tables = restoreAnalysis(doc).tables;
  return { tables: tables.slice(), parts: tables.map((ta) => (ta.known ? part(ta) : undefined)) };
}

function part(ta: TableAnalysis): TablePart {
  const findings: Finding[] = [];
  const depth = checkTable(ta, findings);
  const p: TablePart = { findings, version: edgesVersion(ta), mask: ta.mask };
  if (!findings.length) p.depth = depth;
  return p;
}

/**
 * A table without loops or too deep nesting after an edit that changed the jumps
 * of one chain: still none when nothing below the chains it now jumps to (and did
 * not before) leads back to it or into a loop, and the depths there stay within
 * the limit. Undefined when that does not hold (or cannot be told).
 */
function addedJumps(ta: TableAnalysis, old: TablePart): TablePart | undefined {
  const version = edgesVersion(ta);
  const before = old.depth && version === old.version + 1 ? edgesChangedBy(ta, version) : undefined;
  if (!before) return undefined;
  const targets = edgeTargets(ta);
  // the chain that now jumps to chains it did not jump to (taking jumps out makes no
  // loop and no chain deeper: the depths kept stay upper bounds); one at most
  let u = -1;
  let added = new Set<number>();
  for (const [id, was] of before) {
    const had = new Set<number>();
    for (let k = 0; k < was.length; k++) had.add(was[k]);
    const now = targets[id];
    const add = new Set<number>();
    for (let k = 0; k < now.length; k++) if (!had.has(now[k])) add.add(now[k]);
    if (!add.size) continue;
    if (u >= 0) return undefined;
    u = id;
    added = add;
  }
  const depth = old.depth!.slice();
  if (u < 0) return { findings: [], version, mask: ta.mask, depth };
  if (!ta.mask[u]) return { findings: [], version, mask: ta.mask, depth }; // an unreached chain's jumps count for nothing
  if (!old.mask[u]) return undefined;
  for (const v of added) {
    // the chains below v, in an order where a chain comes after every chain above it (reverse post-order)
    const state = new Map<number, number>(); // 1: on the walk, 2: done
    const post: number[] = [];
    const stack: number[] = [v];
    const next: number[] = [0];
    state.set(v, 1);
    while (stack.length) {
      const top = stack.length - 1;
      const x = stack[top];
      const ts = targets[x];
      if (next[top] < ts.length) {
        const y = ts[next[top]++];
        if (y === u) return undefined; // the new jump closes a loop
        const st = state.get(y);
        if (st === 1) return undefined; // a loop below it (it may be reached now)
        if (st === undefined) {
          state.set(y, 1);
          stack.push(y);
          next.push(0);
        }
        continue;
      }
      stack.pop();
      next.pop();
      state.set(x, 2);
      post.push(x);
    }
    const base = depth[u] + 1;
    const far = new Map<number, number>([[v, 0]]); // longest path from v
    for (let i = post.length - 1; i >= 0; i--) {
      const x = post[i];
      const lx = far.get(x)!;
      const d = Math.max(depth[x], base + lx);
      if (d >= MAX_JUMP_DEPTH - 1 && targets[x].length) return undefined;
      depth[x] = d;
      const ts = targets[x];
      for (let k = 0; k < ts.length; k++) if ((far.get(ts[k]) ?? -1) < lx + 1) far.set(ts[k], lx + 1);
    }
  }
  return { findings: [], version, mask: ta.mask, depth };
}

/**
 * After an incremental re-parse whose restore analysis was patched: a table whose
 * edges lead to the same chains as before, with the same hook masks, has the same
 * loops and depths; its findings (each on its own jump's line) move with their
 * lines, unless one sits on an edited line (its range may change). Other tables
 * are checked again.
 */
function patched(doc: IptablesDocument): LoopResult | undefined {
  const e = lineEdit(doc);
  const p = e && cache.get(e.prev);
  if (!e || !p) return undefined;
  const tables = restoreAnalysis(doc).tables;
  if (tables.length !== p.tables.length || tables.some((t, i) => t !== p.tables[i])) return undefined;
  const parts = tables.map((ta, i): TablePart | undefined => {
    const old = p.parts[i];
    if (!ta.known || !old) return old;
    const same = old.version === edgesVersion(ta) && (old.mask === ta.mask || old.mask.every((m, k) => m === ta.mask[k]));
    if (same && !old.findings.some((f) => f.range.start.line >= e.first && f.range.start.line <= e.after)) {
      const findings = e.delta ? old.findings.map((f) => (f.range.start.line > e.after ? moveFinding(f, e.delta) : f)) : old.findings;
      const q: TablePart = { findings, version: old.version, mask: ta.mask };
      if (old.depth) q.depth = old.depth;
      return q;
    }
    return addedJumps(ta, old) ?? part(ta);
  });
  return { tables: p.tables, parts };
}

/** Writes the table's findings to `out`; returns the depth of each chain (exact when there is no loop). */
function checkTable(ta: TableAnalysis, out: Finding[]): Int32Array {
  const n = ta.names.length;
  const reached = ta.mask;
  // edge targets by id (every edge out of a reached chain leads to a reached chain)
  const targets = edgeTargets(ta);
  // without loops (the usual case) the depth pass alone decides: every reached chain gets its turn
  const depthOnly: Finding[] = [];
  const plain = depths(ta, targets, reached, undefined, undefined, depthOnly);
  if (plain) {
    for (const f of depthOnly) out.push(f);
    return plain;
  }
  const comp = scc(n, reached, targets);
  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) if (comp[i] >= 0) size[comp[i]]++;

  const inLoop = new Uint8Array(n); // by component id
  for (let i = 0; i < n; i++) {
    if (!reached[i]) continue;
    const ts = targets[i];
    for (let k = 0; k < ts.length; k++) {
      const j = ts[k];
      if (comp[i] !== comp[j] || (i !== j && size[comp[j]] < 2)) continue;
      const e = ta.edges[i][k]; // (the edges are built only for a finding)
      inLoop[comp[j]] = 1;
      const cycle = e.from === e.to ? `\`${e.from}\` → \`${e.to}\`` : `\`${e.from}\` → \`${e.to}\` → … → \`${e.from}\``;
      out.push(
        finding('IPT007', e.rule.rule?.target?.nameRange ?? e.rule.range, `this ${e.rule.targetKind === 'goto' ? 'goto' : 'jump'} closes a loop (${cycle}); the kernel refuses loops between chains a packet can reach (iptables-nft-restore: "Too many links")`, {
          data: { from: e.from, to: e.to },
        }),
      );
    }
  }

  return depths(ta, targets, reached, comp, inLoop, out)!;
}

/**
 * Depth: the longest jump path from a hook, over the loop-free part (Kahn's
 * order), with a finding for each jump past the limit. Without `comp` (every
 * chain its own component): undefined when a loop keeps some reached chain from
 * its turn (then nothing is written to `out`).
 */
function depths(ta: TableAnalysis, targets: ChainIds[], reached: Uint8Array, comp: Int32Array | undefined, inLoop: Uint8Array | undefined, out: Finding[]): Int32Array | undefined {
  const n = ta.names.length;
  const same = (i: number, j: number) => (comp ? comp[i] === comp[j] : i === j);
  const indeg = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!reached[i]) continue;
    count++;
    const ts = targets[i];
    for (let k = 0; k < ts.length; k++) if (!same(ts[k], i)) indeg[ts[k]]++;
    else if (!comp) return undefined; // a chain that jumps to itself
  }
  const depth = new Int32Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (reached[i] && !indeg[i]) queue.push(i);
  const found: Finding[] = comp ? out : [];
  for (let qi = 0; qi < queue.length; qi++) {
    const i = queue[qi];
    if (comp && inLoop![comp[i]]) continue; // reported as a loop; depth is unbounded there
    const d = depth[i];
    const ts = targets[i];
    for (let k = 0; k < ts.length; k++) {
      const j = ts[k];
      if (same(j, i)) continue;
      if (d + 1 >= MAX_JUMP_DEPTH) {
        const e = ta.edges[i][k];
        found.push(
          finding('IPT007', e.rule.rule?.target?.nameRange ?? e.rule.range, `this ${e.rule.targetKind === 'goto' ? 'goto' : 'jump'} nests chains ${d + 1} levels deep; nf_tables allows at most ${MAX_JUMP_DEPTH - 1} (iptables-nft-restore: "Too many links")`, {
            data: { from: e.from, to: e.to, depth: d + 1 },
          }),
        );
      }
      if (d + 1 > depth[j]) depth[j] = d + 1;
      if (--indeg[j] === 0) queue.push(j);
    }
  }
  if (!comp) {
    if (queue.length < count) return undefined; // a loop: some reached chain never had its turn
    for (const f of found) out.push(f);
  }
  return depth;
}

/** Strongly connected components of the reached chains (iterative Tarjan): id → component id (-1: not reached). */
function scc(n: number, reached: Uint8Array, targets: ChainIds[]): Int32Array {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const work: number[] = []; // node ids
  const next: number[] = []; // next child index per frame
  let counter = 0;
  let id = 0;
  for (let root = 0; root < n; root++) {
    if (!reached[root] || index[root] >= 0) continue;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    work.push(root);
    next.push(0);
    while (work.length) {
      const top = work.length - 1;
      const v = work[top];
      const kids = targets[v];
      if (next[top] < kids.length) {
        const w = kids[next[top]++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push(w);
          next.push(0);
        } else if (onStack[w] && index[w] < low[v]) low[v] = index[w];
        continue;
      }
      work.pop();
      next.pop();
      if (work.length) {
        const u = work[work.length - 1];
        if (low[v] < low[u]) low[u] = low[v];
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = id;
        } while (w !== v);
        id++;
      }
    }
  }
  return comp;
}
