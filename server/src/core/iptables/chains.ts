// The chain graph of each table: which rules end up in which chain after
// iptables-restore runs the file, which chains jump to which, who references
// whom, and the worst-case number of rule evaluations for one packet.
//
// Built once per parsed document (WeakMap cache) from the cheap per-line fields
// (`chainName`, `targetName`), so a 150k-line kube-proxy dump costs no token
// building; only the rare -I/-R/-D/-E/-P lines are read in full.
//
// Worst case for one packet entering chain C:
//     eval(C) = rules(C) + max over the user chains C jumps or goes to of eval(target)
// i.e. the packet is tested against every rule of C and, in the worst case,
// enters the single most expensive chain it can branch into (through every
// level below). A jump that closes a loop counts 0 there (iptables-restore
// rejects loops anyway; the number stays finite). Computed iteratively: 20,000
// nested chains do not grow the call stack.

import type { ChainLine, CommandLine, IptablesDocument, TableBlock } from './ast';
import { BUILTIN_CHAINS, isTableName } from './ast';
import { onlyANP, structuralEdit } from './incremental';
import { peekCommand } from './parse';
import { firstAtOrAfter } from '../text';

export interface ChainInfo {
  table: string;
  name: string;
  /** `:NAME` lines and `-N NAME` commands, in file order. */
  decls: ChainLine[];
  builtin: boolean;
  /** The policy after restore (`:NAME POLICY` or a later `-P`), built-in chains only. */
  policy?: string;
  /** The rules the chain holds after restore, in order. */
  rules: CommandLine[];
  /** Rules (after restore) of any chain in the table that jump or go to this one. */
  refs: CommandLine[];
  /** Deleted by `-X` (or renamed away by `-E`) by the end of the table. */
  deleted?: boolean;
  /** The user chains its rules jump or go to (each once), filled with `refs`. */
  kids: ChainInfo[];
  /** Its position in the table's `chains` map (references are kept in that order of their chains). */
  order: number;
  /**
   * At least the last line of any rule in `refs`, once a patch walked them
   * (else Infinity): a later patch below it need not walk them again (internal to this module).
   */
  refsTop: number;
}

export interface TableGraph {
  table: TableBlock;
  chains: Map<string, ChainInfo>;
  /** Rules in the table after restore. */
  ruleCount: number;
  /** Worst-case evaluations by chain `order`, filled on first use. */
  evalArr?: (Evaluation | undefined)[];
  /** The same by chain name, made when asked for (see evaluations()). */
  evals?: Map<string, Evaluation>;
  /** Chains an edit changed (see patched()): `evalArr` lacks them until the next use. */
  evalsStale?: Set<ChainInfo>;
  /** A chain of `evals` closes a loop. */
  evalsLoop?: boolean;
}

export interface Evaluation {
  /** rules(C) + the worst jumped-to chain's evaluation. */
  worst: number;
  /** The jumped-to chain that gives the worst case (see worstPath). */
  via?: string;
  /** A jump on the way closes a loop (counted as 0). */
  loop: boolean;
}

export interface ChainGraph {
  tables: TableGraph[];
  byTable: Map<TableBlock, TableGraph>;
}

const cache = new WeakMap<IptablesDocument, ChainGraph>();
/** Each rule's target chain (its `order`, or -1: no user chain) as build() read it, in chain and rule order, until the first patch. */
const fresh = new WeakMap<TableGraph, Int32Array>();

/**
 * What build() read as each rule's target in a table: the `order` of the user
 * chain (not built in, not deleted) each rule jumps or goes to, or -1, for the
 * rules of every chain in map order. Undefined once the graph was patched (or
 * read before: it is handed out once, to spare the reader's lookups by name).
 */
export function resolvedTargets(tg: TableGraph): Int32Array | undefined {
  const r = fresh.get(tg);
  fresh.delete(tg);
  return r;
}

/** Tables with -E or -D RULESPEC lines: there a rule's text can move other rules (patched() does not apply). */
const movesRules = new WeakMap<TableGraph, boolean>();

/** The chain graph of `doc` (computed once per document). */
export function chainGraph(doc: IptablesDocument): ChainGraph {
  let g = cache.get(doc);
  if (!g) {
    g = patched(doc) ?? build(doc);
    cache.set(doc, g);
  }
  return g;
}

