// The knowledge base wired into the sysctl features: the seed examples' exact figures in
// hover and inlay hints, settings variants (kernel, host memory, connection rate, toggles),
// completion from the knowledge base, glob matching, and inlay hints reading only the
// requested lines.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSettings, DEFAULT_SETTINGS, type Settings } from '../../../server/src/core/settings';
import { componentMatches, globMatches } from '../../../server/src/core/sysctl/glob';
import type { SysctlDocument } from '../../../server/src/core/sysctl/ast';
import { parseSysctl } from '../../../server/src/core/sysctl/parse';
import { sysctlService as svc } from '../../../server/src/core/sysctl/service';
import type { Position, Range } from '../../../server/src/core/types';

const ALL: Range = { start: { line: 0, character: 0 }, end: { line: 1e6, character: 0 } };

function hoverAt(text: string, needle: string, settings: Settings = DEFAULT_SETTINGS, offset = 1): string {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + offset);
  const at: Position = { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
  return svc.hover(parseSysctl(text), at, settings)?.contents ?? '';
}

function inlay(text: string, settings: Settings = DEFAULT_SETTINGS): string[] {
  return svc.inlayHints(parseSysctl(text), ALL, settings).map((h) => `${h.position.line}: ${h.label}`);
}

// --- seed 000 ------------------------------------------------------------------------------

const SEED = 'net.netfilter.nf_conntrack_max = 12262144\nnet.netfilter.nf_conntrack_buckets = 16384\n';
const SIZED = 'net.netfilter.nf_conntrack_max = 4194304\nnet.netfilter.nf_conntrack_buckets = 1048576\n';

