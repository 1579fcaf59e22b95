// Property tests of the parser on generated text: it never throws, keeps every range inside
// the document, slices back to the raw pieces, and classifies each line the way an
// independent, regex-based reading of sysctl.d(5) / procps does.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseSysctl } from '../../../server/src/core/sysctl/parse';
import { sysctlService } from '../../../server/src/core/sysctl/service';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { blankTrim, checkRoundTrip } from './util';

// Characters that matter to the grammar, plus some that must not.
const PIECES = [
  'a', 'net', 'ipv4', '.', '/', '=', '-', '#', ';', '*', '?', '[', ']', ' ', '\t', '\v', '1', '0x1f', '42',
  '\n', '\r\n', '\r', '\uFEFF', '🚀', 'é', '"', '\\', '_',
];
const textArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((a) => a.join(''));

/** Independent classification of one line's content (BOM already removed). */
function expectedKind(content: string): string {
  const t = blankTrim(content);
  if (t === '') return 'blank';
  if (t[0] === '#' || t[0] === ';') return 'comment';
  const eq = t.indexOf('=');
  if (eq === -1) return t[0] === '-' ? 'exclude' : 'error';
  const key = blankTrim(t[0] === '-' ? t.slice(1, eq) : t.slice(0, eq));
  // sysctl.d(5): the first separator decides; in dotted keys a `/` is a literal dot.
  const m = /[./]/.exec(key);
  const comps = m && m[0] === '/' ? key.split('/') : key.split('.').map((c) => c.replace(/\//g, '.'));
  return comps.some((c) => c !== '' && c !== '.') ? 'assignment' : 'error';
}

test('generated text: total, ranges inside, slices give the raw pieces', () => {
  fc.assert(
    fc.property(textArb, (text) => {
      const doc = parseSysctl(text);
      checkRoundTrip(text, doc);
    }),
    { numRuns: 3000 },
  );
});

test('generated text: every line is classified as sysctl reads it', () => {
  fc.assert(
    fc.property(textArb, (text) => {
      const doc = parseSysctl(text);
      const physical = text.split(/\r\n|\r|\n/);
      physical.forEach((p, l) => {
        const content = l === 0 && doc.bom ? p.slice(1) : p;
        assert.equal(doc.lines[l].kind, expectedKind(content), JSON.stringify(content));
      });
    }),
    { numRuns: 3000 },
  );
});

test('generated text: every feature is total and tokens are sorted, single-line, inside', () => {
  fc.assert(
    fc.property(textArb, fc.nat(), fc.nat(), (text, lineSeed, colSeed) => {
      const doc = parseSysctl(text);
      const physical = text.split(/\r\n|\r|\n/);
      let prevLine = -1;
      let prevEnd = 0;
      for (const t of sysctlService.semanticTokens(doc)) {
        assert.ok(t.length > 0);
        assert.ok(t.line > prevLine || (t.line === prevLine && t.character >= prevEnd), 'sorted, not overlapping');
        assert.ok(t.character + t.length <= physical[t.line].length, 'inside its line');
        prevLine = t.line;
        prevEnd = t.character + t.length;
      }
      for (const f of sysctlService.folding(doc)) assert.ok(f.startLine < f.endLine && f.endLine < physical.length);
      for (const s of sysctlService.symbols(doc)) for (const c of s.children ?? []) assert.ok(c.range.start.line >= s.range.start.line && c.range.end.line <= s.range.end.line);
      const line = lineSeed % physical.length;
      const at = { line, character: colSeed % (physical[line].length + 1) };
      const h = sysctlService.hover(doc, at, DEFAULT_SETTINGS);
      if (h?.range) assert.ok(h.range.start.character <= at.character && at.character <= h.range.end.character);
      for (const c of sysctlService.completion(doc, at, DEFAULT_SETTINGS)) {
        assert.ok(c.range, 'completion items carry the replaced range');
        assert.equal(c.range.start.line, line);
        assert.ok(c.range.start.character <= at.character && at.character <= c.range.end.character);
      }
      // The pieces spell no known key, so only syntax errors (SYS004) can arise, and SYS003 when
      // the same key happens to be set twice (`ipv4=` on two lines): then the line it points at
      // must really be set again further down.
      const assignments = doc.lines.filter((l) => l.kind === 'assignment');
      for (const f of sysctlService.diagnose(doc, DEFAULT_SETTINGS)) {
        if (f.code === 'SYS003') {
          const at = assignments.find((l) => l.line === f.range.start.line);
          assert.ok(at && assignments.some((l) => l.line > at.line && l.key === at.key), `SYS003 on line ${f.range.start.line}`);
        } else assert.equal(f.code, 'SYS004');
      }
    }),
    { numRuns: 2000 },
  );
});