/**
 * After a structural edit (incremental.ts: `-A` rules edited in place, pasted or
 * deleted): the previous version's graph with the edited rule nodes swapped in,
 * the moved ones replaced by their new nodes, the deleted ones taken out and the
 * new ones put in; references, children and the worst cases of the chains above
 * are redone where jumps changed. The graph then belongs to `doc`: the previous
 * version builds its own again if asked. Not with -E or -D RULE in the table
 * (there a rule's text can move rules), nor when a chain would appear or vanish.
 */
function patched(doc: IptablesDocument): ChainGraph | undefined {
  const e = structuralEdit(doc);
  const g = e && cache.get(e.prev);
  const tg = g && g.byTable.get(e.table);
  if (!e || !g || !tg) return undefined;
  for (const t of g.tables) fresh.delete(t);
  // (the edited lines are -A lines before and after: the table keeps its -E and -D lines)
  if (movesRules.get(tg)) return undefined;
  for (const r of e.added) if (r.chainName === undefined || !tg.chains.has(r.chainName)) return undefined;
  for (const r of e.removed) {
    const c = r.chainName === undefined ? undefined : tg.chains.get(r.chainName);
    if (c && !c.builtin && !c.decls.length) return undefined; // made by its rules alone: may vanish
  }
  const linked = (name: string | undefined): ChainInfo | undefined => {
    const c = name === undefined ? undefined : tg.chains.get(name);
    return c && !c.builtin && !c.deleted ? c : undefined;
  };
  /** Puts `r` (already in its chain's rules) into the references of its target, in build() order. */
  const addRef = (r: CommandLine): void => {
    const now = linked(r.targetName);
    if (!now) return;
    const key = (x: CommandLine): number => {
      const c = tg.chains.get(x.chainName!)!;
      return c.order * 2 ** 26 + c.rules.indexOf(x);
    };
    const k = key(r);
    let lo = 0;
    let hi = now.refs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key(now.refs[mid]) < k) lo = mid + 1;
      else hi = mid;
    }
    now.refs.splice(lo, 0, r);
    if (r.line > now.refsTop) now.refsTop = r.line;
  };
  const dropRef = (r: CommandLine): void => {
    const was = linked(r.targetName);
    const at = was ? was.refs.indexOf(r) : -1;
    if (at >= 0) was!.refs.splice(at, 1);
  };
  const touched = new Set<ChainInfo>();

  for (const [from, to] of e.replaced) {
    const c = tg.chains.get(from.chainName!);
    const i = c ? c.rules.indexOf(from) : -1;
    if (!c || i < 0) continue; // not in the table after restore (flushed, deleted, other family)
    c.rules[i] = to;
    if (from.targetName === to.targetName) {
      const t = linked(from.targetName);
      const j = t ? t.refs.indexOf(from) : -1;
      if (j >= 0) t!.refs[j] = to;
      continue;
    }
    dropRef(from);
    addRef(to);
    touched.add(c);
  }

  if (e.delta) {
    // every node below the edit moved: this table's and the tables' further down
    const d = e.delta;
    const after = e.after;
    // new line of a node that has a new node (one below the edit), else -1 (the edited lines are taken out below)
    const moved = (line: number): number => (line > after ? line + d : -1);
    for (const t of g.tables) {
      if (t !== tg && t.table.startLine < e.table.startLine) continue;
      const block = t === tg ? e.next : doc.tables[e.prev.tables.indexOf(t.table)];
      if (!block) return undefined;
      const decl = (x: ChainLine): ChainLine => {
        const to = moved(x.line);
        if (to < 0) return x;
        const cs = block.chains;
        return cs[firstAtOrAfter(cs.length, (k) => cs[k].line, to)];
      };
      // the edited table's declarations all above the edit: none moved
      const declsMove = t !== tg || !(lastDecl(tg) <= after);
      for (const c of t.chains.values()) {
        const rules = c.rules;
        // with lines added or taken out the tables hold -A, -N and -P lines only: rules in line order
        const n = rules.length;
        if (n && rules[n - 1].line >= e.first) {
          for (let i = 0; i < n; i++) {
            const to = moved(rules[i].line);
            if (to >= 0) rules[i] = doc.lines[to] as CommandLine;
          }
        }
        // (references all above the edit keep their nodes: skipped without reading them)
        if (c.refsTop >= e.first) {
          const refs = c.refs;
          let last = -1;
          for (let i = 0; i < refs.length; i++) {
            const was = refs[i].line;
            const to = moved(was);
            if (to >= 0) refs[i] = doc.lines[to] as CommandLine;
            const l = to >= 0 ? to : was; // (the new node is at line `to`: not read again)
            if (l > last) last = l;
          }
          c.refsTop = last;
        }
        if (declsMove) for (let i = 0; i < c.decls.length; i++) c.decls[i] = decl(c.decls[i]);
      }
      if (t !== tg) {
        g.byTable.delete(t.table);
        t.table = block;
        g.byTable.set(block, t);
      }
    }
    const skip = doc.family === 'ipv4' ? 6 : doc.family === 'ipv6' ? 4 : 0;
    for (const r of e.removed) {
      const c = tg.chains.get(r.chainName!);
      const i = c ? c.rules.indexOf(r) : -1;
      if (!c || i < 0) continue;
      dropRef(r);
      c.rules.splice(i, 1);
      tg.ruleCount--;
      touched.add(c);
    }
    for (const r of e.added) {
      if (skip && r.ipVersion === skip) continue; // the other family's restore skips it
      const c = tg.chains.get(r.chainName!)!;
      // only -A lines in this table: a chain's rules are in line order
      let lo = 0;
      let hi = c.rules.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (c.rules[mid].line < r.line) lo = mid + 1;
        else hi = mid;
      }
      c.rules.splice(lo, 0, r);
      tg.ruleCount++;
      addRef(r);
      touched.add(c);
    }
  }

  for (const c of touched) {
    const kids = new Set<ChainInfo>();
    for (const r of c.rules) {
      const t = linked(r.targetName);
      if (t) kids.add(t);
    }
    c.kids = [...kids];
  }
  for (const c of touched) staleAbove(tg, c);
  if (e.delta) for (const t of g.tables) if ((declEnd.get(t) ?? -1) > e.after) declEnd.delete(t); // declarations below the edit moved
  tg.table = e.next;
  g.byTable.delete(e.table);
  g.byTable.set(e.next, tg);
  cache.delete(e.prev);
  return g;
}

