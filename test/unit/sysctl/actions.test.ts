// Quick-fixes and source.fixAll, applied and re-checked. Each case in
// test/fixtures/sysctl/fixes/<case>.conf is diagnosed, the named action is taken from the
// code actions for the finding, its edits are applied to the text, and the result must
// equal <case>.expected.conf (UPDATE_GOLDEN=1 rewrites it; review by hand). Then: the
// finding is gone after a re-parse, only the intended lines changed (every other line is
// byte for byte the same, line endings included), and the text stays valid UTF-8.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, resolveSettings } from '../../../server/src/core/settings';
import { parseSysctl } from '../../../server/src/core/sysctl/parse';
import { sysctlService as svc } from '../../../server/src/core/sysctl/service';
import type { CodeAction, Finding, Range, TextEdit } from '../../../server/src/core/types';
import { FIXTURES, golden, readText } from './util';

const DIR = path.join(FIXTURES, 'fixes');

/** Offsets of the start of each line (LF, CRLF and lone CR end lines, as in the parser). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') i++;
    if (c === '\n' || c === '\r') starts.push(i + 1);
  }
  return starts;
}

/** Applies LSP-style edits (UTF-16 columns), last first; rejects overlapping edits. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = lineStarts(text);
  const off = (p: Range['start']): number => starts[p.line] + p.character;
  const sorted = edits.map((e) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].e <= sorted[i - 1].s, 'edits do not overlap');
  let out = text;
  for (const x of sorted) out = out.slice(0, x.s) + x.t + out.slice(x.e);
  return out;
}

/** Physical lines with their end-of-line sequences, for byte-exact comparisons. */
function rawLines(text: string): string[] {
  return text.match(/[^\r\n]*(\r\n|\r|\n|$)/g)!.filter((l, i, all) => l !== '' || i < all.length - 1);
}

const ALL: Range = { start: { line: 0, character: 0 }, end: { line: 1e6, character: 0 } };

function actionsFor(text: string, code: string, line?: number, settings = DEFAULT_SETTINGS): { finding: Finding; actions: CodeAction[] } {
  const doc = parseSysctl(text);
  const finding = svc.diagnose(doc, settings).find((f) => f.code === code && (line === undefined || f.range.start.line === line));
  assert.ok(finding, `${code} is raised`);
  // The editor sends the diagnostics back as they were published: data survives a JSON round trip.
  const sent = JSON.parse(JSON.stringify(finding)) as Finding;
  return { finding, actions: svc.codeActions(doc, finding.range, [sent], settings, ['quickfix']) };
}

interface Case {
  file: string;
  code: string;
  /** Start of the action's title. */
  action: string;
  /** Line of the finding (the first of its code when absent). */
  line?: number;
  /** The expected result, when one input file serves several cases. */
  expected?: string;
  /** 0-based lines of the input that may change (an inserted line comes after them). */
  changed: number[];
  inserted?: number;
  removed?: number;
}

const CASES: Case[] = [
  { file: 'ct101-edit.conf', code: 'CT101', action: 'Set nf_conntrack_buckets to 12,262,400 (1 entry per bucket', changed: [3] },
  { file: 'ct101-insert-crlf.conf', code: 'CT101', action: 'Set nf_conntrack_buckets to 3,065,856 (4 entries per bucket', changed: [], inserted: 1 },
  { file: 'ct101-insert-last-line.conf', code: 'CT101', action: 'Set nf_conntrack_buckets to 12,262,400', changed: [], inserted: 1 },
  { file: 'ct105-rename.conf', code: 'CT105', action: 'Rename to net.netfilter.nf_conntrack_max', changed: [1] },
  {
    file: 'ct105-rename.conf',
    code: 'CT105',
    line: 2,
    action: 'Rename to net.netfilter.nf_conntrack_tcp_timeout_established',
    changed: [2],
    expected: 'ct105-rename-slash.expected.conf',
  },
  { file: 'sys001-rename.conf', code: 'SYS001', action: 'Change to net.netfilter.nf_conntrack_max', changed: [0] },
  { file: 'sys003-remove.conf', code: 'SYS003', action: 'Remove this line', changed: [], removed: 0 },
];

