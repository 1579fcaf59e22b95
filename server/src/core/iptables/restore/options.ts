// IPT006: what iptables rejects while reading one rule's extensions, judged
// from the module/target tables (../modules, ../targets):
//
//  - `-m NAME` that no iptables 1.8.9 build provides ("Couldn't load match").
//    Names add-on packages provide (names.ts) are not reported, and the other
//    checks skip a rule that loads one: we do not know its options.
//  - an option no extension loaded so far knows. iptables merges the options of
//    every loaded extension into one getopt table (core options first, then the
//    newest extension): an exact name wins, else an unambiguous prefix; nothing
//    or an ambiguous prefix makes it load the `-p` protocol's match once and try
//    again, then fail ("unknown option").
//  - `!` before an option that cannot be inverted; the old `--opt ! value` form
//    (1.8.9 reads the `!` as the value and rejects it); an option given twice;
//    a value its parser rejects (validateOptionValue); a required option missing
//    ("option … must be specified").
//  - rule-context dependencies: `-m tcp` needs `-p tcp` (likewise udp, multiport
//    …); TCPMSS/TPROXY/SYNPROXY/TCPOPTSTRIP need `-p tcp`; `--reject-with
//    tcp-reset` needs `-p tcp`; NAT targets with a port need a protocol.
//  - the generic values: `-p` protocol, `-s`/`-d` addresses, `-i`/`-o` names.
//
// Also collects, per rule, the matches whose use the kernel restricts to some
// tables/hooks (owner, mac, socket …) for IPT005 (placement.ts).
//
// Every rule is checked once per document, in the parse pass itself: a rule
// scanner (parse.ts addRuleScanner) gets each rule's tree while the parser has
// it, so no line is read twice; optionsAnalysis then collects the per-line
// results (lines with a syntax error, IPT001, are left to that error). Rules of
// a shape that already passed only have their values checked (see "rule
// shapes" below); optionsAnalysisPlain is the reference without shortcuts.

import { finding } from '../../codes';
import type { Finding, Range } from '../../types';
import type { CommandLine, IptablesDocument, MatchNode, OptionNode, RuleSpec, TargetNode } from '../ast';
import {
  getModule,
  getTarget,
  implicitModule,
  listModules,
  modulePlacement,
  validateAddressList,
  validateInterface,
  validateOptionValue,
  validateProtocol,
  type ExtensionSpec,
  type OptionSpec,
  type Placement,
  type RuleFamily,
  type ValueProblem,
} from '../modules';
import { lineEdit, lineMemo, moveFinding, moveRange, nodeAfterEdit } from '../incremental';
import { addRuleScanner, Match, Opt, peekCommand, ScratchProtocol, sharedName, Target } from '../parse';
import { lineFamily, skippedLine } from './analysis';
import { ADDON_MATCHES, ADDON_TARGETS, MATCH_ALIASES } from './names';
import { closest } from './suggest';

/** Long options of the iptables command itself (they take part in prefix matching). */
const CORE_LONG: readonly [string, string][] = [
  ['append', 'A'], ['check', 'C'], ['delete', 'D'], ['insert', 'I'], ['replace', 'R'], ['list', 'L'], ['list-rules', 'S'],
  ['flush', 'F'], ['zero', 'Z'], ['new-chain', 'N'], ['delete-chain', 'X'], ['rename-chain', 'E'], ['policy', 'P'],
  ['source', 's'], ['src', 's'], ['destination', 'd'], ['dst', 'd'], ['protocol', 'p'], ['in-interface', 'i'], ['jump', 'j'],
  ['table', 't'], ['match', 'm'], ['numeric', 'n'], ['out-interface', 'o'], ['verbose', 'v'], ['wait', 'w'],
  ['wait-interval', 'W'], ['exact', 'x'], ['fragments', 'f'], ['fragment', 'f'], ['version', 'V'], ['help', 'h'],
  ['line-numbers', '0'], ['modprobe', 'M'], ['set-counters', 'c'], ['goto', 'g'], ['ipv4', '4'], ['ipv6', '6'],
].map(([n, l]) => ['--' + n, l] as [string, string]);

/** Protocol names and numbers → number, for the `-p` a match or target insists on. */
const PROTO_NUM: Readonly<Record<string, number>> = {
  all: 0, tcp: 6, udp: 17, udplite: 136, sctp: 132, dccp: 33, icmp: 1, icmpv6: 58, 'ipv6-icmp': 58, icmp6: 58,
  esp: 50, ah: 51, ipcomp: 108, mh: 135, 'ipv6-mh': 135, gre: 47,
};

const PROTO_NUMBERS: ReadonlyMap<string, number> = new Map(Object.entries(PROTO_NUM));

function protoNumber(p: string): number | undefined {
  const known = PROTO_NUMBERS.get(p); // `tcp`, `udp` …: no lower-casing, no pattern
  if (known !== undefined) return known;
  const v = p.toLowerCase();
  if (/^[0-9]+$/.test(v)) return Number(v);
  return PROTO_NUMBERS.get(v);
}

/** A match whose use the kernel restricts to some tables/hooks (for IPT005). */
export interface MatchNeed {
  cmd: CommandLine;
  name: string;
  placement: Placement;
  range: Range;
}

export interface OptionsResult {
  findings: Finding[];
  needs: MatchNeed[];
}

const cache = new WeakMap<IptablesDocument, OptionsResult>();

export function optionsAnalysis(doc: IptablesDocument): OptionsResult {
  let r = cache.get(doc);
  if (!r) {
    r = patched(doc) ?? run(doc);
    cache.set(doc, r);
  }
  return r;
}

/**
 * After an incremental re-parse (../incremental.ts): the previous version's
 * result with the edited lines checked again and the lines below moved (every
 * finding and need is on its own rule's line, in line order).
 */
