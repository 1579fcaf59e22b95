// Match-module and target tables of iptables 1.8.9: lookup, option resolution,
// value validation and hover text. This index exports both tables (targets are
// re-exported from ../targets) so diagnostics, hover and completion need one import.
//
// Static data, Maps built once at load; no IO.

import type { ExtensionSpec, ModuleSpec, OptionSpec, Placement, RuleFamily } from './types';
import { MODULES } from './data';

export * from './types';
export { MODULES };
export {
  validateOptionValue,
  VALIDATORS,
  STATE_NAMES,
  CTSTATE_EXTRA,
  CTSTATUS_NAMES,
  TCP_FLAGS,
  ICMP_TYPES,
  ICMPV6_TYPES,
  LOG_LEVELS,
  REJECT_TYPES_V4,
  REJECT_TYPES_V6,
  KNOWN_PROTOCOLS,
  DSCP_CLASSES,
  TOS_SYMBOLS,
  CT_EVENTS,
  SCTP_CHUNK_TYPES,
  isServiceName,
  isIPv4Aton,
  isIPv4Strict,
  isIPv6,
  validatePort,
  validatePortRange,
  validatePortRangeLoose,
  validatePortList,
  validateAddress,
  validateAddressMask,
  validateAddressList,
  validateAddressRange,
  validateStateList,
  validateCtstateList,
  validateCtstatusList,
  validateTcpFlagList,
  validateIcmpType,
  validateIcmpv6Type,
  validateRate,
  validateHashlimitRate,
  validateLogLevel,
  validateRejectWith,
  validateProtocol,
  validateMark,
  validateMac,
  validateInterface,
} from './values';
export { describeModule, describeTarget, describeOption, describeState, optionSynopsis } from './docs';
export { getTarget, listTargets, isTerminalTarget, targetPlacement, isTargetAllowed, TARGETS } from '../targets';

const BY_NAME: ReadonlyMap<string, ModuleSpec> = new Map(MODULES.map((m) => [m.name, m]));

/**
 * The match module `-m name` loads (case-sensitive, as iptables does), or
 * undefined when iptables 1.8.9 has none for this family (`-m icmp` in ip6tables).
 */
export function getModule(name: string, family?: RuleFamily): ModuleSpec | undefined {
  const m = BY_NAME.get(name);
  if (!m) return undefined;
  if (family && family !== 'unknown' && m.family !== 'both' && m.family !== family) return undefined;
  return m;
}

/** Every match module, optionally only those available for one family. */
export function listModules(family?: RuleFamily): readonly ModuleSpec[] {
  if (!family || family === 'unknown') return MODULES;
  return MODULES.filter((m) => m.family === 'both' || m.family === family);
}

/** Protocol numbers iptables maps to names when it looks for the implicit match. */
const PROTO_NUMBERS: Readonly<Record<string, string>> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmp6',
  '132': 'sctp',
  '33': 'dccp',
  '50': 'esp',
  '51': 'ah',
  '135': 'mh',
};

/**
 * The match `-p PROTO` makes available without `-m` (so `-p tcp --dport 22`
 * uses `tcp`): tcp, udp, sctp, dccp, icmp, icmp6 (`icmpv6`, `ipv6-icmp`, 58),
 * esp, ah, mh. Numbers work too (`-p 6`). Undefined when there is none.
 */
export function implicitModule(protocol: string, family?: RuleFamily): ModuleSpec | undefined {
  let p = protocol.toLowerCase();
  if (PROTO_NUMBERS[p]) p = PROTO_NUMBERS[p];
  if (p === 'icmpv6' || p === 'ipv6-icmp') p = 'icmp6';
  if (p === 'ipv6-mh') p = 'mh';
  if (!['tcp', 'udp', 'sctp', 'dccp', 'icmp', 'icmp6', 'esp', 'ah', 'mh'].includes(p)) return undefined;
  return getModule(p, family);
}

/** How an option name written in a rule resolves against an extension's options. */
export type OptionLookup =
  | { kind: 'exact'; option: OptionSpec }
  | { kind: 'abbreviation'; option: OptionSpec }
  | { kind: 'ambiguous'; candidates: OptionSpec[] }
  | { kind: 'unknown' };

/**
 * Resolves `name` (`--dport`, `--destination-port`, or an unambiguous start such
 * as `--dpo`, which iptables' option parser also accepts) among the extension's
 * options. Note that iptables checks abbreviations against every option loaded
 * for the rule, so an abbreviation unique here may still be ambiguous there.
 */
export function lookupOption(spec: ExtensionSpec, name: string): OptionLookup {
  const exact = spec.options.find((o) => o.name === name || (o.aliases && o.aliases.includes(name)));
  if (exact) return { kind: 'exact', option: exact };
  if (!name.startsWith('--') || name.length < 3) return { kind: 'unknown' };
  const hits = spec.options.filter((o) => o.name.startsWith(name) || (o.aliases && o.aliases.some((a) => a.startsWith(name))));
  if (hits.length === 1) return { kind: 'abbreviation', option: hits[0] };
  if (hits.length > 1) return { kind: 'ambiguous', candidates: hits };
  return { kind: 'unknown' };
}

/** The option `name` refers to (exact name, alias, or unambiguous abbreviation), if any. */
export function findOption(spec: ExtensionSpec, name: string): OptionSpec | undefined {
  const r = lookupOption(spec, name);
  return r.kind === 'exact' || r.kind === 'abbreviation' ? r.option : undefined;
}

/**
 * Tables and built-in chains where the kernel accepts the match, or null when
 * it has no restriction we know of. `optionNames` narrow it for options with
 * their own restriction (addrtype --limit-iface-in/out).
 */
export function modulePlacement(name: string, optionNames: readonly string[] = []): Placement | null {
  const m = BY_NAME.get(name);
  if (!m) return null;
  let p: Placement | null = m.placement ?? null;
  for (const n of optionNames) {
    const o = findOption(m, n);
    if (!o?.placement) continue;
    p = p
      ? { tables: p.tables.filter((x) => o.placement!.tables.includes(x)), chains: p.chains.filter((x) => o.placement!.chains.includes(x)), verified: p.verified }
      : o.placement;
  }
  return p;
}

/**
 * Whether `-m name` may be used in `table` from built-in chain `chain`
 * (undefined for user chains: the caller looks at what jumps to them).
 */
export function isModuleAllowed(name: string, table: string, chain: string, optionNames: readonly string[] = []): boolean | undefined {
  if (!['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'].includes(chain)) return undefined;
  const p = modulePlacement(name, optionNames);
  if (!p || p.legacyOnly) return true;
  return (p.tables as readonly string[]).includes(table) && (p.chains as readonly string[]).includes(chain);
}