for (const c of CASES) {
  test(`fix ${c.code}: ${c.file}${c.line !== undefined ? ` line ${c.line + 1}` : ''}`, () => {
    const file = path.join(DIR, c.file);
    const text = readText(file);
    const { finding, actions } = actionsFor(text, c.code, c.line);
    const action = actions.find((a) => a.title.startsWith(c.action));
    assert.ok(action, `action "${c.action}" among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(action.kind, 'quickfix');
    assert.deepEqual(action.fixes?.map((f) => f.code), [c.code]);
    const after = applyEdits(text, action.edits);
    golden(c.expected ? path.join(DIR, c.expected) : file.replace(/\.conf$/, '.expected.conf'), after, (v) => String(v));

    // The finding is gone after a re-parse (same code on the same line).
    const again = svc.diagnose(parseSysctl(after), DEFAULT_SETTINGS);
    const line = finding.range.start.line;
    assert.ok(!again.some((f) => f.code === c.code && (c.removed !== undefined || f.range.start.line === line)), `${c.code} gone: ${JSON.stringify(again)}`);

    // Only the intended lines changed; every other line is the same bytes, EOL included.
    const before = rawLines(text);
    const now = rawLines(after);
    const expectedCount = before.length + (c.inserted ?? 0) - (c.removed !== undefined ? 1 : 0);
    assert.equal(now.length, expectedCount, 'line count');
    let j = 0;
    for (let i = 0; i < before.length; i++) {
      if (c.removed === i) continue;
      if (!c.changed.includes(i) && !(c.inserted && i === finding.data?.maxLine)) assert.equal(now[j], before[i], `line ${i + 1} unchanged`);
      j++;
      if (c.inserted && i === finding.data?.maxLine) j += c.inserted;
    }
    // Line endings: a CRLF file stays CRLF, an LF file gets no CR.
    if (text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(after) && !/\r(?!\n)/.test(after), 'CRLF preserved');
    else assert.ok(!after.includes('\r'), 'no CR introduced');
    assert.equal(Buffer.from(after, 'utf8').toString('utf8'), after, 'valid UTF-8');
  });
}

test('CT101 fix: the inserted line copies the key style, indentation and spacing of the max line', () => {
  const text = readText(path.join(DIR, 'ct101-insert-crlf.conf'));
  const { actions } = actionsFor(text, 'CT101');
  const insert = actions[0].edits[0];
  assert.deepEqual(insert.range.start, insert.range.end, 'a pure insertion');
  assert.equal(insert.newText, '\r\n  net/netfilter/nf_conntrack_buckets=12262400');
  assert.deepEqual(actions.map((a) => [a.title, a.isPreferred]), [
    ['Set nf_conntrack_buckets to 12,262,400 (1 entry per bucket, as kernels ≥5.15 size it)', true],
    ['Set nf_conntrack_buckets to 3,065,856 (4 entries per bucket, the classic advice)', false],
  ]);
  // 12,262,144 rounded up to a multiple of 512, and a quarter of it rounded the same way.
  assert.equal(12262400 % 512, 0);
  assert.equal(3065856 % 512, 0);
  assert.ok(3065856 >= 12262144 / 4 && 3065856 - 12262144 / 4 < 512);
});

test('CT101 fix: after the 1-per-bucket fix the hover and inlay agree: 1 entry per bucket, chains of 2', () => {
  const text = readText(path.join(DIR, 'ct101-edit.conf'));
  const { actions } = actionsFor(text, 'CT101');
  const after = parseSysctl(applyEdits(text, actions[0].edits));
  const hints = svc.inlayHints(after, ALL, DEFAULT_SETTINGS).map((h) => h.label);
  assert.ok(hints.includes('1 entries/bucket · 2-node chains'), hints.join(' | '));
});

test('fixes from stale data do nothing: the line no longer says what the finding was about', () => {
  const old = 'net.ipv4.netfilter.ip_conntrack_max = 1\nnet.netfilter.nf_conntrack_max = 12262144\nnet.netfilter.nf_conntrack_buckets = 16384\n';
  const findings = svc.diagnose(parseSysctl(old), DEFAULT_SETTINGS).filter((f) => f.code === 'CT105' || f.code === 'CT101');
  assert.equal(findings.length, 2);
  // Lines 1 and 3 were edited meanwhile.
  const now = parseSysctl('net.netfilter.nf_conntrack_max = 1\nnet.netfilter.nf_conntrack_max = 12262144\n# buckets removed\n');
  assert.deepEqual(svc.codeActions(now, ALL, findings, DEFAULT_SETTINGS, ['quickfix']), []);
});

test('source.fixAll: CT105 renames and single-suggestion SYS001 renames in one edit set; twice equals once', () => {
  const file = path.join(DIR, 'fixall.conf');
  const text = readText(file);
  const doc = parseSysctl(text);
  // Only when asked for: a plain quick-fix request does not include it.
  assert.ok(!svc.codeActions(doc, ALL, [], DEFAULT_SETTINGS, ['quickfix']).some((a) => a.kind === 'source.fixAll'));
  const [all, ...rest] = svc.codeActions(doc, ALL, [], DEFAULT_SETTINGS, ['source.fixAll']);
  assert.equal(rest.length, 0);
  assert.equal(all.kind, 'source.fixAll');
  assert.deepEqual(all.fixes!.map((f) => f.code).sort(), ['CT105', 'CT105', 'CT105', 'SYS001']);
  const once = applyEdits(text, all.edits);
  golden(file.replace(/\.conf$/, '.expected.conf'), once, (v) => String(v));
  // `nf_conntrack_foo` has no likely correction, so it stays (and is still reported).
  const left = svc.diagnose(parseSysctl(once), DEFAULT_SETTINGS);
  assert.deepEqual(left.filter((f) => f.code === 'CT105' || f.code === 'SYS001').map((f) => [f.code, f.range.start.line]), [['SYS001', 3]]);
  // A second run finds nothing to do: applying fixAll twice equals applying it once.
  const second = svc.codeActions(parseSysctl(once), ALL, [], DEFAULT_SETTINGS, ['source.fixAll']);
  assert.deepEqual(second, []);
  // `source` (the parent kind) asks for it too.
  assert.equal(svc.codeActions(doc, ALL, [], DEFAULT_SETTINGS, ['source' as never]).length, 1);
  assert.ok(once.split('\r\n').length === text.split('\r\n').length && !/[^\r]\n/.test(once), 'CRLF preserved');
});

test('source.fixAll leaves codes the user switched off alone', () => {
  const text = 'net.ipv4.netfilter.ip_conntrack_max = 1\nnet.netfilter.nf_conntrack_maxx = 2\n';
  const settings = resolveSettings({ severity: { CT105: 'off' } });
  const [all] = svc.codeActions(parseSysctl(text), ALL, [], settings, ['source.fixAll']);
  assert.deepEqual(all.fixes!.map((f) => f.code), ['SYS001']);
});

test('SYS001 offers one action per suggestion; SYS003 removal is not offered for ip_forward', () => {
  const { actions } = actionsFor('net.netfilter.nf_conntrack_tcp_timeout_close_wai = 60\n', 'SYS001');
  assert.ok(actions.length >= 1);
  for (const a of actions) assert.match(a.title, /^Change to net\.netfilter\./);
  const dup = actionsFor('net.ipv4.ip_forward = 0\nnet.ipv4.ip_forward = 1\n', 'SYS003');
  assert.deepEqual(dup.actions, []);
});
