// Whole-document analyses after an edit (declarations, placement, loops, dead
// rules, unused chains, conntrack): each may reuse the previous version's result
// and judge only what the edit changed. Whatever path it takes, the diagnostics of
// the re-parsed document must be exactly those of a fresh parse of the new text:
// same findings, same order, same ranges, messages and data. Edits are applied one
// after another, each version diagnosed (mostly) before the next edit, as the
// server does, on hand-made documents, generated kube-proxy dumps and the corpus.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IptablesDocument } from '../../../server/src/core/iptables/ast';
import { chainGraph } from '../../../server/src/core/iptables/chains';
import { diagnose, RULES } from '../../../server/src/core/iptables/diagnostics';
import { lineEdit, releasePrevious, reparseIptables, structuralEdit } from '../../../server/src/core/iptables/incremental';
import { parseIptables } from '../../../server/src/core/iptables/parse';
import { restoreAnalysis } from '../../../server/src/core/iptables/restore/analysis';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { corpusRoot, generator, rng } from '../shared';


const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Rule tails that make the analyses say something: restricted targets and matches, verdicts, state tests, NOTRACK. */
const TAILS = [
  '-j MASQUERADE',
  '-p tcp -j DNAT --to-destination 10.0.0.1:80',
  '-j DROP',
  '-j ACCEPT',
  '-j RETURN',
  '-m comment --comment "all" -j ACCEPT',
  '-p tcp --dport 22 -j ACCEPT',
  '-m owner --uid-owner 0 -j ACCEPT',
  '-m state --state NEW -j ACCEPT',
  '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-p udp --dport 53 -j NOTRACK',
  '-p udp --sport 53 -j CT --notrack',
  '-j REJECT',
  '-j LOG',
  '-j NOWHERE',
  '-g NOWHERE',
  '-j TARPIT',
  '-j INPUT',
  '-p tcp -j TCPMSS --clamp-mss-to-pmtu',
  '-j MARK --set-xmark 0x4000/0x4000',
];

/** Lines of `text` as [start, end) offsets (end before the line break). */
function lineSpans(text: string): [number, number][] {
  const out: [number, number][] = [];
  let s = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    out.push([s, i]);
    s = i + 1;
  }
  out.push([s, text.length]);
  return out;
}

interface Edit {
  from: number;
  to: number;
  text: string;
}

/** A random edit aimed at rule lines: values, targets, pasted and deleted rules, new rules with telling tails. */
function randomEdit(text: string, r: () => number): Edit {
  const spans = lineSpans(text);
  const rules = spans.map((s, i) => [s, i] as const).filter(([[a, b]]) => text.startsWith('-A ', a) && b > a);
  const chains = [...new Set(rules.map(([[a, b]]) => text.slice(a + 3, b).split(' ')[0]))];
  const declared = spans.filter(([a]) => text.startsWith(':', a)).map(([a, b]) => text.slice(a + 1, b).split(' ')[0]);
  if (!rules.length) {
    const [a] = pick(r, spans);
    return { from: a, to: a, text: '# note\n' };
  }
  const [[a, b]] = pick(r, rules);
  const line = text.slice(a, b);
  const k = r();
  if (k < 0.2) {
    // retype a digit (a value: port, address, comment text)
    const digits = [...line.matchAll(/\d/g)];
    if (digits.length) {
      const d = pick(r, digits).index!;
      return { from: a + d, to: a + d + 1, text: String(Math.floor(r() * 10)) };
    }
    return { from: b, to: b, text: ' ' };
  }
  if (k < 0.38) {
    // the jump target: another declared chain, a target, a missing chain, a typo of the current one
    const j = line.search(/ -[jg] \S/);
    if (j < 0) return { from: b, to: b, text: ` -j ${pick(r, declared.length ? declared : ['ACCEPT'])}` };
    const ts = a + j + 4;
    const te = a + j + 4 + (line.slice(j + 4).search(/\s|$/) + (line.slice(j + 4).search(/\s/) < 0 ? line.length - j - 4 + 1 : 0));
    const end = Math.min(te, b);
    const old = text.slice(ts, end);
    const choices = [pick(r, declared.length ? declared : ['ACCEPT']), pick(r, declared.length ? declared : ['ACCEPT']), 'ACCEPT', 'DROP', 'RETURN', 'MASQUERADE', old + 'X', old.slice(0, -1), 'NOWHERE', 'PREROUTING'];
    return { from: ts, to: end, text: pick(r, choices) };
  }
  if (k < 0.5) return { from: a, to: a, text: line + '\n' }; // paste a copy above
  if (k < 0.62) return { from: a, to: Math.min(text.length, b + 1), text: '' }; // delete the rule
  if (k < 0.85) {
    // a new rule with a telling tail, in this or another chain
    const chain = r() < 0.7 ? line.slice(3).split(' ')[0] : pick(r, chains);
    return { from: a, to: a, text: `-A ${chain} ${pick(r, TAILS)}\n` };
  }
  if (k < 0.92) return { from: a, to: a, text: `-A ${pick(r, [...declared, 'UNDECLARED'])} -j ${pick(r, declared.length ? declared : ['ACCEPT'])}\n` }; // a jump (loops, depth)
  // a whole-line replacement by another rule (it may change chain and target)
  const [[c, d]] = pick(r, rules);
  return { from: a, to: b, text: text.slice(c, d) };
}

