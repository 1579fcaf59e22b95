// The sysctl knowledge base: one typed entry per key. Facts (types, defaults, versions)
// come from conntrack-facts.md — the `sections` field of each entry names the section;
// the summaries and pitfalls are our own words. docs/knowledge-base.md explains how to
// add a key.
//
// Version boundaries the fact sheet marks as approximate are `approx(...)` (certain:
// false). For an uncertain removal we record the latest plausible release and for an
// uncertain addition the earliest, so that a version check errs towards silence.

import type { KbEntry, TypeEra, ValueType, VersionMark } from './types';

const v = (version: string, ref?: string): VersionMark => ({ version, certain: true, ...(ref ? { ref } : {}) });
const approx = (version: string, ref?: string): VersionMark => ({ version, certain: false, ...(ref ? { ref } : {}) });

export const NF_DOC = 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html';
const IP_DOC = 'https://docs.kernel.org/networking/ip-sysctl.html';
const TCP_DOC = `${IP_DOC}#tcp-variables`;
const IPV4_DOC = `${IP_DOC}#ip-variables`;
const BRIDGE_DOC = `${IP_DOC}#proc-sys-net-bridge-variables`;
const FS_DOC = 'https://docs.kernel.org/admin-guide/sysctl/fs.html';

const NF = 'net.netfilter.';
const CT = 'net.netfilter.nf_conntrack_';

/** Booleans became u8 with bounds 0..1 around 5.13/5.14 (§1 mechanics, release UNVERIFIED); before, any integer was accepted. */
const BOOL_U8_KERNEL = approx('5.14');
const OLD_BOOL: TypeEra[] = [{ before: BOOL_U8_KERNEL, type: { kind: 'loose-bool' } }];
const BOOL: ValueType = { kind: 'bool' };
const SECONDS: ValueType = { kind: 'seconds' };

type Draft = Omit<KbEntry, 'origin' | 'scope' | 'module' | 'docs' | 'related' | 'sections' | 'default' | 'unit'> &
  Partial<Pick<KbEntry, 'origin' | 'scope' | 'module' | 'docs' | 'related' | 'sections' | 'default' | 'unit'>>;

/** A conntrack key with the usual defaults: mainline, per-netns, module nf_conntrack, nf_conntrack-sysctl doc. */
function ct(d: Draft): KbEntry {
  return {
    origin: 'mainline',
    scope: 'per-netns',
    module: 'nf_conntrack',
    docs: NF_DOC,
    related: [],
    sections: [],
    default: {},
    unit: d.type.kind === 'seconds' ? 'seconds' : d.type.kind === 'bool' || d.type.kind === 'loose-bool' ? 'flag' : 'entries',
    ...d,
  };
}

function timeout(key: string, seconds: number, summary: string, extra: Partial<KbEntry> = {}): KbEntry {
  return ct({ key, type: SECONDS, unit: 'seconds', role: 'timeout', default: { value: String(seconds) }, summary, ...extra });
}

/** Before 6.15 the limits were plain proc_dointvec into an unsigned variable (§1a). */
const NEGATIVE_LIMIT = 'a huge unsigned limit, in effect no limit at all';

// ---------------------------------------------------------------------------
// 1a. Core keys

