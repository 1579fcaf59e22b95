// What a rule's matches say about a packet, as sets per header field, and the
// two questions the conntrack analysis asks of them:
//
//   subset(A, B)      every packet that satisfies A also satisfies B
//   intersects(A, B)  some packet satisfies both
//
// A rule's conditions are a conjunction of independent fields (protocol,
// addresses, interfaces, ports, state), so both questions are answered field
// by field. The model is sound, never optimistic: a field we cannot read
// exactly (a host name, an unknown service name, a match module we do not
// model) makes B's side fail `subset` and counts as "anything" for
// `intersects`. Matches we do not model but that only look at the packet
// itself (icmp type, pkttype, addrtype …) are compared as text: B's copy must
// appear in A for `subset` to hold.
//
// Untracked packets (conntrack-facts §6c, §6d): the `state` and `conntrack
// --ctstate` matches see them as UNTRACKED and nothing else, so when A is a
// class of untracked packets, B's state test is decided by "does it admit
// UNTRACKED" (`xt_state`: statebit UNTRACKED; `xt_conntrack`: a conntrack
// match without --ctstate never matches an untracked packet, with other
// options beside --ctstate we stay conservative).

import type { CommandLine, MatchNode, OptionNode } from '../ast';
import { findOption, getModule } from '../modules';
import { IntervalSet } from './sets';

const PROTO_MAX = 255n;
const PORT_MAX = 65535n;
const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;
const FULL_PORTS = IntervalSet.full(PORT_MAX);

/** A field's value set. `exact` false: `set` is only known to contain the real set (or is a stand-in for "anything"). */
export interface Field {
  set: IntervalSet;
  exact: boolean;
}

export interface AddrField {
  /** 4 or 6; 0 when the family (and the set) is unknown. */
  v: 0 | 4 | 6;
  set?: IntervalSet;
  exact: boolean;
}

export interface IfPattern {
  /** Name without the trailing `+`. */
  name: string;
  /** Written with a trailing `+`: every interface whose name starts with `name`. */
  prefix: boolean;
  neg: boolean;
}

/** `multiport --ports`: the source or the destination port is in the set (or, negated, neither is). */
export interface EitherPort {
  set: IntervalSet;
  neg: boolean;
}

export interface Conds {
  /** null: no condition on the field. */
  proto: Field | null;
  src: AddrField | null;
  dst: AddrField | null;
  /** All of them hold (a conjunction; a rule has at most one, a class along a jump path may have more). */
  iif: IfPattern[];
  oif: IfPattern[];
  sport: Field | null;
  dport: Field | null;
  either: EitherPort[];
  /**
   * Does the state test let UNTRACKED packets through: null when the rule has
   * no state/conntrack match, 'unknown' when we cannot tell.
   */
  state: boolean | null | 'unknown';
  /** Conditions on the packet we compare as text (pure header matches we do not model). */
  opaque: string[];
  /** A condition we cannot reason about at all (stateful or unknown matches). */
  unknown: boolean;
}

export function emptyConds(): Conds {
  return { proto: null, src: null, dst: null, iif: [], oif: [], sport: null, dport: null, either: [], state: null, opaque: [], unknown: false };
}

// ------------------------------------------------------------------ values

/** IANA protocol numbers for the names `-p` takes (lower case). */
const PROTOCOLS: Readonly<Record<string, number>> = {
  all: 0,
  icmp: 1,
  igmp: 2,
  ipip: 4,
  tcp: 6,
  egp: 8,
  pup: 12,
  udp: 17,
  idp: 22,
  dccp: 33,
  ipv6: 41,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  'ipv6-icmp': 58,
  icmp6: 58,
  mh: 135,
  'ipv6-mh': 135,
  ospf: 89,
  pim: 103,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
  udplite: 136,
};

/** The protocol number of a `-p` value, or undefined when unknown. `all`/`0` mean every protocol. */
export function protocolNumber(v: string): number | undefined {
  const s = v.toLowerCase();
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    return n <= 255 ? n : undefined;
  }
  return PROTOCOLS[s];
}