interface Stats {
  edits: number;
  /** Versions whose restore analysis was patched from the previous one (the incremental paths ran). */
  patched: number;
}

/**
 * Applies `n` edits; each version is diagnosed (usually; sometimes skipped, or only
 * one rule asked, as a server that drops stale versions would) and the result
 * compared with the diagnostics of a fresh parse.
 */
function check(name: string, text: string, n: number, seed: number, stats: Stats): void {
  const r = rng(seed);
  let doc: IptablesDocument = parseIptables(text);
  diagnose(doc, DEFAULT_SETTINGS);
  for (let i = 0; i < n; i++) {
    const e = randomEdit(text, r);
    const next = text.slice(0, e.from) + e.text + text.slice(e.to);
    const prevAnalysis = restoreAnalysis(doc);
    const inc = reparseIptables(doc, next);
    const mode = r();
    const where = `${name}: edit ${i + 1} ${JSON.stringify(e).slice(0, 200)}`;
    if (mode < 0.08) {
      // this version is never diagnosed (a newer one arrived first)
    } else if (mode < 0.16) {
      // only one analysis asked for this version (a feature other than diagnostics)
      pick(r, RULES)(inc, DEFAULT_SETTINGS);
      // and sometimes the version settles then (the server lets the previous one go after its
      // diagnostics): what is not computed yet must then be computed afresh, still equal
      if (r() < 0.5) releasePrevious(inc);
    } else {
      const got = diagnose(inc, DEFAULT_SETTINGS);
      if (restoreAnalysis(inc) === prevAnalysis) stats.patched++;
      assert.deepStrictEqual(got, diagnose(parseIptables(next), DEFAULT_SETTINGS), where);
      if (r() < 0.5) releasePrevious(inc); // as the server does once the diagnostics are out
    }
    stats.edits++;
    doc = inc;
    text = next;
  }
  assert.deepStrictEqual(diagnose(doc, DEFAULT_SETTINGS), diagnose(parseIptables(text), DEFAULT_SETTINGS), `${name}: last version`);
}

const HAND = `# Generated by iptables-save v1.8.9 (nf_tables) on Mon Nov 23 08:00:00 2026
# padding so that the header span (200 characters) ends before the first table ...............................
# (the parser reads the family from the first 200 characters)
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:RAWCHAIN - [0:0]
-A PREROUTING -p udp -m udp --dport 53 -j NOTRACK
-A PREROUTING -p tcp --dport 8080 -j RAWCHAIN
-A RAWCHAIN -p tcp --dport 8080 -j CT --notrack
-A OUTPUT -p tcp --sport 22 -j NOTRACK
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:SVC - [0:0]
:SEP - [0:0]
:MASQ - [0:0]
:DEEP1 - [0:0]
:DEEP2 - [0:0]
-A PREROUTING -j SVC
-A OUTPUT -j SVC
-A SVC -p tcp --dport 80 -j SEP
-A SEP -p tcp -j DNAT --to-destination 10.1.2.3:80
-A SEP -j MASQ
-A MASQ -j MARK --set-xmark 0x4000/0x4000
-A POSTROUTING -j MASQUERADE
-A DEEP1 -j DEEP2
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:SVC - [0:0]
:LOOPA - [0:0]
:LOOPB - [0:0]
:IDLE - [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "ssh access" -j ACCEPT
-A INPUT -p tcp --dport 80 -j SVC
-A INPUT -m state --state NEW -p tcp --dport 8080 -j ACCEPT
-A SVC -s 10.0.0.0/8 -j ACCEPT
-A SVC -j RETURN
-A SVC -j DROP
-A LOOPA -j LOOPB
-A LOOPB -j LOOPA
-A OUTPUT -j LOOPA
-A IDLE -j ACCEPT
COMMIT
`;