const CORE: KbEntry[] = [
  ct({
    key: `${CT}max`,
    type: { kind: 'int', min: 0 },
    typeHistory: [{ before: v('6.15', '8b6861390ffe'), type: { kind: 'int', negativeMeans: NEGATIVE_LIMIT } }],
    unit: 'entries',
    role: 'conntrack-max',
    default: {
      computed: 'conntrack-max',
      how: 'Set once when nf_conntrack loads, from the bucket count: equal to it on 5.15 and later, four times it on 2.6.20–5.14, eight times it whenever `hashsize=` was given.',
    },
    scope: 'init-netns-only',
    scopeNote:
      'Read-only in other network namespaces since commit 2671fa4dc010 (≈5.13, also backported to 5.4/5.10 stable); before it a container could change the host-wide value. Each namespace counts its own entries against this one limit.',
    related: [`${CT}buckets`, `${CT}count`, 'net.nf_conntrack_max', `${CT}expect_max`],
    summary:
      'Upper limit on connection-tracking entries per network namespace. Once a namespace is at the limit, a new connection gets in only if an entry in its hash bucket that is not yet assured can be evicted; otherwise the packet is dropped and the kernel logs "table full, dropping packet".',
    pitfall:
      'Raising it does not enlarge the hash table: set nf_conntrack_buckets as well, or a full table means long lookup chains (2 × max / buckets nodes). 0 means no limit at all. Before 6.15 a negative value was accepted and also meant "no limit".',
    sections: ['1a', '2a', '2b', '2e', '3'],
  }),
  ct({
    key: 'net.nf_conntrack_max',
    type: { kind: 'int', min: 0 },
    typeHistory: [{ before: v('6.15', '8b6861390ffe'), type: { kind: 'int', negativeMeans: NEGATIVE_LIMIT } }],
    unit: 'entries',
    role: 'conntrack-max',
    default: { computed: 'conntrack-max', how: 'Same variable as net.netfilter.nf_conntrack_max.' },
    scope: 'init-netns-registered',
    related: [`${CT}max`, `${CT}buckets`],
    summary:
      'Second name for net.netfilter.nf_conntrack_max, kept since the first nf_conntrack kernels: both names read and write the same variable. It exists only in the initial network namespace.',
    pitfall: 'Setting both names in one file is redundant: whichever line comes later wins for both.',
    sections: ['1a'],
  }),
  ct({
    key: `${CT}count`,
    type: { kind: 'int', min: 0 },
    unit: 'entries',
    role: 'conntrack-count',
    readOnly: true,
    related: [`${CT}max`],
    summary:
      'How many entries this network namespace has right now. It is a gauge, not a setting, and it counts only this namespace even though the hash table is shared.',
    pitfall: 'Read-only: a line that sets it fails when the file is applied.',
    sections: ['1a'],
  }),
  ct({
    key: `${CT}buckets`,
    type: { kind: 'uint', min: 1, max: 2147483647 },
    unit: 'buckets',
    role: 'conntrack-buckets',
    default: {
      computed: 'conntrack-buckets',
      how: 'Chosen when nf_conntrack loads: from RAM (RAM / 131072 on 64-bit, with fixed tiers above 1 GiB and 4 GiB) or from the `hashsize=` module parameter, then rounded up to a multiple of 512.',
    },
    writableSince: approx('4.7', '3183ab8997a4'),
    scope: 'init-netns-only',
    scopeNote: 'One hash table serves every network namespace; the key is read-only (0444) outside the initial one.',
    related: [`${CT}max`, `${CT}expect_max`],
    summary:
      'Number of slots in the connection-tracking hash table, shared by all network namespaces. Each entry sits in it twice (original and reply direction), so lookups walk about 2 × entries / buckets nodes. Writing it resizes the table live.',
    pitfall:
      'It does not raise nf_conntrack_max: set both. Inside a container it is read-only; to size the table at boot use `options nf_conntrack hashsize=N` in /etc/modprobe.d/ (which also makes the default max 8 × N).',
    sections: ['1a', '2a', '2e', '3'],
  }),
  ct({
    key: `${CT}expect_max`,
    type: { kind: 'int', min: 1 },
    typeHistory: [{ before: v('6.15', '8b6861390ffe'), type: { kind: 'int', negativeMeans: NEGATIVE_LIMIT } }],
    unit: 'expectations',
    role: 'expect-max',
    default: {
      computed: 'expect-max',
      how: '4 × (buckets / 256), at least 4 — about buckets / 64. The kernel documentation says buckets / 256, which does not match the code.',
    },
    scope: 'init-netns-only',
    related: [`${CT}buckets`, `${CT}helper`],
    summary:
      'Cap on pending expectations: the placeholders protocol helpers (FTP, SIP, TFTP …) create for related connections they are about to see.',
    sections: ['1a'],
  }),
  ct({
    key: `${CT}acct`,
    type: BOOL,
    typeHistory: OLD_BOOL,
    default: { value: '0', how: 'Also settable as the `acct` module parameter.' },
    related: [`${CT}timestamp`],
    summary: 'Keep per-direction packet and byte counters on every entry (shown by `conntrack -L` and in ctnetlink events).',
    pitfall: 'Adds an accounting extension to each entry, so entries take more memory.',
    sections: ['1a', '4b'],
  }),
  ct({
    key: `${CT}timestamp`,
    type: BOOL,
    typeHistory: OLD_BOOL,
    default: { value: '0', how: 'Also settable as the `tstamp` module parameter.' },
    config: 'CONFIG_NF_CONNTRACK_TIMESTAMP',
    related: [`${CT}acct`],
    summary: 'Record when each flow started and ended; the times appear in `conntrack -L -o extended` output and destroy events.',
    sections: ['1a', '4b'],
  }),
  ct({
    key: `${CT}checksum`,
    type: BOOL,
    typeHistory: OLD_BOOL,
    default: { value: '1' },
    related: [`${CT}log_invalid`],
    summary:
      'Verify layer-4 checksums before tracking. A packet with a bad checksum is classified INVALID and creates no entry.',
    pitfall: 'Switching it off saves CPU when the NIC already checks checksums, but lets corrupted packets create or update entries.',
    sections: ['1a'],
  }),
  ct({
    key: `${CT}events`,
    type: {
      kind: 'enum',
      values: [
        { value: 0, label: 'off' },
        { value: 1, label: 'on' },
        { value: 2, label: 'auto' },
      ],
    },
    typeHistory: [
      { before: BOOL_U8_KERNEL, type: { kind: 'loose-bool' } },
      { before: v('5.19', '90d1daa45849'), type: BOOL },
    ],
    unit: 'mode',
    default: { value: '2', history: [{ until: v('5.19', '90d1daa45849'), value: '1' }] },
    summary:
      'Report new, updated and destroyed connections to ctnetlink listeners such as conntrackd or `conntrack -E`. In auto mode (2) the event extension is attached to entries only while some listener exists.',
    pitfall:
      'With 1, every entry carries the event extension even when nobody listens, which costs memory. Value 2 is only understood from 5.19 on.',
    unverified: ['the release where booleans became strict 0/1 values (≈5.13/5.14)'],
    sections: ['1a', '4b'],
  }),
  ct({
    key: `${CT}log_invalid`,
    type: { kind: 'u8', min: 0, max: 255 },
    unit: 'protocol',
    default: { value: '0' },
    related: [`${CT}checksum`, `${CT}tcp_be_liberal`],
    summary:
      'Log packets conntrack classifies INVALID for one layer-4 protocol number (1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6, 136 UDPLITE), or for all with 255. 0 logs nothing.',
    pitfall:
      'The kernel documentation gives 41 for ICMPv6, but the code compares the real protocol number, so use 58. A logger (nf_log_syslog) must be loaded; from 6.17 a non-zero write loads it automatically.',
    unverified: ['58 for ICMPv6 is derived from the code, not tested'],
    sections: ['1a'],
  }),
  ct({
    key: `${CT}helper`,
    type: BOOL,
    typeHistory: OLD_BOOL,
    default: { value: '0', history: [{ until: approx('4.7', '3bb398d925ec'), value: '1' }] },
    since: approx('3.5', 'a9006892643a'),
    removedIn: v('6.0', 'b118509076b3'),
    related: [`${CT}expect_max`],
    summary: 'Let conntrack attach protocol helpers (FTP, SIP, IRC …) automatically, by port number.',
    pitfall:
      'Removed in 6.0: helpers must now be assigned explicitly, e.g. `iptables -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp` or an nft `ct helper` rule. On 6.0 and later the key is unknown and the line fails.',
    sections: ['1a'],
  }),
  ct({
    key: `${CT}events_retry_timeout`,
    type: SECONDS,
    unit: 'seconds',
    role: 'timeout',
    default: { value: '15' },
    removedIn: approx('5.19'),
    related: [`${CT}events`],
    summary: 'Retry interval for delivering destroy events in reliable-event mode (used by conntrackd).',
    pitfall: 'Not present on current kernels (absent on 6.18).',
    unverified: ['the release that removed it (≈5.15–5.19)'],
    sections: ['1a'],
  }),
  ct({
    key: `${CT}frag6_high_thresh`,
    type: { kind: 'bytes', min: 0 },
    unit: 'bytes',
    module: 'nf_defrag_ipv6',
    default: { value: '4194304', history: [{ until: approx('4.17'), value: '262144' }] },
    related: [`${CT}frag6_low_thresh`, `${CT}frag6_timeout`],
    summary:
      'Memory ceiling for IPv6 fragments conntrack holds while reassembling them; above it, incomplete fragment queues are dropped.',
    pitfall: 'The kernel documentation still says 262144; current kernels use 4 MiB. It must stay above frag6_low_thresh.',
    unverified: ['the release that raised the default from 256 KiB to 4 MiB'],
    sections: ['1a'],
  }),
  ct({
    key: `${CT}frag6_low_thresh`,
    type: { kind: 'bytes', min: 0 },
    unit: 'bytes',
    module: 'nf_defrag_ipv6',
    default: { value: '3145728', history: [{ until: approx('4.17'), value: '196608' }] },
    related: [`${CT}frag6_high_thresh`],
    summary: 'Lower watermark for the same IPv6 reassembly memory.',
    pitfall: 'The kernel documentation still says 196608; current kernels use 3 MiB. It must stay below frag6_high_thresh.',
    unverified: ['the release that changed the default; the eviction semantics after 4.17'],
    sections: ['1a'],
  }),
  timeout(`${CT}frag6_timeout`, 60, 'How long an incomplete IPv6 fragment queue is kept before it is dropped.', {
    module: 'nf_defrag_ipv6',
    related: [`${CT}frag6_high_thresh`],
    sections: ['1a'],
  }),
  ct({
    key: `${NF}nf_hooks_lwtunnel`,
    type: BOOL,
    default: { value: '0' },
    since: approx('5.15'),
    module: 'kernel (netfilter core)',
    config: 'CONFIG_LWTUNNEL',
    scope: 'system',
    scopeNote:
      'The key appears in every network namespace, but all of them show and flip the same switch: turning it on inside a container turns it on for the whole host (observed on 6.18).',
    summary: 'Run netfilter hooks for packets travelling on lightweight-tunnel paths (seg6, MPLS, …).',
    pitfall: 'One-way switch: once it is 1, writing 0 fails (EBUSY) until the next reboot.',
    unverified: ['the release that added it (≈5.15)'],
    sections: ['1a'],
  }),
  ct({
    key: `${NF}nf_log_all_netns`,
    type: { kind: 'loose-bool' },
    default: { value: '0' },
    since: approx('4.11'),
    module: 'kernel (nf_log)',
    scope: 'init-netns-registered',
    summary:
      'Allow packet logging (LOG target, nf_log) from network namespaces other than the initial one. It is off so that containers cannot flood the host\'s kernel log.',
    unverified: ['the release that added it'],
    sections: ['1e'],
  }),
];

