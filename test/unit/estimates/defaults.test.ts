import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  autoMaxFactor,
  chainLength,
  defaultBuckets,
  defaultMax,
  kernelDefaults,
  recommendedSizes,
  resolveSizing,
  roundBuckets,
  sizingEra,
  steadyStateChain,
} from '../../../server/src/core/estimates';
import { parseBytes, parseKernelVersion } from '../../../server/src/core/kernel';
import { factSheet, section, tableRows } from '../kb/factsheet';

const K = (v: string) => parseKernelVersion(v)!;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const num = (s: string) => Number(s.replace(/[^\d]/g, ''));

test('roundBuckets: up to a multiple of 512 (x86_64, §2a step 3)', () => {
  assert.equal(roundBuckets(16384), 16384);
  assert.equal(roundBuckets(16000), 16384);
  assert.equal(roundBuckets(100000), 100352);
  assert.equal(roundBuckets(8000), 8192);
  assert.equal(roundBuckets(1), 512);
  assert.equal(roundBuckets(0), 0);
  assert.equal(roundBuckets(1000, 1024), 1024); // 32-bit step
});

test('eras and factors: 1 on ≥5.15, 4 on 2.6.20–5.14, 8 for ip_conntrack', () => {
  assert.equal(sizingEra(K('6.18')), 'v5.15+');
  assert.equal(sizingEra(K('5.15')), 'v5.15+');
  assert.equal(sizingEra(K('5.14')), 'v4.0-5.14');
  assert.equal(sizingEra(K('3.10')), 'v2.6.20-3.x');
  assert.equal(sizingEra(K('2.6.18')), 'ip_conntrack');
  assert.equal(autoMaxFactor(K('5.15')), 1);
  assert.equal(autoMaxFactor(K('5.14')), 4);
  assert.equal(autoMaxFactor(K('2.6.20')), 4);
  assert.equal(autoMaxFactor(K('2.6.18')), 8);
});

/** RAM sizes that stand for a row of the §2a worked table. */
function ramsForRow(label: string): Array<{ ram: number; pointerBytes: 4 | 8 }> {
  const t = label.replace(/\s+/g, ' ').trim();
  if (t.startsWith('32-bit kernel > 1 GiB')) return [{ ram: 2 * GiB, pointerBytes: 4 }, { ram: 16 * GiB, pointerBytes: 4 }];
  if (t === '1–4 GiB') return [{ ram: GiB + 4096, pointerBytes: 8 }, { ram: 2 * GiB, pointerBytes: 8 }, { ram: 4 * GiB, pointerBytes: 8 }];
  if (t === '> 4 GiB') return [{ ram: 4 * GiB + 4096, pointerBytes: 8 }, { ram: 24 * GiB, pointerBytes: 8 }, { ram: 1024 * GiB, pointerBytes: 8 }];
  const bytes = parseBytes(t.replace(/^~/, ''));
  assert.ok(bytes, `cannot read RAM from "${label}"`);
  return [{ ram: bytes!, pointerBytes: 8 }];
}

test('≥5.15 defaults reproduce every row of the §2a worked table', () => {
  const rows = tableRows(section(factSheet(), '### 2a.')).filter((r) => r.length === 4 && /\d/.test(r[1]));
  assert.ok(rows.length >= 7, `only ${rows.length} rows parsed`);
  for (const [ramLabel, bucketsCell, maxCell, expectCell] of rows) {
    for (const { ram, pointerBytes } of ramsForRow(ramLabel)) {
      const d = kernelDefaults(K('6.18'), ram, { pointerBytes });
      const what = `${ramLabel} (${ram} B, ${pointerBytes * 8}-bit)`;
      assert.equal(d.buckets.value, num(bucketsCell.split('(')[0]), `${what} buckets`);
      assert.equal(d.max.value, num(maxCell), `${what} max`);
      assert.equal(d.expectMax.value, num(expectCell), `${what} expect_max`);
    }
  }
});

test('live check: 24 GB on 6.18 → 262,144 / 262,144 / 4,096 (§2a)', () => {
  const d = kernelDefaults(K('6.18'), 24 * GiB);
  assert.deepEqual([d.buckets.value, d.max.value, d.expectMax.value], [262144, 262144, 4096]);
  assert.equal(d.buckets.formula, 'RAM 24 GiB > 4 GiB → 262,144');
  assert.equal(d.max.formula, '1 × 262,144');
});

test('≤5.14 defaults (§2b): 1–4 GiB → 16384/65536, >4 GiB → 65536/262144, 512 MiB → 4096/16384', () => {
  for (const kv of ['4.19', '5.4', '5.14']) {
    const cases: Array<[number, number, number]> = [
      [2 * GiB, 16384, 65536],
      [8 * GiB, 65536, 262144],
      [512 * MiB, 4096, 16384],
    ];
    for (const [ram, buckets, max] of cases) {
      const d = kernelDefaults(K(kv), ram);
      assert.equal(d.buckets.value, buckets, `${kv} ${ram} buckets`);
      assert.equal(d.max.value, max, `${kv} ${ram} max`);
    }
  }
  // The ≥5.15 change lowered small-memory limits 4× (§2a derived caveat): 512 MiB 16384 → 4096.
  assert.equal(kernelDefaults(K('5.15'), 512 * MiB).max.value, 4096);
  // Early nf_conntrack (§2c) had no 4 GiB tier; floor 32.
  assert.equal(kernelDefaults(K('3.10'), 64 * GiB).buckets.value, 16384);
  assert.equal(kernelDefaults(K('3.10'), 64 * GiB).max.value, 65536);
  // ip_conntrack (§2d): >1 GiB → 8192 buckets, max 8 × → 65536.
  assert.equal(kernelDefaults(K('2.6.18'), 2 * GiB).buckets.value, 8192);
  assert.equal(kernelDefaults(K('2.6.18'), 2 * GiB).max.value, 65536);
});

