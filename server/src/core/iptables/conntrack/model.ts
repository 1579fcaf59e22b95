// The conntrack model of an iptables-save dump: which packets the raw table
// exempts from tracking (NOTRACK classes), and where such packets end up in
// the filter table.
//
// Kernel facts (conntrack-facts §6a, §6c, §6d): the raw table runs before
// conntrack; a packet hit by `-j NOTRACK` or `-j CT --notrack` there becomes
// UNTRACKED and matches no state but UNTRACKED afterwards. Incoming packets
// pass raw PREROUTING and then (for this host) filter INPUT; locally
// generated ones pass raw OUTPUT and then filter OUTPUT.
//
// A class is described by the conditions of the NOTRACK rule, conjoined with
// the conditions of the jumps that lead to it when it sits in a user chain.
// (Rules before it in raw that accept or divert some of those packets are not
// subtracted: the class may be larger than the real one, which can only make
// CT201 warn more, never less.)
//
// The filter walk computes, per chain, what happens to the whole class when it
// enters the chain: some packet reaches a DROP/REJECT (`drop`), or some packet
// comes back to the caller (`returns`). An ACCEPT ends the walk only when it
// takes every packet of the class (subset, and its state test admits
// UNTRACKED); a narrower one lets the rest go on. A RETURN (or a goto) that
// takes only part of the class makes the frame "leaky": those packets continue
// in the caller whatever the rest of the chain does. Every chain is summarised
// once per class (memo), with explicit stacks: no recursion, so loops and
// 20,000-deep chains are safe, and the cost is linear in the rules reached.

import type { CommandLine, IptablesDocument, TableBlock, Token } from '../ast';
import type { Range } from '../../types';
import { chainGraph, type ChainInfo, type TableGraph } from '../chains';
import { findOption, getModule, getTarget, isTerminalTarget } from '../modules';
import { peekCommand } from '../parse';
import { andConds, ruleConds, subset, intersects, type Conds } from './conds';

export type Hook = 'PREROUTING' | 'OUTPUT';

/** Packets one NOTRACK rule exempts from tracking (along one jump path). */
export interface NotrackClass {
  hook: Hook;
  /** The `-j NOTRACK` / `-j CT --notrack` rule. */
  rule: CommandLine;
  /** The conditions every packet of the class satisfies. */
  conds: Conds;
  /** The rule sits in the built-in chain itself (the class is exactly its conditions). */
  direct: boolean;
  /** For direct classes: the rules before it in the built-in chain. */
  before: CommandLine[];
}

/** Per-document analysis state: parsed rule conditions are cached here. */
export interface Analysis {
  doc: IptablesDocument;
  conds(cmd: CommandLine): Conds;
  /** The graph of the last block of the table (iptables-restore flushes a table at `*name`). */
  table(name: string): TableGraph | undefined;
  classes: NotrackClass[];
}

const cache = new WeakMap<IptablesDocument, Analysis>();
/**
 * Each rule's conditions, by line node, across versions: a node's text never changes (an
 * edited line gets a new node) and Conds are never modified once built, so an edit reads
 * again only the rules it touched.
 */
const condsOf = new WeakMap<CommandLine, Conds>();

export function analysis(doc: IptablesDocument): Analysis {
  let a = cache.get(doc);
  if (!a) {
    a = build(doc);
    cache.set(doc, a);
  }
  return a;
}

function build(doc: IptablesDocument): Analysis {
  const conds = (cmd: CommandLine): Conds => {
    let c = condsOf.get(cmd);
    if (!c) {
      c = ruleConds(peekCommand(cmd));
      condsOf.set(cmd, c);
    }
    return c;
  };
  const g = chainGraph(doc);
  const last = new Map<string, TableGraph>();
  for (const t of g.tables) last.set(t.table.name, t);
  const a: Analysis = { doc, conds, table: (n) => last.get(n), classes: [] };
  const raw = last.get('raw');
  if (raw) a.classes = notrackClasses(a, raw);
  return a;
}

/** `-j NOTRACK`, or `-j CT` with `--notrack`. */
export function isNotrack(cmd: CommandLine): boolean {
  const t = cmd.targetName;
  if (t === 'NOTRACK') return true;
  if (t !== 'CT') return false;
  const spec = getTarget('CT');
  const target = peekCommand(cmd).rule?.target;
  return !!spec && !!target && target.options.some((o) => findOption(spec, o.name)?.name === '--notrack');
}

/** A user chain of the table a rule jumps or goes to (undefined for targets and missing chains). */
export function userChain(g: TableGraph, cmd: CommandLine): ChainInfo | undefined {
  const to = cmd.targetName;
  if (to === undefined) return undefined;
  const c = g.chains.get(to);
  return c && !c.builtin && !c.deleted ? c : undefined;
}

const MAX_CLASSES_PER_RULE = 8;
const RAW_BUDGET = 500_000;