// ---------------------------------------------------------------------------
// 1b. TCP

const TCP: KbEntry[] = [
  timeout(`${CT}tcp_timeout_syn_sent`, 120, 'How long an entry waits after a SYN for the other side to answer.', { sections: ['1b'] }),
  timeout(`${CT}tcp_timeout_syn_recv`, 60, 'How long an entry waits for the last ACK of the handshake once the SYN-ACK was seen.', {
    sections: ['1b'],
  }),
  timeout(
    `${CT}tcp_timeout_established`,
    432000,
    'Idle time after which a fully open TCP connection is forgotten. The default is 5 days.',
    {
      related: [`${CT}max`, `${CT}tcp_timeout_time_wait`, `${CT}tcp_loose`],
      pitfall:
        'Connections whose peers vanished without FIN or RST stay in the table for the whole timeout — the classic way a table fills up. Many hosts use a day or less; a stateful firewall then drops packets of flows idle for longer, so keep it above the longest idle period your applications have (or use TCP keepalives).',
      sections: ['1b'],
    },
  ),
  timeout(`${CT}tcp_timeout_fin_wait`, 120, 'Lifetime once the first FIN was seen and the connection is closing.', { sections: ['1b'] }),
  timeout(`${CT}tcp_timeout_close_wait`, 60, 'Lifetime once one side\'s FIN has been acknowledged.', { sections: ['1b'] }),
  timeout(`${CT}tcp_timeout_last_ack`, 30, 'Lifetime once both sides sent FIN and the last ACK is pending.', { sections: ['1b'] }),
  timeout(`${CT}tcp_timeout_time_wait`, 120, 'How long an entry stays after an orderly close, like TCP\'s own TIME_WAIT.', {
    role: 'time-wait-timeout',
    related: [`${CT}max`, 'net.ipv4.tcp_max_tw_buckets', 'net.ipv4.tcp_tw_reuse'],
    pitfall:
      'On hosts with many short connections most entries sit in this state: their number is about new connections per second × this timeout.',
    sections: ['1b'],
  }),
  timeout(`${CT}tcp_timeout_close`, 10, 'Lifetime after a RST, or once the connection is fully closed.', { sections: ['1b'] }),
  timeout(
    `${CT}tcp_timeout_max_retrans`,
    300,
    'Timeout cap applied once a segment was retransmitted nf_conntrack_tcp_max_retrans times without being acknowledged.',
    { related: [`${CT}tcp_max_retrans`], sections: ['1b'] },
  ),
  timeout(`${CT}tcp_timeout_unacknowledged`, 300, 'Timeout cap while sent data stays unacknowledged.', { sections: ['1b'] }),
  ct({
    key: `${CT}tcp_loose`,
    type: BOOL,
    typeHistory: OLD_BOOL,
    default: { value: '1' },
    summary:
      'Pick up TCP connections already in progress (no SYN seen), for example after a reboot or a firewall failover. With 0 only a SYN can create a TCP entry.',
    pitfall: 'With 1, a mid-stream packet is NEW as well: "NEW" does not mean "SYN".',
    sections: ['1b', '6d'],
  }),
  ct({
    key: `${CT}tcp_be_liberal`,
    type: BOOL,
    typeHistory: OLD_BOOL,
    default: { value: '0' },
    related: [`${CT}tcp_ignore_invalid_rst`],
    summary:
      'Stop classifying out-of-window TCP segments as INVALID (RSTs are still checked). It helps with broken middleboxes and asymmetric routing, at the price of weaker validation.',
    sections: ['1b'],
  }),
  ct({
    key: `${CT}tcp_ignore_invalid_rst`,
    type: BOOL,
    default: { value: '0' },
    since: v('5.14', '1da4cd82dd18'),
    related: [`${CT}tcp_be_liberal`],
    summary: 'Also stop classifying out-of-window RSTs as INVALID.',
    sections: ['1b'],
  }),
  ct({
    key: `${CT}tcp_max_retrans`,
    type: { kind: 'u8', min: 0, max: 255 },
    typeHistory: [{ before: BOOL_U8_KERNEL, type: { kind: 'int' } }],
    unit: 'retransmissions',
    default: { value: '3' },
    related: [`${CT}tcp_timeout_max_retrans`],
    summary: 'Number of unacknowledged retransmissions after which the shorter max_retrans timeout applies.',
    sections: ['1b'],
  }),
];

