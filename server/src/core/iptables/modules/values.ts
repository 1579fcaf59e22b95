// Value validators, one per ValueKind. Each mirrors the parser iptables 1.8.9 uses
// for that kind of value and returns null (accepted) or a message. The verdicts
// were checked case by case against the real tool (test/fixtures/iptables/modules/
// value-verdicts.json): where iptables is lenient, so are we. Anything that depends
// on the machine running iptables-restore (service names in /etc/services, user
// names, host names, ipset names, /etc/iproute2 group names) is accepted when it is
// well-formed, because only that machine can tell.
//
// Pure functions, no IO; linear in the value's length (no backtracking regexes).

import type { OptionSpec, RuleFamily, ValueProblem } from './types';

export type Validator = (value: string, option: OptionSpec, family: RuleFamily) => string | null;

// ---------------------------------------------------------------------------
// Numbers

const U64_MAX = (1n << 64n) - 1n;

/**
 * Parses like C `strtoul(s, &end, 0)` and requires the whole string to be used:
 * optional leading blanks, optional `+`, `0x` hex, leading-`0` octal, decimal.
 * Returns null when it would fail (negative numbers included: iptables' bounded
 * parser refuses them).
 */
export function parseCNumber(s: string): bigint | null {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  if (s[i] === '+') i++;
  const body = s.slice(i);
  if (!body) return null;
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) v = BigInt(body);
  else if (/^0[0-7]*$/.test(body)) v = body.length > 1 ? BigInt('0o' + body.slice(1)) : 0n;
  else if (/^[1-9][0-9]*$/.test(body)) v = BigInt(body);
  else return null;
  return v > U64_MAX ? null : v;
}

/** `parseCNumber` within [min, max]; returns the number or null. */
function boundedNumber(s: string, min: number, max: number): number | null {
  // Fast path: plain decimal without a leading zero (the common case).
  const n = s.length;
  if (n > 0 && n <= 15 && (s.charCodeAt(0) !== 48 || n === 1)) {
    let v = 0;
    let i = 0;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === n) return v >= min && v <= max ? v : null;
  }
  // Fast path: 0x hex up to 32 bits (marks, masks).
  if (n > 2 && n <= 10 && s.charCodeAt(0) === 48 && (s[1] === 'x' || s[1] === 'X')) {
    let v = 0;
    let i = 2;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      v = v * 16 + d;
    }
    if (i === n) return v >= min && v <= max ? v : null;
  }
  const v = parseCNumber(s);
  // Bounds at or above 2^53 stand for the 64-bit limit.
  const hi = max >= Number.MAX_SAFE_INTEGER ? U64_MAX : BigInt(max);
  if (v === null || v < BigInt(min) || v > hi) return null;
  return Number(v);
}

function rangeText(min: number, max: number): string {
  return `${min}-${max >= Number.MAX_SAFE_INTEGER ? String(U64_MAX) : max}`;
}

// ---------------------------------------------------------------------------
// Ports

/** Service names as /etc/services spells them. Whether one exists is the target machine's business. */
const SERVICE_NAME = /^[a-z][a-z0-9_.+-]*$/;

export function isServiceName(s: string): boolean {
  return SERVICE_NAME.test(s);
}

/** The tcp/sctp/multiport parser: a C number 0-65535 or a service name. Returns the number, -1 for a name, null if invalid. */
function strictPort(s: string): number | null {
  const n = boundedNumber(s, 0, 65535);
  if (n !== null) return n;
  return isServiceName(s) ? -1 : null;
}

/**
 * The port parser of the newer option framework (udp, dccp, conntrack ports,
 * TPROXY, ipvs): the C library's service lookup. Any decimal number is taken
 * (and wraps at 16 bits), hex is not, names must exist on the machine.
 */
function loosePort(s: string): boolean {
  if (/^[ \t]*\+?[0-9]+$/.test(s)) {
    // strtoul() saturates at 2^64-1, and glibc's getaddrinfo keeps the result in an int:
    // only numbers whose low 32 bits are a non-negative int pass (2147483648, 4294967295
    // and 6442450944 fail, 4294967296 passes; checked against iptables-nft-restore 1.8.9).
    const digits = s.replace(/^[ \t]*\+?0*/, '') || '0';
    const n = digits.length > 20 || BigInt(digits) > U64_MAX ? U64_MAX : BigInt(digits);
    return (n & 0xffffffffn) < 0x80000000n;
  }
  return isServiceName(s);
}

export function validatePort(v: string): string | null {
  return loosePort(v) ? null : `invalid port \`${v}\`: expected a number or a service name`;
}

export function validatePortRange(v: string): string | null {
  const colon = v.indexOf(':');
  if (colon < 0) return strictPort(v) === null ? `invalid port \`${v}\`: expected 0-65535 or a service name` : null;
  const a = v.slice(0, colon);
  const b = v.slice(colon + 1);
  const lo = a === '' ? 0 : strictPort(a);
  if (lo === null) return `invalid port \`${a}\`: expected 0-65535 or a service name`;
  const hi = b === '' ? 65535 : strictPort(b);
  if (hi === null) return `invalid port \`${b}\`: expected 0-65535 or a service name`;
  if (lo >= 0 && hi >= 0 && lo > hi) return `invalid port range \`${v}\`: the first port is larger than the second`;
  return null;
}

export function validatePortRangeLoose(v: string): string | null {
  const parts = v.split(':');
  if (parts.length > 2) return `too many \`:\` in port range \`${v}\` (at most one)`;
  for (const p of parts) {
    if (p !== '' && !loosePort(p)) return `port \`${p}\` is neither a decimal number nor a service name`;
  }
  return null;
}

/** multiport: comma list, ranges a:b with a < b; at most 15 ports, a range counts as two. */
export function validatePortList(v: string): string | null {
  let slots = 0;
  for (const item of v.split(',')) {
    const colon = item.indexOf(':');
    const parts = colon < 0 ? [item] : [item.slice(0, colon), item.slice(colon + 1)];
    const nums: number[] = [];
    for (const p of parts) {
      const n = strictPort(p);
      if (n === null) return p === '' ? `empty port in list \`${v}\`` : `invalid port \`${p}\`: expected 0-65535 or a service name`;
      nums.push(n);
    }
    if (nums.length === 2 && nums[0] >= 0 && nums[1] >= 0 && nums[0] >= nums[1]) return `invalid port range \`${item}\`: the first port must be smaller than the second`;
    slots += parts.length;
  }
  if (slots > 15) return `too many ports (${slots}): multiport takes at most 15, and a range counts as two`;
  return null;
}

