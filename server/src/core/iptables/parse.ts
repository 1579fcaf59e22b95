// iptables-save / iptables-restore parser, faithful to iptables-restore 1.8.9
// (iptables-nft-restore, Debian's default; legacy differences are noted).
//
// Every physical line becomes one IptLine with ranges; errors are data (never
// thrown). The behaviour below was checked case by case against the real
// `iptables-nft-restore` and `iptables-legacy-restore` 1.8.9 inside `unshare -n`
// (test/fixtures/iptables/parse/*.rules hold those cases with the verdicts).
//
// How iptables-restore reads a line (xtables-restore.c, xshared.c):
//  - `#` starts a comment only in column 1; an empty line is skipped. A line of
//    spaces is NOT empty: inside a table it is a command without a command
//    ("no command specified"), outside a table the line "failed".
//  - `COMMIT` must be exactly that (no spaces, no CR) and only inside a table.
//  - `*name` opens a table only when none is open; the name is the first word
//    after `*` (spaces allowed before it, words after it ignored). Inside an open
//    table a `*name` line is read as a command ("Bad argument `*nat'").
//  - `:NAME POLICY [p:b]` inside a table: words split on spaces/tabs; the
//    counters are only read with `--counters` (so bad chain counters pass).
//  - anything else inside a table is a command line: an optional `[p:b]`
//    prefix (syntax checked always: "need ]"/"need :"), then arguments split by
//    add_param_to_argv: spaces/tabs separate; `"` opens a quote anywhere (also in
//    the middle of a word, whose text continues); inside quotes `\x` is x; the
//    closing quote ENDS the argument (`"ab"cd` is two arguments, `""` is an empty
//    one); outside quotes a backslash is an ordinary character; `'` is ordinary.
//  - arguments then go through getopt_long like the iptables command: short
//    options can be clustered (`-fv`), long options may be abbreviated while no
//    extension is loaded, a `!` argument negates the next option, and any other
//    argument no option consumed is "Bad argument".
//  - limits: 10,239 bytes per line (longer lines are read in pieces), 1,023
//    bytes per argument, 251 arguments per line, chain names of 28 bytes.
//  - CR before LF is part of the line to iptables-restore: `*filter\r` is an
//    unknown table, `COMMIT\r` a bad argument. A BOM makes line 1 fail.

import { bomLength, detach } from '../text';
import type { Range } from '../types';
import {
  STANDARD_TARGETS,
  isBuiltinChain,
  isTableName,
  type ChainLine,
  type Command,
  type CommandLine,
  type Counters,
  type IptablesDocument,
  type IptLine,
  type MatchNode,
  type OptionNode,
  type ParseError,
  type RuleSpec,
  type TableBlock,
  type TargetNode,
  type Token,
} from './ast';

/** fgets() buffer of iptables-restore: a longer line is read as several lines. */
export const MAX_LINE_BYTES = 10239;
/** xshared.c `param_buffer[1024]`: one argument must stay below 1024 bytes. */
export const MAX_ARG_BYTES = 1023;
/** MAX_ARGC (255) minus argv[0], `-t`, the table name and the terminating slot. */
export const MAX_ARGS = 251;
/** XT_EXTENSION_MAXNAMELEN (29) minus the terminating NUL. */
export const MAX_CHAIN_NAME = 28;

/** Target names `-N` may not use (iptables 1.8.9 loads these extensions). */
const TARGETS_BOTH = [
  ...STANDARD_TARGETS,
  'standard',
  'AUDIT',
  'CHECKSUM',
  'CLASSIFY',
  'CONNMARK',
  'CONNSECMARK',
  'CT',
  'DNAT',
  'DSCP',
  'HMARK',
  'IDLETIMER',
  'LED',
  'LOG',
  'MARK',
  'MASQUERADE',
  'NETMAP',
  'NFLOG',
  'NFQUEUE',
  'NOTRACK',
  'RATEEST',
  'REDIRECT',
  'REJECT',
  'SECMARK',
  'SET',
  'SNAT',
  'SYNPROXY',
  'TCPMSS',
  'TCPOPTSTRIP',
  'TEE',
  'TOS',
  'TPROXY',
  'TRACE',
];
const TARGETS_V4_ONLY = ['ECN', 'TTL'];
const TARGETS_V6_ONLY = ['HL', 'DNPT', 'SNPT'];

export function clashesWithTarget(name: string, family: IptablesDocument['family']): boolean {
  if (TARGETS_BOTH.includes(name)) return true;
  if (family === 'ipv4') return TARGETS_V4_ONLY.includes(name);
  if (family === 'ipv6') return TARGETS_V6_ONLY.includes(name);
  return false;
}

// ---------------------------------------------------------------- core options

/** Long options of the iptables command → the short letter (`0` = --line-numbers). */
const CORE_LONG: Readonly<Record<string, string>> = {
  append: 'A',
  check: 'C',
  delete: 'D',
  insert: 'I',
  replace: 'R',
  list: 'L',
  'list-rules': 'S',
  flush: 'F',
  zero: 'Z',
  'new-chain': 'N',
  'delete-chain': 'X',
  'rename-chain': 'E',
  policy: 'P',
  source: 's',
  destination: 'd',
  src: 's',
  dst: 'd',
  protocol: 'p',
  'in-interface': 'i',
  jump: 'j',
  table: 't',
  match: 'm',
  numeric: 'n',
  'out-interface': 'o',
  verbose: 'v',
  wait: 'w',
  'wait-interval': 'W',
  exact: 'x',
  fragments: 'f',
  version: 'V',
  help: 'h',
  'line-numbers': '0',
  modprobe: 'M',
  'set-counters': 'c',
  goto: 'g',
  ipv4: '4',
  ipv6: '6',
};
const CORE_LONG_NAMES = Object.keys(CORE_LONG);
const CORE_LONG_MAP: ReadonlyMap<string, string> = new Map(Object.entries(CORE_LONG).map(([k, v]) => ['--' + k, v]));

/** Argument kind per letter: 0 none, 1 required, 2 optional (attached, or peeked like xs_has_arg). */
/** `-A` … for each letter (no string building per option). */
const SHORT: Readonly<Record<string, string>> = Object.fromEntries('ACDIRLSFZNXEPsdpijtmnovwWxfVhMcg46'.split('').map((l) => [l, '-' + l]));
const CORE_ARG: Readonly<Record<string, 0 | 1 | 2>> = {
  A: 1, C: 1, D: 1, I: 1, R: 1, L: 2, S: 2, F: 2, Z: 2, N: 1, X: 2, E: 1, P: 1,
  s: 1, d: 1, p: 1, i: 1, j: 1, t: 1, m: 1, n: 0, o: 1, v: 0, w: 2, W: 2, x: 0,
  f: 0, V: 0, h: 2, '0': 0, M: 1, c: 1, g: 1, '4': 0, '6': 0,
};
const COMMAND_LETTERS = 'ACDIRLSFZNXEP';
const GENERIC_LETTERS = 'psdiof';

// commands_v_options (iptables 1.8.9): which options each command forbids ('x').
// Columns:                       -n -s -d -p -j -v -x -i -o --line-numbers -c -f
const OPT_COLUMNS = ['n', 's', 'd', 'p', 'j', 'v', 'x', 'i', 'o', '0', 'c', 'f'];
const ILLEGAL: Readonly<Record<string, string>> = {
  I: 'x.....x..x..',
  D: 'x.....x..xx.',
  DN: 'xxxxx.xxxxxx', // -D CHAIN RULENUM
  R: 'x.....x..x..',
  A: 'x.....x..x..',
  L: '.xxxx..xx.xx',
  F: 'xxxxx.xxxxxx',
  Z: 'xxxxx.xxxxxx',
  N: 'xxxxx.xxxxxx',
  X: 'xxxxx.xxxxxx',
  P: 'xxxxx.xxxx.x',
  E: 'xxxxx.xxxxxx',
  S: 'xxxxx.xxxxxx',
  C: 'x.....x..xx.',
};

// ------------------------------------------------------- extension arity hints

/** Protocol (as `-p` names it) → the module `-p` loads implicitly. */
const PROTO_MODULE: Readonly<Record<string, string>> = {
  tcp: 'tcp', '6': 'tcp',
  udp: 'udp', '17': 'udp',
  udplite: 'udplite', '136': 'udplite',
  icmp: 'icmp', '1': 'icmp',
  icmpv6: 'icmp6', 'ipv6-icmp': 'icmp6', icmp6: 'icmp6', '58': 'icmp6',
  sctp: 'sctp', '132': 'sctp',
  dccp: 'dccp', '33': 'dccp',
  esp: 'esp', '50': 'esp',
  ah: 'ah', '51': 'ah',
  mh: 'mh', 'ipv6-mh': 'mh', '135': 'mh',
};

const PROTO_MODULE_MAP: ReadonlyMap<string, string> = new Map(Object.entries(PROTO_MODULE));

/** Options of the implicit protocol matches (so `-p tcp -m state … --dport` goes to tcp). */
const PROTO_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  tcp: ['--sport', '--source-port', '--dport', '--destination-port', '--syn', '--tcp-flags', '--tcp-option'],
  udp: ['--sport', '--source-port', '--dport', '--destination-port'],
  udplite: [],
  sctp: ['--sport', '--source-port', '--dport', '--destination-port', '--chunk-types'],
  dccp: ['--sport', '--source-port', '--dport', '--destination-port', '--dccp-types', '--dccp-option'],
  icmp: ['--icmp-type'],
  icmp6: ['--icmpv6-type'],
  esp: ['--espspi'],
  ah: ['--ahspi', '--ahlen', '--ahres'],
  mh: ['--mh-type'],
};

const PROTO_OPTIONS_MAP: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(PROTO_OPTIONS));

/** `module:option` pairs that take two arguments. */
const TWO_ARGS = new Set(['tcp:--tcp-flags', 'sctp:--chunk-types', 'set:--match-set', 'set:--set', 'SET:--add-set', 'SET:--del-set', 'SET:--map-set']);