/** Well-known service names (the Debian /etc/services entries rulesets use most); anything else is unknown. */
const SERVICES: Readonly<Record<string, number>> = {
  ftp: 21,
  'ftp-data': 20,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  tftp: 69,
  http: 80,
  www: 80,
  pop3: 110,
  ntp: 123,
  imap2: 143,
  imap: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  submission: 587,
  imaps: 993,
  pop3s: 995,
  openvpn: 1194,
  mysql: 3306,
  postgresql: 5432,
};

function portNumber(s: string): number | undefined {
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    return n <= 65535 ? n : undefined;
  }
  return SERVICES[s];
}

/** `80`, `80:90`, `:1023`, `1024:` (tcp/udp --sport/--dport); undefined when unreadable. */
export function portRange(v: string): [number, number] | undefined {
  const c = v.indexOf(':');
  if (c < 0) {
    const n = portNumber(v);
    return n === undefined ? undefined : [n, n];
  }
  const a = v.slice(0, c);
  const b = v.slice(c + 1);
  const lo = a === '' ? 0 : portNumber(a);
  const hi = b === '' ? 65535 : portNumber(b);
  if (lo === undefined || hi === undefined || lo > hi) return undefined;
  return [lo, hi];
}

/** multiport's comma list of ports and `a:b` ranges. */
export function portList(v: string): IntervalSet | undefined {
  const ranges: [bigint, bigint][] = [];
  for (const part of v.split(',')) {
    const r = portRange(part);
    if (!r) return undefined;
    ranges.push([BigInt(r[0]), BigInt(r[1])]);
  }
  return ranges.length ? IntervalSet.of(PORT_MAX, ranges) : undefined;
}