// ---------------------------------------------------------------------------
// 1c. UDP / ICMP / generic / GRE / flowtable

const OTHER: KbEntry[] = [
  timeout(`${CT}udp_timeout`, 30, 'Lifetime of a UDP flow that has only seen packets in one direction.', {
    related: [`${CT}udp_timeout_stream`],
    sections: ['1c'],
  }),
  timeout(`${CT}udp_timeout_stream`, 120, 'Lifetime of a UDP flow that has seen replies (a "stream").', {
    default: { value: '120', history: [{ until: approx('5.1'), value: '180' }] },
    related: [`${CT}udp_timeout`],
    unverified: ['the release that lowered the default from 180 to 120'],
    sections: ['1c'],
  }),
  timeout(`${CT}icmp_timeout`, 30, 'Lifetime of an ICMP (IPv4) query flow such as ping.', { sections: ['1c'] }),
  timeout(`${CT}icmpv6_timeout`, 30, 'Lifetime of an ICMPv6 query flow.', { sections: ['1c'] }),
  timeout(`${CT}generic_timeout`, 600, 'Lifetime of flows of any protocol that has no dedicated tracker.', { sections: ['1c'] }),
  timeout(`${CT}gre_timeout`, 30, 'Lifetime of a GRE flow seen in one direction only.', {
    since: approx('5.1'),
    config: 'CONFIG_NF_CT_PROTO_GRE',
    related: [`${CT}gre_timeout_stream`],
    unverified: ['the release that exposed the GRE timeouts as sysctls'],
    sections: ['1c'],
  }),
  timeout(`${CT}gre_timeout_stream`, 180, 'Lifetime of a GRE flow with traffic in both directions.', {
    since: approx('5.1'),
    config: 'CONFIG_NF_CT_PROTO_GRE',
    related: [`${CT}gre_timeout`],
    unverified: ['the release that exposed the GRE timeouts as sysctls'],
    sections: ['1c'],
  }),
  timeout(
    `${NF}nf_flowtable_tcp_timeout`,
    30,
    'How long an offloaded TCP flow may stay idle in the flowtable fast path before it is handed back to normal connection tracking.',
    { since: approx('5.14'), module: 'nf_flow_table', config: 'CONFIG_NF_FLOW_TABLE', unverified: ['the release that added it'], sections: ['1c'] },
  ),
  timeout(`${NF}nf_flowtable_udp_timeout`, 30, 'The same idle limit for offloaded UDP flows.', {
    since: approx('5.14'),
    module: 'nf_flow_table',
    config: 'CONFIG_NF_FLOW_TABLE',
    unverified: ['the release that added it'],
    sections: ['1c'],
  }),
  ...['tcp', 'udp'].map((p) =>
    ct({
      key: `${NF}nf_flowtable_${p}_pickup`,
      type: BOOL,
      since: v('5.14'),
      removedIn: v('5.14'),
      module: 'nf_flow_table',
      summary: `Existed only in 5.14 release candidates (pick-up of offloaded ${p.toUpperCase()} flows) and was removed again before 5.14 was released; no released kernel knows it.`,
      sections: ['1c'],
    }),
  ),
  // UDP-Lite had its own pair of timeouts until the trackers were merged; they are not in
  // the fact sheet but appear in 3.x/4.x dumps (nf_conntrack_proto_udplite.c).
  ...(['', '_stream'] as const).map((suffix) =>
    timeout(
      `${CT}udplite_timeout${suffix}`,
      suffix ? 180 : 30,
      suffix ? 'Lifetime of a UDP-Lite flow that has seen replies.' : 'Lifetime of a UDP-Lite flow seen in one direction only.',
      {
        removedIn: approx('5.1'),
        config: 'CONFIG_NF_CT_PROTO_UDPLITE',
        related: [`${CT}udp_timeout${suffix}`],
        pitfall: 'Current kernels track UDP-Lite with the UDP timeouts; this key no longer exists.',
        unverified: ['the release that removed it'],
      },
    ),
  ),
];

