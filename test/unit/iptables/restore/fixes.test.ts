// Quick-fixes for IPT002/IPT003 as data: test/fixtures/iptables/fixes/<CODE>/
// <case>.before.rules with the fix applied must equal <case>.after.rules byte
// for byte (the case name says which fix: declare-*, rename-*, move-*). Both
// files are real restore input: the realtools harness checks that restore
// rejects each .before on the line we flag and accepts each .after.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { iptablesService as s } from '../../../../server/src/core/iptables/service';
import { DEFAULT_SETTINGS } from '../../../../server/src/core/settings';
import type { Range } from '../../../../server/src/core/types';
import { applyEdits } from './util';

const ROOT = join(__dirname, '../../../fixtures/iptables/fixes');
const TITLE: Record<string, RegExp> = { declare: /^Declare chain/, rename: /^Change to/, move: /^Move the declaration/ };
const WHOLE: Range = { start: { line: 0, character: 0 }, end: { line: 1e6, character: 0 } };

for (const code of ['IPT002', 'IPT003']) {
  const dir = join(ROOT, code);
  const cases = readdirSync(dir).filter((f) => f.endsWith('.before.rules')).map((f) => f.slice(0, -'.before.rules'.length));
  test(`${code}: has fix fixtures`, () => assert.ok(cases.length >= 3));
  for (const name of cases.sort()) {
    test(`${code}/${name}`, () => {
      const before = readFileSync(join(dir, `${name}.before.rules`), 'utf8');
      const after = readFileSync(join(dir, `${name}.after.rules`), 'utf8');
      const doc = s.parse(before);
      const findings = s.diagnose(doc, DEFAULT_SETTINGS).filter((f) => f.code === code);
      assert.equal(findings.length, 1, `one ${code} in ${name}.before`);
      const f = findings[0];
      const actions = s.codeActions(doc, f.range, [f], DEFAULT_SETTINGS);
      const kind = name.split('-')[0];
      const chosen = actions.filter((a) => TITLE[kind].test(a.title));
      assert.equal(chosen.length, 1, `one "${kind}" action among: ${actions.map((a) => a.title).join(' | ')}`);
      assert.equal(chosen[0].kind, 'quickfix');
      assert.deepEqual(chosen[0].fixes, [f]);
      const fixed = applyEdits(before, chosen[0].edits);
      assert.equal(fixed, after);
      // the result is clean: no error of any code, and the fix's code is gone
      const again = s.diagnose(s.parse(fixed), DEFAULT_SETTINGS);
      assert.deepEqual(again.filter((x) => x.severity === 'error' || x.code === code).map((x) => `${x.code} ${x.message}`), []);
    });
  }
}

test('no action for a finding outside the requested range, none for other codes', () => {
  const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOPE\n-A INPUT -j NOPE2\nCOMMIT\n';
  const doc = s.parse(text);
  const all = s.diagnose(doc, DEFAULT_SETTINGS).filter((f) => f.code === 'IPT002');
  assert.equal(all.length, 2);
  const onLine3 = s.codeActions(doc, { start: { line: 3, character: 0 }, end: { line: 3, character: 30 } }, all, DEFAULT_SETTINGS);
  assert.deepEqual(onLine3.map((a) => a.title), ['Declare chain `NOPE2`']);
  assert.deepEqual(s.codeActions(doc, WHOLE, [{ ...all[0], code: 'IPT009' }], DEFAULT_SETTINGS), []);
});

test('the declaration keeps the line ending of the line it follows, and works after a last line without one', () => {
  const text = '*filter\r\n:INPUT ACCEPT [0:0]\r\n-A INPUT -j NOPE\r\nCOMMIT\r\n';
  const doc = s.parse(text);
  const f = s.diagnose(doc, DEFAULT_SETTINGS).find((x) => x.code === 'IPT002')!;
  const a = s.codeActions(doc, f.range, [f], DEFAULT_SETTINGS).find((x) => x.title.startsWith('Declare'))!;
  assert.equal(applyEdits(text, a.edits), '*filter\r\n:INPUT ACCEPT [0:0]\r\n:NOPE - [0:0]\r\n-A INPUT -j NOPE\r\nCOMMIT\r\n');
  // a move from the very last line (no line ending after it)
  const t2 = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j LATE\n:LATE - [0:0]';
  const d2 = s.parse(t2);
  const f2 = s.diagnose(d2, DEFAULT_SETTINGS).find((x) => x.code === 'IPT002')!;
  const m = s.codeActions(d2, f2.range, [f2], DEFAULT_SETTINGS).find((x) => x.title.startsWith('Move'))!;
  assert.equal(applyEdits(t2, m.edits), '*filter\n:INPUT ACCEPT [0:0]\n:LATE - [0:0]\n-A INPUT -j LATE\n');
});