/** MASQUERADE/REDIRECT --to-ports: port or port-port (a dash, not a colon). */
export function validateNatPorts(v: string): string | null {
  if (v.includes(':')) return `use a dash for a port range in \`${v}\`, not a colon`;
  const dash = v.indexOf('-', 1);
  const a = dash < 0 ? v : v.slice(0, dash);
  const b = dash < 0 ? undefined : v.slice(dash + 1);
  const lo = strictPort(a);
  if (lo === null) return `invalid port \`${a}\``;
  if (b !== undefined) {
    const hi = boundedNumber(b, 0, 65535);
    if (hi === null) return `invalid port \`${b}\``;
    if (lo >= 0 && lo > hi) return `invalid port range \`${v}\`: the first port is larger than the second`;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Addresses

/** inet_aton: 1 to 4 parts, each a C number; the last part fills the remaining bytes. */
export function isIPv4Aton(s: string): boolean {
  const parts = s.split('.');
  if (parts.length > 4) return false;
  for (let i = 0; i < parts.length; i++) {
    if (!/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(parts[i])) return false;
    const n = parseCNumber(parts[i]);
    if (n === null) return false;
    const last = i === parts.length - 1;
    const bytes = last ? 4 - i : 1;
    if (n >= 1n << BigInt(8 * bytes)) return false;
  }
  return true;
}

/** inet_pton for IPv4: exactly four decimal parts 0-255, no leading zeros. */
export function isIPv4Strict(s: string): boolean {
  // four dot-separated parts, each `0` or 1-3 decimal digits without a leading zero, at most 255
  // (one pass over the characters: no split, no regular expression)
  let parts = 0;
  let digits = 0;
  let n = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; /* . */
    if (c === 46) {
      if (digits === 0 || n > 255 || ++parts > 4) return false;
      digits = n = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && n === 0) return false; // a leading zero
      n = n * 10 + c - 48;
      if (++digits > 3) return false;
    } else return false;
  }
  return parts === 4;
}

/** inet_pton for IPv6 (with an optional trailing dotted IPv4 part). */
export function isIPv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  let body = s;
  let groupsNeeded = 8;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) > lastColon) {
    if (!isIPv4Strict(s.slice(lastColon + 1))) return false;
    body = s.slice(0, lastColon + 1) + '0';
    groupsNeeded = 7;
  }
  const dbl = body.indexOf('::');
  if (dbl >= 0 && body.indexOf('::', dbl + 1) >= 0) return false;
  const hex = /^[0-9a-fA-F]{1,4}$/;
  if (dbl >= 0) {
    const left = body.slice(0, dbl);
    const right = body.slice(dbl + 2);
    const l = left ? left.split(':') : [];
    const r = right ? right.split(':') : [];
    if (![...l, ...r].every((g) => hex.test(g))) return false;
    return l.length + r.length < groupsNeeded;
  }
  const groups = body.split(':');
  return groups.length === groupsNeeded && groups.every((g) => hex.test(g));
}

/** Looks like a DNS name iptables would try to resolve (resolution itself is the machine's business). */
function isHostName(s: string): boolean {
  if (!/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(s) || s.includes('..')) return false;
  // All digits and dots: that is an address attempt, not a name. Nor is a name whose last
  // label is all digits (`10.0.0.9-10.0.0.1`, `1.2.3.4.5`): no top-level domain is numeric.
  return !/^[0-9.]+$/.test(s) && !/(^|\.)[0-9]+$/.test(s);
}

function hostProblem(v: string, family: RuleFamily): string | null {
  if (family !== 'ipv6' && isIPv4Aton(v)) return null;
  if (family !== 'ipv4' && isIPv6(v)) return null;
  if (family === 'ipv4' && isIPv6(v)) return `\`${v}\` is an IPv6 address in an IPv4 rule`;
  if (family === 'ipv6' && isIPv4Aton(v)) return `\`${v}\` is an IPv4 address in an IPv6 rule`;
  if (isHostName(v)) return null;
  return `\`${v}\` is not a valid ${family === 'ipv6' ? 'IPv6' : family === 'ipv4' ? 'IPv4' : 'IP'} address or host name`;
}

export function validateAddress(v: string, _o?: OptionSpec, family: RuleFamily = 'unknown'): string | null {
  return hostProblem(v, family);
}

function isV4Mask(s: string): boolean {
  return isIPv4Strict(s);
}

/**
 * address[/mask]: the mask is a prefix length or a dotted (or IPv6) mask.
 * `prefixMax4` is what the IPv4 parser takes: 32 for -s/-d, but the option
 * framework (conntrack, NETMAP, …) lets anything up to 128 through.
 */
function hostMaskProblem(v: string, family: RuleFamily, prefixMax4: number): string | null {
  const slash = v.indexOf('/');
  const host = slash < 0 ? v : v.slice(0, slash);
  const hp = hostProblem(host, family);
  if (hp) return hp;
  if (slash < 0) return null;
  const mask = v.slice(slash + 1);
  const v6 = family === 'ipv6' || (family === 'unknown' && isIPv6(host));
  const max = v6 ? 128 : prefixMax4;
  if (boundedNumber(mask, 0, max) !== null && /^[0-9xXa-fA-F]+$/.test(mask)) return null;
  if (!v6 && isV4Mask(mask)) return null;
  if (v6 && isIPv6(mask)) return null;
  return `invalid mask \`${mask}\`: expected a prefix length 0-${max}${v6 ? ' or an IPv6 mask' : ' or a dotted mask'}`;
}

export function validateAddressMask(v: string, _o?: OptionSpec, family: RuleFamily = 'unknown'): string | null {
  // The option framework takes any number as an IPv4 prefix length (iptables 1.8.9).
  return hostMaskProblem(v, family, 0xffffffff);
}

/** Generic -s / -d: a comma list of address[/mask] (blanks around items are ignored). */
export function validateAddressList(v: string, family: RuleFamily = 'unknown'): string | null {
  for (const raw of v.split(',')) {
    const item = raw.trim();
    if (!item) return `empty address in \`${v}\``;
    const p = hostMaskProblem(item, family, 32);
    if (p) return p;
  }
  return null;
}