function parseV4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0n;
  for (let i = 1; i <= 4; i++) {
    const b = Number(m[i]);
    if (b > 255) return undefined;
    n = (n << 8n) | BigInt(b);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let tail: number[] = [];
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    text = text.slice(0, lastColon + 1) + (text[lastColon - 1] === ':' ? '' : '0');
    if (text.endsWith(':0') && !s.slice(0, lastColon + 1).endsWith('::')) text = text.slice(0, -2);
    else if (text.endsWith('::0')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const words = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const w of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return undefined;
      out.push(parseInt(w, 16));
    }
    return out;
  };
  const head = words(halves[0]);
  const rest = halves.length === 2 ? words(halves[1]) : [];
  if (!head || !rest) return undefined;
  const all = [...head, ...rest, ...tail];
  let groups: number[];
  if (halves.length === 2) {
    if (all.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - all.length).fill(0), ...rest, ...tail];
  } else {
    if (all.length !== 8) return undefined;
    groups = all;
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

/** Prefix length of a contiguous dotted mask, or undefined. */
function maskBits(mask: bigint, bits: number): number | undefined {
  let n = 0;
  let seenZero = false;
  for (let i = bits - 1; i >= 0; i--) {
    const one = ((mask >> BigInt(i)) & 1n) === 1n;
    if (one && seenZero) return undefined;
    if (one) n++;
    else seenZero = true;
  }
  return n;
}

/** One `-s`/`-d` item (`10.0.0.0/8`, `10.0.0.1`, `10.0.0.0/255.0.0.0`, `2001:db8::/32`) as an interval. */
function addressInterval(item: string): { v: 4 | 6; lo: bigint; hi: bigint } | undefined {
  const slash = item.indexOf('/');
  const host = slash < 0 ? item : item.slice(0, slash);
  const maskText = slash < 0 ? undefined : item.slice(slash + 1);
  const v: 4 | 6 = host.includes(':') ? 6 : 4;
  const bits = v === 4 ? 32 : 128;
  const addr = v === 4 ? parseV4(host) : parseV6(host);
  if (addr === undefined) return undefined;
  let plen = bits;
  if (maskText !== undefined) {
    if (/^[0-9]+$/.test(maskText)) {
      plen = Number(maskText);
      if (plen > bits) return undefined;
    } else if (v === 4) {
      const m = parseV4(maskText);
      const p = m === undefined ? undefined : maskBits(m, 32);
      if (p === undefined) return undefined;
      plen = p;
    } else return undefined;
  }
  const hostBits = BigInt(bits - plen);
  const lo = (addr >> hostBits) << hostBits;
  const hi = lo | ((1n << hostBits) - 1n);
  return { v, lo, hi };
}

/** `-s`/`-d` value (a comma list allowed when not negated). */
export function addressField(value: string, neg: boolean): AddrField {
  const items = value.split(',');
  if (neg && items.length > 1) return { v: 0, exact: false };
  let v: 0 | 4 | 6 = 0;
  const ranges: [bigint, bigint][] = [];
  for (const it of items) {
    const r = addressInterval(it.trim());
    if (!r || (v && r.v !== v)) return { v: 0, exact: false };
    v = r.v;
    ranges.push([r.lo, r.hi]);
  }
  if (!v) return { v: 0, exact: false };
  const set = IntervalSet.of(v === 4 ? V4_MAX : V6_MAX, ranges);
  return { v, set: neg ? set.complement() : set, exact: true };
}

/** iprange's `a-b` (or a single address). */
function rangeField(value: string, neg: boolean): AddrField {
  const dash = value.indexOf('-');
  const a = dash < 0 ? value : value.slice(0, dash);
  const b = dash < 0 ? value : value.slice(dash + 1);
  const v: 4 | 6 = a.includes(':') ? 6 : 4;
  const lo = v === 4 ? parseV4(a) : parseV6(a);
  const hi = v === 4 ? parseV4(b) : parseV6(b);
  if (lo === undefined || hi === undefined || lo > hi) return { v: 0, exact: false };
  const set = IntervalSet.of(v === 4 ? V4_MAX : V6_MAX, [[lo, hi]]);
  return { v, set: neg ? set.complement() : set, exact: true };
}

/** Which state names a `--state`/`--ctstate` list admits for an untracked packet. */
export function admitsUntracked(list: string, neg: boolean): boolean {
  const has = list.split(',').some((s) => s.trim().toUpperCase() === 'UNTRACKED');
  return has !== neg;
}

// ---------------------------------------------------------- combining fields

function andField(a: Field | null, b: Field | null): Field | null {
  if (!a) return b;
  if (!b) return a;
  return { set: a.set.intersect(b.set), exact: a.exact && b.exact };
}

function andAddr(a: AddrField | null, b: AddrField | null): AddrField | null {
  if (!a) return b;
  if (!b) return a;
  if (!a.v || !a.set) return { ...b, exact: false };
  if (!b.v || !b.set) return { ...a, exact: false };
  if (a.v !== b.v) return { v: 0, exact: false };
  return { v: a.v, set: a.set.intersect(b.set), exact: a.exact && b.exact };
}

function andState(a: Conds['state'], b: Conds['state']): Conds['state'] {
  if (a === null) return b;
  if (b === null) return a;
  if (a === false || b === false) return false;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return true;
}

/** The conjunction of several condition sets (a jump path: every rule on it matched). */
export function andConds(list: readonly Conds[]): Conds {
  const out = emptyConds();
  for (const c of list) {
    out.proto = andField(out.proto, c.proto);
    out.src = andAddr(out.src, c.src);
    out.dst = andAddr(out.dst, c.dst);
    out.iif.push(...c.iif);
    out.oif.push(...c.oif);
    out.sport = andField(out.sport, c.sport);
    out.dport = andField(out.dport, c.dport);
    out.either.push(...c.either);
    out.state = andState(out.state, c.state);
    out.opaque.push(...c.opaque);
    out.unknown = out.unknown || c.unknown;
  }
  return out;
}

// ------------------------------------------------------------- from a rule

/** Generic long options → letter (getopt accepts unambiguous abbreviations; the parser already checked them). */
const CORE_LONG = [
  'append', 'check', 'delete', 'insert', 'replace', 'list', 'list-rules', 'flush', 'zero', 'new-chain', 'delete-chain',
  'rename-chain', 'policy', 'source', 'destination', 'src', 'dst', 'protocol', 'in-interface', 'jump', 'table', 'match',
  'numeric', 'out-interface', 'verbose', 'wait', 'wait-interval', 'exact', 'fragments', 'version', 'help', 'line-numbers',
  'modprobe', 'set-counters', 'goto', 'ipv4', 'ipv6',
];
const LONG_LETTER: Readonly<Record<string, string>> = {
  source: 's',
  src: 's',
  destination: 'd',
  dst: 'd',
  protocol: 'p',
  'in-interface': 'i',
  'out-interface': 'o',
  fragments: 'f',
};

/** `-s`, `--source`, `--src`, `--sou` → `s` (undefined for anything else). */
export function genericLetter(name: string): string | undefined {
  if (/^-[a-zA-Z0-9]$/.test(name)) return name[1];
  if (!name.startsWith('--')) return undefined;
  const long = name.slice(2);
  if (LONG_LETTER[long]) return LONG_LETTER[long];
  const cands = CORE_LONG.filter((c) => c.startsWith(long));
  return cands.length === 1 ? LONG_LETTER[cands[0]] : undefined;
}

/** Matches that only look at the packet (not at time, rates or earlier packets): equal text, equal condition. */
const PURE_MODULES = new Set([
  'addrtype', 'ah', 'bpf', 'cgroup', 'cpu', 'devgroup', 'dst', 'esp', 'frag', 'hbh', 'icmp', 'icmp6', 'ipv6header',
  'length', 'mac', 'mh', 'owner', 'physdev', 'pkttype', 'policy', 'realm', 'rpfilter', 'rt', 'set', 'socket', 'string',
  'tcpmss', 'u32',
]);

/** Protocol matches with `--sport`/`--dport` (ports as tcp takes them). */
const PORT_MODULES = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);

