// Golden fixtures per fix: test/fixtures/iptables/fixes/CT2xx/<case>.before.rules starts
// with `# apply: <kind> @<line> <title start>`; the test asks the service for the code
// actions at that line (sending back the document's findings, as an editor does), applies
// the single matching action and compares with <case>.after.rules (UPDATE_GOLDEN=1 writes
// it). The result must be valid restore input (test/realtools also restores every file
// with the real iptables-nft-restore), the fixed finding must be gone, and fix-all must
// be idempotent.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { CodeActionKind } from '../../../../server/src/core/types';
import { UPDATE } from '../helpers';
import { actionsAt, applyEdits, diagnose, listFiles, WHOLE, parse, svc } from './util';
import { DEFAULT_SETTINGS } from '../../../../server/src/core/settings';

const ROOT = path.resolve(__dirname, '../../../fixtures/iptables/fixes');
const DIRECTIVE = /^# apply: (quickfix|refactor|source\.fixAll) @(\d+) (.+)$/m;

for (const dir of readdirSync(ROOT).filter((d) => /^CT2\d\d$/.test(d)).sort()) {
  for (const file of listFiles(path.join(ROOT, dir), '.before.rules')) {
    test(`fix ${dir}: ${file}`, () => {
      const beforePath = path.join(ROOT, dir, file);
      const afterPath = beforePath.replace(/\.before\.rules$/, '.after.rules');
      const before = readFileSync(beforePath, 'utf8');
      const m = DIRECTIVE.exec(before);
      assert.ok(m, `${file} needs a "# apply: <kind> @<line> <title>" line`);
      const kind = m[1] as CodeActionKind;
      const line = Number(m[2]) - 1;
      const title = m[3].trim();
      const found = actionsAt(before, line, [kind]).filter((a) => a.kind === kind && a.title.startsWith(title));
      assert.equal(found.length, 1, `one ${kind} action "${title}…" at line ${line + 1}; got ${found.map((a) => a.title).join(' | ') || 'none'}`);
      const action = found[0];
      const after = applyEdits(before, action.edits);
      assert.notEqual(after, before, 'the fix changes the text');
      if (UPDATE || !existsSync(afterPath)) {
        if (!UPDATE) assert.fail(`missing ${afterPath} (run with UPDATE_GOLDEN=1 and review it)`);
        writeFileSync(afterPath, after);
      } else assert.equal(after, readFileSync(afterPath, 'utf8'), `${afterPath} differs (UPDATE_GOLDEN=1 rewrites it)`);

      // valid input for iptables-restore (as far as we judge it)
      const errors = diagnose(after, '').filter((f) => f.severity === 'error');
      assert.deepEqual(errors.map((f) => f.message), []);
      // what the action claims to fix is fixed
      for (const f of action.fixes ?? []) {
        const n0 = diagnose(before, f.code).length;
        const n1 = diagnose(after, f.code).length;
        assert.ok(n1 < n0, `${f.code}: ${n0} before, ${n1} after`);
      }
      if (kind === 'source.fixAll') {
        const again = svc.codeActions(parse(after), WHOLE, [], DEFAULT_SETTINGS, ['source.fixAll']);
        assert.deepEqual(again, [], 'fix-all twice = fix-all once');
        assert.equal(diagnose(after, 'CT203').length + diagnose(after, 'CT204').length, 0);
      }
      // pure line insertions keep every original line, in order
      if (action.edits.every((e) => e.range.start.line === e.range.end.line && e.range.start.character === 0 && e.range.end.character === 0)) {
        const rest = after.split('\n');
        let i = 0;
        for (const l of before.split('\n')) {
          while (i < rest.length && rest[i] !== l) i++;
          assert.ok(i < rest.length, `line "${l}" kept`);
          i++;
        }
        assert.equal(rest.length - before.split('\n').length, action.edits.reduce((n, e) => n + e.newText.split('\n').length - 1, 0));
      }
    });
  }
}

test('the shared quick-fix properties hold on every CT2xx fixture (edits only on the finding or its related lines, fix-all idempotent)', async () => {
  const { checkFixes, newFixStats } = await import('../../reliability/lib');
  const stats = newFixStats();
  const codesRoot = path.resolve(__dirname, '../../../fixtures/iptables/codes');
  const files: string[] = [];
  for (const root of [ROOT, codesRoot]) {
    for (const dir of readdirSync(root).filter((d) => /^CT2\d\d$/.test(d))) {
      for (const f of listFiles(path.join(root, dir), '.rules')) files.push(path.join(root, dir, f));
    }
  }
  assert.ok(files.length > 40, `${files.length} fixtures`);
  for (const f of files) checkFixes(svc, readFileSync(f, 'utf8'), DEFAULT_SETTINGS, stats);
  for (const c of ['CT201', 'CT202', 'CT203', 'CT204', 'CT206']) assert.ok(stats.codes.has(c), `fixes for ${c} were exercised`);
});

test('"Stop tracking port" is not offered where the new *raw line would end in a CR (iptables-restore refuses `raw\\r`)', () => {
  const lf = readFileSync(path.join(ROOT, 'CT201/stop-tracking-no-raw.before.rules'), 'utf8');
  const titles = (text: string) => actionsAt(text, 8, ['refactor']).map((a) => a.title);
  assert.ok(titles(lf).includes('Stop tracking port 80'), 'offered in the LF file');
  assert.deepEqual(titles(lf.replace(/\n/g, '\r\n')).filter((t) => t.startsWith('Stop tracking')), [], 'not in the CRLF copy');
  assert.deepEqual(titles(lf.replace(/\n/g, '\r')).filter((t) => t.startsWith('Stop tracking')), [], 'not in the CR copy');
  // with a raw table already there, only rules are added: CRLF rule lines restore fine
  const withRaw = readFileSync(path.join(ROOT, 'CT201/stop-tracking-existing-raw.before.rules'), 'utf8');
  const m = /^# apply: refactor @(\d+) (.+)$/m.exec(withRaw)!;
  assert.ok(actionsAt(withRaw.replace(/\n/g, '\r\n'), Number(m[1]) - 1, ['refactor']).some((a) => a.title.startsWith(m[2].trim())));
});