/** iprange: numeric addresses only, addr or addr-addr (no order check). */
export function validateAddressRange(v: string, _o?: OptionSpec, family: RuleFamily = 'unknown'): string | null {
  const trimmed = v.replace(/^[ \t]+/, '');
  const v6 = family === 'ipv6' || (family === 'unknown' && trimmed.includes(':'));
  const dash = trimmed.indexOf('-');
  const parts = dash < 0 ? [trimmed] : [trimmed.slice(0, dash), trimmed.slice(dash + 1)];
  for (const p of parts) {
    const ok = v6 ? isIPv6(p) : isIPv4Aton(p);
    if (!ok) return `\`${p}\` is not a numeric ${v6 ? 'IPv6' : 'IPv4'} address (iprange does not resolve names)`;
  }
  return null;
}

/** `v[start, end)` is 0-65535 in plain decimal (no sign, no leading zero): a port every port parser takes. */
function plainPortAt(v: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 1 || n > 5 || (n > 1 && v.charCodeAt(start) === 48)) return false;
  let port = 0;
  for (let i = start; i < end; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    port = port * 10 + d;
  }
  return port <= 65535;
}

/** `a.b.c.d:port` with plain decimal parts (kube-proxy's DNAT value): valid, as the full check below would find. */
function plainAddressPort(v: string): boolean {
  const colon = v.indexOf(':');
  return colon > 0 && plainPortAt(v, colon + 1, v.length) && isIPv4Strict(v.slice(0, colon));
}

/** DNAT/SNAT: [addr[-addr]][:port[-port[/port]]]; IPv6 addresses in brackets when a port follows. */
export function validateNatRange(v: string, _o?: OptionSpec, family: RuleFamily = 'unknown'): string | null {
  if (family !== 'ipv6' && plainAddressPort(v)) return null;
  let addrPart = v;
  let portPart: string | undefined;
  const v6 = family === 'ipv6' || (family === 'unknown' && (v.startsWith('[') || v.split(':').length > 2));
  if (v6) {
    if (v.startsWith('[')) {
      const close = v.indexOf(']');
      if (close < 0) return `missing \`]\` in \`${v}\``;
      addrPart = v.slice(1, close);
      const rest = v.slice(close + 1);
      if (rest) {
        if (!rest.startsWith(':')) return `unexpected \`${rest}\` after the address`;
        portPart = rest.slice(1);
      }
    }
    // Without brackets the whole value is the address part (`2001:db8::1:80` is one address).
  } else {
    const colon = v.indexOf(':');
    if (colon >= 0) {
      addrPart = v.slice(0, colon);
      portPart = v.slice(colon + 1);
    }
  }
  if (addrPart) {
    const dash = addrPart.indexOf('-');
    const addrs = dash < 0 ? [addrPart] : [addrPart.slice(0, dash), addrPart.slice(dash + 1)];
    for (const a of addrs) {
      const ok = v6 ? isIPv6(a) : isIPv4Strict(a);
      if (!ok) return `bad IP address \`${a}\``;
    }
  }
  if (portPart !== undefined) {
    const slash = portPart.indexOf('/');
    const range = slash < 0 ? portPart : portPart.slice(0, slash);
    const dash = range.indexOf('-', 1);
    const lo = boundedNumber(dash < 0 ? range : range.slice(0, dash), 0, 65535) ?? (isServiceName(dash < 0 ? range : range.slice(0, dash)) ? -1 : null);
    if (lo === null) return `port \`${dash < 0 ? range : range.slice(0, dash)}\` not valid`;
    if (dash >= 0) {
      const hiText = range.slice(dash + 1);
      const hi = boundedNumber(hiText, 0, 65535) ?? (isServiceName(hiText) ? -1 : null);
      if (hi === null) return `port \`${hiText}\` not valid`;
      if (lo >= 0 && hi >= 0 && lo > hi) return `port range \`${range}\` runs backwards`;
    }
    if (slash >= 0) {
      const base = portPart.slice(slash + 1);
      const bdash = base.indexOf('-', 1);
      const ok = dash >= 0 && (bdash < 0 ? [base] : [base.slice(0, bdash), base.slice(bdash + 1)]).every((b) => boundedNumber(b, 0, 65535) !== null);
      if (!ok) return `unexpected \`/${base}\` after the port: a base port (\`/port\`) follows a port range only`;
    }
  }
  return null;
}

/** Prefix length (or, permissively, a mask) within the option's bounds for the family. */
export function validatePrefixLength(v: string, o: OptionSpec, family: RuleFamily): string | null {
  const max = family === 'ipv6' ? (o.max6 ?? 128) : family === 'ipv4' ? (o.max ?? 32) : Math.max(o.max ?? 32, o.max6 ?? 128);
  if (boundedNumber(v, 0, max) !== null) return null;
  if (family !== 'ipv6' && isV4Mask(v)) return null;
  if (family !== 'ipv4' && isIPv6(v)) return null;
  return `invalid prefix length \`${v}\` (0-${max})`;
}

// ---------------------------------------------------------------------------
// MAC, interface, time

export function validateMac(v: string): string | null {
  const parts = v.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return `invalid MAC address \`${v}\`: expected six hex bytes separated by colons`;
  return null;
}

export function validateInterface(v: string): string | null {
  if (v.length > 15) return `interface name \`${v}\` is too long (at most 15 characters)`;
  return null;
}

export function validateTime(v: string): string | null {
  const m = /^([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2}))?$/.exec(v);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || (m[3] !== undefined && Number(m[3]) > 59)) return `invalid time \`${v}\`: expected hh:mm[:ss] between 00:00:00 and 23:59:59`;
  return null;
}

export function validateDate(v: string): string | null {
  const m = /^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2})(?:T([0-9]{1,2})(?::([0-9]{1,2})(?::([0-9]{1,2}))?)?)?)?)?$/.exec(v);
  const bad = `invalid date \`${v}\`: expected YYYY[-MM[-DD[Thh[:mm[:ss]]]]] between 1970-01-01 and 2038-01-19`;
  if (!m) return bad;
  const [y, mo = 1, d = 1, h = 0, mi = 0, s = 0] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x))) as number[];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return bad;
  const t = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  if (y < 1970 || t > 2147483647) return bad;
  return null;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Mon..Sun (a two-letter start such as `Mo` is enough; case matters) or day numbers. */