function patched(doc: IptablesDocument): OptionsResult | undefined {
  const e = lineEdit(doc);
  const p = e && cache.get(e.prev);
  if (!e || !p) return undefined;
  const findings: Finding[] = [];
  const needs: MatchNeed[] = [];
  let i = 0;
  for (; i < p.findings.length && p.findings[i].range.start.line < e.first; i++) findings.push(p.findings[i]);
  let j = 0;
  for (; j < p.needs.length && p.needs[j].cmd.line < e.first; j++) {
    const n = p.needs[j];
    const cmd = nodeAfterEdit(doc, e, n.cmd)!;
    needs.push(cmd === n.cmd ? n : { ...n, cmd });
  }
  // the edited lines, as run() checks them
  for (let l = e.first; l <= e.after + e.delta; l++) {
    const lazy = doc.lines[l];
    if (lazy.kind !== 'command' || !lazy.hasRule || skippedLine(doc, lazy)) continue;
    if (doc.errors.some((x) => x.range.start.line <= l && l <= x.range.end.line)) continue;
    const cmd = peekCommand(lazy);
    if (cmd.rule) checkRule(lazy, cmd.rule, lineFamily(doc, lazy), findings, needs);
  }
  for (; i < p.findings.length; i++) if (p.findings[i].range.start.line > e.after) findings.push(e.delta ? moveFinding(p.findings[i], e.delta) : p.findings[i]);
  for (; j < p.needs.length; j++) {
    const n = p.needs[j];
    if (n.cmd.line <= e.after) continue;
    needs.push({ ...n, cmd: doc.lines[n.cmd.line + e.delta] as CommandLine, range: e.delta ? moveRange(n.range, e.delta) : n.range });
  }
  return { findings, needs };
}

/** What checkRule found on one line (a function of the line and its family only). */
interface LineResult {
  family: RuleFamily;
  findings: Finding[];
  needs: MatchNeed[];
}
const NOTHING = new Map<RuleFamily, LineResult>();
/** Per-line results across re-parses: after an edit only the touched lines are checked again. */
const perLine = lineMemo<LineResult>(
  (r, delta, to) =>
    r.findings.length || r.needs.length ? { family: r.family, findings: r.findings.map((f) => moveFinding(f, delta)), needs: r.needs.map((n) => ({ ...n, cmd: to, range: moveRange(n.range, delta) })) } : r,
  (prev) => cache.has(prev), // then patched() takes the previous result
);

/** checkRule's verdict on one line, as a LineResult (the shared empty one when nothing was found). */
function checkLine(cmd: CommandLine, rule: RuleSpec, family: RuleFamily): LineResult {
  shape(cmd, rule, family);
  const known = findShape();
  if (known) {
    const r = fromShape(known, cmd, rule, family);
    if (r) return r;
  }
  const f: Finding[] = [];
  const n: MatchNeed[] = [];
  const rec: Recording | undefined = known === undefined ? (recording = { checks: [], needs: [] }) : undefined;
  try {
    checkRule(cmd, rule, family, f, n);
  } finally {
    recording = undefined;
  }
  if (rec && !f.length) {
    // a clean verdict: every value check ran and passed, and the rest is the shape's
    if (++shapeCount > SHAPE_LIMIT) {
      SHAPES.clear();
      shapeCount = 1;
    }
    const checks = rec.checks.map(([o, option]) => ({ k: shapeOpts.indexOf(o), option }));
    for (const c of checks) if (c.k >= nOpts) c.k = -1; // (entries past nOpts are left from earlier rules)
    const target = rule.target && rule.target.kind === 'jump' ? getTarget(rule.target.name, family) : undefined;
    if (checks.every((c) => c.k >= 0)) {
      const known: Shape = {
        // (the parser's shared names where it has them: equal names then compare by identity)
        sig: sig.slice(0, nSig).map((x) => (typeof x === 'string' ? sharedName(x) : x)),
        checks,
        needs: n.map((x, i) => ({ m: rec.needs[i], name: x.name, placement: x.placement })),
        target,
      };
      const bucket = SHAPES.get(sigHash);
      if (bucket) bucket.push(known);
      else SHAPES.set(sigHash, [known]);
    }
  }
  return f.length || n.length ? { family, findings: f, needs: n } : nothing(family);
}

// ---- rule shapes
//
// Big dumps repeat a few rule shapes many thousands of times (kube-proxy: the
// same options in the same order, only addresses, ports, comments and chain
// names differ). checkRule reads the values in three places only: genericValues
// (the -p/-s/-d/-i/-o values), checkOption's validateOptionValue, and
// targetContext; everything else it decides from what shape() encodes:
// family, the chain's kind (for -i/-o), generic option names, the protocol, each
// match, option and target in column order with their owner, name, `!` place
// and number of values, and the target's class (a known target by name, an
// add-on by name, or a chain). So once a shape got a clean verdict, a rule of
// the same shape whose value checks all pass gets the same verdict: no finding,
// and the same needs (at its own `-m` names). Any other outcome is decided by
// checkRule itself.

interface Shape {
  /** What shape() found (strings copied off the document). */
  sig: (string | number)[];
  /** The option nodes (index in column order) whose values checkOption validated, with their spec. */
  checks: { k: number; option: OptionSpec }[];
  /** Needs, by index in rule.matches. */
  needs: { m: number; name: string; placement: Placement }[];
  /** The target extension (targetContext runs for it). */
  target: ExtensionSpec | undefined;
}
interface Recording {
  checks: [OptionNode, OptionSpec][];
  needs: number[];
}
/** Shapes with a clean verdict, by hash of their `sig` (bounded). */
const SHAPES = new Map<number, Shape[]>();
let shapeCount = 0;
const SHAPE_LIMIT = 4096;
/** Set while checkLine records a shape's value checks. */
let recording: Recording | undefined;

