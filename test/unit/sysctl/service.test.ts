// Language-service features on fixtures. Symbols, folding and semantic tokens of
// test/fixtures/sysctl/service/*.conf have goldens beside them; hover and completion cases
// are test/fixtures/sysctl/{hover,completion}/<case>.conf with one `|` cursor marker
// (removed before parsing) and a golden <case>.expected.{md,json}.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, resolveSettings, type Settings } from '../../../server/src/core/settings';
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
  const doc = parseSysctl('net.netfilter.nf_conntrack_max = 1\n# note\nnet.netfilter.nf_conntrack_buckets = 2\nvm.swappiness = 1\nfoo = 1\n');
  const syms = svc.symbols(doc);
  assert.deepEqual(syms.map((s) => [s.name, s.kind, (s.children ?? []).map((c) => c.name)]), [
    ['net.netfilter', 'namespace', ['net.netfilter.nf_conntrack_max', 'net.netfilter.nf_conntrack_buckets']],
    ['vm', 'namespace', ['vm.swappiness']],
    ['foo', 'property', []],
  ]);
  // A comment between two keys of a group does not split it.
  assert.deepEqual([syms[0].range.start.line, syms[0].range.end.line], [0, 2]);
});

test('symbols: interleaved groups become one group per run, and no two ranges overlap', () => {
  const doc = parseSysctl(
    'net.netfilter.nf_conntrack_max = 1\nnet.ipv4.ip_forward = 1\nnet.netfilter.nf_conntrack_buckets = 2\nnet.netfilter.nf_conntrack_acct = 1\n',
  );
  const syms = svc.symbols(doc);
  assert.deepEqual(
    syms.map((s) => [s.name, s.range.start.line, s.range.end.line, s.children!.length]),
    [
      ['net.netfilter', 0, 0, 1],
      ['net.ipv4', 1, 1, 1],
      ['net.netfilter', 2, 3, 2],
    ],
  );
  for (let i = 1; i < syms.length; i++) assert.ok(syms[i - 1].range.end.line < syms[i].range.start.line, 'ranges in order, disjoint');
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

/** Settings for a fixture: `<case>.settings.json` beside it (conntrackLens keys), else the defaults. */
function settingsFor(file: string): Settings {
  const p = file.replace(/\.conf$/, '.settings.json');
  return existsSync(p) ? resolveSettings(JSON.parse(readFileSync(p, 'utf8'))) : DEFAULT_SETTINGS;
}

for (const file of listFiles(path.join(FIXTURES, 'hover'), '.conf')) {
  test(`hover: ${file}`, () => {
    const full = path.join(FIXTURES, 'hover', file);
    const { text, at } = withCursor(readText(full));
    const h = svc.hover(parseSysctl(text), at, settingsFor(full));
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
  // Values of unknown keys have nothing to add; known ones say what the value means.
  assert.equal(hover('vm.swappiness = |1'), '');
  assert.match(hover('net.ipv4.ip_forward = |1'), /\*\*on\*\*/);
});

// --- inlay hints -----------------------------------------------------------------------
// test/fixtures/sysctl/inlay/<case>.conf: hints for the whole file (label, position, the
// tooltip's first line), or for the lines between two `|` markers when the file has them.

for (const file of listFiles(path.join(FIXTURES, 'inlay'), '.conf')) {
  test(`inlay: ${file}`, () => {
    const full = path.join(FIXTURES, 'inlay', file);
    // Each `|` marks a position (removed before parsing): none = whole file, two = the requested range.
    let text = readText(full);
    const marks: Position[] = [];
    for (let i = text.indexOf('|'); i >= 0; i = text.indexOf('|')) {
      const before = text.slice(0, i);
      const line = before.split(/\r\n|\r|\n/).length - 1;
      marks.push({ line, character: before.length - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) - 1 });
      text = before + text.slice(i + 1);
    }
    assert.ok(marks.length === 0 || marks.length === 2, 'zero or two `|` markers');
    const range: Range = marks.length ? { start: marks[0], end: marks[1] } : { start: { line: 0, character: 0 }, end: { line: text.split(/\r\n|\r|\n/).length, character: 0 } };
    const hints = svc.inlayHints(parseSysctl(text), range, settingsFor(full));
    const rows = hints.map((h) => `${h.position.line}:${h.position.character} ${h.label} — ${(h.tooltip ?? '').split('\n')[0]}`);
    golden(path.join(FIXTURES, 'inlay', file.replace(/\.conf$/, '.expected.json')), rows, renderRows);
  });
}

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
  const { text, at } = withCursor('net.netfilter.nf_conntrack_acct = 1\nnet.ipv4.ip_forward = 1\n  net.netf|ilter x\n');
  const items = svc.completion(parseSysctl(text), at, DEFAULT_SETTINGS);
  assert.ok(items.length > 1);
  for (const c of items) assert.equal(r(c.range!), '2:2-2:15');
  const sorted = items.slice().sort((a, b) => a.sortText!.localeCompare(b.sortText!));
  assert.equal(sorted[0].label, 'net.netfilter.nf_conntrack_acct');
  assert.equal(sorted[0].detail, 'used on line 1');
  assert.ok(items.some((c) => c.label === 'net.netfilter.nf_conntrack_max'));
  // Filtered by what was typed before the cursor.
  assert.ok(!items.some((c) => c.label === 'net.ipv4.ip_forward'));
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