/** The last line of a chain declaration of the table (cached: a patch moves no declaration above its edit). */
const declEnd = new WeakMap<TableGraph, number>();
function lastDecl(tg: TableGraph): number {
  let m = declEnd.get(tg);
  if (m === undefined) {
    m = -1;
    for (const d of tg.table.chains) if (d.line > m) m = d.line;
    declEnd.set(tg, m);
  }
  return m;
}

/** Drops the worst cases of `c` and of every chain that reaches it (they are computed again on use). */
function staleAbove(tg: TableGraph, c: ChainInfo): void {
  const ev = tg.evalArr;
  if (!ev) return;
  tg.evals = undefined;
  if (tg.evalsLoop) {
    tg.evalArr = undefined; // with loops the numbers depend on the walk order: compute all again
    tg.evalsStale = undefined;
    return;
  }
  const stale = (tg.evalsStale ??= new Set());
  const todo = [c];
  stale.add(c);
  while (todo.length) {
    const x = todo.pop()!;
    ev[x.order] = undefined;
    for (const r of x.refs) {
      const p = r.chainName === undefined ? undefined : tg.chains.get(r.chainName);
      if (p && !stale.has(p)) {
        stale.add(p);
        todo.push(p);
      }
    }
  }
}

/** The graph of the table a line belongs to, or undefined outside tables. */
export function tableGraphAt(doc: IptablesDocument, line: number): TableGraph | undefined {
  for (const t of chainGraph(doc).tables) {
    if (line >= t.table.startLine && line <= t.table.endLine) return t;
  }
  return undefined;
}

function build(doc: IptablesDocument): ChainGraph {
  const tables: TableGraph[] = [];
  const byTable = new Map<TableBlock, TableGraph>();
  for (const t of doc.tables) {
    const tg = buildTable(t, doc.family);
    tables.push(tg);
    byTable.set(t, tg);
  }
  return { tables, byTable };
}