// The shape of the rule being checked, as a flat list of names and numbers
// (`sig[0, nSig)`, with a hash), built by shape() without allocating per rule.
// The lists are reused: only their first n entries belong to the current rule
// (no emptying per rule).
const sig: (string | number)[] = [];
let nSig = 0;
let sigHash = 0;
// events in column order: column, what (kind, owner, number of values, `!` place; packed), name, node
const evCol: number[] = [];
const evWhat: number[] = [];
const evName: string[] = [];
const evNode: (OptionNode | undefined)[] = [];
let nEv = 0;
/** The rule's extension options in column order (walkOptions' order), as of the last shape(): `shapeOpts[0, nOpts)`. */
const shapeOpts: OptionNode[] = [];
let nOpts = 0;

const EV_PROTO = 1;
const EV_MATCH = 2;
const EV_IMPLICIT = 3;
const EV_TARGET = 4;
const EV_ADDON_TARGET = 5;
const EV_CHAIN = 6;
const EV_OPTION = 7;
const FAMILY_CODE: Readonly<Record<RuleFamily, number>> = { ipv4: 1, ipv6: 2, unknown: 3 };

function addNumber(x: number): void {
  sig[nSig++] = x;
  sigHash = (Math.imul(sigHash, 0x01000193) ^ x) | 0;
}

function addString(x: string): void {
  sig[nSig++] = x;
  const n = x.length;
  const h = n ? n * 31 + x.charCodeAt(n - 1) * 7 + x.charCodeAt(n >> 1) * 131 + x.charCodeAt(n > 2 ? 2 : 0) * 8191 : 0;
  sigHash = (Math.imul(sigHash, 0x01000193) ^ h) | 0;
}

function event(kind: number, col: number, name: string, owner: number, node: OptionNode | undefined): void {
  let what = kind * 1024 + owner + 2; // owner: -2 stray, -1 target, else the match's index (< 1022: MAX_ARGS)
  if (node) {
    let neg = 0;
    if (node.negated) neg = negStart(node) > optCol(node) ? 2 : 1;
    what = (what * 256 + node.values.length) * 4 + neg; // at most 251 values
  }
  // insertion in column order (rules come nearly sorted)
  let i = nEv++;
  evCol[i] = col;
  evWhat[i] = what;
  evName[i] = name;
  evNode[i] = node;
  if (i === 0 || evCol[i - 1] < col) return;
  while (i > 0 && evCol[i - 1] > col) {
    evCol[i] = evCol[i - 1];
    evWhat[i] = evWhat[i - 1];
    evName[i] = evName[i - 1];
    evNode[i] = evNode[i - 1];
    i--;
  }
  evCol[i] = col;
  evWhat[i] = what;
  evName[i] = name;
  evNode[i] = node;
}

function negStart(o: OptionNode): number {
  return o instanceof Opt ? o.negation!.start : o.negationRange!.start.character;
}

/** Empties the scratch lists after a pass: they hold names and nodes of the document, which must not outlive it. */
function releaseScratch(): void {
  sig.length = evName.length = evNode.length = shapeOpts.length = 0;
  nSig = nEv = nOpts = 0;
}

/** Fills `sig`/`sigHash` and `shapeOpts` for one rule. */
function shape(cmd: CommandLine, rule: RuleSpec, family: RuleFamily): void {
  nSig = nEv = nOpts = 0;
  sigHash = 0;
  const chain = cmd.chainName;
  const gen = rule.generic;
  const proto = rule.protocol;
  // family, the chain's kind, number of generic options, protocol (none, positive, negated)
  addNumber(((FAMILY_CODE[family] * 4 + (chain === 'PREROUTING' || chain === 'INPUT' ? 1 : chain === 'POSTROUTING' || chain === 'OUTPUT' ? 2 : 0)) * 256 + gen.length) * 4 + (proto ? (proto.negated ? 2 : 1) : 0));
  for (let i = 0; i < gen.length; i++) {
    const g = gen[i];
    addString(g.name);
    addNumber(g.values.length * 2 + (g.negated ? 1 : 0));
  }
  if (proto) {
    addString(proto.value);
    event(EV_PROTO, proto instanceof ScratchProtocol ? proto.tok!.start : proto.range.start.character, '', 0, undefined);
  }
  const ms = rule.matches;
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i];
    event(m.implicit ? EV_IMPLICIT : EV_MATCH, matchCol(m), m.name, i, undefined);
    const os = m.options;
    for (let j = 0; j < os.length; j++) event(EV_OPTION, optCol(os[j]), os[j].name, i, os[j]);
  }
  const t = rule.target;
  if (t) {
    const kind = t.kind === 'jump' && getTarget(t.name, family) !== undefined ? EV_TARGET : t.kind === 'jump' && ADDON_TARGETS.has(t.name) ? EV_ADDON_TARGET : EV_CHAIN;
    event(kind, targetCol(t), kind === EV_CHAIN ? '' : t.name, 0, undefined);
    const os = t.options;
    for (let j = 0; j < os.length; j++) event(EV_OPTION, optCol(os[j]), os[j].name, -1, os[j]);
  }
  const stray = rule.stray;
  for (let j = 0; j < stray.length; j++) event(EV_OPTION, optCol(stray[j]), stray[j].name, -2, stray[j]);
  addNumber(nEv);
  for (let i = 0; i < nEv; i++) {
    addNumber(evWhat[i]);
    addString(evName[i]);
    const o = evNode[i];
    if (o) shapeOpts[nOpts++] = o;
  }
}

