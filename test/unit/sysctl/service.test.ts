// Language-service features on fixtures. Symbols, folding and semantic tokens of
// test/fixtures/sysctl/service/*.conf have goldens beside them; hover and completion cases
// are test/fixtures/sysctl/{hover,completion}/<case>.conf with one `|` cursor marker
// (removed before parsing) and a golden <case>.expected.{md,json}.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { parseSysctl } from '../../../server/src/core/sysctl/parse';
import { sysctlService as svc } from '../../../server/src/core/sysctl/service';
import type { Position, Range } from '../../../server/src/core/types';
import { FIXTURES, golden, listFiles, readText, renderRows } from './util';

/** Removes the single `|` marker and returns the text and the cursor position. */
function withCursor(raw: string): { text: string; at: Position } {
  const i = raw.indexOf('|');
  assert.ok(i >= 0 && raw.indexOf('|', i + 1) === -1, 'exactly one `|` cursor marker');
  const before = raw.slice(0, i);
  const line = before.split(/\r\n|\r|\n/).length - 1;
  const character = before.length - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) - 1;
  return { text: before + raw.slice(i + 1), at: { line, character } };
}

const r = (x: Range): string => `${x.start.line}:${x.start.character}-${x.end.line}:${x.end.character}`;

// --- symbols, folding, semantic tokens -------------------------------------------------

for (const file of listFiles(path.join(FIXTURES, 'service'), '.conf')) {
  const base = path.join(FIXTURES, 'service', file.replace(/\.conf$/, ''));
  const text = readText(path.join(FIXTURES, 'service', file));
  const doc = parseSysctl(text);
  const lines = text.split(/\r\n|\r|\n/);

  test(`symbols: ${file}`, () => {
    const rows = svc.symbols(doc).map((s) => ({
      name: s.name,
      kind: s.kind,
      detail: s.detail,
      range: r(s.range),
      children: (s.children ?? []).map((c) => `${c.kind} ${c.name} = ${c.detail} @${r(c.selectionRange)}`),
    }));
    golden(`${base}.symbols.json`, rows, renderRows);
  });

  test(`folding: ${file}`, () => {
    golden(`${base}.folding.json`, svc.folding(doc), renderRows);
  });

  test(`semantic tokens: ${file}`, () => {
    const tokens = svc.semanticTokens(doc);
    const rows = tokens.map((t) => `${t.line}:${t.character} ${t.type} ${JSON.stringify(lines[t.line].slice(t.character, t.character + t.length))}`);
    golden(`${base}.tokens.json`, rows, renderRows);
  });
}

test('symbols: groups by the first two components, or the first when there are only two', () => {
  const doc = parseSysctl('net.netfilter.nf_conntrack_max = 1\nvm.swappiness = 1\nnet.netfilter.nf_conntrack_buckets = 2\nfoo = 1\n');
  const syms = svc.symbols(doc);
  assert.deepEqual(syms.map((s) => [s.name, s.kind, (s.children ?? []).map((c) => c.name)]), [
    ['net.netfilter', 'namespace', ['net.netfilter.nf_conntrack_max', 'net.netfilter.nf_conntrack_buckets']],
    ['vm', 'namespace', ['vm.swappiness']],
    ['foo', 'property', []],
  ]);
  // A group spans its members, so it contains them even when groups interleave.
  assert.deepEqual([syms[0].range.start.line, syms[0].range.end.line], [0, 2]);
});

test('folding: a single comment line and a single key do not fold', () => {
  const doc = parseSysctl('# one\nnet.ipv4.a = 1\n\n# two\n# three\nnet.ipv4.b = 1\nnet.ipv4.c = 1\nnet.core.d = 1\n');
  assert.deepEqual(svc.folding(doc), [
    { startLine: 3, endLine: 4, kind: 'comment' },
    { startLine: 5, endLine: 6 },
  ]);
});

test('semantic tokens: the group part of a key follows the separator rule', () => {
  const text = 'net.ipv4.conf.enp3s0/200.forwarding = 1\nnet/ipv4/conf/enp3s0.200/forwarding = 1\nvm..swappiness = 1\nfoo = 1\n';
  const lines = text.split('\n');
  const keys = svc
    .semanticTokens(parseSysctl(text))
    .filter((t) => t.type === 'namespace' || t.type === 'property')
    .map((t) => `${t.type} ${lines[t.line].slice(t.character, t.character + t.length)}`);
  assert.deepEqual(keys, [
    'namespace net.ipv4', 'property conf.enp3s0/200.forwarding',
    'namespace net/ipv4', 'property conf/enp3s0.200/forwarding',
    'namespace vm', 'property swappiness',
    'property foo',
  ]);
});

test('semantic tokens: numbers only when every word is a number', () => {
  const doc = parseSysctl('a.b = 32768 60999\na.b = 1 x\na.b = 0x1F # c\n');
  const types = svc.semanticTokens(doc).map((t) => `${t.line}:${t.type}`);
  assert.deepEqual(types, [
    '0:namespace', '0:property', '0:operator', '0:number', '0:number',
    '1:namespace', '1:property', '1:operator', '1:parameter',
    '2:namespace', '2:property', '2:operator', '2:number', '2:comment',
  ]);
});