function buildTable(t: TableBlock, family: IptablesDocument['family']): TableGraph {
  const chains = new Map<string, ChainInfo>();
  const get = (name: string): ChainInfo => {
    let c = chains.get(name);
    if (!c) {
      c = { table: t.name, name, decls: [], builtin: isTableName(t.name) && BUILTIN_CHAINS[t.name].includes(name), rules: [], refs: [], kids: [], order: chains.size, refsTop: Infinity };
      chains.set(name, c);
    }
    return c;
  };
  // iptables-restore flushes the table at `*table`: the built-in chains exist, empty.
  if (isTableName(t.name)) for (const b of BUILTIN_CHAINS[t.name]) get(b);
  for (const d of t.chains) {
    if (d.fromCommand) continue; // -N: handled in command order below
    const c = get(d.name);
    // (most chains have one declaration: a one-element literal is exactly that big, a push would reserve 17 slots)
    if (c.decls.length) c.decls.push(d);
    else c.decls = [d];
    c.deleted = false;
    if (c.builtin && d.policy) c.policy = d.policy;
  }
  const newChain = new Map<CommandLine, ChainLine>();
  for (const d of t.chains) if (d.fromCommand) newChain.set(d.fromCommand, d);

  const skipFamily = family === 'ipv4' ? 6 : family === 'ipv6' ? 4 : 0;
  let moves = false;
  let lastA: ChainInfo | undefined; // consecutive -A lines mostly add to the same chain
  // A table of -A, -N and -P lines only (what iptables-save writes): each chain's rules are
  // its -A lines in file order, so they are collected first and put into arrays of their
  // final size below, instead of growing by push: tens of thousands of chains of 1–4 rules
  // each would otherwise reserve 17+ slots apiece.
  const sized = onlyANP(t);
  const appended: CommandLine[] = [];
  const owner: ChainInfo[] = [];
  for (const cmd of t.commands) {
    if (cmd.command === 'E' || (cmd.command === 'D' && cmd.hasRule)) moves = true;
    if (skipFamily && cmd.ipVersion === skipFamily) continue; // the other family's restore skips it
    const name = cmd.chainName;
    switch (cmd.command) {
      case 'A':
        if (name !== undefined) {
          if (!lastA || lastA.name !== name) lastA = get(name);
          if (sized) {
            appended.push(cmd);
            owner.push(lastA);
          } else lastA.rules.push(cmd);
        }
        break;
      case 'I': {
        if (name === undefined) break;
        const c = get(name);
        const n = cmd.arg ? Number(cmd.arg.value) : 1;
        const at = Number.isFinite(n) && n >= 1 ? Math.min(n - 1, c.rules.length) : 0;
        c.rules.splice(at, 0, cmd);
        break;
      }
      case 'R': {
        if (name === undefined || !cmd.arg) break;
        const c = get(name);
        const n = Number(cmd.arg.value);
        if (n >= 1 && n <= c.rules.length) c.rules[n - 1] = cmd;
        break;
      }
      case 'D': {
        if (name === undefined) break;
        const c = get(name);
        if (!cmd.hasRule && cmd.arg) {
          const n = Number(cmd.arg.value);
          if (n >= 1 && n <= c.rules.length) c.rules.splice(n - 1, 1);
        } else {
          const spec = ruleText(cmd);
          const i = c.rules.findIndex((r) => ruleText(r) === spec);
          if (i >= 0) c.rules.splice(i, 1);
        }
        break;
      }
      case 'F':
        if (name !== undefined) get(name).rules = [];
        else for (const c of chains.values()) c.rules = [];
        break;
      case 'N': {
        const d = newChain.get(cmd);
        if (name !== undefined) {
          const c = get(name);
          if (d) c.decls.push(d);
          c.deleted = false;
        }
        break;
      }
      case 'X':
        if (name !== undefined) {
          const c = chains.get(name);
          if (c && !c.builtin) {
            c.deleted = true;
            c.rules = [];
          }
        } else {
          for (const c of chains.values()) {
            if (!c.builtin) {
              c.deleted = true;
              c.rules = [];
            }
          }
        }
        break;
      case 'E': {
        const to = cmd.arg?.value;
        if (name === undefined || to === undefined) break;
        const from = chains.get(name);
        if (!from || from.builtin) break;
        const c = get(to);
        c.rules = from.rules;
        c.deleted = false;
        from.rules = [];
        from.deleted = true;
        break;
      }
      case 'P': {
        if (name === undefined || !cmd.arg) break;
        const c = get(name);
        if (c.builtin) c.policy = cmd.arg.value;
        break;
      }
      default:
        break;
    }
  }

  if (sized) {
    const count = new Int32Array(chains.size);
    for (const c of owner) count[c.order]++;
    for (const c of chains.values()) if (count[c.order]) c.rules = new Array<CommandLine>(count[c.order]);
    count.fill(0);
    for (let i = 0; i < owner.length; i++) owner[i].rules[count[owner[i].order]++] = appended[i];
  }

  let ruleCount = 0;
  for (const c of chains.values()) ruleCount += c.rules.length;
  const byOrder = [...chains.values()];
  const n = byOrder.length;
  // Each rule's target chain (order, or -1), in chain and rule order; then the references
  // and children go into arrays of their final size (counted in this first pass).
  const resolved = new Int32Array(ruleCount).fill(-1);
  const refCount = new Int32Array(n);
  const kidCount = new Int32Array(n);
  const kidOf = new Int32Array(n).fill(-1); // child (by order) → the last parent (order) that listed it
  let last: ChainInfo | undefined; // the last chain jumped to (often the next rule's target too, even in the next chain)
  let k = 0;
  for (const c of byOrder) {
    for (const r of c.rules) {
      const at = k++;
      const to = r.targetName;
      if (to === undefined) continue;
      const target = last && last.name === to ? last : chains.get(to);
      if (!target || target.builtin || target.deleted) continue;
      resolved[at] = target.order;
      refCount[target.order]++;
      if (kidOf[target.order] !== c.order) {
        kidOf[target.order] = c.order;
        kidCount[c.order]++;
      }
      last = target;
    }
  }
  for (const c of byOrder) {
    if (refCount[c.order]) c.refs = new Array<CommandLine>(refCount[c.order]);
    if (kidCount[c.order]) c.kids = new Array<ChainInfo>(kidCount[c.order]);
  }
  refCount.fill(0);
  kidCount.fill(0);
  kidOf.fill(-1);
  k = 0;
  for (const c of byOrder) {
    for (const r of c.rules) {
      const to = resolved[k++];
      if (to < 0) continue;
      const target = byOrder[to];
      target.refs[refCount[to]++] = r;
      if (kidOf[to] !== c.order) {
        kidOf[to] = c.order;
        c.kids[kidCount[c.order]++] = target;
      }
    }
  }
  const tg: TableGraph = { table: t, chains, ruleCount };
  movesRules.set(tg, moves);
  fresh.set(tg, resolved);
  return tg;
}

