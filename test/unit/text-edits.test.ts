// The core's edit helpers against the reference: applyChanges must give what
// vscode-languageserver-textdocument (what the server used before) gives for the same content
// changes, clamping included; PieceText must read and edit like a plain string; lineCount /
// lineLength must count lines as that library does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as core from '../../server/src/core';
import { PieceText } from '../../server/src/core/text';
import { params, runs } from './reliability/gen';

const text = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', 'é', '#'), { maxLength: 40 }).map((a) => a.join(''));
const coord = fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constantFrom(1e9));
const change = fc.oneof(
  { weight: 9, arbitrary: fc.record({ range: fc.record({ start: fc.record({ line: coord, character: coord }), end: fc.record({ line: coord, character: coord }) }), text }) },
  { weight: 1, arbitrary: fc.record({ text }) },
);

test('applyChanges gives what vscode-languageserver-textdocument gives (ranges out of bounds and end first too)', () => {
  fc.assert(
    fc.property(text, fc.array(change, { maxLength: 4 }), (t, changes) => {
      // one change at a time on a fresh document: the library's incremental line table goes
      // stale when an insert joins a CR before it and an LF of its own into one line break
      let ref = t;
      for (const c of changes) ref = TextDocument.update(TextDocument.create('x', 'x', 1, ref), [c] as Parameters<typeof TextDocument.update>[1], 2).getText();
      assert.equal(core.applyChanges(t, changes), ref);
    }),
    params(runs(3_000)),
  );
});

test('the analysis counts lines and their lengths as the editor library does', () => {
  fc.assert(
    fc.property(text, fc.constantFrom('sysctl', 'iptables'), (t, lang) => {
      const a = core.analyze(lang, undefined, t)!;
      const d = TextDocument.create('x', lang, 1, t);
      assert.equal(core.lineCount(a), d.lineCount);
      for (let i = 0; i < d.lineCount; i++) assert.equal(core.lineLength(a, i), d.offsetAt({ line: i, character: 1e9 }) - d.offsetAt({ line: i, character: 0 }));
    }),
    params(runs(2_000)),
  );
});

test('PieceText reads and edits like a string, and stops piling up pieces', () => {
  const edit = fc.record({ from: fc.nat(60), len: fc.nat(10), insert: text });
  fc.assert(
    fc.property(text, fc.array(edit, { maxLength: 12 }), fc.nat(60), fc.nat(60), (t, edits, x, y) => {
      let p = PieceText.of(t);
      let s = t;
      for (const e of edits) {
        const from = Math.min(e.from, s.length);
        const to = Math.min(from + e.len, s.length);
        p = p.replace(from, to, e.insert);
        s = s.slice(0, from) + e.insert + s.slice(to);
        assert.equal(p.length, s.length);
        assert.equal(p.slice(Math.min(x, y), Math.max(x, y)), s.slice(Math.min(x, y), Math.max(x, y)));
      }
      assert.equal(p.toString(), s);
    }),
    params(runs(3_000)),
  );
  let p = PieceText.of('x'.repeat(2000));
  for (let i = 0; i < 2 * PieceText.MAX_PIECES; i++) p = p.replace(i, i + 1, 'y');
  assert.equal(p.toString(), 'y'.repeat(2 * PieceText.MAX_PIECES) + 'x'.repeat(2000 - 2 * PieceText.MAX_PIECES));
});