/** `module:option` pairs that take no argument (a word after them is a "Bad argument"). */
const NO_ARGS = new Set([
  'tcp:--syn',
  ...['--set', '--rcheck', '--update', '--remove', '--rsource', '--rdest', '--reap', '--rttl'].map((o) => 'recent:' + o),
  'CT:--notrack',
  ...['--log-tcp-sequence', '--log-tcp-options', '--log-ip-options', '--log-uid', '--log-macdecode'].map((o) => 'LOG:' + o),
  ...['--random', '--random-fully', '--persistent'].flatMap((o) => ['DNAT:' + o, 'SNAT:' + o]),
  'MASQUERADE:--random', 'MASQUERADE:--random-fully', 'REDIRECT:--random',
  'TCPMSS:--clamp-mss-to-pmtu',
  ...['--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged'].map((o) => 'physdev:' + o),
  ...['--transparent', '--nowildcard', '--restore-skmark'].map((o) => 'socket:' + o),
  'CHECKSUM:--checksum-fill',
  'SET:--exist',
  'connlimit:--connlimit-saddr', 'connlimit:--connlimit-daddr',
  'addrtype:--limit-iface-in', 'addrtype:--limit-iface-out',
  'policy:--strict', 'policy:--next',
  'NFQUEUE:--queue-bypass', 'NFQUEUE:--fail-open', 'NFQUEUE:--queue-cpu-fanout',
  'string:--icase',
  'owner:--socket-exists', 'owner:--suppl-groups',
  ...['--loose', '--validmark', '--accept-local', '--invert'].map((o) => 'rpfilter:' + o),
  'ecn:--ecn-tcp-cwr', 'ecn:--ecn-tcp-ece',
  ...['--fragres', '--fragfirst', '--fragmore', '--fraglast'].map((o) => 'frag:' + o),
  'rt:--rt-0-res', 'rt:--rt-0-not-strict',
  'ipv6header:--soft',
  'connlabel:--set',
  'CONNSECMARK:--save', 'CONNSECMARK:--restore',
  'SYNPROXY:--sack-perm', 'SYNPROXY:--timestamp', 'SYNPROXY:--ecn',
  'IDLETIMER:--alarm',
  'LED:--led-always-blink',
  'CLUSTERIP:--new',
  'time:--kerneltz', 'time:--utc', 'time:--localtz', 'time:--contiguous',
]);

/** `module:option` pairs whose argument is free text: the next word is taken even if it starts with `-`. */
const TEXT_ARG = new Set(['comment:--comment', 'LOG:--log-prefix', 'NFLOG:--nflog-prefix', 'ULOG:--ulog-prefix', 'string:--string', 'string:--hex-string']);

const TEXT = 3;
/** module → option → 0 (no argument), 2 (two), TEXT (one, free text); missing = one argument. */
const ARITY: ReadonlyMap<string, ReadonlyMap<string, number>> = (() => {
  const m = new Map<string, Map<string, number>>();
  const add = (keys: Iterable<string>, n: number) => {
    for (const k of keys) {
      const c = k.indexOf(':');
      const mod = k.slice(0, c);
      if (!m.has(mod)) m.set(mod, new Map());
      m.get(mod)!.set(k.slice(c + 1), n);
    }
  };
  add(NO_ARGS, 0);
  add(TWO_ARGS, 2);
  add(TEXT_ARG, TEXT);
  return m;
})();

// -------------------------------------------------------------------- helpers

/** Empties a small reused array (cheaper than `length = 0`, a runtime call in V8). */
function empty(a: unknown[]): void {
  while (a.length) a.pop();
}

function rng(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** UTF-8 byte length (iptables counts bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Same as `/\s/.test(s)` (JavaScript's white space and line terminators), without a regular expression. */
function hasWhiteSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c >= 160 && (c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff)) return true;
  }
  return false;
}

/**
 * 1 when `name` is longer than MAX_CHAIN_NAME UTF-8 bytes, else 2 when it is
 * empty or has white space (`/\s/`), else 0 (one pass over the characters).
 */
function targetNameProblem(name: string): 0 | 1 | 2 {
  if (name.length > MAX_CHAIN_NAME) return 1; // every character is at least one byte
  if (name.length * 3 <= MAX_CHAIN_NAME) return name === '' || hasWhiteSpace(name) ? 2 : 0; // at most 3 bytes per UTF-16 unit
  let ascii = true;
  let space = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x80) ascii = false;
    else if (c === 32 || (c >= 9 && c <= 13)) space = true;
  }
  if (!ascii) return utf8Length(name) > MAX_CHAIN_NAME ? 1 : hasWhiteSpace(name) ? 2 : 0;
  return space ? 2 : 0; // ASCII: no more bytes than characters (≤ MAX_CHAIN_NAME here)
}

/** `sscanf("%llu")` accepts optional blanks, a sign and at least one digit. */
function scansUnsigned(s: string): boolean {
  return /^[ \t\n\v\f\r]*[+-]?[0-9]/.test(s);
}

