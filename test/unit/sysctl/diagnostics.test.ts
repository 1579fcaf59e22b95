// Diagnostics goldens: test/fixtures/sysctl/diagnostics/<case>.conf → <case>.expected.json
// (code, severity, range, message, data of every finding).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CODES } from '../../../server/src/core/codes';
import { resolveSettings, DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { analyze, diagnose } from '../../../server/src/core/index';
import { parseSysctl } from '../../../server/src/core/sysctl/parse';
import { sysctlService } from '../../../server/src/core/sysctl/service';
import { FIXTURES, golden, listFiles, readText, REPO, renderRows } from './util';

const DIR = path.join(FIXTURES, 'diagnostics');

for (const file of listFiles(DIR, '.conf')) {
  test(`diagnostics: ${file}`, () => {
    const doc = parseSysctl(readText(path.join(DIR, file)));
    const rows = sysctlService.diagnose(doc, DEFAULT_SETTINGS).map((f) => ({
      code: f.code,
      severity: f.severity,
      range: `${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`,
      message: f.message,
      data: f.data,
    }));
    golden(path.join(DIR, file.replace(/\.conf$/, '.expected.json')), rows, renderRows);
  });
}

test('SYS004: one finding per rejected line, on the line text without surrounding blanks', () => {
  const doc = parseSysctl('ok.key = 1\n  not an assignment  \n= 1\n');
  const f = sysctlService.diagnose(doc, DEFAULT_SETTINGS);
  assert.deepEqual(f.map((x) => [x.code, x.severity, x.range.start.line, x.range.start.character, x.range.end.character]), [
    ['SYS004', 'error', 1, 2, 19],
    ['SYS004', 'error', 2, 0, 3],
  ]);
  assert.match(f[0].message, /no `=`/);
  assert.match(f[1].message, /key before `=` is empty/);
});

test('SYS004 on a BOM only when the text really starts with one', () => {
  assert.equal(sysctlService.diagnose(parseSysctl('\uFEFFa.b = 1\n'), DEFAULT_SETTINGS).length, 1);
  assert.equal(sysctlService.diagnose(parseSysctl('a.b = 1\n\uFEFF# x\n'), DEFAULT_SETTINGS).length, 1, 'a U+FEFF later is just a character: that line has no `=`');
  assert.equal(sysctlService.diagnose(parseSysctl('a.b = 1\n'), DEFAULT_SETTINGS).length, 0);
});

test('SYS004 is registered, documented, and its severity can be overridden or silenced', () => {
  assert.equal(CODES.get('SYS004')?.severity, 'error');
  const doc = path.join(REPO, 'docs/diagnostics/SYS004.md');
  assert.ok(existsSync(doc));
  const md = readFileSync(doc, 'utf8');
  for (const section of ['## What it means', '## Why it matters', '## Example', '## How to fix', '## Quick-fix', '## Silencing it']) {
    assert.ok(md.includes(section), `SYS004.md has ${section}`);
  }
  assert.match(md, /conntrackLens\.severity/);
  const a = analyze('sysctl', '/etc/sysctl.d/99-x.conf', 'oops\n')!;
  assert.equal(diagnose(a, DEFAULT_SETTINGS)[0].severity, 'error');
  assert.equal(diagnose(a, resolveSettings({ severity: { SYS004: 'warning' } }))[0].severity, 'warning');
  assert.equal(diagnose(a, resolveSettings({ severity: { SYS004: 'off' } })).length, 0);
});
