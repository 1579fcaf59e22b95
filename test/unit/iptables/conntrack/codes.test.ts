// Golden fixtures per code: test/fixtures/iptables/codes/CT2xx/{pos,neg}-<case>.rules →
// <case>.expected.json with every CT2xx finding (code, severity, range, message, tags,
// related lines, data). A pos-* file must raise its directory's code, a neg-* file must not.
// Every .rules file there is also restored by the real iptables-nft-restore in
// test/realtools/run.mjs (it must be accepted).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { golden, rangeText } from '../helpers';
import { diagnose, listFiles } from './util';

const ROOT = path.resolve(__dirname, '../../../fixtures/iptables/codes');
const CODES = ['CT201', 'CT202', 'CT203', 'CT204', 'CT205', 'CT206'];

for (const code of CODES) {
  const dir = path.join(ROOT, code);
  const files = listFiles(dir, '.rules');
  test(`${code}: has positive and negative fixtures`, () => {
    assert.ok(files.some((f) => f.startsWith('pos-')), 'a pos-* fixture');
    assert.ok(files.some((f) => f.startsWith('neg-')), 'a neg-* fixture');
  });
  for (const file of files) {
    test(`${code} golden: ${file}`, () => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const findings = diagnose(text);
      const rows = findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        range: rangeText(f.range),
        message: f.message,
        ...(f.tags ? { tags: f.tags } : {}),
        ...(f.related ? { related: f.related.map((r) => `${rangeText(r.range)} ${r.message}`) } : {}),
        ...(f.data ? { data: f.data } : {}),
      }));
      const mine = findings.filter((f) => f.code === code);
      if (file.startsWith('pos-')) assert.ok(mine.length > 0, `${file} should raise ${code}`);
      else assert.equal(mine.length, 0, `${file} should not raise ${code}: ${mine.map((f) => f.message).join(' | ')}`);
      assert.equal(svcErrors(text), 0, 'fixtures are valid restore input');
      golden(path.join(dir, file.replace(/\.rules$/, '.expected.json')), rows);
    });
  }
}

function svcErrors(text: string): number {
  return diagnose(text, '').filter((f) => f.severity === 'error').length;
}