/** The rule part of a command (after the chain / rule number), for -D matching. */
function ruleText(cmd: CommandLine): string {
  const full = peekCommand(cmd);
  const toks = full.tokens;
  let i = toks.indexOf(full.commandToken);
  i += full.chain ? 2 : 1;
  if (full.arg && full.command !== 'D') i++;
  return toks
    .slice(i)
    .map((t) => t.value)
    .join(' ');
}

/**
 * Worst-case evaluations for every chain of the table (iterative DFS with
 * memo; a back edge — a loop — counts 0). The walk keeps its state in arrays
 * by chain order, not in maps by name: on 40,000 chains the name lookups were
 * most of its time (each one reads a string somewhere else in memory).
 */
function computeEvaluations(g: TableGraph): (Evaluation | undefined)[] {
  const n = g.chains.size;
  const partial = g.evalArr !== undefined && g.evalsStale !== undefined;
  const memo: (Evaluation | undefined)[] = partial ? g.evalArr! : [];
  while (memo.length < n) memo.push(undefined);
  // after an edit only the stale chains are walked (without loops the order does not matter)
  const roots: Iterable<ChainInfo> = partial ? g.evalsStale! : g.chains.values();
  let loop = false;
  const onStack = new Uint8Array(n);
  interface Frame {
    c: ChainInfo;
    i: number;
    best: number;
    via: string | undefined;
    loop: boolean;
  }
  const stack: Frame[] = [];
  for (const root of roots) {
    if (memo[root.order]) continue;
    onStack[root.order] = 1;
    stack.push({ c: root, i: 0, best: 0, via: undefined, loop: false });
    while (stack.length) {
      const f = stack[stack.length - 1];
      const kids = f.c.kids;
      if (f.i < kids.length) {
        const k = kids[f.i++];
        const done = memo[k.order];
        if (done) {
          if (done.worst > f.best || f.via === undefined) {
            if (done.worst > f.best) f.best = done.worst;
            if (done.worst >= f.best) f.via = k.name;
          }
          if (done.loop) f.loop = true;
        } else if (onStack[k.order]) {
          f.loop = true; // back edge: a loop
        } else {
          onStack[k.order] = 1;
          stack.push({ c: k, i: 0, best: 0, via: undefined, loop: false });
        }
        continue;
      }
      stack.pop();
      onStack[f.c.order] = 0;
      const ev: Evaluation = { worst: f.c.rules.length + f.best, loop: f.loop };
      if (f.via !== undefined) ev.via = f.via;
      if (f.loop) loop = true;
      memo[f.c.order] = ev;
      const parent = stack[stack.length - 1];
      if (parent) {
        if (ev.worst > parent.best || parent.via === undefined) {
          if (ev.worst > parent.best) parent.best = ev.worst;
          if (ev.worst >= parent.best) parent.via = f.c.name;
        }
        if (ev.loop) parent.loop = true;
      }
    }
  }
  g.evalArr = memo;
  g.evalsStale = undefined;
  g.evals = undefined;
  if (partial && loop) {
    // an edit made a loop: with loops the numbers depend on the walk order, so walk it all
    g.evalArr = undefined;
    return computeEvaluations(g);
  }
  g.evalsLoop = loop;
  return memo;
}