test('seed: max 12262144 / buckets 16384 → 748.4 per bucket, 1,496.8 nodes, ≈ 4.4 GiB at 384 B (3.4 GiB at 300 B)', () => {
  for (const h of [hoverAt(SEED, 'nf_conntrack_max'), hoverAt(SEED, '12262144'), hoverAt(SEED, '16384')]) {
    assert.match(h, /\| Memory at a full table \| \*\*≈ 4\.4 GiB\*\* at 384 B per entry/);
    assert.match(h, /\| ≈ 3\.4 GiB at 300 B per entry/);
    assert.match(h, /`12,262,144 × 384 B \+ 16,384 × 8 B`/);
    assert.match(h, /\| Entries per bucket \| \*\*748\.4\*\* \| `12,262,144 \/ 16,384` \|/);
    assert.match(h, /\| Hash nodes per chain at a full table \| \*\*1,496\.8\*\* \| `2 × 12,262,144 \/ 16,384` \|/);
    assert.match(h, /kernel 6\.18 \(newest known behaviour/);
  }
  assert.deepEqual(inlay(SEED), ['0: ≈ 4.4 GiB at full table', '1: 748 entries/bucket · 1,497-node chains']);
});

test('seed: max 4194304 / buckets 1048576 → 4 per bucket, 8 nodes, ≈ 1.5 GiB at 384 B', () => {
  const h = hoverAt(SIZED, '4194304');
  assert.match(h, /\*\*≈ 1\.5 GiB\*\* at 384 B per entry/);
  assert.match(h, /\| Entries per bucket \| \*\*4\*\* \|/);
  assert.match(h, /\| Hash nodes per chain at a full table \| \*\*8\*\* \|/);
  assert.deepEqual(inlay(SIZED), ['0: ≈ 1.5 GiB at full table', '1: 4 entries/bucket · 8-node chains']);
});

test('seed: 100 connections/s × 120 s TIME_WAIT = 12,000 entries, in hover and CT106', () => {
  const settings = resolveSettings({ connectionRate: 100 });
  const text = 'net.netfilter.nf_conntrack_tcp_timeout_time_wait = 120\n';
  assert.match(hoverAt(text, '120', settings), /about \*\*12,000 entries\*\* sit in TIME_WAIT: `100\/s × 120 s`/);
  const ct106 = svc.diagnose(parseSysctl(text), settings).find((f) => f.code === 'CT106')!;
  assert.match(ct106.message, /≈ 12,000 entries \(100\/s × 120 s\), 4\.6 % of nf_conntrack_max 262,144, the default of kernel 6\.18 \(assumed\)\./);
  assert.match(hoverAt(SEED, '12262144', settings), /Steady state at 100 new connections\/s \| ≈ 12,000 entries in TIME_WAIT, chains of 1\.5 nodes/);
});

// --- settings variants ----------------------------------------------------------------------

test('kernelVersion 4.19: factor-4 defaults (65,536 buckets, max 262,144) in hover and CT101', () => {
  const settings = resolveSettings({ kernelVersion: '4.19' });
  const text = 'net.netfilter.nf_conntrack_max = 1048576\n';
  const h = hoverAt(text, 'nf_conntrack_max', settings);
  assert.match(h, /\*\*Default:\*\* 262,144 on kernel 4\.19 = 4 × 65,536 buckets/);
  assert.match(h, /`1,048,576 × 384 B \+ 65,536 × 8 B`/);
  assert.match(h, /\| Entries per bucket \| \*\*16\*\* \|/);
  const ct101 = svc.diagnose(parseSysctl(text), settings).find((f) => f.code === 'CT101')!;
  assert.match(ct101.message, /the default of kernel 4\.19 applies: 65,536 buckets/);
  // The same file on the newest kernel: 262,144 default buckets, 4 per bucket, no CT101.
  assert.ok(!svc.diagnose(parseSysctl(text), DEFAULT_SETTINGS).some((f) => f.code === 'CT101'));
});

test('the older entry size (448 B, nf_conn with its own timer) applies before 4.9; 4.19 already has the 384 B one', () => {
  const text = 'net.netfilter.nf_conntrack_max = 262144\nnet.netfilter.nf_conntrack_buckets = 65536\n';
  assert.match(hoverAt(text, '262144', resolveSettings({ kernelVersion: '4.4' })), /\*\*≈ 112\.5 MiB\*\* at 448 B per entry/);
  assert.match(hoverAt(text, '262144', resolveSettings({ kernelVersion: '4.19' })), /\*\*≈ 96\.5 MiB\*\* at 384 B per entry/);
  // conntrackLens.entryBytes overrides both, and the 300 B row stays beside it.
  const h = hoverAt(text, '262144', resolveSettings({ entryBytes: 512 }));
  assert.match(h, /\*\*≈ 128\.5 MiB\*\* at 512 B per entry \(conntrackLens\.entryBytes\)/);
  assert.match(h, /at 300 B per entry/);
});

test('hostMemory 64GiB: recommended 2,097,152 beside the kernel default, and CT102 above 10 %', () => {
  const settings = resolveSettings({ hostMemory: '64GiB' });
  const h = hoverAt('net.netfilter.nf_conntrack_max = 262144\n', '262144', settings);
  assert.match(h, /\*\*Sizes for a 64 GiB host\*\*/);
  assert.match(h, /\| kernel 6\.18 default \| 262,144 \| 262,144 \| 2 \|/);
  assert.match(h, /\| RAM \/ 16384 \/ \(64 \/ 32\) \| 2,097,152 \| 262,144 \| 16 \|/);
  assert.doesNotMatch(h, /4,194,304/);
  const big = 'net.netfilter.nf_conntrack_max = 20000000\nnet.netfilter.nf_conntrack_buckets = 5000192\n';
  const ct102 = svc.diagnose(parseSysctl(big), settings).filter((f) => f.code === 'CT102');
  assert.equal(ct102.length, 1);
  assert.match(ct102[0].message, /≈ 7\.2 GiB: 11\.2 % of hostMemory 64 GiB, more than conntrackLens\.maxMemoryShare \(10 %\)/);
  assert.match(ct102[0].message, /Estimate for kernel 6\.18 \(assumed\) at 384 B per entry: 20,000,000 × 384 B \+ 5,000,192 × 8 B\./);
  assert.equal(svc.diagnose(parseSysctl(big), resolveSettings({ hostMemory: '64GiB', maxMemoryShare: 20 })).filter((f) => f.code === 'CT102').length, 0);
  assert.equal(svc.diagnose(parseSysctl(big), DEFAULT_SETTINGS).filter((f) => f.code === 'CT102').length, 0, 'unknown RAM: silent');
  assert.deepEqual(inlay(big, settings)[0], '0: ≈ 7.2 GiB at full table (11.2 % of RAM)');
});

test('inlay toggles switch each kind of hint off', () => {
  const text = SEED + 'net.netfilter.nf_conntrack_tcp_timeout_established = 432000\n';
  assert.deepEqual(inlay(text), ['0: ≈ 4.4 GiB at full table', '1: 748 entries/bucket · 1,497-node chains', '2: 5 days']);
  assert.deepEqual(inlay(text, resolveSettings({ inlayHints: { memory: false } })), ['1: 748 entries/bucket · 1,497-node chains', '2: 5 days']);
  assert.deepEqual(inlay(text, resolveSettings({ inlayHints: { buckets: false } })), ['0: ≈ 4.4 GiB at full table', '2: 5 days']);
  assert.deepEqual(inlay(text, resolveSettings({ inlayHints: { timeouts: false } })), ['0: ≈ 4.4 GiB at full table', '1: 748 entries/bucket · 1,497-node chains']);
  const tip = svc.inlayHints(parseSysctl(text), ALL, DEFAULT_SETTINGS).map((h) => h.tooltip ?? '');
  assert.match(tip[0], /`12,262,144 × 384 B \+ 16,384 × 8 B` = 4\.4 GiB/);
  assert.match(tip[1], /`2 × 12,262,144 \/ 16,384` = 1,496\.8/);
  assert.match(tip[2], /`432,000 s` = 5 days/);
});

test('inlay hints look only at the requested lines; the file-wide facts are computed once per parse', () => {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) lines.push(i % 2 ? `net.netfilter.nf_conntrack_tcp_timeout_established = ${86400 + i}` : `vm.k${i} = ${i}`);
  lines.push('net.netfilter.nf_conntrack_max = 12262144', 'net.netfilter.nf_conntrack_buckets = 16384');
  const parsed = parseSysctl(lines.join('\n'));
  // A copy whose node arrays record which elements are read (no hook in the code under test).
  const read = { lines: new Set<number>(), assignments: 0 };
  const doc: SysctlDocument = {
    ...parsed,
    lines: new Proxy(parsed.lines, {
      get(t, p, r) {
        if (typeof p === 'string' && /^\d+$/.test(p)) read.lines.add(Number(p));
        return Reflect.get(t, p, r);
      },
    }),
    assignments: new Proxy(parsed.assignments, {
      get(t, p, r) {
        if (typeof p === 'string' && /^\d+$/.test(p)) read.assignments++;
        return Reflect.get(t, p, r);
      },
    }),
  };
  const window: Range = { start: { line: 100_000, character: 0 }, end: { line: 100_001, character: 0 } };
  const hints = svc.inlayHints(doc, window, DEFAULT_SETTINGS);
  assert.deepEqual(hints.map((h) => h.label), ['≈ 4.4 GiB at full table', '748 entries/bucket · 1,497-node chains']);
  assert.ok(hints.every((h) => h.position.line >= 100_000 && h.position.line <= 100_001));
  // The first request read every assignment once to find the effective max and buckets.
  assert.ok(read.assignments >= 100_002, `${read.assignments} assignment reads`);
  // A 60-line window in the middle: only those 60 lines, and a binary search per hinted line.
  read.lines.clear();
  read.assignments = 0;
  const mid = svc.inlayHints(doc, { start: { line: 50_000, character: 0 }, end: { line: 50_059, character: 0 } }, DEFAULT_SETTINGS);
  assert.equal(mid.length, 30);
  assert.deepEqual([mid[0].position.line, mid[0].label], [50_001, '≈1 day 14 h'], '86,400 + 50,001 s');
  const seen = [...read.lines].sort((a, b) => a - b);
  assert.deepEqual([seen[0], seen[seen.length - 1], seen.length], [50_000, 50_059, 60]);
  // (a binary search over 100,002 assignments: ≤ 18 probes, each reading the probed node at most twice)
  assert.ok(read.assignments <= 30 * 18 * 2, `${read.assignments} assignment reads for 30 hinted lines (the facts were not recomputed)`);
});