export function validateWeekdays(v: string): string | null {
  for (const d of v.split(',')) {
    if (/^[0-9]+$/.test(d)) {
      if (Number(d) === 0) return 'weekday 0 does not exist: Monday is 1, Sunday is 7';
      continue;
    }
    if (d.length < 2 || !WEEKDAYS.some((w) => d.startsWith(w.slice(0, 2)))) return `\`${d}\` is not a weekday: use Mon,Tue,Wed,Thu,Fri,Sat,Sun (or 1-7)`;
  }
  return null;
}

export function validateMonthdays(v: string): string | null {
  for (const d of v.split(',')) {
    if (d === '') continue;
    if (!/^[0-9]+$/.test(d) || Number(d) > 31) return `\`${d}\` is not a day of the month (1-31)`;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Conntrack states

/** State names with what each means for a packet (hover text, own words; conntrack-facts §6c, §6d). */
export const STATE_NAMES: Readonly<Record<string, string>> = {
  NEW: 'first packet(s) of a connection: conntrack has not yet seen traffic in both directions (not necessarily a TCP SYN).',
  ESTABLISHED: 'part of a connection that has seen packets in both directions.',
  RELATED: 'starts a new connection that belongs to an existing one (an FTP data channel, an ICMP error about a tracked flow).',
  INVALID: 'conntrack could not make sense of the packet (no tracked connection, malformed, out of window).',
  UNTRACKED:
    'the packet was exempted from tracking by a raw-table `-j NOTRACK` or `-j CT --notrack` rule. Such packets match UNTRACKED only, never NEW, ESTABLISHED, RELATED or INVALID, so stateful accepts do not let them (or their replies) through.',
};

/** Extra states `-m conntrack --ctstate` knows. */
export const CTSTATE_EXTRA: Readonly<Record<string, string>> = {
  SNAT: 'virtual state: the original source differs from the reply destination (the connection is source-NATed).',
  DNAT: 'virtual state: the original destination differs from the reply source (the connection is destination-NATed).',
};

export const CTSTATUS_NAMES: Readonly<Record<string, string>> = {
  NONE: 'no status bit set.',
  EXPECTED: 'the connection was set up from an expectation (a helper predicted it).',
  SEEN_REPLY: 'a reply has been seen.',
  ASSURED: 'the connection is assured: it will not be dropped early when the table fills up.',
  CONFIRMED: 'the connection has left the first hook and is in the table.',
};

function listOf(v: string, names: ReadonlySet<string>, what: string, option: string): string | null {
  if (v === '' || v.endsWith(',')) return `\`${option}\` needs a comma-separated ${what} list without spaces, e.g. ESTABLISHED,RELATED`;
  for (const s of v.split(',')) {
    if (!names.has(s.toUpperCase())) return `unknown ${what} \`${s}\`: expected ${[...names].join(', ')}`;
  }
  return null;
}

const STATES: ReadonlySet<string> = new Set(Object.keys(STATE_NAMES));
const CTSTATES: ReadonlySet<string> = new Set([...STATES, ...Object.keys(CTSTATE_EXTRA)]);
const CTSTATUSES: ReadonlySet<string> = new Set(Object.keys(CTSTATUS_NAMES));

export function validateStateList(v: string): string | null {
  return listOf(v, STATES, 'state', '--state');
}
export function validateCtstateList(v: string): string | null {
  return listOf(v, CTSTATES, 'ctstate', '--ctstate');
}
export function validateCtstatusList(v: string): string | null {
  for (const s of v.split(',')) {
    if (!CTSTATUSES.has(s.toUpperCase())) return `unknown ctstatus \`${s}\`: expected ${[...CTSTATUSES].join(', ')}`;
  }
  return null;
}

// ---------------------------------------------------------------------------
// TCP flags, ICMP types

export const TCP_FLAGS = ['SYN', 'ACK', 'FIN', 'RST', 'URG', 'PSH', 'ALL', 'NONE'] as const;

export function validateTcpFlagList(v: string): string | null {
  for (const f of v.split(',')) {
    if (f === '') continue;
    if (!(TCP_FLAGS as readonly string[]).includes(f.toUpperCase())) return `unknown TCP flag \`${f}\`: expected ${TCP_FLAGS.join(' ')}`;
  }
  return null;
}

/** Names `iptables -p icmp -h` lists, with the aliases it prints in parentheses. */
export const ICMP_TYPES: readonly string[] = [
  'any', 'echo-reply', 'pong', 'destination-unreachable', 'network-unreachable', 'host-unreachable', 'protocol-unreachable',
  'port-unreachable', 'fragmentation-needed', 'source-route-failed', 'network-unknown', 'host-unknown', 'network-prohibited',
  'host-prohibited', 'TOS-network-unreachable', 'TOS-host-unreachable', 'communication-prohibited', 'host-precedence-violation',
  'precedence-cutoff', 'source-quench', 'redirect', 'network-redirect', 'host-redirect', 'TOS-network-redirect',
  'TOS-host-redirect', 'echo-request', 'ping', 'router-advertisement', 'router-solicitation', 'time-exceeded', 'ttl-exceeded',
  'ttl-zero-during-transit', 'ttl-zero-during-reassembly', 'parameter-problem', 'ip-header-bad', 'required-option-missing',
  'timestamp-request', 'timestamp-reply', 'address-mask-request', 'address-mask-reply',
];

/** Names `ip6tables -p icmpv6 -h` lists, aliases included. */
export const ICMPV6_TYPES: readonly string[] = [
  'destination-unreachable', 'no-route', 'communication-prohibited', 'beyond-scope', 'address-unreachable', 'port-unreachable',
  'failed-policy', 'reject-route', 'packet-too-big', 'time-exceeded', 'ttl-exceeded', 'ttl-zero-during-transit',
  'ttl-zero-during-reassembly', 'parameter-problem', 'bad-header', 'unknown-header-type', 'unknown-option', 'echo-request', 'ping',
  'echo-reply', 'pong', 'router-solicitation', 'router-advertisement', 'neighbour-solicitation', 'neighbor-solicitation',
  'neighbour-advertisement', 'neighbor-advertisement', 'redirect',
];

/** type name (or a unique start of one, any case), number 0-255, or type/code. */
function icmpProblem(v: string, names: readonly string[], label: string): string | null {
  const lower = v.toLowerCase();
  if (names.some((n) => n.toLowerCase() === lower)) return null;
  const starts = names.filter((n) => n.toLowerCase().startsWith(lower));
  if (lower && starts.length === 1) return null;
  if (lower && starts.length > 1 && !/^[0-9]/.test(lower)) return `ambiguous ${label} type \`${v}\`: ${starts.slice(0, 4).join(', ')}…`;
  const slash = v.indexOf('/');
  const type = slash < 0 ? v : v.slice(0, slash);
  if (!/^(0[xX][0-9a-fA-F]+|0|[1-9][0-9]*)$/.test(type) || boundedNumber(type, 0, 255) === null) return `unknown ${label} type \`${v}\``;
  if (slash >= 0) {
    const code = v.slice(slash + 1);
    if (!/^(0[xX][0-9a-fA-F]+|0|[1-9][0-9]*)$/.test(code) || boundedNumber(code, 0, 255) === null) return `unknown ${label} code \`${v}\``;
  }
  return null;
}

export function validateIcmpType(v: string): string | null {
  return icmpProblem(v, ICMP_TYPES, 'ICMP');
}
export function validateIcmpv6Type(v: string): string | null {
  return icmpProblem(v, ICMPV6_TYPES, 'ICMPv6');
}

// ---------------------------------------------------------------------------
// Rates, log levels, reject types, protocols

const RATE_UNITS: ReadonlyArray<[string, number]> = [
  ['second', 1],
  ['minute', 60],
  ['hour', 3600],
  ['day', 86400],
];

/** Leading decimal digits as C `atoi`/`strtoull` would read them (0 when none). */
function leadingNumber(s: string): bigint {
  const m = /^[ \t]*\+?([0-9]+)/.exec(s);
  return m ? BigInt(m[1]) : 0n;
}

/** `/unit` → seconds per unit (any non-empty start of second/minute/hour/day, any case), or null. */
function rateUnit(unit: string): number | null {
  if (!unit) return null;
  const u = unit.toLowerCase();
  for (const [name, mult] of RATE_UNITS) if (name.startsWith(u)) return mult;
  return null;
}

/** limit: n[/second|minute|hour|day]; at most 10000 per second. */
export function validateRate(v: string): string | null {
  const slash = v.indexOf('/');
  let mult = 1;
  if (slash >= 0) {
    const m = rateUnit(v.slice(slash + 1));
    if (m === null) return `bad rate \`${v}\`: the unit is /second, /minute, /hour or /day (or a start of one: /s, /min)`;
    mult = m;
  }
  const n = leadingNumber(v);
  if (n === 0n) return `bad rate \`${v}\`: expected a positive number, e.g. 10/second`;
  if (n > 10000n * BigInt(mult)) return `rate \`${v}\` is too fast (at most 10000 per second)`;
  return null;
}

/** hashlimit: packet rates like limit (up to 1000000/s), or byte rates `n[k|m|g]b/s`. */
export function validateHashlimitRate(v: string): string | null {
  const b = v.indexOf('b/s');
  if (b > 0) {
    const before = v[b - 1];
    if ((before === 'k' || before === 'm' || before === 'g' || /[0-9]/.test(before)) && leadingNumber(v) > 0n) return null;
  }
  const slash = v.indexOf('/');
  let mult = 1;
  if (slash >= 0) {
    const m = rateUnit(v.slice(slash + 1));
    if (m === null) return `bad rate \`${v}\`: the unit is /second, /minute, /hour or /day, or a byte rate such as 512kb/s`;
    mult = m;
  }
  const n = leadingNumber(v);
  if (n === 0n) return `bad rate \`${v}\`: expected a positive number, e.g. 100/second`;
  if (n > 1000000n * BigInt(mult)) return `rate \`${v}\` is too fast (at most 1000000 per second)`;
  return null;
}

/** syslog level names iptables knows, with their numbers. */
export const LOG_LEVELS: Readonly<Record<string, number>> = {
  emerg: 0,
  panic: 0,
  alert: 1,
  crit: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

export function validateLogLevel(v: string): string | null {
  if (Object.prototype.hasOwnProperty.call(LOG_LEVELS, v)) return null;
  if (boundedNumber(v, 0, 7) !== null) return null;
  return `unknown log level \`${v}\`: use 0-7 or emerg, alert, crit, error, warning, notice, info, debug (lower case)`;
}

/** REJECT --reject-with types per family; value = what is sent back. Aliases included. */
export const REJECT_TYPES_V4: Readonly<Record<string, string>> = {
  'icmp-net-unreachable': 'ICMP network unreachable',
  'net-unreach': 'alias of icmp-net-unreachable',
  'icmp-host-unreachable': 'ICMP host unreachable',
  'host-unreach': 'alias of icmp-host-unreachable',
  'icmp-proto-unreachable': 'ICMP protocol unreachable',
  'proto-unreach': 'alias of icmp-proto-unreachable',
  'icmp-port-unreachable': 'ICMP port unreachable (the default)',
  'port-unreach': 'alias of icmp-port-unreachable',
  'icmp-net-prohibited': 'ICMP network administratively prohibited',
  'net-prohib': 'alias of icmp-net-prohibited',
  'icmp-host-prohibited': 'ICMP host administratively prohibited',
  'host-prohib': 'alias of icmp-host-prohibited',
  'icmp-admin-prohibited': 'ICMP communication administratively prohibited',
  'admin-prohib': 'alias of icmp-admin-prohibited',
  'tcp-reset': 'a TCP RST (only for rules that match -p tcp)',
  'tcp-rst': 'alias of tcp-reset',
};
export const REJECT_TYPES_V6: Readonly<Record<string, string>> = {
  'icmp6-no-route': 'ICMPv6 no route to destination',
  'no-route': 'alias of icmp6-no-route',
  'icmp6-adm-prohibited': 'ICMPv6 communication administratively prohibited',
  'adm-prohibited': 'alias of icmp6-adm-prohibited',
  'icmp6-addr-unreachable': 'ICMPv6 address unreachable',
  'addr-unreach': 'alias of icmp6-addr-unreachable',
  'icmp6-port-unreachable': 'ICMPv6 port unreachable (the default)',
  'port-unreach': 'alias of icmp6-port-unreachable',
  'icmp6-policy-fail': 'ICMPv6 source address failed ingress/egress policy',
  'policy-fail': 'alias of icmp6-policy-fail',
  'icmp6-reject-route': 'ICMPv6 reject route to destination',
  'reject-route': 'alias of icmp6-reject-route',
  'tcp-reset': 'a TCP RST (only for rules that match -p tcp)',
};

export function validateRejectWith(v: string, _o?: OptionSpec, family: RuleFamily = 'unknown'): string | null {
  const lower = v.toLowerCase();
  const in4 = Object.prototype.hasOwnProperty.call(REJECT_TYPES_V4, lower);
  const in6 = Object.prototype.hasOwnProperty.call(REJECT_TYPES_V6, lower);
  if (family === 'ipv4' && in4) return null;
  if (family === 'ipv6' && in6) return null;
  if (family === 'unknown' && (in4 || in6)) return null;
  if (family === 'ipv4' && in6) return `\`${v}\` is an IPv6 reject type; IPv4 uses ${Object.keys(REJECT_TYPES_V4).filter((k) => k.startsWith('icmp')).join(', ')} or tcp-reset`;
  if (family === 'ipv6' && in4) return `\`${v}\` is an IPv4 reject type; IPv6 uses ${Object.keys(REJECT_TYPES_V6).filter((k) => k.startsWith('icmp6')).join(', ')} or tcp-reset`;
  return `unknown reject type \`${v}\``;
}

/** Protocol names iptables resolves without /etc/protocols, plus the common ones from it. */
export const KNOWN_PROTOCOLS: readonly string[] = [
  'all', 'tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'ipv6-icmp', 'esp', 'ah', 'sctp', 'mh', 'dccp', 'gre', 'ipip', 'ipv6',
  'ipencap', 'igmp', 'pim', 'vrrp', 'ospf', 'l2tp', 'ipcomp', 'ipv6-frag', 'ipv6-route', 'ipv6-opts', 'ipv6-nonxt', 'hopopt', 'egp',
  'rsvp', 'ip', 'etherip', 'encap', 'isis', 'carp', 'mpls-in-ip', 'manet', 'hip', 'shim6', 'wesp', 'rohc', 'ethernet',
];

/** Protocol names that pass validateProtocol's name pattern (checked first: most rules name one of these). */
const COMMON_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'icmp', 'all', 'sctp', 'icmpv6', 'udplite', 'esp', 'ah', 'gre', 'dccp']);

/** Name (any case) or number 0-255. Unknown names are the target machine's /etc/protocols business. */
export function validateProtocol(v: string): string | null {
  if (COMMON_PROTOCOLS.has(v)) return null;
  if (/^[0-9]+$/.test(v)) return Number(v) <= 255 ? null : `protocol number \`${v}\` out of range (0-255)`;
  if (/^[A-Za-z][A-Za-z0-9._+-]*$/.test(v)) return null;
  return `\`${v}\` is not a protocol name or number`;
}

// ---------------------------------------------------------------------------
// Marks, TOS/DSCP, classes

export function validateMark(v: string): string | null {
  const slash = v.indexOf('/');
  const parts = slash < 0 ? [v] : [v.slice(0, slash), v.slice(slash + 1)];
  for (const p of parts) {
    if (boundedNumber(p, 0, 0xffffffff) === null) return `bad mark \`${v}\`: expected value[/mask], 32-bit numbers (0x… for hex)`;
  }
  return null;
}

export const TOS_SYMBOLS: Readonly<Record<string, number>> = {
  'Minimize-Delay': 0x10,
  'Maximize-Throughput': 0x08,
  'Maximize-Reliability': 0x04,
  'Minimize-Cost': 0x02,
  'Normal-Service': 0x00,
};

export function validateTos(v: string): string | null {
  const slash = v.indexOf('/');
  if (slash < 0) {
    if (boundedNumber(v, 0, 255) !== null) return null;
    if (Object.keys(TOS_SYMBOLS).some((k) => k.toLowerCase() === v.toLowerCase())) return null;
    return `unknown TOS value \`${v}\`: a number 0-255 (value[/mask]) or ${Object.keys(TOS_SYMBOLS).join(', ')}`;
  }
  if (boundedNumber(v.slice(0, slash), 0, 255) === null || boundedNumber(v.slice(slash + 1), 0, 255) === null) return `bad TOS value \`${v}\`: value and mask are 0-255`;
  return null;
}

export const DSCP_CLASSES: readonly string[] = [
  'BE', 'EF', 'CS0', 'CS1', 'CS2', 'CS3', 'CS4', 'CS5', 'CS6', 'CS7',
  'AF11', 'AF12', 'AF13', 'AF21', 'AF22', 'AF23', 'AF31', 'AF32', 'AF33', 'AF41', 'AF42', 'AF43',
];

export function validateDscpClass(v: string): string | null {
  return DSCP_CLASSES.includes(v.toUpperCase()) ? null : `unknown DiffServ class \`${v}\`: expected BE, EF, CS0-CS7 or AF11-AF43`;
}

export function validateClass(v: string): string | null {
  return /^(0[xX])?[0-9a-fA-F]{1,8}:(0[xX])?[0-9a-fA-F]{1,8}$/.test(v) ? null : `bad class \`${v}\`: expected MAJOR:MINOR in hex, e.g. 1:10`;
}

// ---------------------------------------------------------------------------
// Other kinds

export function validateHexString(v: string): string | null {
  let inHex = false;
  let digits = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '|') {
      if (inHex && digits % 2 !== 0) return `odd number of hex digits in \`${v}\``;
      if (inHex && digits === 0) return `empty hex block in \`${v}\``;
      inHex = !inHex;
      digits = 0;
      if (inHex) while (v[i + 1] === ' ') i++;
      continue;
    }
    if (inHex) {
      if (!/[0-9a-fA-F]/.test(c)) return `invalid hex character \`${c}\` in \`${v}\` (no spaces inside |…|)`;
      digits++;
    }
  }
  if (inHex) return `unterminated hex block in \`${v}\``;
  return null;
}