// ---------------------------------------------------------------------------
// 1d. SCTP

const SCTP_EXTRA = { config: 'CONFIG_NF_CT_PROTO_SCTP', sections: ['1d'] };
const SCTP: KbEntry[] = [
  timeout(`${CT}sctp_timeout_closed`, 10, 'Lifetime of an SCTP association in the CLOSED state.', SCTP_EXTRA),
  timeout(`${CT}sctp_timeout_cookie_wait`, 3, 'Lifetime while the INIT has been answered and the COOKIE-ECHO is awaited.', SCTP_EXTRA),
  timeout(`${CT}sctp_timeout_cookie_echoed`, 3, 'Lifetime after the COOKIE-ECHO, until the COOKIE-ACK arrives.', SCTP_EXTRA),
  timeout(`${CT}sctp_timeout_established`, 210, 'Idle lifetime of an established SCTP association.', {
    ...SCTP_EXTRA,
    default: { value: '210', history: [{ until: v('6.2', 'a44b7651489f'), value: '432000' }] },
    pitfall: 'It was 5 days before 6.2; since then heartbeats keep live associations fresh and 210 s is enough.',
  }),
  timeout(`${CT}sctp_timeout_shutdown_sent`, 3, 'Lifetime after a SHUTDOWN was sent.', {
    ...SCTP_EXTRA,
    default: { value: '3', history: [{ until: approx('6.3'), value: '0', note: '0.3 s internally; sysctl shows whole seconds' }] },
    unverified: ['the release that raised it from 0.3 s to 3 s'],
  }),
  timeout(`${CT}sctp_timeout_shutdown_recd`, 3, 'Lifetime after a SHUTDOWN was received.', {
    ...SCTP_EXTRA,
    default: { value: '3', history: [{ until: approx('6.3'), value: '0', note: '0.3 s internally; sysctl shows whole seconds' }] },
    unverified: ['the release that raised it from 0.3 s to 3 s'],
  }),
  timeout(`${CT}sctp_timeout_shutdown_ack_sent`, 3, 'Lifetime after the SHUTDOWN-ACK was sent.', SCTP_EXTRA),
  timeout(`${CT}sctp_timeout_heartbeat_sent`, 30, 'Lifetime while a HEARTBEAT on a secondary path waits for its answer.', SCTP_EXTRA),
  timeout(`${CT}sctp_timeout_heartbeat_acked`, 210, 'Lifetime after a HEARTBEAT on a secondary path was answered.', {
    ...SCTP_EXTRA,
    removedIn: v('6.2', 'a44b7651489f'),
    pitfall: 'Removed in 6.2 together with the HEARTBEAT_ACKED state; established associations use sctp_timeout_established instead.',
    related: [`${CT}sctp_timeout_established`],
  }),
];

