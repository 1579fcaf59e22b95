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
import { restoreAnalysis, type Edge, type TableAnalysis } from './analysis';

/** NFT_JUMP_STACK_SIZE: nf_tables validation refuses chain level 16 and deeper. */
export const MAX_JUMP_DEPTH = 16;

export function loopFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  for (const ta of restoreAnalysis(doc).tables) if (ta.known) checkTable(ta, out);
  return out;
}

function checkTable(ta: TableAnalysis, out: Finding[]): void {
  // chains some hook reaches: the built-in ones and every user chain with a mask
  const nodes: string[] = [];
  for (const [name, mask] of ta.hooks) if (mask) nodes.push(name);
  const reach = new Set(nodes);
  const comp = scc(nodes, (n) => (ta.out.get(n) ?? []).filter((e) => reach.has(e.to)));
  const size = new Map<number, number>();
  for (const c of comp.values()) size.set(c, (size.get(c) ?? 0) + 1);

  const inLoop = new Set<number>();
  for (const n of nodes) {
    for (const e of ta.out.get(n) ?? []) {
      const same = comp.get(e.from) === comp.get(e.to) && (e.from === e.to || (size.get(comp.get(e.to)!) ?? 0) > 1);
      if (!same) continue;
      inLoop.add(comp.get(e.to)!);
      const cycle = e.from === e.to ? `\`${e.from}\` → \`${e.to}\`` : `\`${e.from}\` → \`${e.to}\` → … → \`${e.from}\``;
      out.push(
        finding('IPT007', e.rule.rule?.target?.nameRange ?? e.rule.range, `this ${e.rule.targetKind === 'goto' ? 'goto' : 'jump'} closes a loop (${cycle}); the kernel refuses loops between chains a packet can reach (iptables-nft-restore: "Too many links")`, {
          data: { from: e.from, to: e.to },
        }),
      );
    }
  }

  // depth: longest jump path from a hook, over the loop-free part (Kahn's order)
  const indeg = new Map<string, number>();
  const edges = (n: string): Edge[] => (ta.out.get(n) ?? []).filter((e) => reach.has(e.to) && comp.get(e.from) !== comp.get(e.to));
  for (const n of nodes) for (const e of edges(n)) indeg.set(e.to, (indeg.get(e.to) ?? 0) + 1);
  const depth = new Map<string, number>();
  const queue: string[] = [];
  for (const n of nodes) {
    if (!indeg.get(n)) {
      queue.push(n);
      depth.set(n, 0);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const n = queue[qi];
    const d = depth.get(n) ?? 0;
    if (inLoop.has(comp.get(n)!)) continue; // reported as a loop; depth is unbounded there
    for (const e of edges(n)) {
      if (d + 1 >= MAX_JUMP_DEPTH) {
        out.push(
          finding('IPT007', e.rule.rule?.target?.nameRange ?? e.rule.range, `this ${e.rule.targetKind === 'goto' ? 'goto' : 'jump'} nests chains ${d + 1} levels deep; nf_tables allows at most ${MAX_JUMP_DEPTH - 1} (iptables-nft-restore: "Too many links")`, {
            data: { from: e.from, to: e.to, depth: d + 1 },
          }),
        );
      }
      if (d + 1 > (depth.get(e.to) ?? -1)) depth.set(e.to, d + 1);
      const left = (indeg.get(e.to) ?? 0) - 1;
      indeg.set(e.to, left);
      if (left === 0) queue.push(e.to);
    }
  }
}

/** Strongly connected components (iterative Tarjan): node → component id. */
function scc(nodes: string[], next: (n: string) => Edge[]): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const comp = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  let counter = 0;
  let id = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { n: string; kids: Edge[]; i: number }[] = [];
    const enter = (n: string) => {
      index.set(n, counter);
      low.set(n, counter++);
      stack.push(n);
      on.add(n);
      work.push({ n, kids: next(n), i: 0 });
    };
    enter(root);
    while (work.length) {
      const f = work[work.length - 1];
      if (f.i < f.kids.length) {
        const w = f.kids[f.i++].to;
        if (!index.has(w)) enter(w);
        else if (on.has(w)) low.set(f.n, Math.min(low.get(f.n)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1].n;
        low.set(u, Math.min(low.get(u)!, low.get(f.n)!));
      }
      if (low.get(f.n) === index.get(f.n)) {
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          comp.set(w, id);
        } while (w !== f.n);
        id++;
      }
    }
  }
  return comp;
}
