// reparse(prev, newText) must equal parse(newText) exactly, for any edit, while reusing
// the nodes of untouched lines.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseSysctl, reparseSysctl } from '../../../server/src/core/sysctl/parse';

const PIECES = ['a', 'k.x', '/', '=', '-', '#', ';', ' ', '1', '\n', '\r\n', '\r', '\uFEFF', '🚀'];
const textArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join(''));

/** An edit: replace text[start, start + del) by `ins`. */
const editArb = fc.tuple(textArb, fc.nat(), fc.nat({ max: 6 }), fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((a) => a.join('')));

function apply(text: string, start: number, del: number, ins: string): string {
  const s = start % (text.length + 1);
  return text.slice(0, s) + ins + text.slice(s + del);
}

test('reparse after any edit equals a full parse', () => {
  fc.assert(
    fc.property(editArb, ([text, start, del, ins]) => {
      const next = apply(text, start, del, ins);
      assert.deepStrictEqual(reparseSysctl(parseSysctl(text), next), parseSysctl(next));
    }),
    { numRuns: 20000 },
  );
});

test('reparse: CR/LF pairs formed or broken at the edit boundary', () => {
  for (const [a, b] of [
    ['a=1\rb=2\n', 'a=1\r\nb=2\n'],
    ['a=1\r\nb=2\n', 'a=1\rb=2\n'],
    ['a=1\r\nb=2\n', 'a=1\r\r\nb=2\n'],
    ['x=1\n', '\uFEFFx=1\n'],
    ['\uFEFFx=1\n', 'x=1\n'],
    ['a=1\nb=2\nc=3\n', 'a=1\nb=22\nc=3\n'],
    ['a=1\nb=2\nc=3\n', 'a=1\nc=3\n'],
    ['', 'a=1'],
    ['a=1', ''],
  ]) {
    assert.deepStrictEqual(reparseSysctl(parseSysctl(a), b), parseSysctl(b), JSON.stringify([a, b]));
  }
});

test('reparse reuses untouched nodes: typing inside one line of a big file', () => {
  const text = Array.from({ length: 20000 }, (_, i) => `net.ipv4.key${i} = ${i}`).join('\n');
  const prev = parseSysctl(text);
  const at = text.indexOf('key12000 = ') + 'key12000 = '.length;
  const next = text.slice(0, at) + '9' + text.slice(at);
  const doc = reparseSysctl(prev, next);
  assert.equal(doc.lines[0], prev.lines[0], 'a line before the edit is the same object');
  assert.equal(doc.lines[19999], prev.lines[19999], 'a line after the edit is the same object');
  assert.notEqual(doc.lines[12000], prev.lines[12000]);
  assert.equal(doc.assignments[12000].value, "912000");
  assert.deepStrictEqual(doc, parseSysctl(next));
});