// ---------------------------------------------------------------------------
// 1e. DCCP — all removed in 6.17 (fd72f265bb00)

const DCCP_GONE = v('6.17', 'fd72f265bb00');
const DCCP_EXTRA = {
  removedIn: DCCP_GONE,
  config: 'CONFIG_NF_CT_PROTO_DCCP',
  pitfall: 'DCCP tracking was removed in 6.17; the key is unknown there.',
  sections: ['1e'],
};
const DCCP: KbEntry[] = [
  timeout(`${CT}dccp_timeout_request`, 240, 'Lifetime of a DCCP connection in the REQUEST state (2 × MSL).', DCCP_EXTRA),
  timeout(`${CT}dccp_timeout_respond`, 480, 'Lifetime in the RESPOND state (4 × MSL).', DCCP_EXTRA),
  timeout(`${CT}dccp_timeout_partopen`, 480, 'Lifetime in the PARTOPEN state (4 × MSL).', DCCP_EXTRA),
  timeout(`${CT}dccp_timeout_open`, 43200, 'Idle lifetime of an open DCCP connection (12 h).', DCCP_EXTRA),
  timeout(`${CT}dccp_timeout_closereq`, 64, 'Lifetime in the CLOSEREQ state.', DCCP_EXTRA),
  timeout(`${CT}dccp_timeout_closing`, 64, 'Lifetime in the CLOSING state.', DCCP_EXTRA),
  timeout(`${CT}dccp_timeout_timewait`, 240, 'Lifetime in the TIMEWAIT state (2 × MSL).', DCCP_EXTRA),
  ct({
    key: `${CT}dccp_loose`,
    type: BOOL,
    typeHistory: OLD_BOOL,
    default: { value: '1' },
    ...DCCP_EXTRA,
    summary: 'Pick up DCCP connections already in progress.',
  }),
];

// ---------------------------------------------------------------------------
// Vendor keys seen in real sysctl files under the covered namespaces (router firmware).

const VENDOR: KbEntry[] = [
  ct({
    key: `${CT}tcp_no_window_check`,
    origin: 'vendor',
    type: { kind: 'loose-bool' },
    default: { value: '1', how: 'OpenWrt enables it by default.' },
    related: [`${CT}tcp_be_liberal`],
    summary:
      'OpenWrt kernel patch (also in firmware built from it): turns off conntrack\'s TCP window tracking entirely. Mainline Linux does not have it; nf_conntrack_tcp_be_liberal is the closest mainline setting.',
    pitfall: 'On a mainline kernel the key is unknown and the line fails.',
  }),
  ct({
    key: `${CT}skip_filter`,
    origin: 'vendor',
    type: { kind: 'loose-bool' },
    summary:
      'Router-firmware fast-path patch (seen in Turris OS and other OpenWrt-derived firmware): lets packets of established flows bypass the filter table. Mainline Linux does not have it.',
    pitfall: 'Firewall rules that look at established traffic stop working while it is on; on a mainline kernel the key is unknown.',
    unverified: ['exact behaviour; it differs between firmware vendors'],
  }),
];

// ---------------------------------------------------------------------------
// Neighbours (§5b and the TCP/bridge/fs keys these users touch)

const BRIDGE = (family: 'iptables' | 'ip6tables' | 'arptables', what: string): KbEntry =>
  ct({
    key: `net.bridge.bridge-nf-call-${family}`,
    type: { kind: 'loose-bool' },
    default: { value: '1' },
    module: 'br_netfilter',
    docs: BRIDGE_DOC,
    scopeNote: 'Per network namespace on recent kernels; global on older ones (boundary ≈5.3, not verified).',
    related: ['net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables', 'net.bridge.bridge-nf-call-arptables'].filter(
      (k) => k !== `net.bridge.bridge-nf-call-${family}`,
    ),
    summary: `Pass ${what} crossing a Linux bridge through ${family} (and so through connection tracking).`,
    pitfall:
      'The key exists only while br_netfilter is loaded (a separate module since ≈3.18), so at boot it fails like the net.netfilter keys unless the module is in /etc/modules-load.d/. Kubernetes and Docker need it at 1 for bridged container traffic to reach their rules.',
    unverified: ['since when the value is per network namespace'],
  });