interface PathNode {
  rule: CommandLine;
  parent: PathNode | null;
}

/** Every NOTRACK class of the raw table, following jumps from PREROUTING and OUTPUT (iteratively). */
function notrackClasses(a: Analysis, g: TableGraph): NotrackClass[] {
  const out: NotrackClass[] = [];
  const perRule = new Map<CommandLine, number>();
  let steps = 0;
  for (const hook of ['PREROUTING', 'OUTPUT'] as const) {
    const root = g.chains.get(hook);
    if (!root) continue;
    const onStack = new Set<string>([hook]);
    const stack: { c: ChainInfo; i: number; path: PathNode | null }[] = [{ c: root, i: 0, path: null }];
    while (stack.length) {
      const f = stack[stack.length - 1];
      if (f.i >= f.c.rules.length || ++steps > RAW_BUDGET) {
        stack.pop();
        onStack.delete(f.c.name);
        continue;
      }
      const idx = f.i++;
      const r = f.c.rules[idx];
      if (isNotrack(r)) {
        const n = perRule.get(r) ?? 0;
        if (n >= MAX_CLASSES_PER_RULE) continue;
        perRule.set(r, n + 1);
        const list: Conds[] = [a.conds(r)];
        for (let p = f.path; p; p = p.parent) list.push(a.conds(p.rule));
        const direct = f.path === null;
        out.push({ hook, rule: r, conds: list.length === 1 ? list[0] : andConds(list), direct, before: direct ? f.c.rules.slice(0, idx) : [] });
        continue;
      }
      const next = userChain(g, r);
      if (next && !onStack.has(next.name)) {
        onStack.add(next.name);
        stack.push({ c: next, i: 0, path: { rule: r, parent: f.path } });
      }
    }
  }
  return out;
}

// --------------------------------------------------------------- filter walk

/** Where packets of a class are dropped. */
export interface DropHit {
  chain: string;
  /** The DROP/REJECT rule; undefined when the built-in chain's policy drops. */
  rule?: CommandLine;
  /** Index in the walked built-in chain of the rule through which the packets reach the drop (rules.length: the policy). */
  rootIndex: number;
}

export interface WalkResult {
  drop?: DropHit;
  /** The walk gave up (work budget): no verdict. */
  aborted?: boolean;
  /** ACCEPT rules met on the way whose only obstacle for the class is a state list without UNTRACKED. */
  candidates: CommandLine[];
}

export interface WalkOptions {
  /** Treat these rules as ACCEPTs that take the whole class (to check a fix). */
  asCovering?: ReadonlySet<CommandLine>;
  /** Pretend a covering ACCEPT sits at this index of the built-in chain (to check a fix). */
  injectAt?: number;
}

interface Outcome {
  drop?: DropHit;
  returns: boolean;
}

interface Frame {
  c: ChainInfo;
  i: number;
  leaky: boolean;
  via?: { goto: boolean; covers: boolean };
}

const DROP_TARGETS = new Set(['DROP', 'REJECT', 'TARPIT']);
const WALK_BUDGET = 2_000_000;

/** A state list we could extend with UNTRACKED: the rule's only state/conntrack match, one `--state`/`--ctstate`, not negated. */
export function stateListOption(cmd: CommandLine): { match: 'state' | 'conntrack'; value: Token } | undefined {
  const rule = peekCommand(cmd).rule;
  if (!rule) return undefined;
  let found: { match: 'state' | 'conntrack'; value: Token } | undefined;
  for (const m of rule.matches) {
    if (m.name !== 'state' && m.name !== 'conntrack') continue;
    if (found || m.options.length !== 1) return undefined;
    const o = m.options[0];
    const spec = getModule(m.name);
    const want = m.name === 'state' ? '--state' : '--ctstate';
    if (!spec || findOption(spec, o.name)?.name !== want || o.negated || o.values.length !== 1) return undefined;
    found = { match: m.name, value: o.values[0] };
  }
  return found;
}

function isCandidate(a: Analysis, K: Conds, r: CommandLine): boolean {
  if (r.targetName !== 'ACCEPT') return false;
  const c = a.conds(r);
  if (c.state !== false) return false;
  const opt = stateListOption(r);
  if (!opt) return false;
  const names = opt.value.value.toUpperCase().split(',');
  if (!names.includes('ESTABLISHED') && !names.includes('RELATED')) return false;
  return subset(K, { ...c, state: null }, true);
}

/**
 * Walks the class `K` through the built-in chain `root` of the filter table
 * graph `g` and reports the first place where some of its packets are dropped.
 */