export function validateProbability(v: string): string | null {
  if (!/^[ \t]*[+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(v)) return `bad probability \`${v}\`: expected a number between 0 and 1`;
  const n = Number(v.trim());
  return n >= 0 && n <= 1 ? null : `probability \`${v}\` out of range (0-1)`;
}

export const CT_EVENTS: readonly string[] = ['new', 'related', 'destroy', 'reply', 'assured', 'protoinfo', 'helper', 'mark', 'natseqinfo', 'secmark'];

export function validateCtEvents(v: string, o: OptionSpec): string | null {
  const allowed = o.values ?? CT_EVENTS;
  for (const e of v.split(',')) {
    if (!allowed.includes(e)) return `unknown event \`${e}\`: expected ${allowed.join(', ')} (lower case)`;
  }
  return null;
}

export function validateCtZone(v: string): string | null {
  if (v === 'mark') return null;
  return boundedNumber(v, 0, 65535) !== null ? null : `bad zone \`${v}\`: a number 0-65535 or \`mark\``;
}

/** devgroup/realm: number[/mask] or a name from /etc/iproute2 (only the target machine knows those). */
export function validateIdMask(v: string): string | null {
  const slash = v.indexOf('/');
  const id = slash < 0 ? v : v.slice(0, slash);
  if (boundedNumber(id, 0, 0xffffffff) === null && !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(id)) return `bad value \`${v}\`: expected a number[/mask] or a name`;
  if (slash >= 0 && boundedNumber(v.slice(slash + 1), 0, 0xffffffff) === null) return `bad mask in \`${v}\``;
  return null;
}

export function validateOwnerId(v: string): string | null {
  // iptables looks the whole value up as a user/group name first (names may contain dashes).
  if (/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(v)) return null;
  const dash = v.indexOf('-', 1);
  const parts = dash < 0 ? [v] : [v.slice(0, dash), v.slice(dash + 1)];
  for (const p of parts) {
    if (/^[0-9]+$/.test(p)) {
      if (BigInt(p) > 4294967294n) return `id \`${p}\` out of range (0-4294967294)`;
      continue;
    }
    if (dash < 0 && /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(p)) continue; // a user or group name
    return `bad id \`${v}\`: a name, a number or a range a-b`;
  }
  if (parts.length === 2 && BigInt(parts[0]) > BigInt(parts[1])) return `id range \`${v}\` runs backwards`;
  return null;
}

export function validateQueueRange(v: string): string | null {
  const colon = v.indexOf(':');
  if (colon < 0) return `bad queue range \`${v}\`: expected first:last`;
  const a = v.slice(0, colon);
  const lo = a === '' ? 0 : boundedNumber(a, 0, 65535);
  const hi = boundedNumber(v.slice(colon + 1), 0, 65535);
  if (lo === null || hi === null) return `bad queue range \`${v}\`: numbers 0-65535`;
  if (lo >= hi) return `bad queue range \`${v}\`: the first queue must be lower than the last`;
  return null;
}

export const SCTP_CHUNK_TYPES: readonly string[] = [
  'DATA', 'INIT', 'INIT_ACK', 'SACK', 'HEARTBEAT', 'HEARTBEAT_ACK', 'ABORT', 'SHUTDOWN', 'SHUTDOWN_ACK', 'ERROR',
  'COOKIE_ECHO', 'COOKIE_ACK', 'ECN_ECNE', 'ECN_CWR', 'SHUTDOWN_COMPLETE', 'ASCONF', 'ASCONF_ACK', 'FORWARD_TSN', 'ALL', 'NONE',
];

function validateSctpChunks(values: readonly string[]): ValueProblem | null {
  if (!['all', 'any', 'only'].includes(values[0].toLowerCase())) return { index: 0, message: `\`${values[0]}\`: the first value of --chunk-types is all, any or only` };
  for (const c of values[1].split(',')) {
    const name = c.split(':')[0];
    if (!SCTP_CHUNK_TYPES.includes(name.toUpperCase())) return { index: 1, message: `unknown SCTP chunk type \`${name}\`` };
  }
  return null;
}

function validateSetMatch(values: readonly string[]): ValueProblem | null {
  const [name, flags] = values;
  if (!name) return { index: 0, message: 'empty set name' };
  if (name.length > 31) return { index: 0, message: `set name \`${name}\` is too long (at most 31 characters)` };
  const items = flags.split(',');
  if (!items.every((f) => f === 'src' || f === 'dst')) return { index: 1, message: `\`${flags}\`: flags are a comma-separated list of src and dst (lower case)` };
  if (items.length > 6) return { index: 1, message: `\`${flags}\`: at most 6 src/dst flags` };
  return null;
}

function validateTcpFlags(values: readonly string[]): ValueProblem | null {
  for (let i = 0; i < 2; i++) {
    const p = validateTcpFlagList(values[i]);
    if (p) return { index: i, message: p };
  }
  return null;
}

function validateNumber(v: string, o: OptionSpec, family: RuleFamily): string | null {
  const min = o.min ?? 0;
  const max = family === 'ipv6' && o.max6 !== undefined ? o.max6 : (o.max ?? 0xffffffff);
  return boundedNumber(v, min, max) !== null ? null : `bad value \`${v}\` for ${o.name}: expected a number ${rangeText(min, max)}`;
}

function validateNumberRange(v: string, o: OptionSpec): string | null {
  const min = o.min ?? 0;
  const max = o.max ?? 0xffffffff;
  const colon = v.indexOf(':');
  const parts = colon < 0 ? [v] : [v.slice(0, colon), v.slice(colon + 1)];
  const nums: (number | null)[] = [];
  for (const p of parts) {
    if (p === '' && colon >= 0) {
      nums.push(null);
      continue;
    }
    const n = boundedNumber(p, min, max);
    if (n === null) return `bad value \`${v}\` for ${o.name}: expected a number ${rangeText(min, max)} or a range a:b`;
    nums.push(n);
  }
  if (o.ordered && nums.length === 2 && nums[0] !== null && nums[1] !== null && nums[0] > nums[1]) return `bad range \`${v}\` for ${o.name}: the first number is larger than the second`;
  return null;
}

function validateEnum(v: string, o: OptionSpec): string | null {
  const values = o.values ?? [];
  const eq = o.caseSensitive ? (a: string) => a === v : (a: string) => a.toLowerCase() === v.toLowerCase();
  return values.some(eq) ? null : `unknown value \`${v}\` for ${o.name}: expected ${values.join(', ')}`;
}

function validateEnumList(v: string, o: OptionSpec): string | null {
  const values = o.values ?? [];
  for (const item of v.split(',')) {
    const ok = o.caseSensitive ? values.includes(item) : values.some((a) => a.toLowerCase() === item.toLowerCase());
    if (!ok) return `unknown value \`${item}\` for ${o.name}: expected a comma-separated list of ${values.join(', ')}`;
  }
  return null;
}

function validateString(v: string, o: OptionSpec): string | null {
  if (o.min !== undefined && v.length < o.min) return `${o.name} needs at least ${o.min} character${o.min === 1 ? '' : 's'}`;
  if (o.max !== undefined && v.length > o.max) return `${o.name} takes at most ${o.max} characters (this one has ${v.length})`;
  return null;
}

/** The validator for each single-value kind. */
export const VALIDATORS: Readonly<Record<string, Validator>> = {
  port: validatePort,
  'port-range': validatePortRange,
  'port-range-loose': validatePortRangeLoose,
  'port-list': validatePortList,
  'nat-ports': validateNatPorts,
  'nat-range': validateNatRange,
  address: validateAddress,
  'address-mask': validateAddressMask,
  'address-range': validateAddressRange,
  'prefix-length': validatePrefixLength,
  'state-list': validateStateList,
  'ctstate-list': validateCtstateList,
  'ctstatus-list': validateCtstatusList,
  number: validateNumber,
  'number-range': validateNumberRange,
  mark: validateMark,
  tos: validateTos,
  string: validateString,
  interface: validateInterface,
  mac: validateMac,
  time: validateTime,
  date: validateDate,
  weekdays: validateWeekdays,
  monthdays: validateMonthdays,
  dscp: (v, o, f) => validateNumber(v, { ...o, min: 0, max: 63 }, f),
  'dscp-class': validateDscpClass,
  'icmp-type': validateIcmpType,
  'icmpv6-type': validateIcmpv6Type,
  enum: validateEnum,
  'enum-list': validateEnumList,
  rate: validateRate,
  'hashlimit-rate': validateHashlimitRate,
  'log-level': validateLogLevel,
  'reject-with': validateRejectWith,
  protocol: validateProtocol,
  'owner-id': validateOwnerId,
  'hex-string': validateHexString,
  probability: validateProbability,
  class: validateClass,
  'ct-events': validateCtEvents,
  'ct-zone': validateCtZone,
  'id-mask': validateIdMask,
  'queue-range': validateQueueRange,
  any: () => null,
};

/** VALIDATORS as a map (a keyed read of an object with this many properties is slower). */
const VALIDATOR_OF: ReadonlyMap<string, Validator> = new Map(Object.entries(VALIDATORS));

/**
 * Checks an option's values as iptables would: the number of values for its
 * arity, then each value against its kind. `values` are the token values (quotes
 * removed). Returns null when iptables accepts them.
 */
export function validateOptionValue(option: OptionSpec, values: readonly string[], family: RuleFamily = 'unknown'): ValueProblem | null {
  // Common values that need neither the memo nor the full check: a plain decimal port
  // (tcp/udp --dport 443), free text within its length bounds (--comment).
  if (values.length === 1 && option.arity === 1 && !option.family) {
    const v = values[0];
    if (option.kind === 'port-range' && plainPortAt(v, 0, v.length)) return null;
    if (option.kind === 'string' && (option.min === undefined || v.length >= option.min) && (option.max === undefined || v.length <= option.max)) return null;
  }
  // Large dumps repeat the same values (kube-proxy: marks, states, probabilities):
  // remember recent single-value verdicts per option and family (bounded).
  // (Not for free text: its check is a length test, and its values rarely repeat;
  // nor, after a while, for an option whose values hardly ever repeat: addresses.)
  if (values.length === 1 && option.arity === 1 && option.kind !== 'string' && option.kind !== 'any') {
    let memo = MEMO.get(option);
    if (!memo) MEMO.set(option, (memo = { maps: [new Map(), new Map(), new Map()], hits: 0, misses: 0 }));
    if (memo.misses < MEMO_TRIAL || memo.hits * 4 >= memo.misses) {
      const m = memo.maps[family === 'ipv4' ? 0 : family === 'ipv6' ? 1 : 2];
      const hit = m.get(values[0]);
      if (hit !== undefined) {
        memo.hits++;
        return hit;
      }
      memo.misses++;
      const result = checkValues(option, values, family);
      if (m.size >= MEMO_LIMIT) m.clear();
      // Keep copies: the value (and a message quoting it) are slices of the document's text, and
      // the memo outlives the document; a slice would keep a closed document's whole text alive.
      m.set(detach(values[0]), result && { index: result.index, message: detach(result.message) });
      return result;
    }
  }
  return checkValues(option, values, family);
}

interface Memo {
  /** By family: ipv4, ipv6, unknown. */
  maps: Map<string, ValueProblem | null>[];
  hits: number;
  misses: number;
}
const MEMO = new WeakMap<OptionSpec, Memo>();
const MEMO_LIMIT = 1024;
/** Lookups before a memo that rarely hits (under 1 in 5) is no longer used. */
const MEMO_TRIAL = 2048;
/** A copy of `s` that shares no storage with the (large) string it may be a slice of. */
const detach = (s: string): string => (s + ' ').slice(0, s.length);

function checkValues(option: OptionSpec, values: readonly string[], family: RuleFamily): ValueProblem | null {
  const n = values.length;
  switch (option.arity) {
    case 0:
      if (n !== 0) return { index: 0, message: `${option.name} takes no value` };
      return null;
    case 'optional':
      if (n > 1) return { index: 1, message: `${option.name} takes at most one value` };
      break;
    case 1:
      if (n !== 1) return { index: -1, message: n === 0 ? `${option.name} needs a value` : `${option.name} takes one value, got ${n}` };
      break;
    case 2:
      if (n !== 2) return { index: -1, message: `${option.name} needs two values, got ${n}` };
      break;
  }
  if (option.family && family !== 'unknown' && option.family !== family) {
    return { index: -1, message: `${option.name} exists only in ${option.family === 'ipv4' ? 'iptables (IPv4)' : 'ip6tables (IPv6)'} rules` };
  }
  if (option.kind === 'tcp-flags') return validateTcpFlags(values);
  if (option.kind === 'set-match') return validateSetMatch(values);
  if (option.kind === 'sctp-chunks') return validateSctpChunks(values);
  const check = VALIDATOR_OF.get(option.kind);
  if (!check) return null;
  for (let i = 0; i < values.length; i++) {
    const message = check(values[i], option, family);
    if (message) return { index: i, message };
  }
  return null;
}