const NEIGHBOURS: KbEntry[] = [
  ct({
    key: 'net.ipv4.tcp_tw_reuse',
    type: {
      kind: 'enum',
      values: [
        { value: 0, label: 'off' },
        { value: 1, label: 'on' },
        { value: 2, label: 'loopback only' },
      ],
    },
    typeHistory: [{ before: approx('4.19', '79e9fed46038'), type: { kind: 'loose-bool' } }],
    unit: 'mode',
    default: { value: '2', history: [{ until: approx('4.19', '79e9fed46038'), value: '0' }] },
    module: 'kernel',
    docs: TCP_DOC,
    related: ['net.ipv4.tcp_tw_recycle', 'net.ipv4.ip_local_port_range', `${CT}tcp_timeout_time_wait`],
    summary:
      'Let a new outgoing connection reuse a local port whose previous connection is still in TIME_WAIT, when TCP timestamps prove it is safe. 2 limits this to loopback traffic.',
    pitfall:
      'It only helps the connecting (client) side. It does nothing for a server\'s TIME_WAIT sockets and nothing for conntrack\'s TIME_WAIT entries.',
    unverified: ['the release that introduced mode 2 and made it the default (≈4.19)'],
    sections: ['5b'],
  }),
  ct({
    key: 'net.ipv4.tcp_tw_recycle',
    type: { kind: 'loose-bool' },
    default: { value: '0' },
    removedIn: v('4.12', '4396e46187ca'),
    module: 'kernel',
    docs: TCP_DOC,
    related: ['net.ipv4.tcp_tw_reuse'],
    summary: 'Fast recycling of TIME_WAIT sockets based on per-host TCP timestamps.',
    pitfall:
      'It broke clients behind NAT (their SYNs were dropped when timestamps from different hosts went backwards) and was removed in 4.12; on current kernels the key is unknown. Use tcp_tw_reuse where reuse is wanted.',
    sections: ['5b'],
  }),
  ct({
    key: 'net.ipv4.tcp_fin_timeout',
    type: SECONDS,
    unit: 'seconds',
    default: { value: '60' },
    module: 'kernel',
    docs: TCP_DOC,
    related: [`${CT}tcp_timeout_fin_wait`, `${CT}tcp_timeout_time_wait`],
    summary: 'How long an orphaned socket waits in FIN-WAIT-2 for the peer\'s FIN before the kernel drops it.',
    pitfall:
      'It does not shorten TIME_WAIT (a fixed 60 s in Linux TCP), and conntrack uses its own nf_conntrack_tcp_timeout_* values for forwarded flows.',
  }),
  ct({
    key: 'net.ipv4.tcp_max_tw_buckets',
    type: { kind: 'int', min: 0 },
    unit: 'sockets',
    default: {
      computed: 'tcp-max-tw-buckets',
      how: 'Computed at boot from the size of the TCP connection hash, so it grows with RAM (131072 on a 24 GB 6.18 host).',
    },
    module: 'kernel',
    docs: TCP_DOC,
    related: [`${CT}tcp_timeout_time_wait`, 'net.ipv4.tcp_tw_reuse'],
    summary:
      'Most TIME_WAIT sockets the host keeps at once; beyond it, closing sockets skip TIME_WAIT and the kernel logs "time wait bucket table overflow".',
    pitfall: 'It limits this host\'s own sockets, not conntrack entries: tracked TIME_WAIT flows follow nf_conntrack_tcp_timeout_time_wait.',
    sections: ['5b'],
  }),
  ct({
    key: 'net.ipv4.ip_local_port_range',
    type: {
      kind: 'pair',
      min: 1,
      max: 65535,
      ascending: true,
      lowFloor: { value: 1024, key: 'net.ipv4.ip_unprivileged_port_start', since: approx('4.11', '4548b683b781') },
    },
    unit: 'ports',
    default: { value: '32768\t60999' },
    module: 'kernel',
    docs: IPV4_DOC,
    related: ['net.ipv4.tcp_tw_reuse'],
    summary:
      'The local ports the kernel picks from for outgoing connections and for binds to port 0 — 28,232 ports by default.',
    pitfall:
      'Concurrent connections to one destination address and port are limited by the size of this range (TIME_WAIT included). The low end must not be below ip_unprivileged_port_start (1024 by default) or the write fails; the documentation recommends ends of different parity.',
    sections: ['5b'],
  }),
  ct({
    key: 'net.ipv4.ip_forward',
    type: { kind: 'loose-bool' },
    default: { value: '0' },
    module: 'kernel',
    docs: IPV4_DOC,
    related: ['net.bridge.bridge-nf-call-iptables'],
    summary: 'Route IPv4 packets between interfaces: needed on routers, NAT gateways and container hosts.',
    pitfall:
      'Changing it resets several per-interface settings to host or router defaults, so put it before interface-specific keys in the file.',
  }),
  BRIDGE('iptables', 'IPv4 traffic'),
  BRIDGE('ip6tables', 'IPv6 traffic'),
  BRIDGE('arptables', 'ARP traffic'),
  ct({
    key: 'fs.file-max',
    type: { kind: 'ulong', min: 0n, max: 9223372036854775807n },
    unit: 'files',
    default: { computed: 'file-max', how: 'About 10% of RAM counted in KiB (one open file ≈ 1 KiB), at least 8192.' },
    scope: 'system',
    module: 'kernel',
    docs: `${FS_DOC}#file-max-file-nr`,
    related: ['fs.nr_open'],
    summary: 'System-wide limit on open file handles.',
    pitfall:
      'Per-process limits (RLIMIT_NOFILE / `ulimit -n`, capped by fs.nr_open) usually bite first; raising file-max alone does not raise them.',
    sections: ['5b'],
  }),
  ct({
    key: 'fs.nr_open',
    type: { kind: 'int', min: 64, max: 2147483584 },
    unit: 'files',
    default: { value: '1048576' },
    scope: 'system',
    module: 'kernel',
    docs: `${FS_DOC}#nr-open`,
    related: ['fs.file-max'],
    summary: 'Ceiling for a single process\'s open-file limit (RLIMIT_NOFILE).',
    unverified: ['the bounds 64 and 2,147,483,584 (64-bit)'],
    sections: ['5b'],
  }),
  ct({
    key: 'net.core.somaxconn',
    type: { kind: 'int', min: 0 },
    unit: 'connections',
    default: { value: '4096', history: [{ until: v('5.4'), value: '128' }] },
    module: 'kernel',
    docs: TCP_DOC,
    summary: 'Upper bound for the listen() backlog of any socket: the queue of connections waiting to be accepted.',
    pitfall:
      'A program gets the smaller of its own listen() backlog and this value, so raising it changes nothing for a program that asks for 128.',
  }),
];

