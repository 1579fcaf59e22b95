// Positions are UTF-16 code units, as LSP requires: with CJK text and emoji (two code units
// each, some of them several code points) before the thing a range points at, the range must
// still slice exactly that thing out of the JavaScript string, and no range may end between
// the two halves of a surrogate pair.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as core from '../../../server/src/core';
import { parseIptables } from '../../../server/src/core/iptables/parse';
import type { SysctlDocument } from '../../../server/src/core/sysctl/ast';
import type { Range } from '../../../server/src/core/types';
import { checkAllFeatures, editorLines } from './lib';

const slice = (text: string, r: Range): string => {
  const lines = editorLines(text);
  assert.equal(r.start.line, r.end.line, 'single-line range');
  return lines[r.start.line].slice(r.start.character, r.end.character);
};

const SYSCTL = [
  '# 日本語のコメント 🚀 and a family 👨‍👩‍👧',
  'net.netfilter.nf_conntrack_max = 262144 # 上限 🚀',
  '🚀🚀 no equals here 日本',
  'net.netfilter.nf_conntrack_buckets = 🚀',
  '  -net.ipv4.conf.🚀.rp_filter',
  'net.ipv4.ip_forward = 1',
  '',
].join('\n');

test('sysctl: fields after CJK and emoji slice back exactly', () => {
  const a = core.analyze('sysctl', undefined, SYSCTL)!;
  const doc = a.doc as SysctlDocument;
  const [comment, max, noEq, buckets, exclude] = doc.lines;
  assert.equal(comment.kind, 'comment');
  if (comment.kind === 'comment') assert.equal(slice(SYSCTL, comment.textRange), '# 日本語のコメント 🚀 and a family 👨‍👩‍👧');
  assert.equal(max.kind, 'assignment');
  if (max.kind === 'assignment') {
    assert.equal(slice(SYSCTL, max.keyRange), 'net.netfilter.nf_conntrack_max');
    assert.equal(slice(SYSCTL, max.valueRange), '262144 # 上限 🚀');
    assert.equal(slice(SYSCTL, max.bareValueRange), '262144');
    assert.equal(max.comment && slice(SYSCTL, max.comment.range), '# 上限 🚀');
  }
  assert.equal(noEq.kind, 'error');
  if (noEq.kind === 'error') assert.equal(slice(SYSCTL, noEq.textRange), '🚀🚀 no equals here 日本');
  assert.equal(buckets.kind, 'assignment');
  if (buckets.kind === 'assignment') assert.equal(slice(SYSCTL, buckets.valueRange), '🚀');
  assert.equal(exclude.kind, 'exclude');
  if (exclude.kind === 'exclude') assert.equal(slice(SYSCTL, exclude.keyRange), 'net.ipv4.conf.🚀.rp_filter');

  const findings = core.diagnose(a, core.DEFAULT_SETTINGS);
  const sys004 = findings.find((f) => f.code === 'SYS004' && f.range.start.line === 2);
  assert.ok(sys004, 'the line without = is reported');
  assert.equal(slice(SYSCTL, sys004.range), '🚀🚀 no equals here 日本');
  // Whatever else is reported on the emoji value points at the value, not one unit off.
  for (const f of findings.filter((x) => x.range.start.line === 3 && x.range.start.character > 0)) {
    assert.ok(['🚀', 'net.netfilter.nf_conntrack_buckets', 'net.netfilter.nf_conntrack_buckets = 🚀'].includes(slice(SYSCTL, f.range)), `${f.code} → ${slice(SYSCTL, f.range)}`);
  }
  // Semantic tokens never cut an emoji, and the comment token is the whole comment.
  for (const t of a.service.semanticTokens(a.doc)) {
    const s = editorLines(SYSCTL)[t.line].slice(t.character, t.character + t.length);
    assert.ok(!/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(s), `token ${t.type} cuts a surrogate pair: ${JSON.stringify(s)}`);
    if (t.type === 'property' && t.line === 1) assert.ok('net.netfilter.nf_conntrack_max'.includes(s), `key token ${JSON.stringify(s)}`);
    if (t.type === 'comment' && t.line === 0) assert.equal(s, editorLines(SYSCTL)[0]);
  }
  checkAllFeatures(a.service, a.doc, SYSCTL, core.DEFAULT_SETTINGS);
});