// --- completion ------------------------------------------------------------------------------

function complete(raw: string, settings: Settings = DEFAULT_SETTINGS) {
  const i = raw.indexOf('|');
  const text = raw.slice(0, i) + raw.slice(i + 1);
  const before = raw.slice(0, i);
  const at = { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
  return svc.completion(parseSysctl(text), at, settings);
}

test('completion: knowledge-base keys with docs, filtered by the typed prefix or a trailing part of the key', () => {
  const items = complete('nf_conntrack_ma|');
  const labels = items.map((c) => c.label).sort();
  assert.deepEqual(labels, ['net.netfilter.nf_conntrack_max', 'net.nf_conntrack_max']);
  const max = items.find((c) => c.label === 'net.netfilter.nf_conntrack_max')!;
  assert.match(max.documentation!, /Upper limit on connection-tracking entries/);
  assert.match(max.detail!, /default 262,144/);
  assert.deepEqual(max.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 15 } });
  // Legacy names and keys the kernel no longer has are not offered.
  assert.ok(!complete('net.ipv4.netfilter.ip_conn|').length);
  assert.ok(!complete('net.ipv4.tcp_tw_rec|').length);
  assert.equal(complete('net.ipv4.tcp_tw_rec|', resolveSettings({ kernelVersion: '4.9' }))[0]?.label, 'net.ipv4.tcp_tw_recycle');
});