/** Like HAND, but with the kinds of line that keep the analyses from reusing (-N, -I, -X, -E, declarations below rules). */
const TRICKY = `# Generated by iptables-save v1.8.9 (nf_tables) on Mon Nov 23 08:00:00 2026
# padding so that the header span (200 characters) ends before the first table ...............................
# (the parser reads the family from the first 200 characters)
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:A - [0:0]
-N B
-A INPUT -j A
-A A -p tcp --dport 1 -j B
-A B -j ACCEPT
-A B -p tcp --dport 2 -j DROP
-I INPUT 1 -p udp --dport 3 -j ACCEPT
:LATE - [0:0]
:LATEIDLE - [0:0]
-A LATEIDLE -j ACCEPT
-A LATE -j RETURN
-A INPUT -j LATE
-N GONE
-X GONE
-N OLD
-E OLD NEW
-A NEW -j ACCEPT
-A INPUT -j NEW
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:X - [0:0]
-A PREROUTING -j X
-A X -j MASQUERADE
-A POSTROUTING -j MASQUERADE
:Y - [0:0]
-A Y -j MASQUERADE
-A Y -p tcp --dport 5 -j ACCEPT
-A PREROUTING -p tcp --dport 6 -j Y
:Z - [0:0]
-A Z -j RETURN
COMMIT
`;

/** Nested chains L1 → L2 → … → L13 from PREROUTING (nf_tables allows 15 levels): added jumps may go past the limit. */
const DEEP = (() => {
  const n = 17;
  const decl = Array.from({ length: n }, (_, i) => `:L${i + 1} - [0:0]`).join('\n');
  const jumps = Array.from({ length: 12 }, (_, i) => `-A L${i + 1} -p tcp --dport ${i + 1} -j L${i + 2}`).join('\n');
  return `${HAND.split('\n').slice(0, 3).join('\n')}
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
${decl}
-A PREROUTING -j L1
${jumps}
-A L14 -j L15
-A L16 -j L17
COMMIT
`;
})();

test('an added jump past the nesting limit is reported after an edit as after a fresh parse', () => {
  let text = DEEP;
  let doc = parseIptables(text);
  assert.deepStrictEqual(diagnose(doc, DEFAULT_SETTINGS).filter((f) => f.code === 'IPT007'), []);
  // L13 → L14 → L15: depth 15 at L15 (allowed); then L15 → L16 → L17 goes past it
  for (const [line, deeper] of [
    ['-A L13 -j L14', false],
    ['-A L15 -j L16', true],
  ] as const) {
    const at = text.indexOf('-A L16 -j L17');
    text = text.slice(0, at) + line + '\n' + text.slice(at);
    const prev = restoreAnalysis(doc);
    doc = reparseIptables(doc, text);
    const got = diagnose(doc, DEFAULT_SETTINGS);
    assert.equal(restoreAnalysis(doc), prev, 'the analysis was patched');
    assert.deepStrictEqual(got, diagnose(parseIptables(text), DEFAULT_SETTINGS));
    assert.equal(got.some((f) => f.code === 'IPT007'), deeper, line);
  }
});

test('incremental analyses equal a fresh diagnose: hand-made documents, many seeds', () => {
  const stats: Stats = { edits: 0, patched: 0 };
  for (let seed = 1; seed <= 40; seed++) check(`hand-made (seed ${seed})`, HAND, 25, seed, stats);
  for (let seed = 1; seed <= 20; seed++) check(`tricky (seed ${seed})`, TRICKY, 20, 100 + seed, stats);
  for (let seed = 1; seed <= 30; seed++) check(`deep (seed ${seed})`, DEEP, 25, 200 + seed, stats);
  // the reuse paths must actually run (else this test would prove nothing)
  assert.ok(stats.patched > stats.edits / 4, `only ${stats.patched} of ${stats.edits} versions patched the previous analysis`);
});

test('incremental analyses equal a fresh diagnose: generated kube-proxy dumps', { skip: !generator && 'gen-kube-proxy-dump.mjs is not beside the repository' }, () => {
  const stats: Stats = { edits: 0, patched: 0 };
  for (const [services, seed] of [
    [30, 1],
    [60, 2],
    [120, 3],
  ] as const) {
    const text = execFileSync(process.execPath, [generator!, String(services), '3', String(seed)]).toString();
    for (let s = 0; s < 4; s++) check(`kube-proxy ${services} services (seed ${seed}/${s})`, text, 30, 1000 * seed + s, stats);
  }
  assert.ok(stats.patched > stats.edits / 3, `only ${stats.patched} of ${stats.edits} versions patched the previous analysis`);
});