function optText(o: OptionNode, canonical: string): string {
  return `${o.negated ? '! ' : ''}${canonical}${o.values.map((v) => ' ' + v.value).join('')}`;
}

function matchConds(m: MatchNode, c: Conds): void {
  const name = m.name;
  if (name === 'comment') return;
  const spec = getModule(name);
  if (PORT_MODULES.has(name) && spec) {
    for (const o of m.options) {
      const opt = findOption(spec, o.name);
      const can = opt?.name;
      if (can === '--sport' || can === '--dport') {
        const r = o.values.length === 1 ? portRange(o.values[0].value) : undefined;
        const set = r ? IntervalSet.of(PORT_MAX, [[BigInt(r[0]), BigInt(r[1])]]) : IntervalSet.full(PORT_MAX);
        const f: Field = { set: r && o.negated ? set.complement() : set, exact: !!r };
        if (can === '--sport') c.sport = andField(c.sport, f);
        else c.dport = andField(c.dport, f);
      } else if (can) c.opaque.push(`${name} ${optText(o, can)}`);
      else c.unknown = true;
    }
    return;
  }
  if (name === 'multiport' && spec) {
    for (const o of m.options) {
      const can = findOption(spec, o.name)?.name;
      const set = o.values.length === 1 ? portList(o.values[0].value) : undefined;
      if (!can || !set) {
        // unreadable list: "some ports" (a stand-in that only overapproximates)
        c.unknown = true;
        if (can === '--sports') c.sport = andField(c.sport, { set: FULL_PORTS, exact: false });
        else if (can === '--dports') c.dport = andField(c.dport, { set: FULL_PORTS, exact: false });
        continue;
      }
      const f: Field = { set: o.negated ? set.complement() : set, exact: true };
      if (can === '--sports') c.sport = andField(c.sport, f);
      else if (can === '--dports') c.dport = andField(c.dport, f);
      else if (can === '--ports') c.either.push({ set, neg: o.negated });
      else c.unknown = true;
    }
    return;
  }
  if (name === 'iprange' && spec) {
    for (const o of m.options) {
      const can = findOption(spec, o.name)?.name;
      const v = o.values[0]?.value ?? '';
      if (can === '--src-range') c.src = andAddr(c.src, rangeField(v, o.negated));
      else if (can === '--dst-range') c.dst = andAddr(c.dst, rangeField(v, o.negated));
      else c.unknown = true;
    }
    return;
  }
  if (name === 'state') {
    const o = spec ? m.options.find((x) => findOption(spec, x.name)?.name === '--state') : undefined;
    if (!o || o.values.length !== 1 || m.options.length !== 1) c.state = andState(c.state, 'unknown');
    else c.state = andState(c.state, admitsUntracked(o.values[0].value, o.negated));
    return;
  }
  if (name === 'conntrack' && spec) {
    const cans = m.options.map((o) => findOption(spec, o.name)?.name);
    const st = m.options.filter((_, i) => cans[i] === '--ctstate');
    // Untracked packets: a conntrack match without --ctstate never matches; with other
    // options beside it the kernel's behaviour has changed over time — stay unsure.
    if (!st.length) c.state = andState(c.state, false);
    else if (cans.some((x) => x !== '--ctstate')) c.state = andState(c.state, 'unknown');
    else for (const o of st) c.state = andState(c.state, o.values.length === 1 ? admitsUntracked(o.values[0].value, o.negated) : 'unknown');
    return;
  }
  if (PURE_MODULES.has(name) && spec) {
    const parts = m.options.map((o) => optText(o, findOption(spec, o.name)?.name ?? o.name));
    c.opaque.push(`${name} ${parts.join(' ')}`);
    return;
  }
  c.unknown = true;
}

