// Extension names iptables 1.8.9 does not ship but a machine may still load:
// add-on packages (xtables-addons, ipt_NETFLOW, nDPI, out-of-tree patches)
// install their own libxt_*.so. A rule using one is only checkable where that
// package is installed, so these names are never reported as unknown, and the
// options of a rule that loads one are not checked (we do not know them).

/** Match modules from add-on packages. */
export const ADDON_MATCHES: ReadonlySet<string> = new Set([
  'account', 'asn', 'condition', 'dhcpmac', 'fuzzy', 'geoip', 'gradm', 'iface', 'ipp2p', 'ipv4options',
  'length2', 'lscan', 'pknock', 'psd', 'quota2', 'ndpi', 'layer7', 'webstr', 'weburl', 'coova',
]);

/** Targets from add-on packages. */
export const ADDON_TARGETS: ReadonlySet<string> = new Set([
  'ACCOUNT', 'CHAOS', 'DELUDE', 'DHCPMAC', 'DNETMAP', 'ECHO', 'IPMARK', 'LOGMARK', 'PROTO', 'SYSRQ', 'TARPIT',
  'STEAL', 'RAWDNAT', 'RAWSNAT', 'IPV4OPTSSTRIP', 'ROUTE', 'IMQ', 'XOR', 'NETFLOW', 'FULLCONENAT', 'NDPI', 'COOVA',
]);

/** Other names iptables 1.8.9 loads a shipped match under (`-m icmpv6` is ip6tables' icmp6). */
export const MATCH_ALIASES: Readonly<Record<string, string>> = { icmpv6: 'icmp6' };