/** Is `s` a `[%llu:%llu]` counter pair as sscanf reads it? */
function scansCounterPair(s: string): boolean {
  return /^\[[ \t\n\v\f\r]*[+-]?[0-9]+:[ \t\n\v\f\r]*[+-]?[0-9]/.test(s);
}

// ------------------------------------------------------------------ names

/**
 * Recent chain and target names of one document: a rule's chain or target name
 * that an earlier rule nearby also had (kube-proxy: the rules of one chain
 * follow each other, and thousands jump to KUBE-MARK-MASQ or DNAT) is that
 * rule's string rather than one more string that stays alive with the document
 * (the new slice dies young). A small direct-mapped cache keyed by the length
 * and a few characters (small enough to stay in the CPU cache).
 */
class Names {
  private readonly slots: (string | undefined)[] = new Array(256).fill(undefined);
  /** The key of each slot's string (most different names are told apart by it, without comparing them). */
  private readonly keys = new Int32Array(256);
  /** `src.slice(start, end)`, or a stored string equal to it. */
  get(src: string, start: number, end: number): string {
    const n = end - start;
    if (n < 2) return src.slice(start, end);
    const h = (n * 0x9e37 + src.charCodeAt(end - 1) * 0x85eb + src.charCodeAt(start + (n >> 1)) * 0x27d4 + src.charCodeAt(end - 1 - (n >> 2)) * 0xc2b3 + src.charCodeAt(end - 2) * 0x1657) | 0;
    const i = (h ^ (h >>> 11)) & 255;
    const s = src.slice(start, end); // (a slice is cheap; comparing strings is faster than reading characters here)
    if (this.keys[i] === h) {
      const k = this.slots[i];
      if (k === s) return k;
    }
    this.keys[i] = h;
    return (this.slots[i] = s);
  }
}

/** A word the parser meets on most lines: an option, module or protocol name. */
interface Word {
  /** The one string for this word (shared by every line and node that has it). */
  readonly name: string;
  /** Lower case (`name` itself when the same). */
  readonly lower: string;
  /** The core option letter of a long option name (CORE_LONG_MAP). */
  readonly letter: string | undefined;
}

/**
 * Option, module and protocol names by text, so that nodes share one string
 * per name (equal names then compare by identity, and their hash is computed
 * once). The names the parser's tables use are these tables' own strings.
 * Bounded; the strings are copies (the map outlives documents).
 */
const WORDS = new Map<string, Word>();
const WORDS_LIMIT = 4096;

function addWord(s: string): Word {
  const lower = s.toLowerCase();
  const w: Word = { name: s, lower: lower === s ? s : lower, letter: CORE_LONG_MAP.get(s) };
  if (WORDS.size < WORDS_LIMIT && s.length <= 64) WORDS.set(s, w);
  return w;
}

/** The shared word equal to `s`. */
function word(s: string): Word {
  return WORDS.get(s) ?? addWord(detach(s));
}

/** The shared string equal to `s` when the parser has one (see WORDS), else a copy of `s` that keeps no document alive. */
export function sharedName(s: string): string {
  return WORDS.get(s)?.name ?? detach(s);
}

for (const k of CORE_LONG_MAP.keys()) addWord(k);
for (const [k, v] of PROTO_MODULE_MAP) {
  addWord(k);
  addWord(v);
}
for (const os of PROTO_OPTIONS_MAP.values()) for (const o of os) if (!WORDS.has(o)) addWord(o);
for (const [m, os] of ARITY) {
  if (!WORDS.has(m)) addWord(m);
  for (const o of os.keys()) if (!WORDS.has(o)) addWord(o);
}

// ------------------------------------------------------------- lean nodes
//
// A kube-proxy dump has millions of arguments; building three objects per range
// up front costs seconds of allocation and GC. Tokens, options, matches and
// targets therefore keep plain numbers and build their `Range` objects when
// asked (each access returns a fresh plain object, safe to serialise or keep).

/**
 * One argument (implements ast.Token). Treat the fields as read-only. `value`
 * is read from the text on first use (the parse pass never needs most values).
 */
export class Tok implements Token {
  #src: string;
  #v: string | undefined;
  constructor(
    src: string,
    public line: number,
    public start: number,
    public end: number,
    value: string | undefined,
    public quoted: boolean,
  ) {
    this.#src = src;
    this.#v = value;
  }
  /** Reuse (the parser's scratch pool only). */
  reset(src: string, line: number, start: number, end: number, value: string | undefined, quoted: boolean): void {
    this.#src = src;
    this.line = line;
    this.start = start;
    this.end = end;
    this.#v = value;
    this.quoted = quoted;
  }
  get value(): string {
    let v = this.#v;
    if (v === undefined) v = this.#v = this.#src.slice(this.start, this.end);
    return v;
  }
  /** The value, read through `names` (a recent name's string is kept rather than a new one). */
  valueFrom(names: Names): string {
    let v = this.#v;
    if (v === undefined) v = this.#v = names.get(this.#src, this.start, this.end);
    return v;
  }
  get raw(): string {
    return this.quoted ? this.#src.slice(this.start, this.end) : this.value;
  }
  get range(): Range {
    return rng(this.line, this.start, this.end);
  }
  /** Length of the value. */
  get size(): number {
    return this.quoted ? this.value.length : this.end - this.start;
  }
  /** Character code `i` of the value (NaN past its end). */
  code(i: number): number {
    if (this.quoted) return this.value.charCodeAt(i);
    return i < this.end - this.start ? this.#src.charCodeAt(this.start + i) : NaN;
  }
  /** value === s, without building the value. */
  is(s: string): boolean {
    if (this.quoted || this.#v !== undefined) return this.value === s;
    return this.end - this.start === s.length && this.#src.startsWith(s, this.start);
  }
  /** The part of this argument from column `start` on, as an argument of its own. */
  sub(start: number, value: string): Tok {
    const q = this.#src.indexOf('"', start);
    return new Tok(this.#src, this.line, start, this.end, value, this.quoted && q >= 0 && q < this.end);
  }
}

/** One option with its arguments (implements ast.OptionNode). */
export class Opt implements OptionNode {
  constructor(
    public name: string,
    /** Columns of the option name. */
    public nameStart: number,
    public nameEnd: number,
    public line: number,
    readonly values: Tok[],
    public negation: Tok | undefined,
  ) {}
  /** Reuse (the parser's scratch pool only); `values` is emptied. */
  reset(name: string, nameStart: number, nameEnd: number, line: number, negation: Tok | undefined): void {
    this.name = name;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
    this.line = line;
    this.negation = negation;
    empty(this.values);
  }
  get negated(): boolean {
    return this.negation !== undefined;
  }
  get nameRange(): Range {
    return rng(this.line, this.nameStart, this.nameEnd);
  }
  get negationRange(): Range | undefined {
    return this.negation?.range;
  }
  get start(): number {
    return this.negation && this.negation.start < this.nameStart ? this.negation.start : this.nameStart;
  }
  get end(): number {
    let e = this.nameEnd;
    for (const v of this.values) if (v.end > e) e = v.end;
    if (this.negation && this.negation.end > e) e = this.negation.end;
    return e;
  }
  get range(): Range {
    return rng(this.line, this.start, this.end);
  }
}

/** `-m NAME …` or the implicit protocol match (implements ast.MatchNode). */
export class Match implements MatchNode {
  readonly options: Opt[] = [];
  constructor(
    public name: string,
    /** The module name (for an implicit match: the `-p` value). */
    public nameTok: Tok,
    public implicit: boolean,
    /** Column where `-m` starts (unused for implicit matches). */
    public start0: number,
  ) {}
  /** Reuse (the parser's scratch pool only); `options` is emptied. */
  reset(name: string, nameTok: Tok, implicit: boolean, start0: number): this {
    this.name = name;
    this.nameTok = nameTok;
    this.implicit = implicit;
    this.start0 = start0;
    empty(this.options);
    return this;
  }
  get nameRange(): Range {
    return this.nameTok.range;
  }
  get range(): Range {
    const o = this.options;
    let start = this.implicit && o.length ? o[0].start : this.start0;
    let end = this.implicit && o.length ? o[0].end : this.nameTok.end;
    for (const x of o) {
      if (x.start < start) start = x.start;
      if (x.end > end) end = x.end;
    }
    return rng(this.nameTok.line, start, end);
  }
}

/** `-j NAME …` / `-g NAME` (implements ast.TargetNode). */
export class Target implements TargetNode {
  readonly options: Opt[] = [];
  constructor(
    public name: string,
    public nameTok: Tok,
    public kind: 'jump' | 'goto',
    public start0: number,
  ) {}
  /** Reuse (the parser's scratch pool only); `options` is emptied. */
  reset(name: string, nameTok: Tok, kind: 'jump' | 'goto', start0: number): this {
    this.name = name;
    this.nameTok = nameTok;
    this.kind = kind;
    this.start0 = start0;
    empty(this.options);
    return this;
  }
  get nameRange(): Range {
    return this.nameTok.range;
  }
  get range(): Range {
    let end = this.nameTok.end;
    for (const x of this.options) if (x.end > end) end = x.end;
    return rng(this.nameTok.line, this.start0, end);
  }
}

/** The most characters of one argument in the last splitArgs/splitPooled. */
let longestArg = 0;
/** Where the argument readQuoted() read ends. */
let quotedEnd = 0;
/** The next backslash in the line being split, at or after what readQuoted read (-1: none; 0 before the first search). */
let nextBackslash = 0;

/**
 * The value of the argument that starts at `start` and has its first `"` at `q`
 * (the text before it, then the quoted part with `\x` read as x); it ends at the
 * closing quote or at `to`: `quotedEnd` is set to that end.
 */
function readQuoted(s: string, start: number, q: number, to: number): string {
  // The common case first: a closing quote and no backslash before it, found by searching
  // (not by a loop over the characters). Only when the text ends with the line, so that no
  // search runs past it; the next backslash is remembered for the line (splitPooled/splitArgs
  // reset it): searches stay linear in the line.
  if (to === s.length) {
    const close = s.indexOf('"', q + 1);
    if (close >= 0) {
      if (nextBackslash >= 0 && nextBackslash <= q) nextBackslash = s.indexOf('\\', q + 1);
      if (nextBackslash < 0 || nextBackslash > close) {
        quotedEnd = close + 1;
        return start === q ? s.slice(q + 1, close) : s.slice(start, q) + s.slice(q + 1, close);
      }
    }
  }
  let value = s.slice(start, q);
  let i = q + 1;
  // runs of plain characters are copied whole
  let run = i;
  let closed = false;
  while (i < to) {
    const d = s.charCodeAt(i);
    if (d === 92 /* \ */) {
      if (i > run) value += s.slice(run, i);
      if (i + 1 < to) value += s[i + 1];
      i += 2;
      run = i;
      continue;
    }
    if (d === 34) {
      if (i > run) value += s.slice(run, i);
      i++;
      closed = true;
      break;
    }
    i++;
  }
  if (i > to) i = to;
  if (!closed && i > run) value += s.slice(run, i);
  quotedEnd = i;
  return value;
}

/**
 * Splits `s[from, to)` into arguments exactly like iptables-restore's
 * add_param_to_argv (see the header comment). Tokens keep their raw text.
 */
export function splitArgs(s: string, line: number, from = 0, to = s.length, firstOnly = false): Tok[] {
  const out: Tok[] = [];
  nextBackslash = 0;
  longestArg = 0;
  let i = from;
  while (i < to && !(firstOnly && out.length)) {
    let c = s.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    let value = null as string | null; // null while the value equals the raw text
    while (i < to) {
      c = s.charCodeAt(i);
      if (c === 34 /* " */) {
        value = readQuoted(s, start, i, to);
        i = quotedEnd;
        break; // the closing quote (or the end of the line) ends the argument
      }
      if (c === 32 || c === 9) break;
      i++;
    }
    if (i - start > longestArg) longestArg = i - start;
    if (value === null) out.push(new Tok(s, line, start, i, undefined, false)); // value read on first use
    else out.push(new Tok(s, line, start, i, value, true));
  }
  return out;
}

function hasArg(t: Tok | undefined): boolean {
  // xs_has_arg(): the next argument exists and does not start with '-' or '!'
  if (t === undefined) return false;
  const c = t.code(0);
  return c !== 45 && c !== 33;
}

function isCoreLetter(l: string): boolean {
  const c = l.charCodeAt(0);
  return l.length === 1 && c < 128 && CORE_LETTER[c] === 1;
}

/** By character code: 1 for a core option letter (CORE_ARG, but `0`, which only --line-numbers sets). */
const CORE_LETTER = letterTable(Object.keys(CORE_ARG).filter((l) => l !== '0').join(''));
/** By character code: the core option letter as a string, `-` and the letter (SHORT), its argument kind (CORE_ARG). */
const LETTER_OF: string[] = new Array(128).fill('');
const SHORT_OF: string[] = new Array(128).fill('');
const ARG_OF = new Int8Array(128).fill(-1);
for (const l of Object.keys(CORE_ARG)) {
  const c = l.charCodeAt(0);
  LETTER_OF[c] = l;
  SHORT_OF[c] = SHORT[l] ?? '-' + l;
  ARG_OF[c] = CORE_ARG[l];
}
/** ILLEGAL by character code: 1 for an option letter the command forbids. */
const ILLEGAL_LETTER: Readonly<Record<string, Uint8Array>> = Object.fromEntries(
  Object.entries(ILLEGAL).map(([command, row]) => [command, letterTable(OPT_COLUMNS.filter((_, i) => row[i] === 'x').join(''))]),
);
/** By character code: 1 for a command letter (COMMAND_LETTERS). */
const COMMAND_LETTER = letterTable(COMMAND_LETTERS);
/** By character code: 1 for a generic option letter (GENERIC_LETTERS). */
const GENERIC_LETTER = letterTable(GENERIC_LETTERS);

function letterTable(letters: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < letters.length; i++) t[letters.charCodeAt(i)] = 1;
  return t;
}

/** Looks like a value rather than an option (for options of unknown arity). */
function valueLike(t: Tok | undefined): boolean {
  if (!t) return false;
  if (t.quoted) return true;
  const n = t.size;
  const c0 = t.code(0);
  if (n === 1 && c0 === 33) return false; // `!`
  if (c0 !== 45) return true;
  const c1 = t.code(1);
  if (n === 1 || (c1 >= 48 && c1 <= 57)) return true; // `-`, `-1`
  if (c1 === 45) return false;
  // `-xyz` is an option only if its letters are (else getopt would fail on it)
  for (let i = 1; i < n; i++) {
    const l = String.fromCharCode(t.code(i));
    if (!isCoreLetter(l)) return true;
    if (CORE_ARG[l] !== 0) return false;
  }
  return false;
}

function isRuleNumber(v: string): boolean {
  // xtables_strtoui(rule, NULL, &n, 1, INT_MAX) with base 0: decimal, 0x… hex, 0… octal
  const m = /^\s*(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(v);
  if (!m) return false;
  const t = m[1];
  const n = /^0[xX]/.test(t) ? parseInt(t, 16) : t.length > 1 && t[0] === '0' ? parseInt(t, 8) : Number(t);
  return n >= 1 && n <= 2147483647;
}

export const COMMAND_NAMES: Readonly<Record<string, string>> = {
  A: 'append', C: 'check', D: 'delete', I: 'insert', R: 'replace', L: 'list', S: 'list-rules',
  F: 'flush', Z: 'zero', N: 'new-chain', X: 'delete-chain', E: 'rename-chain', P: 'policy',
};

// ------------------------------------------------------- one command line

/** Fills `pool[0..n)` with the arguments of `s[from, to)` (reusing the objects); returns n. */
function splitPooled(s: string, line: number, from: number, to: number, pool: Tok[]): number {
  let n = 0;
  nextBackslash = 0;
  longestArg = 0;
  let i = from;
  // Searching beats a loop over the characters: when the text ends with the line (no search
  // runs past it) and the line has no tab, an argument ends at the next space unless a quote
  // comes first (`quote`: the next one at or after `i`, `to` if none).
  let search = false;
  let quote = to;
  if (to === s.length) {
    const tab = s.indexOf('\t', from);
    search = tab < 0;
    if (search) {
      quote = s.indexOf('"', from);
      if (quote < 0) quote = to;
    }
  }
  while (i < to) {
    let c = s.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    let quoted = false;
    if (search) {
      let e = s.indexOf(' ', i);
      if (e < 0) e = to;
      if (quote < e) {
        quoted = true;
        i = quote;
      } else i = e;
    } else {
      while (i < to) {
        c = s.charCodeAt(i);
        if (c === 34) {
          quoted = true;
          break;
        }
        if (c === 32 || c === 9) break;
        i++;
      }
    }
    let value: string | undefined;
    if (quoted) {
      // the quote rules of splitArgs, for this one argument
      value = readQuoted(s, start, i, to);
      i = quotedEnd;
      if (search) {
        quote = s.indexOf('"', i);
        if (quote < 0) quote = to;
      }
    }
    if (i - start > longestArg) longestArg = i - start;
    let tok = pool[n];
    if (!tok) tok = pool[n] = new Tok(s, line, start, i, value, quoted);
    else tok.reset(s, line, start, i, value, quoted);
    n++;
  }
  return n;
}

/** RuleSpec.protocol of a scratch tree (see CommandParser): the range is built when read. */
export class ScratchProtocol {
  value = '';
  negated = false;
  tok: Tok | undefined;
  get range(): Range {
    return this.tok!.range;
  }
}

/** What parse() returns for a line read without building a tree (no allocation per line). */
const PARSED_OK = { ok: true } as const;

/**
 * getopt_long over one line's arguments, the way `iptables` (do_parse) reads
 * them in restore mode. One instance is reused for every line. With `build`
 * false it only checks the line and notes command, chain and target (no
 * objects survive the line); with `build` true it also builds the tree. With
 * `scratch` (and `build`) the rule's tree (`scratchRule`) is made of pooled
 * nodes that the next line reuses: for a pass that reads each rule once.
 */
class CommandParser {
  errors: ParseError[] = [];
  family = { v4: 0, v6: 0 };
  docFamily: IptablesDocument['family'] = 'unknown';
  /** Where chain and target names are read from (one string per name), if anywhere. */
  names: Names | undefined;
  private readonly pool: Tok[] = [];

  // per line
  private build = false;
  private scratch = false;
  private line = 0;
  /** Offset of column 0 in the string being parsed (the whole text in the parse pass). */
  private base = 0;
  private toks: Tok[] = [];
  private ntoks = 0;
  private pos = 0;
  private errorsBefore = 0;
  command: Command | undefined;
  private commandToken: Tok | undefined;
  private deleteByNumber = false;
  chainName: string | undefined;
  chainStart = 0;
  chainEnd = 0;
  private chain: Tok | undefined;
  private arg: Tok | undefined;
  ipVersion: 4 | 6 | undefined;
  private flags: Opt[] = [];
  /** set_option() state: the token of each core option letter seen (by char code), letters in order, duplicates reported. */
  private readonly seenTok: (Tok | undefined)[] = new Array(128).fill(undefined);
  private readonly seenOrder: string[] = [];
  private readonly dupReported: boolean[] = new Array(128).fill(false);
  // scratch pools (see `scratch`)
  private readonly optPool: Opt[] = [];
  private nOpt = 0;
  private readonly matchPool: Match[] = [];
  private nMatch = 0;
  private targetPool: Target | undefined;
  private readonly valueScratch: Tok[] = [];
  private readonly scratchProtocol = new ScratchProtocol();
  private readonly scratchArrays = { flags: [] as Opt[], generic: [] as Opt[], matches: [] as Match[], stray: [] as Opt[] };
  /** The rule of the line just parsed in scratch mode (valid until the next parse). */
  scratchRule: RuleSpec | undefined;
  private readonly scratchRuleSpec: RuleSpec = { generic: this.scratchArrays.generic, matches: this.scratchArrays.matches, stray: this.scratchArrays.stray, protocol: undefined, target: undefined };
  private generic: Opt[] = [];
  private protocol: RuleSpec['protocol'];
  private protoTok: Tok | undefined;
  private protoModule: string | undefined;
  private matches: Match[] = [];
  private readonly matchNames: string[] = [];
  private stray: Opt[] = [];
  targetName: string | undefined;
  targetKind: 'jump' | 'goto' | undefined;
  private target: Target | undefined;
  private curName = '';
  private curIsMatch = false;
  private cur: Match | Target | undefined;
  private implicit: Match | undefined;
  private implicitName: string | undefined;
  private extLoaded = false;
  private invert: Tok | undefined;
  private badArgs = 0;
  private counters: Counters | undefined;
  hasRule = false;

  private err(start: number, end: number, message: string, data?: Record<string, unknown>): void {
    const e: ParseError = { range: rng(this.line, start - this.base, end - this.base), message };
    if (data) e.data = data;
    this.errors.push(e);
  }

  private errTok(t: Tok, message: string, data?: Record<string, unknown>): void {
    this.err(t.start, t.end, message, data);
  }

  /**
   * Parses one command line: `s[from, end)`, where column 0 is at `base`. `ok`
   * is false when the line has no command. The tree (`cmd`, `tokens`) is only
   * built when `build` is true (then `base` must be 0).
   */
  parse(
    s: string,
    line: number,
    from: number,
    end: number,
    base: number,
    table: string,
    lineRange: Range | null,
    build: boolean,
    scratch = false,
  ): { ok: boolean; cmd?: CommandLine; tokens?: Tok[]; message?: string } {
    this.build = build;
    this.scratch = scratch;
    this.scratchRule = undefined;
    this.line = line;
    this.base = base;
    this.errorsBefore = this.errors.length;
    this.command = undefined;
    this.commandToken = undefined;
    this.deleteByNumber = false;
    this.chainName = undefined;
    this.chain = undefined;
    this.arg = undefined;
    this.ipVersion = undefined;
    const order = this.seenOrder;
    for (let i = 0; i < order.length; i++) {
      const c = order[i].charCodeAt(0);
      this.seenTok[c] = undefined;
      this.dupReported[c] = false;
    }
    empty(order);
    this.protocol = undefined;
    this.protoTok = undefined;
    this.protoModule = undefined;
    empty(this.matchNames);
    this.targetName = undefined;
    this.targetKind = undefined;
    this.target = undefined;
    this.curName = '';
    this.curIsMatch = false;
    this.cur = undefined;
    this.implicit = undefined;
    this.implicitName = undefined;
    this.extLoaded = false;
    this.invert = undefined;
    this.badArgs = 0;
    this.counters = undefined;
    this.hasRule = false;
    if (scratch) {
      this.nOpt = 0;
      this.nMatch = 0;
      // the scratch arrays only (arrays of a built tree belong to that tree)
      const sc = this.scratchArrays;
      this.flags = sc.flags;
      this.generic = sc.generic;
      this.matches = sc.matches;
      this.stray = sc.stray;
      empty(sc.flags);
      empty(sc.generic);
      empty(sc.matches);
      empty(sc.stray);
    } else if (build) {
      this.flags = [];
      this.generic = [];
      this.matches = [];
      this.stray = [];
    }

    let to = end;
    if (s.charCodeAt(from) === 91 /* [ */) {
      // tokenize_rule_counters(): strchr ']', then strtok ':' and strtok ']'
      let ptr = s.indexOf(']', from);
      if (ptr >= end) ptr = -1;
      let j = from + 1;
      while (j < end && s.charCodeAt(j) === 58) j++;
      if (ptr < 0) {
        this.err(from, end, 'rule counters `[packets:bytes]` without `]` (iptables-restore: "Bad line: need ]")');
        return { ok: false, tokens: [], message: 'bad rule counters' };
      }
      if (j >= end) {
        this.err(from, ptr + 1, 'rule counters without `:` (iptables-restore: "Bad line: need :")');
        return { ok: false, tokens: [], message: 'bad rule counters' };
      }
      let pEnd = s.indexOf(':', j);
      if (pEnd < 0 || pEnd > end) pEnd = end;
      let k = pEnd < end ? pEnd + 1 : end;
      while (k < end && s.charCodeAt(k) === 93) k++;
      if (k >= end) {
        this.err(from, ptr + 1, 'rule counters must be `[packets:bytes]` (iptables-restore: "Bad line: need ]")');
        return { ok: false, tokens: [], message: 'bad rule counters' };
      }
      let bEnd = s.indexOf(']', k);
      if (bEnd < 0 || bEnd > end) bEnd = end;
      if (build && !scratch) {
        const packets = s.slice(j, pEnd);
        const bytes = s.slice(k, bEnd);
        this.counters = { packets, bytes, range: rng(line, from - base, ptr + 1 - base), numeric: scansUnsigned(packets) && scansUnsigned(bytes) };
      }
      // strtok wrote NULs at pEnd and bEnd: the command text ends at the first one after `]`.
      if (pEnd > ptr && pEnd < to) to = pEnd;
      else if (bEnd > ptr && bEnd < to) to = bEnd;
      from = ptr + 1;
    }

    if (build && !scratch) {
      this.toks = splitArgs(s, line, from, to);
      this.ntoks = this.toks.length;
    } else {
      this.toks = this.pool;
      this.ntoks = splitPooled(s, line, from, to, this.pool);
    }
    const toks = this.toks;
    const n = this.ntoks;
    if (n > MAX_ARGS) {
      this.err(toks[MAX_ARGS].start, toks[n - 1].end, `more than ${MAX_ARGS} arguments on one line (iptables-restore: "Parser cannot handle more arguments")`);
    }
    for (let i = 0; i < n && longestArg * 3 > MAX_ARG_BYTES; i++) {
      const t = toks[i];
      if ((t.end - t.start) * 3 > MAX_ARG_BYTES && utf8Length(t.value) > MAX_ARG_BYTES) {
        this.errTok(t, `argument longer than ${MAX_ARG_BYTES} bytes (iptables-restore: "Parameter too long!")`);
      }
    }

    for (this.pos = 0; this.pos < n; ) {
      const tok = toks[this.pos++];
      if (!this.step(tok)) break;
    }
    if (this.invert) this.errTok(this.invert, '`!` at the end of the line negates nothing (iptables: "nothing appropriate following !")');

    const command = this.command;
    const commandToken = this.commandToken;
    const outToks = build && !scratch ? toks : undefined;
    if (!command || !commandToken) {
      let message = 'no command on this line (iptables-restore: "no command specified"); rules start with -A CHAIN';
      if (!n) message = 'a line of only spaces or tabs is not empty to iptables-restore ("no command specified"); remove the blanks';
      // One error per line is enough when an argument was already rejected.
      if (this.errors.length === this.errorsBefore || !n) {
        if (n) this.errTok(toks[0], message);
        else this.errors.push({ range: lineRange ?? rng(line, 0, end - base), message, data: { fix: 'trim-line' } });
      }
      return { ok: false, tokens: outToks, message };
    }

    // commands_v_options: options this command does not allow.
    const row = ILLEGAL_LETTER[command === 'D' && this.deleteByNumber ? 'DN' : command];
    if (row && this.seenOrder.length) {
      const order = this.seenOrder;
      for (let i = 0; i < order.length; i++) {
        const l = order[i];
        if (row[l.charCodeAt(0)] === 1) {
          const t = this.seenTok[l.charCodeAt(0)]!;
          const shown = t.value.startsWith('--') ? t.value.split('=')[0] : '-' + l;
          this.errTok(t, `\`${shown}\` is not allowed with -${command}${command === 'D' && this.deleteByNumber ? ' CHAIN RULENUM' : ''} (iptables: "Illegal option with this command")`);
        }
      }
    }
    this.hasRule = command === 'A' || command === 'I' || command === 'R' || command === 'C' || (command === 'D' && !this.deleteByNumber);
    if (!build) return PARSED_OK;
    if (scratch) {
      if (this.hasRule) {
        // one object for every line (its arrays are the scratch arrays already)
        const rule = this.scratchRuleSpec;
        rule.protocol = this.protocol;
        rule.target = this.target;
        this.scratchRule = rule;
      }
      return PARSED_OK;
    }

    const cmd: CommandLine = { kind: 'command', line, range: lineRange ?? rng(line, 0, end - base), command, commandToken, tokens: outToks!, table, flags: this.flags };
    if (this.chain) cmd.chain = this.chain;
    if (this.arg) cmd.arg = this.arg;
    if (this.counters) cmd.counters = this.counters;
    if (this.ipVersion) cmd.ipVersion = this.ipVersion;
    if (this.hasRule) {
      const rule: RuleSpec = { generic: this.generic, matches: this.matches, stray: this.stray };
      if (this.protocol) rule.protocol = this.protocol;
      if (this.target) rule.target = this.target;
      cmd.rule = rule;
    }
    return { ok: true, cmd, tokens: toks };
  }

  private next(): Tok | undefined {
    return this.pos < this.ntoks ? this.toks[this.pos] : undefined;
  }

  private take(): Tok {
    return this.toks[this.pos++];
  }

  /** Handles one argument; false stops the loop (`--`). */
  private step(tok: Tok): boolean {
    const n = tok.size;
    const c0 = tok.code(0);
    // ---- non-option arguments
    if (n < 2 || c0 !== 45 /* - */) {
      if (n === 1 && c0 === 33 /* ! */) {
        if (this.invert) this.errTok(tok, 'two `!` in a row (iptables: "multiple consecutive ! not allowed")');
        this.invert = tok;
        return true;
      }
      this.badArgument(tok);
      return true;
    }
    if (tok.code(1) === 45 /* - */) {
      if (n === 2) {
        // `--` ends option parsing
        if (this.pos < this.ntoks) {
          this.err(tok.start, this.toks[this.ntoks - 1].end, '`--` ends the options; iptables rejects the words after it ("unknown arguments found on commandline")');
        }
        return false;
      }
      // ---- long option, maybe `--name=value`
      const v = tok.value;
      const eq = v.indexOf('=');
      const w = word(eq >= 0 ? v.slice(0, eq) : v);
      const nameText = w.name;
      let attached: Tok | undefined;
      let nameEnd = tok.end;
      if (eq >= 0) {
        const rawEq = tok.raw.indexOf('=');
        attached = tok.sub(tok.start + rawEq + 1, v.slice(eq + 1));
        nameEnd = tok.start + rawEq;
      }
      let letter: string | undefined = w.letter;
      if (letter === undefined) {
        if (nameText === '--fragment') letter = 'f';
        else if (!this.extLoaded && nameText.length > 2) {
          const long = nameText.slice(2);
          // getopt_long accepts unambiguous abbreviations while only core options exist
          const cands = CORE_LONG_NAMES.filter((c) => c.startsWith(long));
          const letters = new Set(cands.map((c) => CORE_LONG[c]));
          if (letters.size === 1) letter = CORE_LONG[cands[0]];
          else if (letters.size > 1) {
            this.errTok(tok, `\`${nameText}\` is ambiguous (could be ${cands.map((c) => '--' + c).join(', ')})`);
            this.invert = undefined;
            this.skipValue();
            return true;
          }
        }
      }
      if (letter === undefined) this.extOption(tok, nameText, tok.start, nameEnd, attached);
      else this.coreOption(letter, nameText, tok, tok.start, nameEnd, attached);
      return true;
    }

    // ---- short option(s), possibly clustered (`-fv`); a letter with an argument takes the rest
    for (let p = 1; p < n; p++) {
      const c = tok.code(p);
      const ns = p === 1 ? tok.start : tok.start + p;
      const ne = tok.start + p + 1;
      if (!(c < 128 && CORE_LETTER[c] === 1)) {
        this.err(ns, ne, `unknown option \`-${String.fromCharCode(c)}\` (iptables has no such option)`);
        this.invert = undefined;
        this.skipValue();
        return true;
      }
      const l = LETTER_OF[c];
      if (ARG_OF[c] !== 0 && p + 1 < n) {
        this.coreOption(l, SHORT_OF[c], tok, ns, ne, tok.sub(ne, tok.value.slice(p + 1)));
        return true;
      }
      this.coreOption(l, SHORT_OF[c], tok, ns, ne, undefined);
    }
    return true;
  }

  /** After a rejected option: its value is not reported again as a bad argument. */
  private skipValue(): void {
    const n = this.next();
    if (n && !n.quoted && n.code(0) !== 45 && !n.is('!')) this.pos++;
  }

  private badArgument(t: Tok): void {
    if (this.badArgs++ > 0) return; // iptables stops at the first one
    const v = t.value;
    let message = `Bad argument \`${v}\`: no option takes this word`;
    if (v.startsWith('#')) message = 'a comment must start with `#` in column 1; iptables-restore reads this `#` as an argument (Bad argument `#`)';
    else if (v === 'COMMIT' || v === 'commit') message = 'COMMIT must be alone on its line, in capitals, without spaces (iptables-restore: Bad argument)';
    else if (v.startsWith(':')) message = 'a chain declaration must start with `:` in column 1 (iptables-restore: Bad argument)';
    this.errTok(t, message);
  }

  private opt(name: string, ns: number, ne: number, values: Tok[], neg: Tok | undefined): Opt {
    if (!this.scratch) return new Opt(name, ns, ne, this.line, values, neg);
    let o = this.optPool[this.nOpt];
    if (o) o.reset(name, ns, ne, this.line, neg);
    else o = this.optPool[this.nOpt] = new Opt(name, ns, ne, this.line, [], neg);
    this.nOpt++;
    for (let i = 0; i < values.length; i++) o.values.push(values[i]);
    return o;
  }

  /** An option with at most one value (no array built in scratch mode). */
  private opt1(name: string, ns: number, ne: number, value: Tok | undefined, neg: Tok | undefined): Opt {
    if (!this.scratch) return new Opt(name, ns, ne, this.line, value ? [value] : [], neg);
    const vs = this.valueScratch;
    empty(vs);
    if (value) vs.push(value);
    return this.opt(name, ns, ne, vs, neg);
  }

  private newMatch(name: string, nameTok: Tok, implicit: boolean, start0: number): Match {
    if (!this.scratch) return new Match(name, nameTok, implicit, start0);
    const m = this.matchPool[this.nMatch];
    this.nMatch++;
    return m ? m.reset(name, nameTok, implicit, start0) : (this.matchPool[this.nMatch - 1] = new Match(name, nameTok, implicit, start0));
  }

  private newTarget(name: string, nameTok: Tok, kind: 'jump' | 'goto', start0: number): Target {
    if (!this.scratch) return new Target(name, nameTok, kind, start0);
    return this.targetPool ? this.targetPool.reset(name, nameTok, kind, start0) : (this.targetPool = new Target(name, nameTok, kind, start0));
  }

  private setOption(l: string, t: Tok, neg: Tok | undefined, display: string): void {
    // set_option(): no duplicates; `!` only before -s -d -p -i -o -f
    const c = l.charCodeAt(0);
    if (this.seenTok[c] === undefined) {
      this.seenTok[c] = t;
      this.seenOrder.push(l);
    } else if (!this.dupReported[c]) {
      // iptables stops at the first duplicate; one error per option is enough
      this.dupReported[c] = true;
      this.errTok(t, `\`${display}\` given twice (iptables: "multiple -${l} flags not allowed")`);
    }
    if (neg && GENERIC_LETTER[l.charCodeAt(0)] !== 1) this.errTok(neg, `\`!\` cannot negate \`${display}\` (iptables: "cannot have ! before -${l}")`);
  }

  private coreOption(l: string, display: string, tok: Tok, ns: number, ne: number, att: Tok | undefined): void {
    const neg = this.invert;
    this.invert = undefined;
    let val: Tok | undefined = att;
    if (!val && ARG_OF[l.charCodeAt(0)] === 1) {
      // required argument: the next one, whatever it looks like
      if (this.pos < this.ntoks) val = this.take();
      else {
        this.err(ns, ne, `\`${display}\` needs an argument (iptables: "option requires an argument")`);
        if (COMMAND_LETTER[l.charCodeAt(0)] !== 1) return;
      }
    }

    if (COMMAND_LETTER[l.charCodeAt(0)] === 1) {
      this.commandOption(l, display, tok, ns, ne, val, neg);
      return;
    }

    if (att && 'psdij'.includes(l)) {
      // iptables 1.8.9 takes these values from the whole argument (argv[optind-1]):
      // `-ptcp` is protocol "-ptcp", `--source=1.2.3.4` host "--source=1.2.3.4".
      this.errTok(tok, `iptables 1.8.9 reads all of \`${tok.value}\` as the value of ${display}; write \`${display} ${att.value}\` with a space`, {
        fix: 'split-attached',
        at: att.start - this.base,
      });
    } else if (att && (l === 'o' || l === 'i')) {
      val = tok; // taken whole too, and accepted as an odd interface name
    }

    switch (l) {
      case 'p':
      case 's':
      case 'd':
      case 'i':
      case 'o':
      case 'f': {
        this.setOption(l, tok, neg, display);
        let negTok = neg;
        let value: Tok | undefined;
        if (val) {
          if (!val.quoted && val.is('!')) {
            // Old intrapositioned negation `-p ! tcp`: iptables 1.8.9 rejects it.
            const real = this.next();
            const movable = !negTok && tok.start === ns && real !== undefined && valueLike(real);
            this.errTok(
              val,
              `\`${display} ! …\` (negation after the option) is rejected by iptables 1.8.9; write \`! ${display} …\``,
              movable ? { fix: 'move-negation', optionStart: ns - this.base, optionEnd: tok.end - this.base } : undefined,
            );
            negTok = negTok ?? val;
            if (real && valueLike(real)) value = this.take();
          } else value = val;
        }
        if (this.build) this.generic.push(this.opt1(display, ns, ne, value, negTok));
        if (!value) return;
        if (l === 'p') {
          const pv = value.value.toLowerCase();
          this.protoTok = value;
          if (this.scratch) {
            const sp = this.scratchProtocol;
            sp.value = pv;
            sp.negated = !!negTok;
            sp.tok = value;
            this.protocol = sp;
          } else if (this.build) this.protocol = { value: pv, negated: !!negTok, range: value.range };
          this.protoModule = negTok ? undefined : PROTO_MODULE_MAP.get(pv) ?? pv;
          if (pv === 'icmpv6' || pv === 'ipv6-icmp' || pv === '58') this.family.v6++;
          else if (pv === 'icmp' || pv === '1') this.family.v4++;
        } else if ((l === 's' || l === 'd') && this.docFamily === 'unknown') {
          // (the counts only matter when the header names no family)
          const v = value.value;
          if (v.includes(':')) this.family.v6++;
          else if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/.test(v)) this.family.v4++;
        }
        return;
      }
      case 'j':
      case 'g': {
        this.setOption('j', tok, neg, display);
        if (att && l === 'j') val = tok; // `-jX` / `--jump=X`: 1.8.9 jumps to the whole argument (reported above)
        if (!val) return;
        const name = this.names ? val.valueFrom(this.names) : val.value;
        const problem = targetNameProblem(name);
        if (problem === 1) this.errTok(val, `target name longer than ${MAX_CHAIN_NAME} characters (iptables: "Invalid target name")`);
        else if (problem === 2) this.errTok(val, `\`${name}\` is not a valid target name (iptables: "Invalid target name")`);
        if (this.targetName !== undefined) return; // the duplicate is already reported
        this.targetName = name;
        this.targetKind = l === 'g' ? 'goto' : 'jump';
        this.curName = name;
        this.curIsMatch = false;
        this.extLoaded = true;
        if (this.build) this.cur = this.target = this.newTarget(name, val, this.targetKind, tok.start);
        return;
      }
      case 'm': {
        if (neg) this.errTok(neg, '`!` cannot negate -m; put it before the match option instead (iptables: "unexpected ! flag before --match")');
        if (!val) return;
        const name = val.value;
        this.curName = name;
        this.curIsMatch = true;
        this.matchNames.push(name);
        this.extLoaded = true;
        if (this.build) {
          const m = this.newMatch(name, val, false, tok.start);
          this.matches.push(m);
          this.cur = m;
        }
        return;
      }
      case 'c': {
        this.setOption('c', tok, neg, display);
        const values: Tok[] = [];
        if (val) {
          values.push(val);
          const comma = val.value.indexOf(',', 1);
          let bcnt: Tok | undefined;
          if (comma < 0 && hasArg(this.next())) {
            bcnt = this.take();
            values.push(bcnt);
          }
          const p = comma >= 0 ? val.value.slice(0, comma) : val.value;
          const b = comma >= 0 ? val.value.slice(comma + 1) : bcnt?.value;
          if (b === undefined) this.err(ns, ne, '-c needs two numbers: packets and bytes (iptables: "-c requires packet and byte counter")');
          else if (!scansUnsigned(p)) this.errTok(val, 'packet counter is not a number (iptables: "-c packet counter not numeric")');
          else if (!scansUnsigned(b)) this.errTok(bcnt ?? val, 'byte counter is not a number (iptables: "-c byte counter not numeric")');
          else if (!this.counters && this.build) this.counters = { packets: p, bytes: b, range: rng(this.line, tok.start, (bcnt ?? val).end), numeric: true };
        }
        if (this.build && !this.scratch) this.flags.push(this.opt(display, ns, ne, values, undefined));
        return;
      }
      case 't':
        this.err(tok.start, (val ?? tok).end, 'the table comes from the `*table` line; iptables-restore rejects -t ("The -t option cannot be used")');
        if (this.build && !this.scratch) this.flags.push(this.opt(display, ns, ne, val ? [val] : [], neg));
        return;
      case 'w':
      case 'W': {
        let wv = val;
        if (!wv && hasArg(this.next())) wv = this.take();
        this.err(ns, ne, `iptables-restore does not accept \`${display}\` in a file ("You cannot use \`-w' from iptables-restore")`);
        if (this.build && !this.scratch) this.flags.push(this.opt(display, ns, ne, wv ? [wv] : [], neg));
        return;
      }
      case 'h': {
        let hv = val;
        if (!hv && hasArg(this.next())) hv = this.take();
        if (this.build && !this.scratch) this.flags.push(this.opt(display, ns, ne, hv ? [hv] : [], neg));
        return;
      }
      case 'n':
      case 'x':
      case '0':
        this.setOption(l, tok, neg, display);
        if (this.build && !this.scratch) this.flags.push(this.opt(display, ns, ne, [], neg));
        return;
      case '4':
      case '6':
        this.ipVersion = l === '4' ? 4 : 6;
        if (this.build && !this.scratch) this.flags.push(this.opt(display, ns, ne, [], neg));
        return;
      default:
        // -v -V -M
        if (neg && l !== 'v') this.errTok(neg, `\`!\` cannot negate \`${display}\``);
        if (this.build && !this.scratch) this.flags.push(this.opt(display, ns, ne, val ? [val] : [], neg));
        return;
    }
  }

  private commandOption(l: string, display: string, tok: Tok, ns: number, ne: number, val: Tok | undefined, neg: Tok | undefined): void {
    if (neg) this.errTok(neg, `\`!\` cannot negate the command ${display} (iptables: "unexpected '!' flag")`);
    const command = this.command;
    if (command && !('LZS'.includes(command) && 'LZS'.includes(l))) {
      this.err(ns, ne, `two commands on one line: ${display} and -${command} (iptables: "Cannot use -${l} with -${command}")`);
      return;
    }
    if (!command) {
      this.command = l as Command;
      this.commandToken = tok;
    }
    const optional = ARG_OF[l.charCodeAt(0)] === 2;
    if (optional && !val && hasArg(this.next())) val = this.take();
    if (val) {
      this.chain = val;
      this.chainName = this.names ? val.valueFrom(this.names) : val.value;
      this.chainStart = val.start - this.base;
      this.chainEnd = val.end - this.base;
    } else if (!optional) return;
    const nxt = this.next();
    switch (l) {
      case 'D':
      case 'I':
        if (hasArg(nxt)) {
          this.arg = this.take();
          if (l === 'D') this.deleteByNumber = true;
          this.checkRuleNumber(this.arg);
        }
        return;
      case 'R':
        if (hasArg(nxt)) this.checkRuleNumber((this.arg = this.take()));
        else this.err(ns, ne, '-R needs a rule number after the chain (iptables: "-R requires a rule number")');
        return;
      case 'L':
      case 'Z':
        if (this.chain && hasArg(nxt)) this.checkRuleNumber((this.arg = this.take()));
        return;
      case 'E':
        if (hasArg(nxt)) this.arg = this.take();
        else this.err(ns, ne, '-E needs the old and the new chain name (iptables: "-E requires old-chain-name and new-chain-name")');
        return;
      case 'P':
        if (hasArg(nxt)) this.arg = this.take();
        else this.err(ns, ne, '-P needs a chain and a policy (iptables: "-P requires a chain and a policy")');
        return;
      case 'N':
        if (this.chain) this.checkNewChainName(this.chain);
        return;
    }
  }

  private checkRuleNumber(t: Tok): void {
    if (!isRuleNumber(t.value)) this.errTok(t, `\`${t.value}\` is not a rule number (1 or more) (iptables: "Invalid rule number")`);
  }

  private checkNewChainName(t: Tok): void {
    const name = t.value;
    if (name[0] === '-' || name[0] === '!') this.errTok(t, `a chain name may not start with \`${name[0]}\` (iptables: "chain name not allowed to start with")`);
    else if (clashesWithTarget(name, this.docFamily)) this.errTok(t, `\`${name}\` is a target name; a chain may not use it (iptables: "chain name may not clash with target name")`);
    else if (utf8Length(name) > MAX_CHAIN_NAME) this.errTok(t, `chain name longer than ${MAX_CHAIN_NAME} characters`);
  }

  private extOption(tok: Tok, name: string, ns: number, ne: number, att: Tok | undefined): void {
    let neg = this.invert;
    this.invert = undefined;
    // Which extension does it belong to? The most recent -m/-j, except that the
    // protocol's own options go to its match (explicit, or loaded by -p).
    let ownerName = this.curName;
    let owner: Match | Target | undefined = this.cur;
    let hasOwner = ownerName !== '';
    const pm = this.protoModule;
    if (pm !== undefined && !(this.curIsMatch && ownerName === pm) && (!hasOwner || PROTO_OPTIONS_MAP.get(pm)?.includes(name))) {
      ownerName = pm;
      hasOwner = true;
      if (this.build) {
        let m: Match | undefined;
        for (const x of this.matches) if (x.name === pm && !x.implicit) m = x;
        owner = m ?? this.implicitMatch(pm, tok);
      } else if (!this.matchNames.includes(pm)) this.implicitName = pm;
    }
    if (hasOwner) this.extLoaded = true;

    const arity = ARITY.get(ownerName)?.get(name) ?? 1;
    const build = this.build;
    let values: Tok[] | undefined;
    if (this.scratch) {
      values = this.valueScratch;
      empty(values);
    } else if (build) values = [];
    if (att) {
      if (values) values.push(att);
    } else if (arity === TEXT) {
      if (this.pos < this.ntoks) {
        const t = this.take();
        if (values) values.push(t);
      }
    } else if (arity > 0) {
      let nxt = this.next();
      if (nxt && !nxt.quoted && nxt.is('!') && valueLike(this.pos + 1 < this.ntoks ? this.toks[this.pos + 1] : undefined)) {
        // Old style `--opt ! value`: keep the meaning in the tree (whether 1.8.9
        // accepts it depends on the option's own parser, not on the syntax).
        this.take();
        if (!neg) neg = nxt;
        nxt = this.next();
      }
      if (valueLike(nxt)) {
        // (take() first: `values?.push(this.take())` would skip the take when not building)
        const first = this.take();
        if (values) values.push(first);
        let count = 1;
        while (count < arity) {
          const more = this.next();
          if (!more || (!more.quoted && (more.code(0) === 45 || more.is('!')))) break;
          const t = this.take();
          if (values) values.push(t);
          count++;
        }
      }
    }
    if (!build) return;
    const o = this.opt(name, ns, ne, values!, neg);
    if (owner) owner.options.push(o);
    else this.stray.push(o);
  }

  private implicitMatch(pm: string, first: Tok): Match {
    if (!this.implicit) {
      this.implicit = this.newMatch(pm, this.protoTok!, true, first.start);
      this.matches.push(this.implicit);
    }
    return this.implicit;
  }
}

// ------------------------------------------------------ lazy command lines

/** Re-parses lines on demand (errors were already collected by the main pass). */
const materializer = new CommandParser();

/** LazyCommand's memo slots once a slot other than 0 is used. */
class MemoSlots {
  readonly v: unknown[] = [];
}

/**
 * A command line whose arguments, rule and options are built on first access
 * (then cached, so identities are stable). The parse pass keeps only what every
 * analysis needs on a huge dump: command, chain name and target name/kind.
 */
export class LazyCommand implements CommandLine {
  // Many thousands of these stay alive per document: what only build() needs
  // shares one number (`#bits`), the memo slots one field. (The fields analyses
  // read stay plain fields: a getter would be a call in not yet optimised code.)
  readonly kind = 'command' as const;
  readonly line: number;
  readonly table: string;
  readonly command: Command;
  readonly chainName: string | undefined;
  readonly targetName: string | undefined;
  readonly targetKind: 'jump' | 'goto' | undefined;
  readonly hasRule: boolean;
  readonly ipVersion: 4 | 6 | undefined;
  #text: string;
  #start: number;
  #end: number;
  /** The family build() parses for (2 bits) and the column the command starts at (col0, the rest). */
  #bits: number;
  #full: CommandLine | undefined;
  /** Per-line memo slots (incremental.ts lineMemo): slot 0's value, or a MemoSlots with all of them. */
  #memo: unknown;
  constructor(
    line: number,
    table: string,
    command: Command,
    text: string,
    start: number,
    end: number,
    col0: number,
    family: IptablesDocument['family'],
    chainName: string | undefined,
    targetName: string | undefined,
    targetKind: 'jump' | 'goto' | undefined,
    hasRule: boolean,
    ipVersion: 4 | 6 | undefined,
  ) {
    this.line = line;
    this.table = table;
    this.command = command;
    this.chainName = chainName;
    this.targetName = targetName;
    this.targetKind = targetKind;
    this.hasRule = hasRule;
    this.ipVersion = ipVersion;
    this.#text = text;
    this.#start = start;
    this.#end = end;
    this.#bits = (family === 'ipv4' ? 1 : family === 'ipv6' ? 2 : 0) | (col0 << 2);
    this.#memo = undefined;
  }
  get #family(): IptablesDocument['family'] {
    const f = this.#bits & 3;
    return f === 1 ? 'ipv4' : f === 2 ? 'ipv6' : 'unknown';
  }
  get #col0(): number {
    return this.#bits >> 2;
  }
  /** Memo slot `id` (see incremental.ts lineMemo). */
  memo(id: number): unknown {
    const m = this.#memo;
    if (m instanceof MemoSlots) return m.v[id];
    return id === 0 ? m : undefined;
  }
  setMemo(id: number, value: unknown): void {
    const m = this.#memo;
    if (m instanceof MemoSlots) m.v[id] = value;
    else if (id === 0) this.#memo = value;
    else {
      const slots = new MemoSlots();
      slots.v[0] = m;
      slots.v[id] = value;
      this.#memo = slots;
    }
  }
  /** The parsed line (built once). */
  private get full(): CommandLine {
    if (!this.#full) this.#full = this.build();
    return this.#full;
  }
  private build(): CommandLine {
    const src = this.text;
    materializer.errors = [];
    materializer.docFamily = this.#family;
    const r = materializer.parse(src, this.line, this.#col0, src.length, 0, this.table, null, true);
    // Reset the shared parser so it keeps no token of this line: a token's text is a slice of
    // the document, which would keep a closed document's whole text alive.
    materializer.parse('', 0, 0, 0, 0, '', null, true);
    materializer.errors = [];
    const toks = r.tokens ?? [];
    return r.cmd ?? { kind: 'command', line: this.line, range: this.range, command: this.command, commandToken: toks[0], tokens: toks, table: this.table, flags: [] };
  }
  /**
   * The line's full tree without keeping it: the cached tree when there is one,
   * else a fresh one (a different object on each call). For passes over every
   * rule of a huge dump, where caching all trees would cost hundreds of MB.
   */
  peek(): CommandLine {
    return this.#full ?? this.build();
  }
  /** This line `lines` lines further down, reading the same text (incremental reparse). */
  moved(lines: number): LazyCommand {
    return new LazyCommand(this.line + lines, this.table, this.command, this.#text, this.#start, this.#end, this.#col0, this.#family, this.chainName, this.targetName, this.targetKind, this.hasRule, this.ipVersion);
  }
  get range(): Range {
    return rng(this.line, 0, this.#end - this.#start);
  }
  /** The line's text. */
  get text(): string {
    return this.#text.slice(this.#start, this.#end);
  }
  get commandToken(): Token {
    return this.full.commandToken;
  }
  get chain(): Token | undefined {
    return this.full.chain;
  }
  get arg(): Token | undefined {
    return this.full.arg;
  }
  get counters(): Counters | undefined {
    return this.full.counters;
  }
  get rule(): RuleSpec | undefined {
    return this.full.rule;
  }
  get tokens(): Token[] {
    return this.full.tokens;
  }
  get flags(): OptionNode[] {
    return this.full.flags;
  }
}

/**
 * The full tree of a command line for a one-off read (see LazyCommand.peek):
 * use it in whole-document loops; use the line's own fields when you keep
 * references to options or tokens.
 */
export function peekCommand(cmd: CommandLine): CommandLine {
  return cmd instanceof LazyCommand ? cmd.peek() : cmd;
}

/** A `:NAME POLICY [p:b]` line (implements ast.ChainLine), ranges built on read. */
class ChainDecl implements ChainLine {
  // (a word's end column is its start plus its length: not stored)
  readonly kind = 'chain' as const;
  readonly line: number;
  readonly name: string;
  readonly policy: string;
  readonly table: string;
  readonly builtin: boolean;
  #len: number;
  /** name start */
  #nameAt: number;
  /** policy and counters start (-1: absent) */
  #policyAt: number;
  #countersAt: number;
  #counters: string | undefined;
  constructor(line: number, name: string, policy: string, table: string, builtin: boolean, len: number, nameAt: number, policyAt: number, countersAt: number, counters: string | undefined) {
    this.line = line;
    this.name = name;
    this.policy = policy;
    this.table = table;
    this.builtin = builtin;
    this.#len = len;
    this.#nameAt = nameAt;
    this.#policyAt = policyAt;
    this.#countersAt = countersAt;
    this.#counters = counters;
  }
  /** This line `lines` lines further down (incremental reparse). */
  moved(lines: number): ChainDecl {
    return new ChainDecl(this.line + lines, this.name, this.policy, this.table, this.builtin, this.#len, this.#nameAt, this.#policyAt, this.#countersAt, this.#counters);
  }
  get range(): Range {
    return rng(this.line, 0, this.#len);
  }
  get nameRange(): Range {
    const at = this.#nameAt;
    return rng(this.line, at, at + this.name.length);
  }
  get policyRange(): Range {
    const at = this.#policyAt;
    if (at < 0) {
      const end = this.#nameAt + this.name.length;
      return rng(this.line, end, end);
    }
    return rng(this.line, at, at + this.policy.length);
  }
  get counters(): Counters | undefined {
    const w = this.#counters;
    if (w === undefined) return undefined;
    const close = w.lastIndexOf(']');
    const inner = w.startsWith('[') ? w.slice(1, close > 0 ? close : w.length) : w;
    const c = inner.indexOf(':');
    return {
      packets: c >= 0 ? inner.slice(0, c) : inner,
      bytes: c >= 0 ? inner.slice(c + 1) : '',
      range: rng(this.line, this.#countersAt, this.#countersAt + w.length),
      numeric: scansCounterPair(w),
    };
  }
}

// ------------------------------------------------------------- rule scanners

/**
 * Sees every rule of a parse pass while the parser has it in hand, so that a
 * whole-document analysis needs no second reading of each line (see
 * restore/options.ts). `rule` is called for each -A/-I/-R/-D/-C line with a
 * rule and no syntax error, with a tree that is only valid during the call
 * (its nodes are reused for the next line: keep no reference to them or their
 * tokens; ranges read from them are fresh objects). `done` gets the document.
 */
export interface RuleScanner {
  rule(cmd: CommandLine, rule: RuleSpec): void;
  done(doc: IptablesDocument): void;
}

const scanners: ((headerFamily: IptablesDocument['family']) => RuleScanner)[] = [];

/** Registers a scanner factory, called once per parseIptables with the family its header names ('unknown' if none). */
export function addRuleScanner(start: (headerFamily: IptablesDocument['family']) => RuleScanner): void {
  scanners.push(start);
}

// ------------------------------------------------------------- the parser

/** Parses a whole iptables-save / iptables-restore text. Never throws. */
export function parseIptables(text: string): IptablesDocument {
  const bom = bomLength(text) === 1;
  const lines: IptLine[] = [];
  const tables: TableBlock[] = [];
  const cp = new CommandParser();
  cp.names = new Names();
  const errors = cp.errors;
  let open: TableBlock | undefined;
  let outsideReported = false; // one error per run of lines outside a table
  const indentedCommits: { e: ParseError; t: TableBlock }[] = [];
  const chainPos = new Int32Array(6);
  let loneCR: ParseError | undefined;
  let commentContinues = false;
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  const n = text.length;
  let pos = 0;
  let line = 0;

  // The header names the family before any rule is read (for -N name checks).
  const head = /^\uFEFF?#[^\n]*?\b(ip6?tables)(?:-nft|-legacy)?-save\b/.exec(text.slice(0, 200));
  const headerFamily: IptablesDocument['family'] = head ? (head[1] === 'ip6tables' ? 'ipv6' : 'ipv4') : 'unknown';
  cp.docFamily = headerFamily;
  const scans = scanners.map((start) => start(headerFamily));
  const scanning = scans.length > 0;

  if (bom) {
    errors.push({
      range: rng(0, 0, 1),
      message: 'the file starts with a byte order mark (BOM); iptables-restore reads it as text and rejects line 1 ("line 1 failed")',
      data: { fix: 'remove-bom' },
    });
  }

  // Lines end at LF, CRLF or a lone CR (as editors count them).
  // (Both searches are cached: a file with only CR, or only LF, stays linear.)
  let nextCR = text.indexOf('\r');
  let nl = text.indexOf('\n');
  if (nl < 0) nl = n;
  for (;;) {
    if (nextCR >= 0 && nextCR < pos) nextCR = text.indexOf('\r', pos);
    if (nl < pos) {
      nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
    }
    let e: number;
    let eolLen: number;
    let eolKind: number; // 0 none, 1 lf, 2 crlf, 3 cr
    if (nextCR >= 0 && nextCR < nl) {
      e = nextCR;
      if (nextCR + 1 === nl && nl < n) {
        eolLen = 2;
        eolKind = 2;
        crlf++;
      } else {
        eolLen = 1;
        eolKind = 3;
        cr++;
      }
    } else if (nl < n) {
      e = nl;
      eolLen = 1;
      eolKind = 1;
      lf++;
    } else {
      e = n;
      eolLen = 0;
      eolKind = 0;
    }
    parseLine(pos, e, line, line === 0 && bom ? 1 : 0, eolKind);
    if (eolLen === 0) break;
    pos = e + eolLen;
    line++;
  }
  const lastLen = n - pos;

  if (open) {
    const t: TableBlock = open;
    t.endLine = line;
    errors.push({
      range: rng(line, lastLen, lastLen),
      message: `COMMIT missing at the end: table \`${t.name}\` (line ${t.startLine + 1}) is not closed (iptables-restore: "COMMIT expected")`,
      data: { fix: 'append-commit' },
      related: [{ range: t.header.nameRange, message: `table \`${t.name}\` starts here` }],
    });
  }

  for (const { e, t } of indentedCommits) if (t.commitLine === undefined) e.data = { fix: 'unindent' };
  if (loneCR && cr > 1) loneCR.message += ` (${cr} lines end like this)`;

  let family = headerFamily;
  if (family === 'unknown') {
    if (cp.family.v6 > 0 && cp.family.v4 === 0) family = 'ipv6';
    else if (cp.family.v4 > 0 && cp.family.v6 === 0) family = 'ipv4';
  }
  const kinds = (lf ? 1 : 0) + (crlf ? 1 : 0) + (cr ? 1 : 0);
  const eol: IptablesDocument['eol'] = kinds === 0 ? 'none' : kinds > 1 ? 'mixed' : lf ? 'lf' : crlf ? 'crlf' : 'cr';

  errors.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const doc: IptablesDocument = { text, lines, tables, errors, family, bom, eol };
  for (const sc of scans) sc.done(doc);
  return doc;

  // -------------------------------------------------------------- per line

  /** Line `ln` is text[start, end); its column 0 is at `start`; `col0` skips a BOM. */
  function parseLine(start: number, end: number, ln: number, col0: number, eolKind: number): void {
    const len = end - start;
    const first = len > col0 ? text.charCodeAt(start + col0) : -1;

    if (len - col0 > MAX_LINE_BYTES / 3 && utf8Length(text.slice(start + col0, end)) > MAX_LINE_BYTES) {
      errors.push({ range: rng(ln, 0, len), message: `line longer than ${MAX_LINE_BYTES} bytes: iptables-restore reads the rest as another line and rejects it` });
    }
    // iptables-restore splits lines at LF only: after a comment line that ends in a
    // lone CR, the text up to the next LF still belongs to that comment for it.
    if (commentContinues) {
      commentContinues = eolKind === 3;
      lines.push({ kind: 'comment', line: ln, range: rng(ln, 0, len), text: text.slice(start + col0, end) });
      return;
    }
    if (first === 35 /* # */ && eolKind === 3) {
      commentContinues = true;
      lines.push({ kind: 'comment', line: ln, range: rng(ln, 0, len), text: text.slice(start + col0, end) });
      return;
    }
    if (eolKind === 3 && !loneCR) {
      // once per file: it is the file's encoding, not one line's mistake
      loneCR = { range: rng(ln, len, len), message: 'carriage return without line feed: iptables-restore sees this and the next line as one line', data: { fix: 'line-endings' } };
      errors.push(loneCR);
    }
    // With CRLF endings iptables-restore keeps the CR in the line. Every table
    // line then names an unknown table, so the file always fails there; we say
    // so on each `*table` line (and on CR-only lines outside a table, which fail
    // on their own) rather than on every rule.
    if (len === col0) {
      if (eolKind === 2 && !open && !outsideReported) {
        crError(ln, len, 'an empty line ending in CR is not empty to iptables-restore');
        outsideReported = true;
      }
      lines.push({ kind: 'blank', line: ln, range: rng(ln, 0, len) });
      return;
    }
    if (first === 35 /* # */) {
      lines.push({ kind: 'comment', line: ln, range: rng(ln, 0, len), text: text.slice(start + col0, end) });
      return;
    }
    if (open && first === 67 /* C */ && len - col0 === 6 && text.startsWith('COMMIT', start + col0)) {
      open.commitLine = ln;
      open.endLine = ln;
      lines.push({ kind: 'commit', line: ln, range: rng(ln, 0, len), table: open.name });
      open = undefined;
      outsideReported = false;
      return;
    }
    if (first === 42 /* * */) {
      parseTableLine(text.slice(start, end), ln, col0, rng(ln, 0, len), eolKind);
      return;
    }
    if (!open) {
      outsideTable(text.slice(start, end), ln, col0, first, rng(ln, 0, len), eolKind);
      return;
    }
    if (first === 58 /* : */) {
      parseChainLine(start, end, ln, col0, open);
      return;
    }
    // A command line inside a table, read straight from the text.
    const before = errors.length;
    // With scanners, the rule's tree is built from the line's own text (columns from 0), in scratch nodes.
    const res = scanning ? cp.parse(text.slice(start, end), ln, col0, len, 0, open.name, null, true, true) : cp.parse(text, ln, start + col0, end, start, open.name, null, false);
    if (res.ok) {
      const command = cp.command!;
      const cmd = new LazyCommand(ln, open.name, command, text, start, end, col0, headerFamily, cp.chainName, cp.targetName, cp.targetKind, cp.hasRule, cp.ipVersion);
      lines.push(cmd);
      open.commands.push(cmd);
      const rule = cp.scratchRule;
      if (rule && errors.length === before) for (let i = 0; i < scans.length; i++) scans[i].rule(cmd, rule);
      if (command === 'N' && cp.chainName !== undefined) {
        const nameRange = rng(ln, cp.chainStart, cp.chainEnd);
        open.chains.push({
          kind: 'chain',
          line: ln,
          range: rng(ln, 0, len),
          name: cp.chainName,
          nameRange,
          policy: '-',
          policyRange: { start: nameRange.end, end: nameRange.end },
          table: open.name,
          builtin: isBuiltinChain(open.name, cp.chainName),
          fromCommand: cmd,
        });
      }
      return;
    }
    const s = text.slice(start, end);
    const toks = splitArgs(s, ln, col0);
    const firstTok = toks[0];
    if (firstTok && firstTok.start > col0 && errors.length > before) {
      const v = firstTok.value;
      // A comment that ends in a lone CR is not moved: in column 1 it would swallow the next
      // line for iptables-restore (the line-endings fix comes first).
      if ((v.startsWith('#') && eolKind !== 3) || v.startsWith(':')) errors[before].data = { fix: 'unindent' };
      // an indented COMMIT only when the table has no later one (else it would close early)
      else if (v === 'COMMIT') indentedCommits.push({ e: errors[before], t: open });
    }
    const el: IptLine = { kind: 'error', line: ln, range: rng(ln, 0, len), message: errors.length > before ? errors[before].message : res.message ?? 'not a command' };
    if (toks.length) el.tokens = toks;
    lines.push(el);
  }

  function outsideTable(s: string, ln: number, col0: number, first: number, lineRange: Range, eolKind: number): void {
    let message: string;
    const rest = s.slice(col0);
    const trimmed = rest.trim();
    if (first === 58 /* : */) message = 'chain declaration outside a table: put it after a `*table` line (iptables-restore: "line failed")';
    else if (rest === 'COMMIT') message = 'COMMIT without an open table (iptables-restore: "line failed")';
    else if (trimmed === '') message = 'a line of only spaces or tabs outside a table makes iptables-restore fail ("line failed"); remove the blanks';
    else if (trimmed.startsWith('#')) message = 'a comment must start with `#` in column 1 (iptables-restore: "line failed")';
    else message = 'outside a table: iptables-restore needs a `*filter` (or other `*table`) line before commands ("line failed")';
    if (!outsideReported) {
      const data = trimmed === '' ? { fix: 'trim-line' } : trimmed.startsWith('#') && eolKind !== 3 ? { fix: 'unindent' } : undefined;
      errors.push(data ? { range: lineRange, message, data } : { range: lineRange, message });
      outsideReported = true;
    }
    const el: IptLine = { kind: 'error', line: ln, range: lineRange, message };
    if (trimmed && first !== 58) {
      const toks = splitArgs(s, ln, col0);
      if (toks.length) el.tokens = toks;
    }
    lines.push(el);
  }

  function parseTableLine(s: string, ln: number, col0: number, lineRange: Range, eolKind: number): void {
    const len = s.length;
    if (open) {
      const word = s.slice(col0).split(/[ \t]/)[0];
      errors.push({
        range: lineRange,
        message: `COMMIT missing before this line: table \`${open.name}\` (line ${open.startLine + 1}) is still open (iptables-restore: Bad argument \`${word}\`)`,
        data: { fix: 'insert-commit' },
        related: [{ range: open.header.nameRange, message: `table \`${open.name}\` starts here` }],
      });
      open.endLine = ln - 1;
      open = undefined;
    }
    outsideReported = false;
    // strtok(buffer + 1, " \t\n"): blanks before the name are skipped, words after it ignored
    let i = col0 + 1;
    while (i < len && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
    let j = i;
    while (j < len && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 9) j++;
    const name = s.slice(i, j);
    const nameRange = i < j ? rng(ln, i, j) : rng(ln, col0, col0 + 1);
    const known = isTableName(name);
    if (!name) errors.push({ range: rng(ln, col0, len), message: 'table name missing after `*` (iptables-restore: "table name invalid")' });
    else if (!known) errors.push({ range: nameRange, message: `unknown table \`${name}\`: iptables-restore knows filter, nat, mangle, raw and security ("table name '${name}' invalid")` });
    else if (eolKind === 2 && j === len) crError(ln, len, `table name \`${name}\` followed by CR is an unknown table to iptables-restore ("table name '${name}\\r' invalid")`);
    const header = { kind: 'table' as const, line: ln, range: lineRange, name, nameRange, known };
    lines.push(header);
    const block: TableBlock = { name, startLine: ln, endLine: ln, header, chains: [], commands: [] };
    tables.push(block);
    open = block;
  }

  function crError(ln: number, len: number, message: string): void {
    errors.push({ range: rng(ln, 0, len), message: `${message}: the file has Windows (CRLF) line endings; iptables-restore needs LF`, data: { fix: 'line-endings' } });
  }

  /** The chain line text[start, end) (columns are offsets from `start`). */
  function parseChainLine(start: number, end: number, ln: number, col0: number, table: TableBlock): void {
    // strtok(buffer + 1, " \t\n") three times: name, policy, counters.
    const s = text;
    const len = end - start;
    const pos = chainPos;
    pos.fill(-1);
    let words = 0;
    let i = start + col0 + 1;
    while (i < end && words < 3) {
      while (i < end && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
      if (i >= end) break;
      pos[words * 2] = i - start;
      while (i < end && s.charCodeAt(i) !== 32 && s.charCodeAt(i) !== 9) i++;
      pos[words * 2 + 1] = i - start;
      words++;
    }
    if (!words) {
      const message = 'chain name missing after `:` (iptables-restore: "chain name invalid")';
      errors.push({ range: rng(ln, 0, len), message });
      lines.push({ kind: 'error', line: ln, range: rng(ln, 0, len), message });
      return;
    }
    const name = s.slice(start + pos[0], start + pos[1]);
    if (pos[1] - pos[0] > MAX_CHAIN_NAME / 3 && utf8Length(name) > MAX_CHAIN_NAME) {
      errors.push({ range: rng(ln, pos[0], pos[1]), message: `chain name longer than ${MAX_CHAIN_NAME} characters (iptables-restore: "chain name too long")` });
    } else if (name[0] === '-' || name[0] === '!') {
      errors.push({ range: rng(ln, pos[0], pos[1]), message: `a chain name may not start with \`${name[0]}\` (iptables-nft-restore: "chain name not allowed to start with")` });
    } else if ((STANDARD_TARGETS as readonly string[]).includes(name)) {
      errors.push({ range: rng(ln, pos[0], pos[1]), message: `\`${name}\` is a built-in target; a chain may not use the name (iptables: "chain name may not clash with target name")` });
    }
    const policy = words > 1 ? s.slice(start + pos[2], start + pos[3]) : '';
    if (words < 2) {
      errors.push({
        range: rng(ln, pos[0], pos[1]),
        message: `policy missing: write \`:${name} - [0:0]\` for a user chain or \`:${name} ACCEPT [0:0]\` for a built-in one (iptables-restore: "policy invalid")`,
      });
    }
    const counters = words > 2 ? (pos[5] - pos[4] === 5 && s.startsWith('[0:0]', start + pos[4]) ? '[0:0]' : s.slice(start + pos[4], start + pos[5])) : undefined;
    const decl = new ChainDecl(ln, name, policy, table.name, isBuiltinChain(table.name, name), len, pos[0], pos[2], pos[4], counters);
    lines.push(decl);
    table.chains.push(decl);
  }
}
