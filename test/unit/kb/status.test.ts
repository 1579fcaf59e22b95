import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBytes, parseKernelVersion } from '../../../server/src/core/kernel';
import { defaultFor, existsOn, isReadOnly, keyStatus, lookupKey, type KbEntry } from '../../../server/src/core/sysctl/kb';

const K = (v: string) => parseKernelVersion(v)!;
const E = (key: string): KbEntry => {
  const e = lookupKey(key);
  assert.ok(e, key);
  return e!;
};
const NF = 'net.netfilter.nf_conntrack_';

function statusAt(key: string, kernel: string) {
  return keyStatus(E(key), K(kernel));
}

test('tcp_tw_recycle: present on 4.11, removed in 4.12', () => {
  assert.equal(statusAt('net.ipv4.tcp_tw_recycle', '4.11').kind, 'present');
  const s = statusAt('net.ipv4.tcp_tw_recycle', '4.12');
  assert.equal(s.label, 'removed-in-4.12');
  assert.equal(s.kind === 'removed' && s.certain, true);
  assert.equal(statusAt('net.ipv4.tcp_tw_recycle', '4.11.12').kind, 'present');
});

test('nf_conntrack_helper: present on 5.19, removed in 6.0', () => {
  assert.equal(statusAt(`${NF}helper`, '5.19').kind, 'present');
  assert.equal(statusAt(`${NF}helper`, '6.0').label, 'removed-in-6.0');
  assert.equal(statusAt(`${NF}helper`, '6.18').label, 'removed-in-6.0');
});

test('DCCP keys: present on 6.16, removed in 6.17', () => {
  for (const suffix of ['dccp_loose', 'dccp_timeout_open', 'dccp_timeout_timewait']) {
    assert.equal(statusAt(`${NF}${suffix}`, '6.16').kind, 'present', suffix);
    assert.equal(statusAt(`${NF}${suffix}`, '6.17').label, 'removed-in-6.17', suffix);
  }
});

test('sctp heartbeat_acked: present on 6.1, removed in 6.2', () => {
  assert.equal(statusAt(`${NF}sctp_timeout_heartbeat_acked`, '6.1').kind, 'present');
  assert.equal(statusAt(`${NF}sctp_timeout_heartbeat_acked`, '6.2').label, 'removed-in-6.2');
});

test('additions: ignore_invalid_rst from 5.14, flowtable pickup never released', () => {
  const before = statusAt(`${NF}tcp_ignore_invalid_rst`, '5.13');
  assert.equal(before.kind, 'not-yet-added');
  assert.equal(before.kind === 'not-yet-added' && before.certain, true);
  assert.equal(statusAt(`${NF}tcp_ignore_invalid_rst`, '5.14').kind, 'present');
  assert.equal(statusAt('net.netfilter.nf_flowtable_tcp_pickup', '5.13').kind, 'not-yet-added');
  assert.equal(statusAt('net.netfilter.nf_flowtable_tcp_pickup', '5.14').kind, 'removed');
  assert.equal(statusAt('net.netfilter.nf_flowtable_udp_pickup', '6.18').kind, 'removed');
});

test('uncertain boundaries are marked uncertain', () => {
  const s = statusAt(`${NF}events_retry_timeout`, '6.18');
  assert.equal(s.kind, 'removed');
  assert.equal(s.kind === 'removed' && s.certain, false);
  const g = statusAt(`${NF}gre_timeout`, '4.19');
  assert.equal(g.kind === 'not-yet-added' && g.certain, false);
});

test('legacy names: legacy(renamedTo), maybe known on old kernels, unknown on new ones', () => {
  const old = statusAt('net.ipv4.netfilter.ip_conntrack_max', '3.10');
  assert.equal(old.label, 'legacy(net.netfilter.nf_conntrack_max)');
  assert.equal(old.kind === 'legacy' && old.existsOnKernel, 'maybe');
  const now = statusAt('net.ipv4.netfilter.ip_conntrack_tcp_timeout_established', '6.18');
  assert.equal(now.kind === 'legacy' && now.renamedTo, `${NF}tcp_timeout_established`);
  assert.equal(now.kind === 'legacy' && now.existsOnKernel, 'no');
  assert.equal(statusAt('net.ipv4.ip_conntrack_max', '2.6.32').label, 'legacy(net.netfilter.nf_conntrack_max)');
  assert.equal(existsOn(E('net.ipv4.netfilter.ip_conntrack_max'), K('3.10')), true);
  assert.equal(existsOn(E('net.ipv4.netfilter.ip_conntrack_max'), K('6.18')), false);
});

