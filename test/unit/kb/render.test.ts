import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBytes, parseKernelVersion } from '../../../server/src/core/kernel';
import { describeType, KB_ENTRIES, lookupKey, renderKeyDocs } from '../../../server/src/core/sysctl/kb';

const K = (v: string) => parseKernelVersion(v)!;

test('docs for nf_conntrack_max: meaning, pitfall, type, computed default, namespaces, module, related, link', () => {
  const md = renderKeyDocs(lookupKey('net.netfilter.nf_conntrack_max')!, K('6.18'), { ramBytes: parseBytes('64GiB')! });
  assert.match(md, /^\*\*`net\.netfilter\.nf_conntrack_max`\*\*/);
  assert.match(md, /Upper limit on connection-tracking entries/);
  assert.match(md, /\*\*Pitfall:\*\* Raising it does not enlarge the hash table/);
  assert.match(md, /\*\*Type:\*\* integer 0–2,147,483,647 \(entries\)/);
  assert.match(md, /\*\*Default:\*\* 262,144 on kernel 6\.18 = 1 × 262,144 buckets; buckets: RAM 64 GiB > 4 GiB → 262,144/);
  assert.doesNotMatch(md, /unknown RAM/);
  assert.match(md, /writable only in the initial network namespace/);
  assert.match(md, /\*\*Module:\*\* `nf_conntrack` — the key exists only once this module is loaded/);
  assert.match(md, /\*\*Related:\*\* `net\.netfilter\.nf_conntrack_buckets`/);
  assert.match(md, /\[Kernel documentation\]\(https:\/\/docs\.kernel\.org\/networking\/nf_conntrack-sysctl\.html\)$/);
});

test('unknown RAM is stated in the default line', () => {
  const md = renderKeyDocs(lookupKey('net.netfilter.nf_conntrack_buckets')!, K('6.18'));
  assert.match(md, /unknown RAM \(conntrackLens\.hostMemory not set\)/);
});

test('removed, legacy, not-yet-added and vendor keys say so for the configured kernel', () => {
  const helper = renderKeyDocs(lookupKey('net.netfilter.nf_conntrack_helper')!, K('6.1'), { kernelLabel: 'kernel 6.1' });
  assert.match(helper, /\*\*removed\*\* on kernel 6\.1 \(gone since 6\.0\)/);
  assert.match(helper, /removed in 6\.0 \(b118509076b3\)/);
  const legacy = renderKeyDocs(lookupKey('net.ipv4.netfilter.ip_conntrack_max')!, K('6.18'));
  assert.match(legacy, /legacy name\*\*, unknown on kernel 6\.18: use `net\.netfilter\.nf_conntrack_max`/);
  const rst = renderKeyDocs(lookupKey('net.netfilter.nf_conntrack_tcp_ignore_invalid_rst')!, K('5.10'));
  assert.match(rst, /\*\*not yet\*\* in kernel 5\.10 \(added in 5\.14\)/);
  const vendor = renderKeyDocs(lookupKey('net.netfilter.nf_conntrack_tcp_no_window_check')!, K('6.18'));
  assert.match(vendor, /not in mainline Linux/);
});

test('timeouts show the default in human units and the INT_MAX/HZ limit; version history and unverified facts are listed', () => {
  const md = renderKeyDocs(lookupKey('net.netfilter.nf_conntrack_sctp_timeout_established')!, K('6.18'));
  assert.match(md, /\*\*Default:\*\* 210 s \(3 min 30 s\) on kernel 6\.18/);
  assert.match(md, /default 432000 before 6\.2 \(a44b7651489f\)/);
  assert.match(md, /INT_MAX \/ HZ \(2,147,483 s/);
  const stream = renderKeyDocs(lookupKey('net.netfilter.nf_conntrack_udp_timeout_stream')!, K('6.18'));
  assert.match(stream, /\*\*Not verified:\*\* the release that lowered the default/);
  assert.match(stream, /before ≈5\.1/);
});

test('read-only notes: count and buckets on an old kernel', () => {
  const count = renderKeyDocs(lookupKey('net.netfilter.nf_conntrack_count')!, K('6.18'));
  assert.match(count, /read-only on kernel 6\.18: a line setting it fails/);
  const buckets = renderKeyDocs(lookupKey('net.netfilter.nf_conntrack_buckets')!, K('4.4'));
  assert.match(buckets, /\*\*Read-only\*\* on kernel 4\.4: writable from ≈4\.7/);
});

test('every entry renders for old and new kernels without throwing, and describes its type', () => {
  for (const e of KB_ENTRIES) {
    for (const v of ['2.6.32', '4.19', '6.18']) {
      const md = renderKeyDocs(e, K(v));
      assert.ok(md.includes(e.key) && md.includes('**Type:**') && md.includes('**Default:**'), e.key);
    }
    assert.ok(describeType(e.type).length > 3, e.key);
  }
});