/** The shape recorded for the current `sig`, if any. */
function findShape(): Shape | undefined {
  const bucket = SHAPES.get(sigHash);
  if (!bucket) return undefined;
  next: for (let b = 0; b < bucket.length; b++) {
    const s = bucket[b];
    const a = s.sig;
    if (a.length !== nSig) continue;
    for (let i = 0; i < a.length; i++) if (a[i] !== sig[i]) continue next;
    return s;
  }
  return undefined;
}

// scratch of fromShape: its findings (a failed check only needs to be seen), a one-value list, the target as loaded (no allocation per rule)
const FOUND: Finding[] = [];
const ONE: string[] = [''];
const NO_NAME = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
const TARGET: Loaded = { spec: { kind: 'target', name: '', family: 'both', summary: '', terminal: false, placement: null, options: [] }, at: 0, nameNode: NO_NAME, isTarget: true };

/** fromShape's answer when a check failed (its scratch findings emptied). */
function fail(out: Finding[]): undefined {
  while (out.length) out.pop();
  return undefined;
}

/** The verdict of a rule whose shape got a clean one, or undefined when one of its value checks fails. */
function fromShape(shape: Shape, cmd: CommandLine, rule: RuleSpec, family: RuleFamily): LineResult | undefined {
  const out = FOUND;
  if (rule.generic.length) {
    genericValues(rule, family, out);
    if (out.length) return fail(out);
  }
  const checks = shape.checks;
  for (let i = 0; i < checks.length; i++) {
    const vals = shapeOpts[checks[i].k].values;
    let problem: ValueProblem | null;
    if (vals.length === 1) {
      ONE[0] = vals[0].value;
      problem = validateOptionValue(checks[i].option, ONE, family);
      ONE[0] = '';
    } else problem = validateOptionValue(checks[i].option, vals.map((v) => v.value), family);
    if (problem) return undefined;
  }
  const t = shape.target;
  if (t) {
    TARGET.spec = t;
    TARGET.nameNode = rule.target!;
    targetContext(TARGET, rule, out);
    TARGET.nameNode = NO_NAME;
    if (out.length) return fail(out);
  }
  if (!shape.needs.length) return nothing(family);
  return { family, findings: [], needs: shape.needs.map((n) => ({ cmd, name: n.name, placement: n.placement, range: rule.matches[n.m].nameRange })) };
}

function nothing(family: RuleFamily): LineResult {
  let r = NOTHING.get(family);
  if (!r) NOTHING.set(family, (r = { family, findings: [], needs: [] }));
  return r;
}

/**
 * Results of the parse pass (addRuleScanner): every rule line is checked while
 * the parser has its tree in hand, by line number; run() takes them (when the
 * family the line was checked for is still its family) instead of reading the
 * line a second time.
 */
const scanned = new WeakMap<IptablesDocument, (LineResult | undefined)[]>();
addRuleScanner((headerFamily) => {
  const byLine: (LineResult | undefined)[] = [];
  return {
    rule(cmd, rule) {
      // (holes filled as it grows: an array written far past its end would turn into a slow dictionary)
      while (byLine.length < cmd.line) byLine.push(undefined);
      byLine[cmd.line] = checkLine(cmd, rule, cmd.ipVersion === 4 ? 'ipv4' : cmd.ipVersion === 6 ? 'ipv6' : headerFamily);
    },
    done(doc) {
      releaseScratch();
      scanned.set(doc, byLine);
    },
  };
});

function run(doc: IptablesDocument): OptionsResult {
  const findings: Finding[] = [];
  const needs: MatchNeed[] = [];
  const syntaxLines = new Set<number>();
  for (const e of doc.errors) for (let l = e.range.start.line; l <= e.range.end.line; l++) syntaxLines.add(l);
  const pre = scanned.get(doc);
  scanned.delete(doc); // used once
  for (const t of doc.tables) {
    for (const lazy of t.commands) {
      if (!lazy.hasRule || syntaxLines.has(lazy.line) || skippedLine(doc, lazy)) continue;
      const family = lineFamily(doc, lazy);
      let r = pre?.[lazy.line];
      if (!r || r.family !== family) r = perLine.get(lazy);
      if (!r || r.family !== family) {
        const cmd = peekCommand(lazy);
        r = cmd.rule ? checkLine(lazy, cmd.rule, family) : nothing(family);
      }
      perLine.set(lazy, r);
      for (const f of r.findings) findings.push(f);
      for (const n of r.needs) needs.push(n);
    }
  }
  releaseScratch();
  return { findings, needs };
}

/**
 * optionsAnalysis computed the plain way: every rule's tree read on its own
 * (peekCommand) and checked in full, without the parse pass's results, the
 * per-line memo or the rule shapes. Slow; the tests hold optionsAnalysis to it.
 */
export function optionsAnalysisPlain(doc: IptablesDocument): OptionsResult {
  const findings: Finding[] = [];
  const needs: MatchNeed[] = [];
  const syntaxLines = new Set<number>();
  for (const e of doc.errors) for (let l = e.range.start.line; l <= e.range.end.line; l++) syntaxLines.add(l);
  for (const t of doc.tables) {
    for (const lazy of t.commands) {
      if (!lazy.hasRule || syntaxLines.has(lazy.line) || skippedLine(doc, lazy)) continue;
      const cmd = peekCommand(lazy);
      if (cmd.rule) checkRule(lazy, cmd.rule, lineFamily(doc, lazy), findings, needs);
    }
  }
  return { findings, needs };
}

/** One loaded extension in a rule (an instance: `-m tcp` twice is two). */
interface Loaded {
  spec: ExtensionSpec;
  /** Column where it was loaded (`-m`/`-j`, or the option that loaded the protocol match). */
  at: number;
  node?: MatchNode;
  /** The `-m`/`-j` value (or the `-p` value for the protocol match). */
  nameNode: { readonly nameRange: Range } | { readonly range: Range };
  /** Resolved options given to it, in order (built when the first one arrives). */
  used?: OptionSpec[];
  isTarget: boolean;
}