export function walk(a: Analysis, g: TableGraph, root: string, K: Conds, opts: WalkOptions = {}): WalkResult {
  const start = g.chains.get(root);
  const candidates: CommandLine[] = [];
  if (!start) return { candidates };
  const memo = new Map<string, Outcome>();
  const onStack = new Set<string>([root]);
  const stack: Frame[] = [{ c: start, i: 0, leaky: false }];
  let delivered: Outcome | undefined;
  let final: Outcome | undefined;
  let steps = 0;
  const finish = (f: Frame, out: Outcome): void => {
    stack.pop();
    onStack.delete(f.c.name);
    if (!stack.length) {
      if (out.drop && out.drop.rootIndex < 0) out = { ...out, drop: { ...out.drop, rootIndex: f.i - 1 } };
      final = out;
      return;
    }
    memo.set(f.c.name, out);
    delivered = out;
  };
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (delivered) {
      const out = delivered;
      delivered = undefined;
      const via = f.via!;
      f.via = undefined;
      if (out.drop) finish(f, { drop: out.drop, returns: false });
      else if (!via.goto) {
        if (!out.returns && via.covers) finish(f, { returns: f.leaky });
      } else if (via.covers) finish(f, { returns: out.returns || f.leaky });
      else if (out.returns) f.leaky = true;
      continue;
    }
    if (stack.length === 1 && opts.injectAt === f.i) {
      opts = { ...opts, injectAt: undefined };
      finish(f, { returns: f.leaky });
      continue;
    }
    if (f.i >= f.c.rules.length) {
      finish(f, { returns: true });
      continue;
    }
    if (++steps > WALK_BUDGET) return { aborted: true, candidates };
    const r = f.c.rules[f.i++];
    const target = r.targetName;
    if (target === undefined) continue;
    if (opts.asCovering?.has(r)) {
      finish(f, { returns: f.leaky });
      continue;
    }
    const c = a.conds(r);
    if (target === 'ACCEPT' && isCandidate(a, K, r)) candidates.push(r);
    if (!intersects(K, c, true)) continue;
    const covers = subset(K, c, true);
    if (target === 'ACCEPT') {
      if (covers) finish(f, { returns: f.leaky });
      continue;
    }
    const next = userChain(g, r);
    if (next) {
      const goto = r.targetKind === 'goto';
      if (onStack.has(next.name)) {
        // a loop (iptables-restore refuses it): assume the packets come back
        if (goto && covers) finish(f, { returns: true });
        else if (goto) f.leaky = true;
        continue;
      }
      f.via = { goto, covers };
      const done = memo.get(next.name);
      if (done) delivered = done;
      else {
        onStack.add(next.name);
        stack.push({ c: next, i: 0, leaky: false });
      }
      continue;
    }
    if (DROP_TARGETS.has(target)) {
      finish(f, { drop: { chain: f.c.name, rule: r, rootIndex: -1 }, returns: false });
      continue;
    }
    if (target === 'RETURN') {
      if (covers) finish(f, { returns: true });
      else f.leaky = true;
      continue;
    }
    // other verdicts (QUEUE, NFQUEUE …) end the packet's walk without a drop we can name
    if (isTerminalTarget(target) && covers) finish(f, { returns: f.leaky });
  }
  const out = final as Outcome | undefined;
  if (!out) return { candidates };
  if (out.drop) return { drop: out.drop, candidates };
  const info = g.chains.get(root)!;
  if (out.returns && info.policy !== undefined && info.policy !== 'ACCEPT') return { drop: { chain: root, rootIndex: info.rules.length }, candidates };
  return { candidates };
}

/** The filter chain a hook's packets go to next (for this host). */
export function filterRoot(hook: Hook): 'INPUT' | 'OUTPUT' {
  return hook === 'PREROUTING' ? 'INPUT' : 'OUTPUT';
}

/** The line that sets a built-in chain's final policy: the last `-P` command, else the last `:NAME` line. */
export function policyLine(t: TableBlock, chain: string): { line: number; range: Range } | undefined {
  for (let i = t.commands.length - 1; i >= 0; i--) {
    const c = t.commands[i];
    if (c.command === 'P' && c.chainName === chain) return { line: c.line, range: c.range };
  }
  for (let i = t.chains.length - 1; i >= 0; i--) {
    const d = t.chains[i];
    if (d.name === chain && !d.fromCommand) return { line: d.line, range: d.range };
  }
  return undefined;
}

/**
 * Built-in chains from which `chain` is reached (following jumps and gotos
 * backwards through `refs`; iteratively). A built-in chain maps to itself.
 */
export function entryChains(g: TableGraph, chain: string): Set<string> {
  const out = new Set<string>();
  const start = g.chains.get(chain);
  if (!start) return out;
  const seen = new Set<string>([chain]);
  const queue: ChainInfo[] = [start];
  while (queue.length) {
    const c = queue.pop()!;
    if (c.builtin) {
      out.add(c.name);
      continue;
    }
    for (const r of c.refs) {
      const from = r.chainName;
      if (from === undefined || seen.has(from)) continue;
      seen.add(from);
      const p = g.chains.get(from);
      if (p) queue.push(p);
    }
  }
  return out;
}