test('incremental analyses equal a fresh diagnose: corpus dumps', { skip: !corpusRoot && 'the shared corpus is not beside the repository' }, () => {
  const dir = join(corpusRoot!, 'iptables');
  const files = readdirSync(dir).filter((f) => !f.endsWith('.tsv') && !f.endsWith('.md') && statSync(join(dir, f)).isFile());
  assert.ok(files.length > 10);
  const stats: Stats = { edits: 0, patched: 0 };
  let seed = 7;
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    check(f, text, text.length > 50_000 ? 6 : 15, seed++, stats);
  }
  assert.ok(stats.patched > 0, 'no corpus edit patched the previous analysis');
});

test('an edit in one table keeps the chain graph of the document (the analyses build on it)', () => {
  const doc = parseIptables(HAND);
  diagnose(doc, DEFAULT_SETTINGS);
  const g = chainGraph(doc);
  const at = HAND.indexOf('--dport 22') + 9;
  const text = HAND.slice(0, at) + '3' + HAND.slice(at + 1);
  const next = reparseIptables(doc, text);
  assert.equal(chainGraph(next), g);
  assert.deepStrictEqual(diagnose(next, DEFAULT_SETTINGS), diagnose(parseIptables(text), DEFAULT_SETTINGS));
});

test('settling a version lets the previous one go; what is asked later is computed afresh, the same', () => {
  const doc = parseIptables(HAND);
  diagnose(doc, DEFAULT_SETTINGS);
  const at = HAND.indexOf('-A PREROUTING -j SVC');
  const text = HAND.slice(0, at) + '-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.9:80\n' + HAND.slice(at);
  const next = reparseIptables(doc, text);
  assert.ok(lineEdit(next)?.prev === doc && structuralEdit(next)?.prev === doc, 'the re-parse records its previous version');
  RULES[0](next, DEFAULT_SETTINGS); // one analysis only, as a hover would
  releasePrevious(next);
  assert.equal(lineEdit(next), undefined);
  assert.equal(structuralEdit(next), undefined);
  assert.deepStrictEqual(diagnose(next, DEFAULT_SETTINGS), diagnose(parseIptables(text), DEFAULT_SETTINGS));
  // and the next edit patches from the settled version again
  const third = reparseIptables(next, text.replace('10.0.0.9:80', '10.0.0.9:81'));
  assert.equal(structuralEdit(third)?.prev, next);
  assert.deepStrictEqual(diagnose(third, DEFAULT_SETTINGS), diagnose(parseIptables(text.replace('10.0.0.9:80', '10.0.0.9:81')), DEFAULT_SETTINGS));
});

test('an edit reads again only the lines it touched: per-line conntrack findings and verdicts of the other lines are reused', () => {
  const rules: string[] = [];
  for (let i = 0; i < 40; i++) rules.push(`-A INPUT -p tcp -m state --state NEW -m tcp --dport ${2000 + i} -j ACCEPT`);
  const text = ['# Generated by iptables-save v1.8.9 (nf_tables) on Mon Nov 23 08:00:00 2026', '# padding '.padEnd(200, '.'), '*filter', ':INPUT DROP [0:0]', ...rules, '-A INPUT -j ACCEPT', '-A INPUT -j DROP', 'COMMIT', ''].join('\n');
  const doc = parseIptables(text);
  const before = diagnose(doc, DEFAULT_SETTINGS);
  const at = text.indexOf('--dport 2020') + 11;
  const next = text.slice(0, at) + '9' + text.slice(at + 1);
  const inc = reparseIptables(doc, next);
  assert.ok(lineEdit(inc), 'the edit took the incremental path');
  const after = diagnose(inc, DEFAULT_SETTINGS);
  assert.deepStrictEqual(after, diagnose(parseIptables(next), DEFAULT_SETTINGS));
  const ct204 = (fs: typeof before) => fs.filter((f) => f.code === 'CT204');
  assert.equal(ct204(before).length, 40);
  const editedLine = next.slice(0, at).split('\n').length - 1;
  const edited = ct204(after).filter((f) => f.range.start.line === editedLine);
  assert.equal(edited.length, 1);
  // the 39 other lines keep their finding objects; the edited line's is new
  const reused = ct204(after).filter((f) => ct204(before).includes(f));
  assert.equal(reused.length, 39);
  assert.ok(!ct204(before).includes(edited[0]));
  // IPT008 (the DROP after an unconditional ACCEPT) is judged from reused verdicts, the same
  assert.deepStrictEqual(after.filter((f) => f.code === 'IPT008'), before.filter((f) => f.code === 'IPT008'));
});