function nameRangeOf(l: Loaded): Range {
  const n = l.nameNode;
  return 'nameRange' in n ? n.nameRange : n.range;
}

type Resolution = { kind: 'ext'; ext: Loaded; option: OptionSpec } | { kind: 'core' } | { kind: 'ambiguous'; names: string[] } | { kind: 'none' };
const CORE: Resolution = { kind: 'core' };
const NONE: Resolution = { kind: 'none' };
const CORE_EXACT = new Set(CORE_LONG.map(([n]) => n));

/** Exact option lookup per extension spec (name or alias → option), built once. */
const EXACT = new WeakMap<ExtensionSpec, Map<string, OptionSpec>>();
function exactOf(spec: ExtensionSpec): Map<string, OptionSpec> {
  let m = EXACT.get(spec);
  if (!m) {
    m = new Map();
    for (const o of spec.options) {
      if (!m.has(o.name)) m.set(o.name, o);
      for (const a of o.aliases ?? []) if (!m.has(a)) m.set(a, o);
    }
    EXACT.set(spec, m);
  }
  return m;
}

function resolve(name: string, loaded: Loaded[]): Resolution {
  // exact: core first, then the newest extension
  if (CORE_EXACT.has(name)) return CORE;
  for (let i = loaded.length - 1; i >= 0; i--) {
    const o = exactOf(loaded[i].spec).get(name);
    if (o) return { kind: 'ext', ext: loaded[i], option: o };
  }
  if (name.length < 3) return NONE;
  // unambiguous prefix among everything loaded
  const keys = new Set<string>();
  const names: string[] = [];
  let hit: Resolution = NONE;
  for (const [n, l] of CORE_LONG) {
    if (n.startsWith(name) && !keys.has('core:' + l)) {
      keys.add('core:' + l);
      names.push(n);
      hit = CORE;
    }
  }
  for (let i = loaded.length - 1; i >= 0; i--) {
    const ext = loaded[i];
    for (const o of ext.spec.options) {
      const n = o.name.startsWith(name) ? o.name : o.aliases?.find((x) => x.startsWith(name));
      if (n === undefined) continue;
      const key = `${i}:${o.name}`;
      if (keys.has(key)) continue;
      keys.add(key);
      names.push(n);
      hit = { kind: 'ext', ext, option: o };
    }
  }
  if (keys.size > 1) return { kind: 'ambiguous', names };
  return hit;
}

// Columns without building Range objects (the parser's lean nodes know them).
function optCol(o: OptionNode): number {
  return o instanceof Opt ? o.nameStart : o.nameRange.start.character;
}
function matchCol(m: MatchNode): number {
  return m instanceof Match ? m.start0 : m.range.start.character;
}
function targetCol(t: TargetNode): number {
  return t instanceof Target ? t.start0 : t.range.start.character;
}

/** Modules whose use the kernel restricts (the match itself or one of its options). */
const PLACED = new WeakSet<ExtensionSpec>();
for (const m of listModules()) if (m.placement || m.options.some((o) => o.placement)) PLACED.add(m);

/** The extensions a rule loads with `-m` and `-j`, in order (the protocol match comes later, on demand). */
function loadExtensions(rule: RuleSpec, family: RuleFamily): { explicit: Loaded[]; target?: Loaded; addon: boolean; unknown?: MatchNode } {
  let addon = false;
  const explicit: Loaded[] = [];
  for (const m of rule.matches) {
    if (m.implicit) continue;
    const name = MATCH_ALIASES[m.name] && family !== 'ipv4' ? MATCH_ALIASES[m.name] : m.name;
    const spec = getModule(name, family);
    if (spec) explicit.push({ spec, at: matchCol(m), node: m, nameNode: m, isTarget: false });
    else if (ADDON_MATCHES.has(m.name)) addon = true;
    else return { explicit, addon, unknown: m };
  }
  let target: Loaded | undefined;
  const tnode = rule.target;
  if (tnode) {
    const t = tnode.kind === 'jump' ? getTarget(tnode.name, family) : undefined;
    if (t) target = { spec: t, at: targetCol(tnode), nameNode: tnode, isTarget: true };
    else if (tnode.kind === 'jump' && ADDON_TARGETS.has(tnode.name)) addon = true;
    else target = { spec: STANDARD, at: targetCol(tnode), nameNode: tnode, isTarget: true }; // a chain: the standard target, no options
  }
  return target ? { explicit, target, addon } : { explicit, addon };
}

/**
 * Calls `visit` for each extension option of the rule in the order iptables
 * reads them, resolved the way its getopt table resolves it (see resolve());
 * the `-p` protocol's match is loaded at the first option nothing else takes.
 * `visit` returns false to stop. Returns the extensions loaded at the end.
 */
