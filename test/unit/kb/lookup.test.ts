import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, isCoveredNamespace, KB_ENTRIES, lookupKey, normaliseKey, suggestKeys } from '../../../server/src/core/sysctl/kb';

test('lookupKey: dotted keys, slash form and systemd "-" prefix', () => {
  assert.equal(lookupKey('net.netfilter.nf_conntrack_max')?.key, 'net.netfilter.nf_conntrack_max');
  assert.equal(lookupKey('net/netfilter/nf_conntrack_max')?.key, 'net.netfilter.nf_conntrack_max');
  assert.equal(lookupKey('-net.netfilter.nf_conntrack_buckets')?.key, 'net.netfilter.nf_conntrack_buckets');
  assert.equal(lookupKey('net.bridge.bridge-nf-call-iptables')?.module, 'br_netfilter');
  assert.equal(lookupKey('net.netfilter.nf_conntrack_maxx'), undefined);
  assert.equal(lookupKey('vm.swappiness'), undefined);
  assert.equal(normaliseKey(' /net/ipv4/ip_forward '), 'net.ipv4.ip_forward');
});

test('covered namespaces: conntrack prefixes yes, everything else no', () => {
  for (const k of [
    'net.netfilter.nf_conntrack_maxx',
    'net.netfilter.nf_conntrack_tcp_timeout_whatever',
    'net.ipv4.netfilter.ip_conntrack_foo',
    'net.nf_conntrack_foo',
    'net.ipv4.ip_conntrack_max',
    'net.netfilter.nf_flowtable_sctp_timeout',
    'net/netfilter/nf_conntrack_x',
  ]) {
    assert.equal(isCoveredNamespace(k), true, k);
  }
  for (const k of ['net.netfilter.nf_log.2', 'net.ipv4.tcp_foo', 'vm.swappiness', 'net.core.somaxconnn', 'net.bridge.bridge-nf-filter-vlan-tagged', 'kernel.nf_conntrack_max']) {
    assert.equal(isCoveredNamespace(k), false, k);
  }
});

test('edit distance', () => {
  assert.equal(editDistance('nf_conntrack_maxx', 'nf_conntrack_max'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('abc', 'abc'), 0);
  assert.equal(editDistance('a', 'abcdef', 2), 3); // gives up past the limit
});

test('did-you-mean: typos of the last component and of the full key', () => {
  assert.equal(suggestKeys('nf_conntrack_maxx')[0], 'net.netfilter.nf_conntrack_max');
  assert.equal(suggestKeys('net.netfilter.nf_conntrack_maxx')[0], 'net.netfilter.nf_conntrack_max');
  assert.equal(suggestKeys('net.netfilter.nf_conntrack_bucket')[0], 'net.netfilter.nf_conntrack_buckets');
  assert.equal(suggestKeys('net.netfilter.nf_conntrack_tcp_timeout_establised')[0], 'net.netfilter.nf_conntrack_tcp_timeout_established');
  assert.equal(suggestKeys('net.netfilter.nf_conntrack_udp_timeout_streams')[0], 'net.netfilter.nf_conntrack_udp_timeout_stream');
  assert.equal(suggestKeys('net.ipv4.tcp_tw_reuses')[0], 'net.ipv4.tcp_tw_reuse');
  assert.equal(suggestKeys('net.netfilter.nf_conntrack_tcp_timeout_syn_sent2')[0], 'net.netfilter.nf_conntrack_tcp_timeout_syn_sent');
});

test('did-you-mean: mixed legacy/modern spelling suggests the modern key, never a legacy one', () => {
  const s = suggestKeys('net.netfilter.ip_conntrack_max');
  assert.equal(s[0], 'net.netfilter.nf_conntrack_max');
  for (const key of s) assert.equal(lookupKey(key)!.renamedTo, undefined, key);
  assert.equal(suggestKeys('net.ipv4.netfilter.ip_conntrack_tcp_timeout_establishd')[0], 'net.netfilter.nf_conntrack_tcp_timeout_established');
});

test('did-you-mean: nothing for known keys or far-away names; at most `limit` results', () => {
  assert.deepEqual(suggestKeys('net.netfilter.nf_conntrack_max'), []);
  assert.deepEqual(suggestKeys('net.netfilter.nf_conntrack_completely_unrelated_name'), []);
  assert.deepEqual(suggestKeys('vm.swappiness'), []);
  assert.ok(suggestKeys('nf_conntrack_max_', 2).length <= 2);
  for (const k of suggestKeys('net.netfilter.nf_conntrack_tcp_timeout_x')) assert.ok(lookupKey(k), k);
});

test('lookups answer from the precomputed table: every entry finds itself, the very object', () => {
  for (const e of KB_ENTRIES) {
    assert.equal(lookupKey(e.key), e, e.key);
    assert.equal(lookupKey(e.key.replace(/\./g, '/')), e, e.key);
  }
});

test('suggestions stay cheap per unknown key: the edit distance is banded and gives up early', () => {
  // Unbanded, each of these would fill a 100,000 × 100,000 table; banded they finish with the right answer.
  assert.equal(editDistance('a'.repeat(100_000), 'b'.repeat(100_000), 3), 4, 'gives up past the limit');
  assert.equal(editDistance('ab'.repeat(50_000), 'ba'.repeat(50_000), 4), 2, 'drop the first a, add one at the end');
  const long = 'nf_conntrack_'.repeat(8_000);
  assert.equal(editDistance(long + 'a' + long, long + 'b' + long, 2), 1, 'common prefix and suffix skipped');
  assert.equal(editDistance(long + 'ab' + long, long + 'ba' + long, 1), 2, 'one swap = two edits, past the limit of 1');
  // a huge unknown key in a covered namespace: no candidate is within reach
  assert.deepEqual(suggestKeys('net.netfilter.nf_conntrack_' + 'x'.repeat(1_000_000)), []);
  // one uncached question per table entry, each answered right: a typo finds its key (or the key it was renamed to)
  for (const e of KB_ENTRIES) {
    const typo = `${e.key}x`;
    assert.equal(lookupKey(typo), undefined, typo);
    assert.ok(suggestKeys(typo).includes(e.renamedTo ?? e.key), typo);
  }
});

test('repeated suggestions for the same key give the same answer, and callers cannot change it', () => {
  const first = suggestKeys('nf_conntrack_maxx');
  assert.equal(first[0], 'net.netfilter.nf_conntrack_max');
  first.push('junk');
  first[0] = 'changed';
  const again = suggestKeys('nf_conntrack_maxx');
  assert.equal(again[0], 'net.netfilter.nf_conntrack_max');
  assert.ok(!again.includes('junk'));
  assert.deepEqual(suggestKeys('nf_conntrack_maxx', 1), [again[0]], 'the limit is part of the question');
});