/** The conditions of a rule (its target is not part of them). */
export function ruleConds(cmd: CommandLine): Conds {
  const c = emptyConds();
  const rule = cmd.rule;
  if (!rule) {
    c.unknown = true;
    return c;
  }
  if (rule.stray.length) c.unknown = true;
  for (const g of rule.generic) {
    const letter = genericLetter(g.name);
    const v = g.values[0]?.value ?? '';
    switch (letter) {
      case 'p': {
        const n = protocolNumber(v);
        if (n === undefined) c.proto = { set: IntervalSet.full(PROTO_MAX), exact: false };
        else if (n === 0) c.proto = g.negated ? { set: IntervalSet.empty(PROTO_MAX), exact: true } : null;
        else {
          const set = IntervalSet.of(PROTO_MAX, [[BigInt(n), BigInt(n)]]);
          c.proto = { set: g.negated ? set.complement() : set, exact: true };
        }
        break;
      }
      case 's':
        c.src = andAddr(c.src, addressField(v, g.negated));
        break;
      case 'd':
        c.dst = andAddr(c.dst, addressField(v, g.negated));
        break;
      case 'i':
      case 'o': {
        const p: IfPattern = { name: v.endsWith('+') ? v.slice(0, -1) : v, prefix: v.endsWith('+'), neg: g.negated };
        (letter === 'i' ? c.iif : c.oif).push(p);
        break;
      }
      case 'f':
        c.opaque.push(g.negated ? '! -f' : '-f');
        break;
      default:
        c.unknown = true;
    }
  }
  for (const m of rule.matches) matchConds(m, c);
  return c;
}

// ------------------------------------------------------------------ questions

/** Every interface `a` matches is matched by `b`. */
function patSubset(a: IfPattern | null, b: IfPattern): boolean {
  const covers = (x: IfPattern, y: IfPattern): boolean =>
    // positive x ⊆ positive y
    y.prefix ? x.name.startsWith(y.name) : !x.prefix && x.name === y.name;
  const disjoint = (x: IfPattern, y: IfPattern): boolean => !(covers(x, y) || covers(y, x) || (x.prefix && y.prefix && (x.name.startsWith(y.name) || y.name.startsWith(x.name))) || (x.prefix && !y.prefix && y.name.startsWith(x.name)));
  if (a === null) return !b.neg && b.prefix && b.name === '';
  if (!a.neg && !b.neg) return covers(a, b);
  if (!a.neg && b.neg) return disjoint(a, { ...b, neg: false });
  if (a.neg && b.neg) return covers({ ...b, neg: false }, { ...a, neg: false });
  // a negated, b positive: only when b is every interface
  return b.prefix && b.name === '';
}

function patsSubset(a: readonly IfPattern[], b: readonly IfPattern[]): boolean {
  // the conjunction of `a` implies each pattern of `b` when one member of `a` does
  return b.every((pb) => (a.length ? a.some((pa) => patSubset(pa, pb)) : patSubset(null, pb)));
}

function patsIntersect(a: readonly IfPattern[], b: readonly IfPattern[]): boolean {
  for (const pa of a) for (const pb of b) if (patSubset(pa, { ...pb, neg: !pb.neg })) return false;
  return true;
}