test('vendor keys are neither present nor unknown', () => {
  assert.equal(statusAt(`${NF}tcp_no_window_check`, '6.18').kind, 'vendor');
  assert.equal(statusAt(`${NF}skip_filter`, '5.4').kind, 'vendor');
  assert.equal(existsOn(E(`${NF}skip_filter`), K('5.4')), false);
});

test('read-only: count always, buckets before ≈4.7, max never', () => {
  assert.equal(isReadOnly(E(`${NF}count`), K('6.18')), true);
  assert.equal(statusAt(`${NF}count`, '6.18').kind === 'present' && (statusAt(`${NF}count`, '6.18') as { readOnly: boolean }).readOnly, true);
  assert.equal(isReadOnly(E(`${NF}buckets`), K('4.6')), true);
  assert.equal(isReadOnly(E(`${NF}buckets`), K('4.7')), false);
  assert.equal(isReadOnly(E(`${NF}max`), K('3.10')), false);
  assert.equal(isReadOnly(E('net.ipv4.netfilter.ip_conntrack_buckets'), K('3.10')), true);
});

test('defaults by kernel: events, helper, SCTP established, udp stream, tw_reuse, somaxconn', () => {
  assert.equal(defaultFor(E(`${NF}events`), K('5.18')).value, '1');
  assert.equal(defaultFor(E(`${NF}events`), K('5.19')).value, '2');
  assert.equal(defaultFor(E(`${NF}helper`), K('4.4')).value, '1');
  assert.equal(defaultFor(E(`${NF}helper`), K('5.4')).value, '0');
  assert.equal(defaultFor(E(`${NF}sctp_timeout_established`), K('6.1')).value, '432000');
  assert.equal(defaultFor(E(`${NF}sctp_timeout_established`), K('6.2')).value, '210');
  assert.equal(defaultFor(E(`${NF}sctp_timeout_heartbeat_acked`), K('6.1')).value, '210');
  assert.equal(defaultFor(E(`${NF}udp_timeout_stream`), K('4.19')).value, '180');
  assert.equal(defaultFor(E(`${NF}udp_timeout_stream`), K('6.18')).value, '120');
  assert.equal(defaultFor(E('net.ipv4.tcp_tw_reuse'), K('4.9')).value, '0');
  assert.equal(defaultFor(E('net.ipv4.tcp_tw_reuse'), K('6.18')).value, '2');
  assert.equal(defaultFor(E('net.core.somaxconn'), K('5.3')).value, '128');
  assert.equal(defaultFor(E('net.core.somaxconn'), K('5.4')).value, '4096');
  assert.match(defaultFor(E(`${NF}tcp_timeout_established`), K('6.18')).text, /432,000 s \(5 days\)/);
  assert.equal(defaultFor(E(`${NF}count`), K('6.18')).value, null);
});

test('computed defaults follow kernel and RAM (§2)', () => {
  const max = E(`${NF}max`);
  const buckets = E(`${NF}buckets`);
  assert.equal(defaultFor(max, K('6.18'), parseBytes('24GiB')!).value, '262144'); // live check, §2a
  assert.equal(defaultFor(max, K('4.19'), parseBytes('8GiB')!).value, '262144'); // §2b
  assert.equal(defaultFor(buckets, K('4.19'), parseBytes('8GiB')!).value, '65536');
  assert.equal(defaultFor(max, K('6.18'), parseBytes('512MiB')!).value, '4096');
  assert.equal(defaultFor(max, K('5.14'), parseBytes('512MiB')!).value, '16384');
  assert.equal(defaultFor(E(`${NF}expect_max`), K('6.18'), parseBytes('24GiB')!).value, '4096');
  const unknown = defaultFor(max, K('6.18'));
  assert.equal(unknown.value, '262144');
  assert.ok(unknown.estimate!.assumptions.some((a) => a.startsWith('unknown RAM')));
  assert.equal(defaultFor(E('fs.file-max'), K('6.18')).value, null);
});
