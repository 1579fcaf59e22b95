// Parser goldens: every test/fixtures/sysctl/parse/<case>.conf has <case>.expected.json,
// a compact per-line summary (ranges as `start-end` columns on the node's line).
// Rewrite with UPDATE_GOLDEN=1 and review the diff by hand.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { normalizeSysctlKey, parseSysctl, splitSysctlKey } from '../../../server/src/core/sysctl/parse';
import { checkRoundTrip, FIXTURES, golden, listFiles, readText, renderRows, summarizeLine } from './util';

const DIR = path.join(FIXTURES, 'parse');
const CASES = listFiles(DIR, '.conf');

test('parse fixtures exist for every required case', () => {
  for (const c of [
    'crlf', 'bom', 'no-final-newline', 'lone-cr', 'slash-keys', 'globs', 'ignore-prefix', 'semicolon-comments',
    'whitespace', 'inline-comment', 'bad-lines', 'empty-value', 'unicode-comments', 'long-lines',
  ]) {
    assert.ok(CASES.includes(`${c}.conf`), `missing fixture ${c}.conf`);
  }
});

for (const file of CASES) {
  const name = file.replace(/\.conf$/, '');
  test(`parse golden: ${name}`, () => {
    const text = readText(path.join(DIR, file));
    const doc = parseSysctl(text);
    checkRoundTrip(text, doc);
    golden(path.join(DIR, `${name}.expected.json`), { bom: doc.bom, lines: doc.lines.map(summarizeLine) }, renderRows);
  });
}

test('line ends: CRLF, lone CR and no final newline give the same nodes as LF', () => {
  const lf = parseSysctl('a.b = 1\n# c\nd = 2\n');
  for (const variant of ['a.b = 1\r\n# c\r\nd = 2\r\n', 'a.b = 1\r# c\rd = 2\r', 'a.b = 1\n# c\r\nd = 2\r']) {
    assert.deepEqual(parseSysctl(variant).lines, lf.lines, JSON.stringify(variant));
  }
  const noFinal = parseSysctl('a.b = 1\n# c\nd = 2');
  assert.deepEqual(noFinal.lines, lf.lines.slice(0, 3));
});

test('UTF-16 columns: astral characters count two units', () => {
  const doc = parseSysctl('# 🚀\nkernel.hostname = 🚀x # 🔥\n');
  const a = doc.assignments[0];
  assert.equal(a.value, '🚀x # 🔥');
  assert.deepEqual(a.valueRange, { start: { line: 1, character: 18 }, end: { line: 1, character: 26 } });
  assert.equal(a.bareValue, '🚀x');
  assert.equal(a.bareValueRange.end.character, 21);
  assert.deepEqual(a.comment?.range.start, { line: 1, character: 22 });
});

test('BOM: skipped by the parser, counted in columns', () => {
  const doc = parseSysctl('\uFEFFnet.ipv4.ip_forward = 1\n');
  assert.equal(doc.bom, true);
  const a = doc.assignments[0];
  assert.equal(a.rawKey, 'net.ipv4.ip_forward');
  assert.equal(a.keyRange.start.character, 1);
  assert.equal(a.range.start.character, 1);
});

test('key splitting follows sysctl.d(5): the first separator decides', () => {
  assert.deepEqual(splitSysctlKey('net/ipv4/conf/enp3s0.200/forwarding').components, ['net', 'ipv4', 'conf', 'enp3s0.200', 'forwarding']);
  assert.deepEqual(splitSysctlKey('net.ipv4.conf.enp3s0/200.forwarding').components, ['net', 'ipv4', 'conf', 'enp3s0.200', 'forwarding']);
  assert.equal(normalizeSysctlKey('net/ipv4/conf/enp3s0.200/forwarding'), 'net.ipv4.conf.enp3s0/200.forwarding');
  assert.equal(normalizeSysctlKey('net/netfilter/nf_conntrack_max'), 'net.netfilter.nf_conntrack_max');
  assert.equal(normalizeSysctlKey('/net//ipv4/ip_forward'), 'net.ipv4.ip_forward');
  assert.equal(normalizeSysctlKey('net..ipv4.tcp_syncookies'), 'net.ipv4.tcp_syncookies');
  const l = splitSysctlKey('net/ipv4/conf/enp3s0.200/forwarding');
  assert.deepEqual([l.starts, l.ends, l.separator], [[0, 4, 9, 14, 25], [3, 8, 13, 24, 35], '/']);
  const doc = parseSysctl('net/ipv4/conf/enp3s0.200/forwarding = 1\n');
  assert.equal(doc.assignments[0].path, 'net/ipv4/conf/enp3s0.200/forwarding');
  assert.equal(doc.assignments[0].key, 'net.ipv4.conf.enp3s0/200.forwarding');
});

test('inline comments: value is what sysctl writes, bareValue what was meant', () => {
  const [a, b, c] = parseSysctl('k.a = 1 # one\nk.b = web#1\nk.c = ; all comment\n').assignments;
  assert.deepEqual([a.value, a.bareValue, a.comment?.text], ['1 # one', '1', '# one']);
  assert.deepEqual([b.value, b.bareValue, b.comment], ['web#1', 'web#1', undefined]);
  assert.deepEqual([c.value, c.bareValue, c.comment?.text], ['; all comment', '', '; all comment']);
});

test('errors: no `=` and empty keys; excludes and empty values are not errors', () => {
  const doc = parseSysctl('a b\n= 1\n.=1\n-\n-x.y\nk =\n');
  assert.deepEqual(doc.errors.map((e) => [e.line, e.reason]), [[0, 'no-equals'], [1, 'empty-key'], [2, 'empty-key']]);
  assert.deepEqual(doc.excludes.map((e) => [e.line, e.key]), [[3, ''], [4, 'x.y']]);
  assert.deepEqual(doc.assignments.map((a) => [a.line, a.key, a.value]), [[5, 'k', '']]);
});