/** The worst-case evaluation of chain `c` of the table (computed for the whole table on first use). */
export function evaluationOf(g: TableGraph, c: ChainInfo): Evaluation | undefined {
  const arr = g.evalArr && !g.evalsStale ? g.evalArr : computeEvaluations(g);
  return arr[c.order];
}

/** Worst-case evaluations for every chain of the table, by name (the same map until the numbers change). */
export function evaluations(g: TableGraph): Map<string, Evaluation> {
  const arr = g.evalArr && !g.evalsStale ? g.evalArr : computeEvaluations(g);
  if (!g.evals) {
    const m = new Map<string, Evaluation>();
    for (const c of g.chains.values()) {
      const ev = arr[c.order];
      if (ev) m.set(c.name, ev);
    }
    g.evals = m;
  }
  return g.evals;
}

/** The chains the worst case goes through, starting with `name` (at most `max`). */
export function worstPath(g: TableGraph, name: string, max = 9): string[] {
  const out = [name];
  const seen = new Set(out);
  const via = (n: string): string | undefined => {
    const c = g.chains.get(n);
    return c && evaluationOf(g, c)?.via;
  };
  let cur = via(name);
  while (cur !== undefined && out.length < max && !seen.has(cur)) {
    out.push(cur);
    seen.add(cur);
    cur = via(cur);
  }
  return out;
}

/** Formats 1001 as "1,001" (toLocaleString is slow to start and depends on ICU). */
export function fmt(n: number): string {
  const s = String(Math.abs(Math.trunc(n)));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return (n < 0 ? '-' : '') + out;
}

/** The text shown after a chain (inlay hint and code lens). */
export function chainLabel(g: TableGraph, c: ChainInfo): string {
  const ev = evaluationOf(g, c);
  const parts = [`${fmt(c.rules.length)} rule${c.rules.length === 1 ? '' : 's'}`];
  if (!c.builtin) parts.push(`${fmt(c.refs.length)} ref${c.refs.length === 1 ? '' : 's'}`);
  if (ev) parts.push(`worst ${fmt(ev.worst)} eval${ev.worst === 1 ? '' : 's'}${ev.loop ? ' (loop)' : ''}`);
  return parts.join(' · ');
}

/** Markdown explaining the numbers of `chainLabel`. */
export function chainExplanation(g: TableGraph, c: ChainInfo): string {
  const ev = evaluationOf(g, c);
  const lines = [
    `**${fmt(c.rules.length)}** rule${c.rules.length === 1 ? '' : 's'} in \`${c.name}\` after iptables-restore runs the table` +
      (c.builtin ? '' : `, referenced by **${fmt(c.refs.length)}** rule${c.refs.length === 1 ? '' : 's'} (\`-j\`/\`-g\`)`) +
      '.',
  ];
  if (ev) {
    lines.push(
      '',
      `Worst case for one packet: **${fmt(ev.worst)}** rule evaluations = rules in this chain + the worst case of the most expensive chain it jumps or goes to (through every level).`,
    );
    const path = worstPath(g, c.name);
    if (path.length > 1) lines.push('', `Most expensive path: ${path.map((p) => `\`${p}\``).join(' → ')}`);
    if (ev.loop) lines.push('', 'A jump on the way closes a loop; it is counted as 0 (iptables-restore rejects loops).');
  }
  return lines.join('\n');
}
