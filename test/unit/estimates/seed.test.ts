// The figures of issue 3 / seed story 000 must come out exactly as written there.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bucketsForTarget,
  chainLength,
  ENTRY_BYTES_SEED,
  entriesPerBucket,
  entryBytesFor,
  entrySizeRows,
  fullTableMemory,
  memoryShare,
  steadyStateEntries,
  timeWaitEntries,
} from '../../../server/src/core/estimates';
import { parseKernelVersion } from '../../../server/src/core/kernel';

const k618 = parseKernelVersion('6.18')!;

test('max 12262144 / buckets 16384 → 748.4 entries per bucket, 1,496.8 nodes per chain', () => {
  const epb = entriesPerBucket(12262144, 16384);
  assert.equal(epb.display, '748.4');
  assert.equal(epb.value, 12262144 / 16384);
  assert.equal(epb.formula, '12,262,144 / 16,384');
  const chain = chainLength(12262144, 16384);
  assert.equal(chain.display, '1,496.8');
  assert.equal(chain.formula, '2 × 12,262,144 / 16,384');
  assert.ok(chain.assumptions.some((a) => /twice/.test(a)));
  assert.deepEqual(chain.sources, ['§3']);
});

test('max 12262144 / buckets 16384 → ≈ 4.4 GiB at 384 B per entry, 3.4 GiB at the seed\'s 300 B', () => {
  const bytes = entryBytesFor(k618).value;
  assert.equal(bytes, 384);
  const mem = fullTableMemory(12262144, 16384, bytes);
  assert.equal(mem.value, 12262144 * 384 + 16384 * 8);
  assert.equal(mem.display, '4.4 GiB');
  assert.equal(mem.formula, '12,262,144 × 384 B + 16,384 × 8 B');
  assert.equal(fullTableMemory(12262144, 16384, ENTRY_BYTES_SEED).display, '3.4 GiB');
  const rows = entrySizeRows(k618).map((r) => [r.bytes, fullTableMemory(12262144, 16384, r.bytes).display]);
  assert.deepEqual(rows, [
    [384, '4.4 GiB'],
    [300, '3.4 GiB'],
  ]);
});

test('max 4194304 / buckets 1048576 → 4 per bucket, 8 nodes, ≈ 1.5 GiB at 384 B', () => {
  assert.equal(entriesPerBucket(4194304, 1048576).display, '4');
  assert.equal(chainLength(4194304, 1048576).display, '8');
  const mem = fullTableMemory(4194304, 1048576, 384);
  assert.equal(mem.display, '1.5 GiB');
  assert.equal(mem.formula, '4,194,304 × 384 B + 1,048,576 × 8 B');
});

test('buckets that are not a multiple of 512 are rounded before dividing, and the estimate says so', () => {
  const epb = entriesPerBucket(262144, 100000);
  assert.equal(epb.inputs.roundedBuckets, 100352);
  assert.equal(epb.formula, '262,144 / 100,352');
  assert.ok(epb.assumptions.some((a) => a.includes('rounded up to 100,352')));
  const mem = fullTableMemory(262144, 100000, 384);
  assert.equal(mem.value, 262144 * 384 + 100352 * 8);
  assert.equal(entriesPerBucket(1, 0).display, 'n/a');
});

test('per-entry size by kernel: 384 from 4.9, 448 before, override wins', () => {
  assert.equal(entryBytesFor(parseKernelVersion('4.9')!).value, 384);
  assert.equal(entryBytesFor(parseKernelVersion('4.8')!).value, 448);
  assert.equal(entryBytesFor(parseKernelVersion('3.10')!).value, 448);
  assert.equal(entryBytesFor(k618, 512).value, 512);
  assert.equal(entryBytesFor(k618, 0).value, 384); // 0 = derive from the kernel
  assert.equal(entryBytesFor(k618).formula, '256 B object + 128 B extension area');
  assert.deepEqual(entryBytesFor(k618).sources, ['§4a', '§4b', '§4d']);
  const rows = entrySizeRows(parseKernelVersion('4.4')!, 300);
  assert.deepEqual(
    rows.map((r) => r.bytes),
    [300],
  ); // the override equals the seed row: no duplicate
});

test('steady state: rate × timeout (the seed\'s 100 conn/s × 120 s TIME_WAIT = 12,000)', () => {
  const tw = timeWaitEntries(100);
  assert.equal(tw.value, 12000);
  assert.equal(tw.display, '12,000');
  assert.equal(tw.formula, '100/s × 120 s');
  const full = steadyStateEntries(1000, 432000, 262144);
  assert.equal(full.value, 432000000);
  assert.ok(full.assumptions.some((a) => a.includes('table would be full')));
  assert.equal(steadyStateEntries(10, 120, 262144).assumptions.length, 1);
});

test('buckets for a target ratio (CT101 fix) and memory share of host RAM (CT102)', () => {
  const one = bucketsForTarget(12262144, 1);
  assert.equal(one.value, 12262400); // 12,262,144 rounded up to a multiple of 512
  assert.equal(one.formula, '12,262,144 / 1 → rounded up to 12,262,400');
  assert.equal(entriesPerBucket(12262144, one.value).value <= 1, true);
  assert.equal(bucketsForTarget(12262144, 4).value, 3065856);
  assert.equal(bucketsForTarget(262144, 1).value, 262144);
  const share = memoryShare(fullTableMemory(12262144, 16384, 384).value, 64 * 1024 ** 3);
  assert.equal(share.display, '6.9 %');
  assert.equal(share.formula, '4.4 GiB / 64 GiB');
  assert.equal(memoryShare(1, 0).display, 'n/a');
});