function fieldSubset(a: Field | null, b: Field | null, max: bigint): boolean {
  if (!b) return true;
  if (!b.exact) return false;
  return (a ? a.set : IntervalSet.full(max)).subsetOf(b.set);
}

function fieldIntersects(a: Field | null, b: Field | null): boolean {
  if (!a || !b) return true;
  return a.set.intersects(b.set);
}

function addrSubset(a: AddrField | null, b: AddrField | null): boolean {
  if (!b) return true;
  if (!b.exact || !b.v || !b.set) return false;
  if (!a || !a.v || !a.set) return b.set.isFull;
  if (a.v !== b.v) return false;
  return a.set.subsetOf(b.set);
}

function addrIntersects(a: AddrField | null, b: AddrField | null): boolean {
  if (!a || !b || !a.set || !b.set || a.v !== b.v) return true;
  return a.set.intersects(b.set);
}

function eitherSubset(a: Conds, e: EitherPort): boolean {
  const sp = a.sport?.set ?? FULL_PORTS;
  const dp = a.dport?.set ?? FULL_PORTS;
  if (!e.neg) return sp.subsetOf(e.set) || dp.subsetOf(e.set) || a.either.some((x) => !x.neg && x.set.subsetOf(e.set));
  return !sp.intersects(e.set) && !dp.intersects(e.set);
}

function eitherIntersects(a: Conds, e: EitherPort): boolean {
  const sp = a.sport?.set ?? FULL_PORTS;
  const dp = a.dport?.set ?? FULL_PORTS;
  if (!e.neg) return sp.intersects(e.set) || dp.intersects(e.set);
  return !(sp.subsetOf(e.set) || dp.subsetOf(e.set));
}

/**
 * Every packet satisfying `a` satisfies `b`. With `aUntracked` the packets of
 * `a` are untracked, so `b`'s state test is read as "admits UNTRACKED";
 * otherwise any state test in `b` makes the answer false.
 */
export function subset(a: Conds, b: Conds, aUntracked: boolean): boolean {
  if (b.unknown) return false;
  if (b.state !== null && !(aUntracked && b.state === true)) return false;
  if (!fieldSubset(a.proto, b.proto, PROTO_MAX)) return false;
  if (!addrSubset(a.src, b.src) || !addrSubset(a.dst, b.dst)) return false;
  if (!patsSubset(a.iif, b.iif) || !patsSubset(a.oif, b.oif)) return false;
  if (!fieldSubset(a.sport, b.sport, PORT_MAX) || !fieldSubset(a.dport, b.dport, PORT_MAX)) return false;
  // ports without a port protocol: b's port test needs a's protocol inside b's (checked above via b.proto)
  if ((b.sport || b.dport || b.either.length) && !b.proto) return false;
  if (!b.either.every((e) => eitherSubset(a, e))) return false;
  if (!b.opaque.every((o) => a.opaque.includes(o))) return false;
  return true;
}

/** Some packet may satisfy both `a` and `b` (true whenever we cannot tell). */
export function intersects(a: Conds, b: Conds, aUntracked: boolean): boolean {
  if (aUntracked && b.state === false) return false;
  if (!fieldIntersects(a.proto, b.proto)) return false;
  if (!addrIntersects(a.src, b.src) || !addrIntersects(a.dst, b.dst)) return false;
  if (!patsIntersect(a.iif, b.iif) || !patsIntersect(a.oif, b.oif)) return false;
  if (!fieldIntersects(a.sport, b.sport) || !fieldIntersects(a.dport, b.dport)) return false;
  if (!b.either.every((e) => eitherIntersects(a, e)) || !a.either.every((e) => eitherIntersects(b, e))) return false;
  return true;
}

/** The conditions of `a` seen from the other direction (replies): sources and destinations swapped. */
export function mirrorConds(a: Conds): Conds {
  return { ...a, src: a.dst, dst: a.src, iif: a.oif, oif: a.iif, sport: a.dport, dport: a.sport, either: [...a.either], opaque: [...a.opaque] };
}

/** True when the rule says something about ports (the CT206 trigger). */
export function hasPorts(c: Conds): boolean {
  return !!(c.sport || c.dport || c.either.length);
}
