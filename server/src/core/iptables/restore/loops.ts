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
import { restoreAnalysis, type TableAnalysis } from './analysis';

/** NFT_JUMP_STACK_SIZE: nf_tables validation refuses chain level 16 and deeper. */
export const MAX_JUMP_DEPTH = 16;

export function loopFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  for (const ta of restoreAnalysis(doc).tables) if (ta.known) checkTable(ta, out);
  return out;
}

function checkTable(ta: TableAnalysis, out: Finding[]): void {
  const n = ta.names.length;
  const reached = ta.mask;
  // edge targets by id (every edge out of a reached chain leads to a reached chain)
  const targets: Int32Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const es = ta.edges[i];
    const t = new Int32Array(es.length);
    for (let k = 0; k < es.length; k++) t[k] = ta.ids.get(es[k].to)!;
    targets[i] = t;
  }
  const comp = scc(n, reached, targets);
  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) if (comp[i] >= 0) size[comp[i]]++;

  const inLoop = new Uint8Array(n); // by component id
  for (let i = 0; i < n; i++) {
    if (!reached[i]) continue;
    const es = ta.edges[i];
    for (let k = 0; k < es.length; k++) {
      const j = targets[i][k];
      if (comp[i] !== comp[j] || (i !== j && size[comp[j]] < 2)) continue;
      const e = es[k];
      inLoop[comp[j]] = 1;
      const cycle = e.from === e.to ? `\`${e.from}\` → \`${e.to}\`` : `\`${e.from}\` → \`${e.to}\` → … → \`${e.from}\``;
      out.push(
        finding('IPT007', e.rule.rule?.target?.nameRange ?? e.rule.range, `this ${e.rule.targetKind === 'goto' ? 'goto' : 'jump'} closes a loop (${cycle}); the kernel refuses loops between chains a packet can reach (iptables-nft-restore: "Too many links")`, {
          data: { from: e.from, to: e.to },
        }),
      );
    }
  }

  // depth: longest jump path from a hook, over the loop-free part (Kahn's order)
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!reached[i]) continue;
    for (const j of targets[i]) if (comp[j] !== comp[i]) indeg[j]++;
  }
  const depth = new Int32Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (reached[i] && !indeg[i]) queue.push(i);
  for (let qi = 0; qi < queue.length; qi++) {
    const i = queue[qi];
    if (inLoop[comp[i]]) continue; // reported as a loop; depth is unbounded there
    const d = depth[i];
    const es = ta.edges[i];
    for (let k = 0; k < es.length; k++) {
      const j = targets[i][k];
      if (comp[j] === comp[i]) continue;
      if (d + 1 >= MAX_JUMP_DEPTH) {
        const e = es[k];
        out.push(
          finding('IPT007', e.rule.rule?.target?.nameRange ?? e.rule.range, `this ${e.rule.targetKind === 'goto' ? 'goto' : 'jump'} nests chains ${d + 1} levels deep; nf_tables allows at most ${MAX_JUMP_DEPTH - 1} (iptables-nft-restore: "Too many links")`, {
            data: { from: e.from, to: e.to, depth: d + 1 },
          }),
        );
      }
      if (d + 1 > depth[j]) depth[j] = d + 1;
      if (--indeg[j] === 0) queue.push(j);
    }
  }
}

/** Strongly connected components of the reached chains (iterative Tarjan): id → component id (-1: not reached). */
function scc(n: number, reached: Uint8Array, targets: Int32Array[]): Int32Array {
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