const IPT = [
  '# ファイアウォール 🚀',
  '*filter',
  ':INPUT ACCEPT [0:0]',
  ':日本 - [0:0]',
  '-A INPUT -m comment --comment "防火墙 🚀 👨‍👩‍👧" -p tcp --dport 22 -j 日本',
  '-A INPUT -m comment --comment "🚀" -p tcp --dport 🚀 -j ACCEPT',
  '-A 日本 -m comment --comment 🚀🚀 -j ACCEPT',
  'COMMIT',
  '',
].join('\n');

test('iptables: arguments, chain names and diagnostics after CJK and emoji slice back exactly', () => {
  const doc = parseIptables(IPT);
  const rule = doc.lines[4];
  assert.equal(rule.kind, 'command');
  if (rule.kind === 'command') {
    for (const t of rule.tokens) assert.equal(slice(IPT, t.range), t.raw);
    assert.deepEqual(
      rule.tokens.map((t) => t.value),
      ['-A', 'INPUT', '-m', 'comment', '--comment', '防火墙 🚀 👨‍👩‍👧', '-p', 'tcp', '--dport', '22', '-j', '日本'],
    );
    const dport = rule.tokens.find((t) => t.value === '--dport')!;
    assert.equal(dport.range.start.character, IPT.split('\n')[4].indexOf('--dport'));
  }
  const chain = doc.lines[3];
  assert.equal(chain.kind, 'chain');
  if (chain.kind === 'chain') assert.equal(slice(IPT, chain.nameRange), '日本');

  const a = core.analyze('iptables', undefined, IPT)!;
  const findings = core.diagnose(a, core.DEFAULT_SETTINGS);
  // A finding on the rule with the bad port points at a whole argument (or the whole line).
  for (const f of findings.filter((x) => x.range.start.line === 5)) {
    const s = slice(IPT, f.range);
    const args = ['-A', 'INPUT', '-m', 'comment', '--comment', '"🚀"', '-p', 'tcp', '--dport', '🚀', '-j', 'ACCEPT'];
    assert.ok(args.includes(s) || s === IPT.split('\n')[5] || /^--dport\s+🚀$/.test(s), `${f.code} points at ${JSON.stringify(s)}`);
  }
  // Navigation from the jump target lands on the declaration's name.
  const line4 = IPT.split('\n')[4];
  const at = { line: 4, character: line4.lastIndexOf('日本') + 1 };
  for (const l of a.service.definition?.(a.doc, at) ?? []) assert.equal(slice(IPT, l.range), '日本');
  for (const l of a.service.references?.(a.doc, at, true) ?? []) assert.equal(slice(IPT, l.range), '日本');
  const edits = a.service.rename?.(a.doc, at, 'NIHON') ?? [];
  for (const e of edits) assert.equal(slice(IPT, e.range), '日本');
  checkAllFeatures(a.service, a.doc, IPT, core.DEFAULT_SETTINGS);
});

test('core/text.ts: columns are string indices (UTF-16), lines end at LF, CRLF and lone CR', () => {
  const text = '🚀a\r\n日本\rb\n\uFEFFc';
  const lines = core.splitLines(text);
  assert.deepEqual(
    lines.map((l) => [l.text, l.eol, l.offset]),
    [
      ['🚀a', '\r\n', 0],
      ['日本', '\r', 5],
      ['b', '\n', 8],
      ['\uFEFFc', '', 10],
    ],
  );
  assert.equal(lines.map((l) => l.text + l.eol).join(''), text);
});