function walkOptions(
  rule: RuleSpec,
  family: RuleFamily,
  explicit: Loaded[],
  target: Loaded | undefined,
  visit: (o: OptionNode, r: Resolution, loaded: Loaded[]) => boolean,
): Loaded[] {
  const loaded: Loaded[] = [];
  const opts: OptionNode[] = [];
  for (const m of rule.matches) for (const o of m.options) opts.push(o);
  if (rule.target) for (const o of rule.target.options) opts.push(o);
  for (const o of rule.stray) opts.push(o);
  if (!opts.length) return loaded;
  let sorted = true;
  for (let i = 1; i < opts.length && sorted; i++) if (optCol(opts[i]) < optCol(opts[i - 1])) sorted = false;
  if (!sorted) opts.sort((a, b) => optCol(a) - optCol(b));
  const proto = rule.protocol;
  const protoSpec = proto && !proto.negated ? implicitModule(proto.value, family) : undefined;
  const protoAt = protoSpec ? proto!.range.start.character : Infinity;
  let ei = 0;
  let protoLoaded = false;
  let targetLoaded = false;
  for (const o of opts) {
    const at = optCol(o);
    while (ei < explicit.length && explicit[ei].at < at) loaded.push(explicit[ei++]);
    if (target && !targetLoaded && target.at < at) {
      loaded.push(target);
      targetLoaded = true;
    }
    let r = resolve(o.name, loaded);
    if ((r.kind === 'none' || r.kind === 'ambiguous') && !protoLoaded && protoSpec && protoAt < at) {
      protoLoaded = true;
      let implicitNode: MatchNode | undefined;
      for (const m of rule.matches) if (m.implicit) implicitNode = m;
      loaded.push({ spec: protoSpec, at, nameNode: implicitNode ?? proto!, isTarget: false, ...(implicitNode ? { node: implicitNode } : {}) });
      r = resolve(o.name, loaded);
    }
    if (!visit(o, r, loaded)) break;
  }
  return loaded;
}

/** What each extension option of a rule belongs to (for hover and completion). */
export interface OptionOwner {
  node: OptionNode;
  spec: ExtensionSpec;
  option: OptionSpec;
}

/** The extension and option each option of `rule` resolves to (unresolved ones are left out). */
export function optionOwners(rule: RuleSpec, family: RuleFamily): OptionOwner[] {
  const ld = loadExtensions(rule, family);
  const out: OptionOwner[] = [];
  walkOptions(rule, family, ld.explicit, ld.target, (o, r) => {
    if (r.kind === 'ext') out.push({ node: o, spec: r.ext.spec, option: r.option });
    return true;
  });
  return out;
}

/** The match spec of `-m NAME` in a rule of this family (aliases applied), if iptables ships one. */
export function matchSpec(name: string, family: RuleFamily): ExtensionSpec | undefined {
  return getModule(MATCH_ALIASES[name] && family !== 'ipv4' ? MATCH_ALIASES[name] : name, family);
}

function err(out: Finding[], range: Range, message: string, data?: Record<string, unknown>): void {
  out.push(finding('IPT006', range, message, data ? { data } : undefined));
}

function checkRule(cmd: CommandLine, rule: RuleSpec, family: RuleFamily, out: Finding[], needs: MatchNeed[]): void {
  const before = out.length;
  if (rule.generic.length) {
    genericValues(rule, family, out);
    if (out.length > before) return;
    // iptables checks the interface direction against the built-in chain's name
    const chain = cmd.chainName;
    const banned = chain === 'PREROUTING' || chain === 'INPUT' ? 'o' : chain === 'POSTROUTING' || chain === 'OUTPUT' ? 'i' : undefined;
    if (banned) {
      const g = rule.generic.find((x) => GENERIC[x.name] === banned);
      if (g) {
        const why = banned === 'o' ? 'packets there have no output interface yet' : 'packets there have no input interface';
        out.push(finding('IPT005', g.nameRange, `\`${g.name}\` cannot be used in ${chain}: ${why} (iptables: "Can't use -${banned} with ${chain}")`, { data: { chain } }));
        return;
      }
    }
  }

  // ---- what gets loaded, in order
  const ld = loadExtensions(rule, family);
  if (ld.unknown) {
    err(out, ld.unknown.nameRange, unknownModuleMessage(ld.unknown.name, family), { module: ld.unknown.name });
    return; // iptables stops at the first failure of the line
  }
  const { explicit, target, addon } = ld;
  const proto = rule.protocol;
  for (const ext of explicit) {
    if (PLACED.has(ext.spec)) {
      const p = modulePlacement(ext.spec.name, ext.node!.options.map((o) => o.name));
      if (p && !p.legacyOnly) {
        needs.push({ cmd, name: ext.spec.name, placement: p, range: nameRangeOf(ext) });
        recording?.needs.push(rule.matches.indexOf(ext.node!));
      }
    }
    // protocol requirements of the explicit matches
    const need = ext.spec.protocols;
    if (!need || !need.length) continue;
    const ok = proto && need.some((p) => protoNumber(p) === protoNumber(proto.value));
    if (ext.spec.name === 'multiport') {
      if (!proto || protoNumber(proto.value) === 0) err(out, nameRangeOf(ext), 'multiport needs `-p tcp`, `-p udp`, `-p udplite`, `-p sctp` or `-p dccp` in the rule (iptables: "multiport needs `-p tcp\' …")');
      else if (!ok || proto.negated) err(out, nameRangeOf(ext), `multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP; this rule has ${proto.negated ? '`! -p ' + proto.value + '`' : '`-p ' + proto.value + '`'}`);
    } else if (!proto || (!ok && !proto.negated)) {
      err(out, nameRangeOf(ext), `\`-m ${ext.spec.name}\` needs \`-p ${need[0]}\` in the rule; iptables refuses it otherwise (e.g. "TCP match requires '-p tcp'")`);
    }
    if (out.length > before) return;
  }

  // ---- options, in the order iptables reads them
  if (addon) return; // options of an unknown extension: cannot tell
  const loaded = walkOptions(rule, family, explicit, target, (o, r, now) => checkOption(o, r, now, family, out));
  if (out.length > before) return;
  if (target && !loaded.includes(target)) loaded.push(target);
  for (const ext of explicit) if (!loaded.includes(ext)) loaded.push(ext);

  // ---- required options ("option … must be specified")
  for (const ext of loaded) {
    if (ext.spec === STANDARD) continue;
    for (const o of ext.spec.options) {
      if (o.required && !ext.used?.includes(o)) {
        err(out, nameRangeOf(ext), `${ext.isTarget ? '-j' : '-m'} ${ext.spec.name} needs \`${o.name}\` (iptables: "${ext.spec.name}: option \\"${o.name}\\" must be specified")`, { missing: o.name });
        return;
      }
    }
    if (!ext.isTarget && ext.spec.name === 'conntrack' && !ext.used) {
      err(out, nameRangeOf(ext), '-m conntrack needs at least one option, e.g. `--ctstate` (iptables: "conntrack: At least one option is required")');
      return;
    }
    // Final checks of two more extensions (found by the mutation differential, 1.8.9 messages).
    const used = (name: string): boolean => !!ext.used?.some((x) => x.name === name);
    const modes = ext.isTarget || ext.spec.name !== 'recent' ? [] : ['--set', '--rcheck', '--update', '--remove'].filter(used);
    if (!ext.isTarget && ext.spec.name === 'recent' && modes.length !== 1) {
      const message = modes.length
        ? `-m recent takes one of \`--set\`, \`--rcheck\`, \`--update\`, \`--remove\`, not \`${modes[0]}\` and \`${modes[1]}\` together (iptables: "recent: option \\"${modes[0]}\\" cannot be used together with \\"${modes[1]}\\"")`
        : "-m recent needs one of `--set`, `--rcheck`, `--update` or `--remove` (iptables: \"recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'\")";
      err(out, nameRangeOf(ext), message);
      return;
    }
    if (ext.isTarget && ext.spec.name === 'TCPMSS' && !used('--set-mss') && !used('--clamp-mss-to-pmtu')) {
      err(out, nameRangeOf(ext), '-j TCPMSS needs `--set-mss` or `--clamp-mss-to-pmtu` (iptables: "TCPMSS target: At least one parameter is required")');
      return;
    }
  }

  // ---- what the target needs from the rule
  if (target && target.spec !== STANDARD) targetContext(target, rule, out);
}

