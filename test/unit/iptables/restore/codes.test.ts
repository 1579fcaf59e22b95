// Golden fixtures per restore-level code (IPT002–IPT010): each
// test/fixtures/iptables/codes/<CODE>/{positive,negative}-*.rules is real
// iptables-restore input (test/realtools/run.mjs restores every one of them
// with iptables-nft-restore in `unshare -n` and checks our verdict), with the
// IPT findings we give it in <name>.expected.json.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { codeInfo } from '../../../../server/src/core/codes';
import { iptablesService as s } from '../../../../server/src/core/iptables/service';
import { DEFAULT_SETTINGS } from '../../../../server/src/core/settings';
import type { Finding } from '../../../../server/src/core/types';
import { golden, rangeText } from '../helpers';

const ROOT = join(__dirname, '../../../fixtures/iptables/codes');
const CODES = ['IPT002', 'IPT003', 'IPT004', 'IPT005', 'IPT006', 'IPT007', 'IPT008', 'IPT009', 'IPT010'];

function render(f: Finding): string {
  return `${rangeText(f.range)} ${f.code} ${f.severity}${f.tags?.length ? ' [' + f.tags.join(',') + ']' : ''}: ${f.message}`;
}

/** `# restore: accept` / `# restore: reject N,M` (the realtools harness reads the same line). */
function expectation(text: string): { accept: boolean; lines: number[] } | null {
  const m = /^#\s*restore:\s*(accept|reject)\b[ \t]*([\d, ]*)/m.exec(text.slice(0, 2000));
  if (!m) return null;
  return { accept: m[1] === 'accept', lines: m[2].split(/[ ,]+/).filter(Boolean).map(Number) };
}

test('every restore-level code has positive and negative fixtures', () => {
  for (const code of CODES) {
    const files = readdirSync(join(ROOT, code)).filter((f) => f.endsWith('.rules'));
    assert.ok(files.some((f) => f.startsWith('positive')), `${code}: no positive fixture`);
    assert.ok(files.some((f) => f.startsWith('negative')), `${code}: no negative fixture`);
  }
});

for (const code of CODES) {
  for (const file of readdirSync(join(ROOT, code)).filter((f) => f.endsWith('.rules')).sort()) {
    test(`${code}/${file}`, () => {
      const path = join(ROOT, code, file);
      const text = readFileSync(path, 'utf8');
      const doc = s.parse(text);
      const all = s.diagnose(doc, DEFAULT_SETTINGS);
      const ipt = all.filter((f) => f.code.startsWith('IPT'));
      golden(path.replace(/\.rules$/, '.expected.json'), ipt.map(render));

      const mine = ipt.filter((f) => f.code === code);
      const exp = expectation(text);
      assert.ok(exp, 'fixture needs a `# restore:` line');
      if (file.startsWith('negative')) {
        assert.deepEqual(mine.map(render), [], 'a negative fixture gets no finding of its code');
      } else {
        assert.ok(mine.length > 0, `a positive fixture gets ${code}`);
        // errors only where restore fails; warnings and hints on files it accepts
        if (codeInfo(code).severity === 'error' && !exp.accept) assert.ok(mine.some((f) => f.severity === 'error'), 'an error where restore fails');
      }
      if (exp.accept) {
        assert.deepEqual(all.filter((f) => f.severity === 'error').map(render), [], 'restore accepts this file: no error from us');
      } else {
        assert.ok(all.some((f) => f.severity === 'error'), 'restore rejects this file: we report an error');
        // restore's own line (or, for loops, a line of the loop) carries one of our errors
        const errLines = new Set(all.filter((f) => f.severity === 'error').map((f) => f.range.start.line + 1));
        assert.ok(exp.lines.some((l) => errLines.has(l)) || code === 'IPT007', `an error on line ${exp.lines.join(' or ')}; got ${[...errLines].join(',')}`);
      }
    });
  }
}
