// Shapes of the match-module and target tables. Plain static data: the tables
// describe what iptables 1.8.9 accepts (checked against the real tool, see
// scripts/iptables-ground-truth.mjs and test/fixtures/iptables/modules/).

import type { TableName } from '../ast';

/** Address family a module, target or option exists for. */
export type Family = 'ipv4' | 'ipv6' | 'both';
/** Family of a document or rule being checked. `unknown` accepts both. */
export type RuleFamily = 'ipv4' | 'ipv6' | 'unknown';

/**
 * What an option's value looks like. Each kind has a validator in values.ts
 * that mirrors the parser iptables uses for it.
 */
export type ValueKind =
  | 'none' // a flag, no value
  | 'port' // one port: number 0-65535 or a service name
  | 'port-range' // tcp/sctp parser: port, a:b, :b, a:, ':' (0-65535, a <= b)
  | 'port-range-loose' // udp/dccp/conntrack parser: decimal numbers wrap at 16 bits, a > b allowed
  | 'port-list' // multiport: up to 15 ports, a range counts as two
  | 'nat-ports' // MASQUERADE/REDIRECT --to-ports: port or port-port
  | 'nat-range' // DNAT/SNAT: [addr[-addr]][:port[-port[/port]]]
  | 'address' // one address (or host name)
  | 'address-mask' // address with optional /prefix or /dotted-mask
  | 'address-range' // iprange: addr[-addr]
  | 'prefix-length' // 0-32 (IPv4) or 0-128 (IPv6), or a dotted mask where allowed
  | 'state-list' // -m state: INVALID ESTABLISHED NEW RELATED UNTRACKED
  | 'ctstate-list' // -m conntrack --ctstate: the above plus SNAT DNAT
  | 'ctstatus-list' // NONE EXPECTED SEEN_REPLY ASSURED CONFIRMED
  | 'number' // unsigned integer (decimal, 0x hex, 0 octal) within min..max
  | 'number-range' // number or a:b / a: / :b
  | 'mark' // value[/mask], 32-bit
  | 'tos' // value[/mask] (8-bit) or a TOS symbol
  | 'string' // free text (optionally bounded in length)
  | 'interface' // interface name, < 16 chars, `+` wildcard
  | 'mac' // XX:XX:XX:XX:XX:XX
  | 'time' // hh:mm[:ss]
  | 'date' // YYYY[-MM[-DD[Thh[:mm[:ss]]]]]
  | 'weekdays' // Mon..Sun, Mo..Su or 1-7, comma list
  | 'monthdays' // 1-31, comma list
  | 'dscp' // 0-63
  | 'dscp-class' // BE EF AFxy CSx
  | 'tcp-flags' // two comma lists: mask and comparison
  | 'icmp-type' // IPv4 ICMP type name, number or type/code
  | 'icmpv6-type' // ICMPv6 type name, number or type/code
  | 'enum' // one of `values` (case rules in `caseSensitive`)
  | 'enum-list' // comma list of `values`
  | 'rate' // limit: n[/second|minute|hour|day] (prefixes allowed)
  | 'hashlimit-rate' // like rate, also byte rates (kb/s, mb/s)
  | 'log-level' // syslog level name or 0-7
  | 'reject-with' // REJECT type, per family
  | 'protocol' // protocol name or number 0-255
  | 'owner-id' // user/group name or number or a-b range
  | 'set-match' // two values: set name, src/dst flag list (max 6)
  | 'hex-string' // string with |hex| blocks
  | 'probability' // 0..1
  | 'class' // CLASSIFY MAJOR:MINOR (hex)
  | 'ct-events' // CT --ctevents list
  | 'ct-zone' // CT zone id 0-65535 or `mark`
  | 'id-mask' // devgroup/realm: number[/mask] or a name from a system file
  | 'queue-range' // NFQUEUE --queue-balance a:b
  | 'sctp-chunks' // two values: all|any|only, chunk list
  | 'any'; // not checked beyond presence

/** How many value tokens follow the option. */
export type Arity = 0 | 1 | 2 | 'optional';

export interface OptionSpec {
  /** Canonical long form with dashes, e.g. `--dport`. */
  name: string;
  /** Other spellings iptables accepts for the same option, e.g. `--destination-port`. */
  aliases?: readonly string[];
  /** May be preceded by `!`. */
  negatable: boolean;
  arity: Arity;
  kind: ValueKind;
  /** Allowed words for `enum` / `enum-list` kinds. */
  values?: readonly string[];
  /** `enum` words are compared case-insensitively unless this is true. */
  caseSensitive?: boolean;
  /** Bounds for numeric kinds, or the length bounds for `string`. */
  min?: number;
  max?: number;
  /** Only valid (or only this bound) for one family; see `max6`. */
  family?: 'ipv4' | 'ipv6';
  /** Upper bound for IPv6 when it differs (prefix lengths, MSS). */
  max6?: number;
  /** `number-range`: the first number may not exceed the second. */
  ordered?: boolean;
  /** The kernel allows the extension with this option only here (e.g. TCPMSS --clamp-mss-to-pmtu). */
  placement?: Placement;
  /** iptables refuses the extension without this option. */
  required?: boolean;
  /** May be given more than once in one match. */
  repeatable?: boolean;
  /** One line for hover and completion, in our own words. */
  doc: string;
}

export interface ModuleSpec {
  kind: 'match';
  name: string;
  family: Family;
  /** One line: what the module matches on. */
  summary: string;
  /**
   * `-p` protocols the kernel match insists on (`-m tcp` needs `-p tcp`), if any.
   * Names as `-p` takes them.
   */
  protocols?: readonly string[];
  /** Where the kernel allows the match, when it restricts it. */
  placement?: Placement;
  options: readonly OptionSpec[];
  /** Extra notes for hover (own words). */
  notes?: string;
}

/** Built-in chain names; their hooks are what the kernel checks. */
export type BuiltinChain = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

export interface Placement {
  /** Tables the extension may be used in. */
  tables: readonly TableName[];
  /** Built-in chains (hooks) it may be reached from. */
  chains: readonly BuiltinChain[];
  /**
   * Only the legacy backend (x_tables) enforces it; iptables-nft accepts the
   * rule anywhere (e.g. TRACE). A checker should not call that an error.
   */
  legacyOnly?: boolean;
  /** How the rule was established (`iptables-nft + legacy in unshare -n`, or kernel source). */
  verified: string;
}

export interface TargetSpec {
  kind: 'target';
  name: string;
  family: Family;
  summary: string;
  /** ACCEPT, DROP, RETURN, QUEUE: handled by iptables itself, no extension. */
  builtin?: boolean;
  /**
   * True when the packet's trip through the chain ends here (a verdict, or a
   * target that always returns one: REJECT, DNAT, NFQUEUE…); false when the
   * next rule is evaluated afterwards (LOG, MARK, CT, NOTRACK…).
   */
  terminal: boolean;
  /** null: usable in every table and chain. */
  placement: Placement | null;
  /** Protocols the target needs (`-p tcp` for TCPMSS, TPROXY …). */
  protocols?: readonly string[];
  options: readonly OptionSpec[];
  notes?: string;
}

export type ExtensionSpec = ModuleSpec | TargetSpec;

/** A problem with an option's values: which value (index into the values) and why. Shared; do not mutate. */
export interface ValueProblem {
  readonly message: string;
  /** Index of the offending value token, or -1 when the count is wrong. */
  readonly index: number;
}