/** Checks one resolved option; false (stop) after the first problem, as iptables stops. */
function checkOption(o: OptionNode, r: Resolution, loaded: Loaded[], family: RuleFamily, out: Finding[]): boolean {
  if (r.kind === 'core') return true;
  if (r.kind !== 'ext') {
    const names = loaded.filter((l) => l.spec !== STANDARD).map((l) => (l.isTarget ? `-j ${l.spec.name}` : `-m ${l.spec.name}`));
    let message =
      r.kind === 'ambiguous'
        ? `\`${o.name}\` is ambiguous here (${r.names.map((n) => `\`${n}\``).join(', ')}); iptables rejects it ("unknown option \\"${o.name}\\"")`
        : `unknown option \`${o.name}\`${names.length ? `: none of ${names.join(', ')} has it` : ': no match or target before it has it'} (iptables: "unknown option \\"${o.name}\\"")`;
    if (r.kind === 'none') {
      const all = loaded.flatMap((l) => l.spec.options.flatMap((x) => [x.name, ...(x.aliases ?? [])]));
      const guess = closest(o.name, all);
      if (guess) message += `. Did you mean \`${guess}\`?`;
    }
    err(out, o.nameRange, message, { option: o.name });
    return false;
  }
  const { ext, option } = r;
  // `!` placement and support
  if (o.negated) {
    const neg = o.negationRange!;
    const old = neg.start.character > optCol(o);
    if (old && option.arity !== 0) {
      err(out, neg, `\`${o.name} ! …\` (negation after the option) is rejected by iptables 1.8.9: it reads \`!\` as the value. Write \`! ${o.name} …\``, { option: o.name });
      return false;
    }
    if (!option.negatable) {
      err(out, neg, `\`${option.name}\` cannot be inverted with \`!\` (iptables: "${ext.spec.name}: option \\"${option.name}\\" cannot be inverted")`, { option: o.name });
      return false;
    }
  }
  const used = (ext.used ??= []);
  if (!option.repeatable && used.includes(option)) {
    err(out, o.nameRange, `\`${option.name}\` given twice for ${ext.isTarget ? '-j' : '-m'} ${ext.spec.name}; iptables allows it once ("option \\"${option.name}\\" can only be used once")`, { option: o.name });
    return false;
  }
  used.push(option);
  recording?.checks.push([o, option]);
  const vals = o.values;
  const problem = validateOptionValue(option, vals.length === 1 ? [vals[0].value] : vals.map((v) => v.value), family);
  if (problem) {
    const range = problem.index >= 0 && vals[problem.index] ? vals[problem.index].range : o.nameRange;
    err(out, range, `${problem.message} (${ext.isTarget ? '-j' : '-m'} ${ext.spec.name} ${option.name})`, { option: o.name });
    return false;
  }
  return true;
}

/** The first target option of `rule` that is `spec`'s option `n` (by name or alias). */
function targetOption(rule: RuleSpec, spec: ExtensionSpec, n: string): OptionNode | undefined {
  const os = rule.target?.options;
  if (!os) return undefined;
  const specs = spec.options;
  for (let i = 0; i < os.length; i++) {
    const name = os[i].name;
    let f: OptionSpec | undefined;
    for (let j = 0; j < specs.length && !f; j++) if (specs[j].name === name || specs[j].aliases?.includes(name)) f = specs[j];
    if (f && f.name === n) return os[i];
  }
  return undefined;
}