test('explicit hashsize keeps factor 8: hashsize=100000 → 100,352 buckets, max 802,816 (§2a)', () => {
  const d = kernelDefaults(K('6.18'), 64 * GiB, { hashsize: 100000 });
  assert.equal(d.buckets.value, 100352);
  assert.equal(d.max.value, 802816);
  assert.ok(d.max.assumptions.some((a) => a.includes('hashsize=')));
  assert.equal(defaultMax(K('4.19'), 65536, true).value, 524288);
});

test('chain length at a full table: 2 with ≥5.15 defaults, 8 before, 16 with hashsize (§3)', () => {
  const now = kernelDefaults(K('6.18'), 8 * GiB);
  assert.equal(chainLength(now.max.value, now.buckets.value).value, 2);
  const old = kernelDefaults(K('5.10'), 8 * GiB);
  assert.equal(chainLength(old.max.value, old.buckets.value).value, 8);
  const hs = kernelDefaults(K('6.18'), 8 * GiB, { hashsize: 65536 });
  assert.equal(chainLength(hs.max.value, hs.buckets.value).value, 16);
});

test('unknown RAM: the >4 GiB tier is assumed and the assumption is spelled out', () => {
  const b = defaultBuckets(K('6.18'));
  assert.equal(b.value, 262144);
  assert.match(b.assumptions[0], /^unknown RAM \(conntrackLens\.hostMemory not set\): assuming a 64-bit host with more than 4 GiB, the 262,144-bucket tier/);
  assert.equal(defaultBuckets(K('4.19')).value, 65536);
  assert.equal(defaultBuckets(K('6.18'), 8 * GiB).assumptions.length, 0);
});

test('only one of max/buckets in the file: the other is the kernel default, and it is said', () => {
  const onlyMax = resolveSizing({ kernel: K('6.18'), max: 12262144 });
  assert.equal(onlyMax.max.source, 'file');
  assert.equal(onlyMax.buckets.source, 'kernel-default');
  assert.equal(onlyMax.buckets.value, 262144);
  assert.ok(onlyMax.assumptions.some((a) => a.startsWith('nf_conntrack_buckets is not set here')));
  assert.ok(onlyMax.assumptions.some((a) => a.startsWith('unknown RAM')));

  const onlyBuckets = resolveSizing({ kernel: K('5.4'), buckets: 1048576, ramBytes: 64 * GiB });
  assert.equal(onlyBuckets.buckets.value, 1048576);
  assert.equal(onlyBuckets.max.source, 'kernel-default');
  assert.equal(onlyBuckets.max.value, 262144); // boot default, NOT 4 × the file's buckets
  assert.ok(onlyBuckets.assumptions.some((a) => a.includes('does not raise it')));
  assert.ok(!onlyBuckets.assumptions.some((a) => a.startsWith('unknown RAM')));

  const both = resolveSizing({ kernel: K('6.18'), max: 4194304, buckets: 1000000 });
  assert.equal(both.buckets.value, 1000448);
  assert.deepEqual(both.assumptions, []);
});

test('recommended sizes for 64 GiB: kernel default and RAM/16384/(bits/32) = 2,097,152 side by side (§7)', () => {
  const r = recommendedSizes(K('6.18'), 64 * GiB);
  assert.equal(r.kernelDefault.max.value, 262144);
  assert.equal(r.kernelDefault.buckets.value, 262144);
  assert.equal(r.kernelDefault.chainAtFull.value, 2);
  assert.equal(r.eychenne.max.value, 2097152);
  assert.notEqual(r.eychenne.max.value, 4194304);
  assert.equal(r.eychenne.max.formula, '68,719,476,736 / 16,384 / (64 / 32)');
  assert.equal(r.eychenne.buckets.value, 262144); // HASHSIZE = CONNTRACK_MAX / 8
  assert.equal(r.eychenne.chainAtFull.value, 16);
  // The formula matches the i386 rule of thumb "RAM in MB × 64" (§7): 512 MB → 32768.
  assert.equal(recommendedSizes(K('2.6.18'), 512 * MiB, 32).eychenne.max.value, 32768);
  // Pre-5.15 small-memory defaults equal the formula (§7 mapping table): 512 MiB → 16384 on both.
  const old = recommendedSizes(K('5.10'), 512 * MiB);
  assert.equal(old.kernelDefault.max.value, old.eychenne.max.value);
});

test('steady-state chain: 2 × rate × timeout / buckets', () => {
  const c = steadyStateChain(100, 120, 16384);
  assert.equal(c.value, (2 * 12000) / 16384);
  assert.equal(c.formula, '2 × (100/s × 120 s) / 16,384');
});