// --- hover -----------------------------------------------------------------------------

for (const file of listFiles(path.join(FIXTURES, 'hover'), '.conf')) {
  test(`hover: ${file}`, () => {
    const { text, at } = withCursor(readText(path.join(FIXTURES, 'hover', file)));
    const h = svc.hover(parseSysctl(text), at, DEFAULT_SETTINGS);
    const out = h ? `range: ${r(h.range!)}\n\n${h.contents}\n` : '(no hover)\n';
    golden(path.join(FIXTURES, 'hover', file.replace(/\.conf$/, '.expected.md')), out, (v) => String(v));
  });
}

test('hover: key facts are stated', () => {
  const hover = (raw: string): string => {
    const { text, at } = withCursor(raw);
    return svc.hover(parseSysctl(text), at, DEFAULT_SETTINGS)?.contents ?? '';
  };
  const slash = hover('net/ipv4/conf/enp3s0.200/for|warding = 1');
  assert.match(slash, /net\.ipv4\.conf\.enp3s0\/200\.forwarding/);
  assert.match(slash, /`\/proc\/sys\/net\/ipv4\/conf\/enp3s0\.200\/forwarding`/);
  assert.match(slash, /`enp3s0\.200`/);
  assert.match(hover('-net.ipv4.tcp|_tw_reuse = 1'), /`-` prefix/);
  assert.doesNotMatch(hover('net.ipv4.tcp|_tw_reuse = 1'), /`-` prefix|Glob/);
  assert.match(hover('net.ipv4.conf.*.rp|_filter = 1'), /Glob/);
  assert.match(hover('-net.ipv4.conf.lo|.rp_filter'), /excluded/);
  assert.match(hover('k.x = 1 # no|te'), /part of the value/);
  assert.equal(hover('# net.ipv4.tcp|_tw_reuse = 1'), '');
  assert.equal(hover('net.ipv4.ip_forward = |1'), '');
});

// --- completion ------------------------------------------------------------------------

for (const file of listFiles(path.join(FIXTURES, 'completion'), '.conf')) {
  test(`completion: ${file}`, () => {
    const { text, at } = withCursor(readText(path.join(FIXTURES, 'completion', file)));
    const items = svc.completion(parseSysctl(text), at, DEFAULT_SETTINGS);
    const rows = items
      .slice()
      .sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label))
      .map((c) => `${c.label} (${c.kind}${c.detail ? `: ${c.detail}` : ''}) @${r(c.range!)}`);
    golden(path.join(FIXTURES, 'completion', file.replace(/\.conf$/, '.expected.json')), rows, renderRows);
  });
}

test('completion: the range is the word being typed, keys from the file come first', () => {
  const { text, at } = withCursor('net.ipv4.ip_forward = 1\n  net.netf|ilter x\n');
  const items = svc.completion(parseSysctl(text), at, DEFAULT_SETTINGS);
  assert.ok(items.length > 1);
  for (const c of items) assert.equal(r(c.range!), '1:2-1:15');
  const sorted = items.slice().sort((a, b) => a.sortText!.localeCompare(b.sortText!));
  assert.equal(sorted[0].label, 'net.ipv4.ip_forward');
  assert.ok(items.some((c) => c.label === 'net.netfilter.nf_conntrack_max'));
  // The line being edited does not suggest itself.
  const self = withCursor('net.ipv4.ip_forwar|d = 1\n');
  assert.ok(!svc.completion(parseSysctl(self.text), self.at, DEFAULT_SETTINGS).some((c) => c.detail?.startsWith('used on line 1')));
});

test('completion: 0/1 only for keys whose current value is 0 or 1', () => {
  const complete = (raw: string): string[] => {
    const { text, at } = withCursor(raw);
    return svc.completion(parseSysctl(text), at, DEFAULT_SETTINGS).map((c) => c.label);
  };
  assert.deepEqual(complete('net.ipv4.ip_forward = |1\n'), ['0', '1']);
  assert.deepEqual(complete('net.ipv4.ip_forward = 0\nnet.ipv4.ip_forward = |\n'), ['0', '1']);
  assert.deepEqual(complete('vm.swappiness = |10\n'), []);
  assert.deepEqual(complete('# net.ipv4.ip_forward = |1\n'), []);
});

// --- inlay hints and code actions: plumbing only for now --------------------------------

test('inlay hints and code actions are empty until the knowledge base provides them', () => {
  const doc = parseSysctl('net.netfilter.nf_conntrack_max = 262144\n');
  const all: Range = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
  assert.deepEqual(svc.inlayHints(doc, all, DEFAULT_SETTINGS), []);
  assert.deepEqual(svc.codeActions(doc, all, [], DEFAULT_SETTINGS), []);
});
