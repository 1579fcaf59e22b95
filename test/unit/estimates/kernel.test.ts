import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareKernel,
  formatBytes,
  formatCount,
  humanDuration,
  kernelAtLeast,
  NEWEST_KNOWN_KERNEL,
  parseBytes,
  parseKernelVersion,
  resolveKernel,
} from '../../../server/src/core/kernel';

test('parseKernelVersion: "4.19", "v5.15", "6.1.0", distro suffixes; junk → null', () => {
  assert.deepEqual(parseKernelVersion('4.19'), { major: 4, minor: 19, patch: 0, text: '4.19' });
  assert.equal(parseKernelVersion('v5.15')!.text, '5.15');
  assert.equal(parseKernelVersion('6.1.0')!.text, '6.1.0');
  assert.equal(parseKernelVersion('4.19.0-25-amd64')!.patch, 0);
  assert.equal(parseKernelVersion('5.10.120-1')!.patch, 120);
  assert.equal(parseKernelVersion('2.6.32')!.minor, 6);
  for (const bad of ['', 'latest', '6', 'x4.19']) assert.equal(parseKernelVersion(bad), null, bad);
});

test('compareKernel / kernelAtLeast order numerically, not lexically', () => {
  assert.ok(compareKernel('4.9', '4.19') < 0);
  assert.ok(compareKernel('5.15', '5.4') > 0);
  assert.equal(compareKernel('6.0', '6.0.0'), 0);
  assert.ok(compareKernel('4.11.12', '4.12') < 0);
  assert.equal(kernelAtLeast(parseKernelVersion('6.17')!, '6.17'), true);
  assert.equal(kernelAtLeast('6.16', '6.17'), false);
});

test('resolveKernel: empty setting = newest known behaviour (6.18), said in the label', () => {
  assert.equal(NEWEST_KNOWN_KERNEL, '6.18');
  const r = resolveKernel('');
  assert.equal(r.kernel.text, '6.18');
  assert.equal(r.assumed, true);
  assert.match(r.label, /newest known behaviour/);
  assert.equal(resolveKernel('garbage').assumed, true);
  const old = resolveKernel('4.19');
  assert.deepEqual([old.kernel.text, old.assumed, old.label], ['4.19', false, 'kernel 4.19']);
});

test('parseBytes: binary units throughout, GB read as GiB (documented choice)', () => {
  const G = 1024 ** 3;
  assert.equal(parseBytes('64GiB'), 64 * G);
  assert.equal(parseBytes('64GB'), 64 * G);
  assert.equal(parseBytes('64G'), 64 * G);
  assert.equal(parseBytes('64 gib'), 64 * G);
  assert.equal(parseBytes('512MiB'), 512 * 1024 ** 2);
  assert.equal(parseBytes('512M'), 512 * 1024 ** 2);
  assert.equal(parseBytes('1.5T'), 1.5 * 1024 ** 4);
  assert.equal(parseBytes('2048KB'), 2048 * 1024);
  assert.equal(parseBytes('4096'), 4096);
  assert.equal(parseBytes('100B'), 100);
  for (const bad of ['', 'GiB', '-1G', '64 XB', '64Gi', '64iB', '1,5G', 'lots']) assert.equal(parseBytes(bad), null, bad);
});

test('formatBytes: binary units, one decimal, ".0" dropped', () => {
  assert.equal(formatBytes(4708794368), '4.4 GiB');
  assert.equal(formatBytes(1619001344), '1.5 GiB');
  assert.equal(formatBytes(262144 * 384), '96 MiB');
  assert.equal(formatBytes(2 * 1024 ** 2), '2 MiB');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(1024 ** 3 - 1), '1 GiB'); // rounding carries into the next unit
  assert.equal(formatBytes(5 * 1024 ** 4), '5 TiB');
});

test('formatCount: comma groups, at most N decimals, trailing zeros dropped', () => {
  assert.equal(formatCount(12262144), '12,262,144');
  assert.equal(formatCount(748.421875, 1), '748.4');
  assert.equal(formatCount(1496.84375, 1), '1,496.8');
  assert.equal(formatCount(4, 1), '4');
  assert.equal(formatCount(999.96, 1), '1,000');
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(-65536), '-65,536');
  assert.equal(formatCount(123), '123');
  assert.equal(formatCount(1234.5), '1,235');
});

test('humanDuration: two largest units, rounded, "≈" when rounding dropped something', () => {
  const cases: Array<[number, string]> = [
    [432000, '5 days'],
    [120, '2 min'],
    [3600, '1 h'],
    [90, '1 min 30 s'],
    [86400, '1 day'],
    [7800, '2 h 10 min'],
    [300, '5 min'],
    [30, '30 s'],
    [1, '1 s'],
    [0, '0 s'],
    [43200, '12 h'],
    [210, '3 min 30 s'],
    [2147483, '≈24 days 21 h'],
    [86399, '≈1 day'],
    [3661, '≈1 h 1 min'],
    [-30, '-30 s'],
  ];
  for (const [s, expected] of cases) assert.equal(humanDuration(s), expected, String(s));
});