// ---------------------------------------------------------------------------
// Legacy ip_conntrack names (§5a). Kept as aliases by CONFIG_NF_CONNTRACK_PROC_COMPAT,
// which left mainline around 4.19 (UNVERIFIED); unknown on every current kernel.

const COMPAT_GONE = approx('4.19');
const TCP_STATES = ['syn_sent', 'syn_recv', 'established', 'fin_wait', 'close_wait', 'last_ack', 'time_wait', 'close', 'max_retrans'];
const SCTP_STATES = ['closed', 'cookie_wait', 'cookie_echoed', 'established', 'shutdown_sent', 'shutdown_recd', 'shutdown_ack_sent'];

/** Legacy suffix → modern suffix under net.netfilter.nf_conntrack_. */
const LEGACY_SUFFIXES: string[] = [
  'max',
  'buckets',
  'count',
  ...TCP_STATES.map((s) => `tcp_timeout_${s}`),
  'udp_timeout',
  'udp_timeout_stream',
  'icmp_timeout',
  'generic_timeout',
  'checksum',
  'log_invalid',
  'tcp_loose',
  'tcp_be_liberal',
  'tcp_max_retrans',
  ...SCTP_STATES.map((s) => `sctp_timeout_${s}`),
];

function legacyType(t: ValueType): ValueType {
  if (t.kind === 'bool') return { kind: 'loose-bool' };
  if (t.kind === 'u8' && t.max !== 255) return { kind: 'int' };
  if (t.kind === 'int' || t.kind === 'uint') return { kind: 'int' };
  return t;
}

function legacy(oldKey: string, modern: KbEntry, removedIn: VersionMark, era: string): KbEntry {
  return {
    key: oldKey,
    origin: 'mainline',
    type: legacyType(modern.type),
    unit: modern.unit,
    default: modern.default,
    removedIn,
    ...(modern.readOnly || modern.key.endsWith('_buckets') ? { readOnly: true } : {}),
    scope: modern.scope,
    module: 'ip_conntrack / nf_conntrack_ipv4 (compatibility names)',
    config: 'CONFIG_NF_CONNTRACK_PROC_COMPAT',
    renamedTo: modern.key,
    related: [modern.key],
    docs: NF_DOC,
    ...(modern.role ? { role: modern.role } : {}),
    summary: `Old ${era} name of ${modern.key}.`,
    pitfall: `Rename it to ${modern.key}: kernels from ≈4.19 on do not know the old name, so the line fails ("unknown key") and the setting is silently not applied.`,
    unverified: ['the release that dropped the compatibility names (≈4.19)'],
    sections: ['5a'],
  };
}

function buildTable(): KbEntry[] {
  const modern = [...CORE, ...TCP, ...OTHER, ...SCTP, ...DCCP, ...VENDOR, ...NEIGHBOURS];
  const byKey = new Map(modern.map((e) => [e.key, e]));
  const old: KbEntry[] = LEGACY_SUFFIXES.map((suffix) =>
    legacy(`net.ipv4.netfilter.ip_conntrack_${suffix}`, byKey.get(`${CT}${suffix}`)!, COMPAT_GONE, 'ip_conntrack'),
  );
  const twoFour = legacy('net.ipv4.ip_conntrack_max', byKey.get(`${CT}max`)!, approx('2.4.23'), 'ip_conntrack (2.4 before 2.4.23)');
  twoFour.pitfall = `Rename it to ${CT}max: this name predates even the net.ipv4.netfilter.* names and no 2.6 or later kernel knows it.`;
  twoFour.unverified = ['the exact 2.4 release that moved it'];
  return [...modern, ...old, twoFour];
}

/** Every entry, modern keys first, legacy names last. */
export const KB_ENTRIES: readonly KbEntry[] = buildTable();