test('completion: slash-separated keys are completed in slash style', () => {
  const items = complete('net/netfilter/nf_conntrack_buc|');
  assert.deepEqual(items.map((c) => c.label), ['net/netfilter/nf_conntrack_buckets']);
  assert.deepEqual(items[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 30 } });
});

test('completion: values of booleans and enums with their meaning; the default of other known keys', () => {
  assert.deepEqual(
    complete('net.netfilter.nf_conntrack_events = |').map((c) => `${c.label} ${c.detail}`),
    ['0 off', '1 on', '2 auto (default)'],
  );
  assert.deepEqual(
    complete('net.netfilter.nf_conntrack_events = |', resolveSettings({ kernelVersion: '5.10' })).map((c) => `${c.label} ${c.detail}`),
    ['0 off', '1 on (default)'],
  );
  assert.deepEqual(complete('net.netfilter.nf_conntrack_acct = |').map((c) => c.label), ['0', '1']);
  const t = complete('net.netfilter.nf_conntrack_tcp_timeout_established = |');
  assert.deepEqual(t.map((c) => [c.label, c.detail]), [['432000', 'default on kernel 6.18 (assumed)']]);
  assert.deepEqual(complete('net.netfilter.nf_conntrack_count = |'), []);
});

// --- globs ---------------------------------------------------------------------------------------

test('glob matching follows glob(3) per component: *, ?, classes, no crossing of separators', () => {
  assert.ok(componentMatches('nf_conntrack_tcp_timeout_*', 'nf_conntrack_tcp_timeout_close'));
  assert.ok(componentMatches('*_wait', 'nf_conntrack_tcp_timeout_time_wait'));
  assert.ok(componentMatches('nf_conntrack_?cp_loose', 'nf_conntrack_tcp_loose'));
  assert.ok(componentMatches('nf_conntrack_[tu]dp_timeout', 'nf_conntrack_udp_timeout'));
  assert.ok(!componentMatches('nf_conntrack_[!tu]dp_timeout', 'nf_conntrack_udp_timeout'));
  assert.ok(componentMatches('nf_conntrack_[a-z]cmp_timeout', 'nf_conntrack_icmp_timeout'));
  assert.ok(componentMatches('a[b', 'a[b'), 'an unclosed [ is literal');
  assert.ok(!componentMatches('nf_*_max', 'nf_conntrack_buckets'));
  assert.ok(globMatches(['net', '*', 'nf_conntrack_max'], ['net', 'netfilter', 'nf_conntrack_max']));
  assert.ok(!globMatches(['net', '*'], ['net', 'netfilter', 'nf_conntrack_max']), '* stays inside one component');
  // No backtracking blow-up: many stars against a long name complete with the right answer.
  assert.ok(!componentMatches('*a'.repeat(5000) + 'z', 'a'.repeat(5000)));
  assert.ok(componentMatches('*a'.repeat(5000), 'a'.repeat(5000)));
  assert.ok(!componentMatches('*a'.repeat(5001), 'a'.repeat(5000)), 'one `a` too many');
  assert.ok(componentMatches('*'.repeat(1_000_000), 'nf_conntrack_max'));
  assert.ok(componentMatches('?*'.repeat(2000), 'x'.repeat(2500)) && !componentMatches('?*'.repeat(2000), 'x'.repeat(1999)));
});

test('a glob that matches known keys is not unknown; one in a covered namespace that matches none is', () => {
  const codes = (text: string) => svc.diagnose(parseSysctl(text), DEFAULT_SETTINGS).map((f) => f.code);
  assert.deepEqual(codes('net.netfilter.nf_conntrack_tcp_timeout_* = 60\n').filter((c) => c === 'SYS001'), []);
  assert.deepEqual(codes('net.netfilter.nf_conntrack_t?p_loose = 0\n').filter((c) => c === 'SYS001'), []);
  assert.deepEqual(codes('net.netfilter.nf_conntrack_nothing_* = 1\n').filter((c) => c === 'SYS001'), ['SYS001']);
  assert.deepEqual(codes('net.ipv4.conf.*.rp_filter = 1\n'), []);
});