function targetContext(target: Loaded, rule: RuleSpec, out: Finding[]): void {
  const spec = target.spec;
  const proto = rule.protocol;
  const positive = proto && !proto.negated ? protoNumber(proto.value) : undefined;
  if (spec.protocols && spec.protocols.length) {
    if (!spec.protocols.some((p) => protoNumber(p) === positive)) {
      err(out, nameRangeOf(target), `-j ${spec.name} works on ${spec.protocols.join('/').toUpperCase()} packets only: the rule needs \`-p ${spec.protocols[0]}\`${proto?.negated ? ' (not negated)' : ''}; the kernel refuses it otherwise`);
      return;
    }
  }
  if (spec.name === 'REJECT') {
    const w = targetOption(rule, spec, '--reject-with');
    const v = w?.values[0]?.value.toLowerCase();
    if (v && (v === 'tcp-reset' || v === 'tcp-rst') && positive !== 6) {
      err(out, w!.values[0].range, '`--reject-with tcp-reset` needs `-p tcp` in the rule: the kernel refuses a TCP reset for other packets');
      return;
    }
  }
  const noProto = !proto || protoNumber(proto.value) === 0;
  if (noProto && (spec.name === 'DNAT' || spec.name === 'SNAT' || spec.name === 'MASQUERADE' || spec.name === 'REDIRECT')) {
    const portOpt = targetOption(rule, spec, spec.name === 'DNAT' ? '--to-destination' : spec.name === 'SNAT' ? '--to-source' : '--to-ports');
    const v = portOpt?.values[0]?.value;
    if (v !== undefined && (spec.name === 'MASQUERADE' || spec.name === 'REDIRECT' || natRangeHasPort(v))) {
      err(out, portOpt!.values[0].range, `a port in -j ${spec.name} needs a protocol with ports: add \`-p tcp\` (or udp, sctp, dccp) to the rule (iptables: "Need TCP, UDP, SCTP or DCCP with port specification")`);
    }
  }
}

/** `1.2.3.4:80`, `:80`, `[::1]:80` name a port; a bare IPv6 address does not. */
function natRangeHasPort(v: string): boolean {
  if (v.includes(']:')) return true;
  if (v.startsWith('[')) return false;
  const first = v.indexOf(':');
  return first >= 0 && v.indexOf(':', first + 1) < 0;
}

/** The standard target (`-j ACCEPT` and jumps to chains): no options. */
const STANDARD: ExtensionSpec = { kind: 'target', name: 'standard', family: 'both', summary: '', terminal: false, placement: null, options: [] };

function unknownModuleMessage(name: string, family: RuleFamily): string {
  const other = getModule(MATCH_ALIASES[name] ?? name);
  if (other && family !== 'unknown') {
    return `\`-m ${name}\` exists only in ${other.family === 'ipv4' ? 'iptables (IPv4)' : 'ip6tables (IPv6)'}; this is an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} file (iptables-restore: "Couldn't load match \`${name}'")`;
  }
  if (getTarget(name)) return `\`${name}\` is a target, not a match: write \`-j ${name}\` (iptables-restore: "Couldn't load match \`${name}'")`;
  const modules = ['tcp', 'udp', 'icmp', 'icmp6', 'multiport', 'state', 'conntrack', 'comment', 'mark', 'connmark', 'addrtype', 'limit', 'hashlimit', 'recent', 'set', 'iprange', 'mac', 'owner', 'physdev', 'pkttype', 'statistic', 'string', 'length', 'tcpmss', 'time', 'u32', 'policy', 'socket', 'rpfilter', 'helper', 'devgroup', 'cgroup', 'bpf', 'ipvs', 'dscp', 'tos', 'ttl', 'hl', 'ecn', 'connlimit', 'connbytes', 'connlabel', 'quota', 'nfacct', 'cluster', 'cpu', 'realm', 'osf', 'rateest', 'esp', 'ah', 'sctp', 'dccp'];
  const guess = closest(name, modules.filter((m) => getModule(m, family)));
  return `no match module \`${name}\` in iptables 1.8.9 (iptables-restore: "Couldn't load match \`${name}'")${guess ? `. Did you mean \`${guess}\`?` : ''}`;
}

const GENERIC: Readonly<Record<string, string>> = {
  '-p': 'p', '--protocol': 'p', '-s': 's', '--source': 's', '--src': 's', '-d': 'd', '--destination': 'd', '--dst': 'd',
  '-i': 'i', '--in-interface': 'i', '-o': 'o', '--out-interface': 'o',
};

/** `a.b.c.d` or `a.b.c.d/n` with decimal parts 0-255 and n 0-32: valid without further checks (the common case). */
function plainIPv4(v: string): boolean {
  let part = 0;
  let digits = 0;
  let n = 0;
  let i = 0;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && n === 0) return false; // leading zero: octal to inet_aton, let the full check decide
      n = n * 10 + c - 48;
      if (++digits > 3 || n > 255) return false;
    } else if (c === 46 /* . */ && digits && part < 3) {
      part++;
      digits = n = 0;
    } else break;
  }
  if (part !== 3 || !digits) return false;
  if (i === v.length) return true;
  if (v.charCodeAt(i) !== 47 /* / */ || i + 1 >= v.length || v.length - i - 1 > 2) return false;
  let m = 0;
  for (let j = i + 1; j < v.length; j++) {
    const c = v.charCodeAt(j);
    if (c < 48 || c > 57) return false;
    m = m * 10 + c - 48;
  }
  return m <= 32 && !(v.length - i - 1 === 2 && v.charCodeAt(i + 1) === 48);
}

function genericValues(rule: RuleSpec, family: RuleFamily, out: Finding[]): void {
  const gen = rule.generic;
  for (let i = 0; i < gen.length; i++) {
    const g = gen[i];
    const l = GENERIC[g.name];
    const v = g.values[0];
    if (!l || !v) continue;
    let problem: string | null = null;
    if (l === 'p') problem = validateProtocol(v.value);
    else if (l === 's' || l === 'd') problem = family !== 'ipv6' && plainIPv4(v.value) ? null : validateAddressList(v.value, family);
    else problem = validateInterface(v.value);
    if (problem) err(out, v.range, `${problem} (${g.name})`);
  }
}
