// Hostile documents through the whole core (parse, diagnose, every feature), in both
// languages: each must be answered in bounded time and memory, with every range inside the
// document, and the parse must print back to the same text. The inputs are what users paste:
// one 5 MB line, 300k lines of garbage, lone surrogates and NUL bytes, CR-only line ends,
// a BOM, million-digit values, 200k declared chains, a 100 KB quoted comment, and jump
// graphs 20,000 chains deep (straight, looping, by goto) that a recursive walk would overflow.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as core from '../../../server/src/core';
import type { IptablesDocument } from '../../../server/src/core/iptables/ast';
import type { SysctlDocument } from '../../../server/src/core/sysctl/ast';
import type { Position } from '../../../server/src/core/types';
import { CASES, garbageLines, MB, rep } from './hostile-cases';
import { checkAllFeatures, editorLines, printIptables, printSysctl } from './lib';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Parse + diagnose of one document, on a CI machine with two busy cores. */
const TIME_LIMIT_MS = 10_000;
/** Any single request on it (hover, tokens, symbols, rename …). */
const REQUEST_LIMIT_MS = 6_000;
/** Heap a document's analysis may keep alive: a sane multiple of its size, plus slack. */
const heapLimit = (text: string): number => 64 * 1024 * 1024 + text.length * 120;

/** Start and end of the text, and the middle of its longest line (where hostile content sits). */
function fewPositions(text: string): Position[] {
  const lines = editorLines(text);
  let longest = 0;
  for (let i = 1; i < lines.length; i++) if (lines[i].length > lines[longest].length) longest = i;
  let c = lines[longest].length >> 1;
  if (c > 0 && /[\udc00-\udfff]/.test(lines[longest][c]) && /[\ud800-\udbff]/.test(lines[longest][c - 1])) c--;
  const last = lines.length - 1;
  return [{ line: 0, character: 0 }, { line: longest, character: c }, { line: last >> 1, character: Math.min(1, lines[last >> 1].length) }, { line: last, character: lines[last].length }];
}

for (const c of CASES) {
  for (const lang of c.langs) {
    test(`${c.name} as ${lang}: bounded time and memory, every range inside`, () => {
      const text = c.text();
      const settings = core.resolveSettings({ hostMemory: '64GiB', kernelVersion: '6.12' });
      gc();
      const heap0 = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const a = core.analyze(lang, undefined, text);
      assert.ok(a, 'analysed');
      const findings = core.diagnose(a, settings);
      const t1 = performance.now();
      gc();
      const retained = process.memoryUsage().heapUsed - heap0;
      assert.ok(t1 - t0 < TIME_LIMIT_MS, `analysis took ${(t1 - t0).toFixed(0)} ms`);
      assert.ok(retained < heapLimit(text), `analysis keeps ${(retained / MB).toFixed(0)} MB alive for ${(text.length / MB).toFixed(1)} MB of text`);
      checkAllFeatures(a.service, a.doc, text, settings, { positions: fewPositions(text), limitMs: REQUEST_LIMIT_MS });
      const nLines = editorLines(text).length;
      for (const f of findings) assert.ok(f.range.start.line < nLines, `${f.code} line`);
      // Every line of the text is a node, and the parse is lossless on hostile text too.
      if (lang === 'sysctl') {
        assert.equal((a.doc as SysctlDocument).lines.length, nLines);
        assert.ok(printSysctl(a.doc as SysctlDocument) === text, 'sysctl parse prints back to the text');
      } else {
        const doc = a.doc as IptablesDocument;
        assert.equal(doc.lines.length, nLines);
        assert.ok(printIptables(doc) === text, 'iptables parse prints back to the text');
      }
    });
  }
}

test('plaintext buffers holding hostile text are sniffed in bounded time', () => {
  for (const text of [rep('x', 5 * MB), garbageLines(300_000), rep('\r', 1_000_000), rep('-A INPUT = 1\n', 100_000), '\uFEFF' + rep(' ', 2 * MB)]) {
    const t0 = performance.now();
    const a = core.analyze('plaintext', 'untitled:Untitled-1', text);
    if (a) core.diagnose(a, core.DEFAULT_SETTINGS);
    assert.ok(performance.now() - t0 < TIME_LIMIT_MS);
  }
});
