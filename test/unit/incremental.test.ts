// Incremental re-parse (iptables): after random edits, `reparse(prev, newText)` must
// give exactly what `parse(newText)` gives — every line node with every field its
// getters build (tokens, rule trees, ranges), the tables, the errors, the family and
// line endings — and the same diagnostics. Edits are applied one after another,
// each re-parse starting from the previous re-parse (as the server does), on the
// shared corpus dumps, a generated kube-proxy dump and hand-made documents.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CommandLine, IptablesDocument } from '../../server/src/core/iptables/ast';
import { chainGraph, evaluations } from '../../server/src/core/iptables/chains';
import { diagnose } from '../../server/src/core/iptables/diagnostics';
import { reparseIptables } from '../../server/src/core/iptables/incremental';
import { parseIptables } from '../../server/src/core/iptables/parse';
import { restoreAnalysis } from '../../server/src/core/iptables/restore/analysis';
import { iptablesService } from '../../server/src/core/iptables/service';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { corpusRoot, generator, rng } from './shared';


// ------------------------------------------------------------------ helpers

const getterNames = new Map<object, string[]>();

/** Getter names along the prototype chain (cached per prototype). */
function getters(proto: object | null): string[] {
  if (!proto || proto === Object.prototype) return [];
  let g = getterNames.get(proto);
  if (!g) {
    g = [...Object.entries(Object.getOwnPropertyDescriptors(proto)).filter(([, d]) => d.get).map(([k]) => k), ...getters(Object.getPrototypeOf(proto))];
    getterNames.set(proto, g);
  }
  return g;
}

/** Every field of a node, getters included (class instances build most of theirs on read). */
function plain(x: unknown, depth = 0): unknown {
  if (x === null || typeof x !== 'object') return x;
  assert.ok(depth < 40, 'node graph too deep (a cycle?)');
  if (Array.isArray(x)) return x.map((v) => plain(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(x)) {
    const v = (x as Record<string, unknown>)[k];
    if (typeof v !== 'function') out[k] = plain(v, depth + 1);
  }
  for (const k of getters(Object.getPrototypeOf(x))) out[k] = plain((x as Record<string, unknown>)[k], depth + 1);
  return out;
}

/** JSON of a node (cached: nodes an incremental re-parse reuses are serialised once). */
const lineJson = new WeakMap<object, string>();
function nodeJson(x: object): string {
  let j = lineJson.get(x);
  if (j === undefined) {
    j = JSON.stringify(plain(x));
    lineJson.set(x, j);
  }
  return j;
}

/** Asserts that two documents are the same, field by field. */
function assertSameDoc(inc: IptablesDocument, full: IptablesDocument, where: string): void {
  const a = snapshot(inc);
  const b = snapshot(full);
  // fast: compare serialisations; on a difference let deepStrictEqual say where
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  assert.deepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)), where);
}

/** The whole document as plain data; table members that are lines are given by line number (and checked to be those lines). */
function snapshot(doc: IptablesDocument): unknown {
  for (const t of doc.tables) {
    assert.equal(doc.lines[t.header.line], t.header);
    for (const c of t.commands) assert.equal(doc.lines[c.line], c, `command on line ${c.line} is the line's node`);
    for (const c of t.chains) if (!c.fromCommand) assert.equal(doc.lines[c.line], c, `chain on line ${c.line} is the line's node`);
  }
  return {
    text: doc.text,
    family: doc.family,
    bom: doc.bom,
    eol: doc.eol,
    errors: doc.errors.map(nodeJson),
    lines: doc.lines.map(nodeJson),
    tables: doc.tables.map((t) => ({
      name: t.name,
      startLine: t.startLine,
      endLine: t.endLine,
      commitLine: t.commitLine,
      header: t.header.line,
      commands: t.commands.map((c) => c.line),
      chains: t.chains.map((c) => (c.fromCommand ? [nodeJson({ ...c, fromCommand: undefined }), c.fromCommand.line] : c.line)),
    })),
  };
}

const SNIPPETS = [
  ' ', '\t', '-', '!', '"', '#', ':', '*', '\n', 'a', 'Z', '0', '9', '.', '/', ',', '[', ']',
  '-A ', '-N NEWCHAIN\n', 'COMMIT\n', '*filter\n', ':FOO - [0:0]\n', ' -j DROP', ' -p tcp --dport 80', '\n\n', '  COMMIT', '"quoted arg"',
  ' -m comment --comment "x y"', '-I INPUT 1 ', '-X ', '-D ', ' -m state --state NEW', ' -s 10.0.0.1/32', ' -6', ' -4', ' ! --dport 22', '# note\n',
  ' -g KUBE-SERVICES', ' -j KUBE-MARK-MASQ', '-P INPUT DROP\n', ' --to-destination 10.1.2.3:80', '[0:0] ',
];

interface Edit {
  from: number;
  to: number;
  text: string;
}

/** A random edit of `text`, mostly inside rule lines, sometimes structural (`cr`: CR line endings too). */
function randomEdit(text: string, r: () => number, cr: boolean): Edit {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const line = Math.floor(r() * starts.length);
  const ls = starts[line];
  const le = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  const col = ls + Math.floor(r() * (le - ls + 1));
  const kind = r();
  if (cr && kind < 0.03) return { from: col, to: col, text: r() < 0.5 ? '\r' : '\r\n' };
  if (kind < 0.3) return { from: col, to: col, text: SNIPPETS[Math.floor(r() * SNIPPETS.length)] };
  if (kind < 0.5) return { from: col, to: Math.min(text.length, col + 1 + Math.floor(r() * 8)), text: '' };
  if (kind < 0.6) {
    // retype a digit
    const d = text.slice(ls, le).search(/\d/);
    return d >= 0 ? { from: ls + d, to: ls + d + 1, text: String(Math.floor(r() * 10)) } : { from: col, to: col, text: '1' };
  }
  if (kind < 0.72) return { from: ls, to: ls, text: text.slice(ls, le) + '\n' }; // paste a copy of the line
  if (kind < 0.82) return { from: ls, to: Math.min(text.length, le + 1), text: '' }; // delete the line
  if (kind < 0.92) {
    const other = Math.floor(r() * starts.length);
    const os = starts[other];
    const oe = other + 1 < starts.length ? starts[other + 1] - 1 : text.length;
    return { from: ls, to: le, text: text.slice(os, oe) }; // replace with another line
  }
  const to = Math.min(text.length, col + Math.floor(r() * 400));
  return { from: col, to, text: r() < 0.5 ? '' : text.slice(Math.max(0, col - 300), col) }; // a bigger cut or paste
}

interface Stats {
  edits: number;
  incremental: number;
}

/**
 * Applies `n` random edits, re-parsing incrementally each time, and compares with a
 * full parse; diagnostics too on two edits in every `diagEvery`.
 */
function check(name: string, text: string, n: number, seed: number, stats: Stats, diagEvery = 1, cr = false): void {
  const r = rng(seed);
  let prev = parseIptables(text);
  for (let i = 0; i < n; i++) {
    let e = randomEdit(text, r, cr);
    // mostly keep the header line (without it every later edit takes the full parse)
    while (e.from <= text.indexOf('\n') && r() < 0.9) e = randomEdit(text, r, cr);
    const next = text.slice(0, e.from) + e.text + text.slice(e.to);
    const inc = reparseIptables(prev, next);
    const full = parseIptables(next);
    const where = `${name}: edit ${i + 1} (${JSON.stringify(e).slice(0, 160)})`;
    assertSameDoc(inc, full, where);
    // in pairs: the second of two diagnosed versions exercises the analyses patched from the first
    if (i % diagEvery < 2) assert.deepStrictEqual(diagnose(inc, DEFAULT_SETTINGS), diagnose(full, DEFAULT_SETTINGS), `${where}: diagnostics`);
    stats.edits++;
    if (inc.lines.length > 0 && inc.lines[0] === prev.lines[0] && next !== text) stats.incremental++;
    prev = inc;
    text = next;
  }
}

// -------------------------------------------------------------------- tests

test('the iptables service re-parses incrementally', () => {
  assert.equal(iptablesService.reparse, reparseIptables);
});

const HAND = `# Generated by iptables-save v1.8.9 (nf_tables) on Mon Nov 23 08:00:00 2026
# padding so that the header span (200 characters) ends before the first table ...............................
# (the parser reads the family from the first 200 characters)
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p udp -m udp --dport 53 -j NOTRACK
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:SVC - [0:0]
-N LATER
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -i lo -j ACCEPT

# a comment inside the table
-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "ssh \\"admin\\" access" -j ACCEPT
-A INPUT -p tcp --dport 80 -j SVC
-A INPUT -j LATER
-A SVC -s 10.0.0.0/8 -j ACCEPT
-A SVC -m state --state NEW -m recent --set
-A SVC --bogus-option 1 -j DROP
-A INPUT -6 -p icmpv6 -j ACCEPT
[5:300] -A INPUT -p udp --dport 53 -j ACCEPT
-A LATER -j RETURN
-A INPUT -j NOWHERE
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.1.2.3:80
-A POSTROUTING -o eth0 -j MASQUERADE
COMMIT
`;

test('incremental re-parse equals a full parse: hand-made document, 400 random edits', () => {
  const stats: Stats = { edits: 0, incremental: 0 };
  for (let seed = 1; seed <= 20; seed++) check(`hand-made (seed ${seed})`, HAND, 20, seed, stats, 1, seed % 5 === 0);
  // the fast path must actually be taken (else this test would prove nothing)
  assert.ok(stats.incremental > stats.edits / 12, `only ${stats.incremental} of ${stats.edits} edits were incremental`);
});

test('incremental re-parse: a one-character edit inside a rule keeps every other node', () => {
  const prev = parseIptables(HAND);
  const at = HAND.indexOf('--dport 80') + 9;
  const next = HAND.slice(0, at) + '8' + HAND.slice(at + 1);
  const inc = reparseIptables(prev, next);
  const line = next.split('\n').findIndex((l) => l.includes('--dport 88'));
  assert.ok(line > 0);
  for (let i = 0; i < prev.lines.length; i++) {
    if (i === line) assert.notEqual(inc.lines[i], prev.lines[i]);
    else assert.equal(inc.lines[i], prev.lines[i], `line ${i} reused`);
  }
  assertSameDoc(inc, parseIptables(next), 'one-character edit');
  // a pasted line moves the lines below it (new nodes, same content)
  const ls = next.indexOf('-A SVC -s');
  const pasted = next.slice(0, ls) + '-A SVC -j ACCEPT\n' + next.slice(ls);
  const moved = reparseIptables(inc, pasted);
  assert.equal(moved.lines[0], inc.lines[0]);
  assert.equal(moved.lines.length, inc.lines.length + 1);
  assertSameDoc(moved, parseIptables(pasted), 'pasted line');
});

test('an in-place rule edit patches the chain graph and restore analysis of the previous version', () => {
  const prev = parseIptables(HAND);
  const g = chainGraph(prev);
  const ra = restoreAnalysis(prev);
  diagnose(prev, DEFAULT_SETTINGS);
  const at = HAND.indexOf('--dport 22') + 9;
  const text = HAND.slice(0, at) + '3' + HAND.slice(at + 1);
  const next = reparseIptables(prev, text);
  const line = text.split('\n').findIndex((l) => l.includes('--dport 23'));
  assert.equal(chainGraph(next), g, 'graph patched');
  assert.equal(restoreAnalysis(next), ra, 'analysis patched');
  const input = g.byTable.get(next.tables[1])!.chains.get('INPUT')!;
  assert.ok(input.rules.includes(next.lines[line] as CommandLine), 'the new node is in the graph');
  assert.ok(!input.rules.includes(prev.lines[line] as CommandLine), 'the old node is not');
  assert.deepStrictEqual(diagnose(next, DEFAULT_SETTINGS), diagnose(parseIptables(text), DEFAULT_SETTINGS));
  // the previous version builds its own graph again when asked
  assert.notEqual(chainGraph(prev), g);
  assert.ok(chainGraph(prev).byTable.get(prev.tables[1])!.chains.get('INPUT')!.rules.includes(prev.lines[line] as CommandLine));
  // a new jump target: still patched (references and children redone)
  const j = text.indexOf('-j SVC');
  const text2 = text.slice(0, j) + '-j LATER' + text.slice(j + 6);
  const next2 = reparseIptables(next, text2);
  assert.equal(chainGraph(next2), g);
  assert.deepStrictEqual(diagnose(next2, DEFAULT_SETTINGS), diagnose(parseIptables(text2), DEFAULT_SETTINGS));
  // a rule moved to another chain: a new graph
  const c = text2.indexOf('-A SVC -s');
  const text3 = text2.slice(0, c) + '-A INPUT -s' + text2.slice(c + 9);
  const next3 = reparseIptables(next2, text3);
  assert.notEqual(chainGraph(next3), g);
  assert.deepStrictEqual(diagnose(next3, DEFAULT_SETTINGS), diagnose(parseIptables(text3), DEFAULT_SETTINGS));
});

/** A chain graph as plain data: per table and chain, rules and references by line, children, worst cases. */
function graphData(doc: IptablesDocument): unknown {
  return chainGraph(doc).tables.map((tg) => ({
    table: tg.table.name,
    startLine: tg.table.startLine,
    ruleCount: tg.ruleCount,
    chains: [...tg.chains.values()].map((c) => ({
      name: c.name,
      rules: c.rules.map((r) => r.line),
      refs: c.refs.map((r) => r.line),
      kids: c.kids.map((k) => k.name),
      deleted: c.deleted,
      policy: c.policy,
      eval: evaluations(tg).get(c.name),
    })),
  }));
}

test('retargeted rules: the patched graph (references, children, worst cases) equals a new one', { skip: !generator && 'gen-kube-proxy-dump.mjs is not beside the repository' }, () => {
  let text = execFileSync(process.execPath, [generator!, '40', '3']).toString();
  let doc = parseIptables(text);
  const r = rng(3);
  let patched = 0;
  for (let i = 0; i < 40; i++) {
    chainGraph(doc);
    for (const tg of chainGraph(doc).tables) evaluations(tg);
    const lines = text.split('\n');
    const rules = lines.map((l, n) => [l, n] as const).filter(([l]) => / -j KUBE-/.test(l));
    const [line, n] = rules[Math.floor(r() * rules.length)];
    const chains = lines.filter((l) => l.startsWith(':KUBE-')).map((l) => l.slice(1, l.indexOf(' ')));
    const target = r() < 0.2 ? 'KUBE-NOWHERE' : r() < 0.2 ? line.slice(line.indexOf(' -j ') + 4).split(' ')[0] : chains[Math.floor(r() * chains.length)];
    const edited = line.replace(/ -j \S+/, ` -j ${target}`);
    const next = lines.slice(0, n).concat(edited, lines.slice(n + 1)).join('\n');
    const before = chainGraph(doc);
    const inc = reparseIptables(doc, next);
    if (chainGraph(inc) === before) patched++;
    const full = parseIptables(next);
    assert.deepStrictEqual(graphData(inc), graphData(full), `edit ${i}: line ${n} → ${target}`);
    if (i % 5 === 0) assert.deepStrictEqual(diagnose(inc, DEFAULT_SETTINGS), diagnose(full, DEFAULT_SETTINGS), `edit ${i}: diagnostics`);
    doc = inc;
    text = next;
  }
  assert.ok(patched > 30, `only ${patched} of 40 edits patched the graph`);
});

test('pasted and deleted rules: the patched graph (moved nodes, references, worst cases) equals a new one', { skip: !generator && 'gen-kube-proxy-dump.mjs is not beside the repository' }, () => {
  let text = execFileSync(process.execPath, [generator!, '40', '3']).toString();
  let doc = parseIptables(text);
  const r = rng(5);
  let patched = 0;
  for (let i = 0; i < 40; i++) {
    for (const tg of chainGraph(doc).tables) evaluations(tg);
    const lines = text.split('\n');
    const rules = lines.map((l, n) => [l, n] as const).filter(([l]) => l.startsWith('-A '));
    const [line, n] = rules[Math.floor(r() * rules.length)];
    const kind = r();
    let next: string[];
    if (kind < 0.4) next = [...lines.slice(0, n + 1), line, ...lines.slice(n + 1)]; // paste a copy below
    else if (kind < 0.7) next = [...lines.slice(0, n), ...lines.slice(n + 1)]; // delete it
    else {
      // paste another rule of the table (another chain, another target) above it
      const [other] = rules[Math.floor(r() * rules.length)];
      next = [...lines.slice(0, n), other, other.replace(/ -j \S+/, ' -j KUBE-MARK-MASQ'), ...lines.slice(n)];
    }
    const nextText = next.join('\n');
    const before = chainGraph(doc);
    const inc = reparseIptables(doc, nextText);
    if (chainGraph(inc) === before) patched++;
    const full = parseIptables(nextText);
    assert.deepStrictEqual(graphData(inc), graphData(full), `edit ${i} at line ${n}`);
    assert.deepStrictEqual(restoreAnalysis(inc).tables.map((t) => [t.block === inc.tables[doc.tables.indexOf(t.block)] || inc.tables.includes(t.block), [...t.mask], t.edges.map((l) => l.map((x) => [x.rule.line, x.from, x.to]))]), restoreAnalysis(full).tables.map((t) => [true, [...t.mask], t.edges.map((l) => l.map((x) => [x.rule.line, x.from, x.to]))]), `edit ${i}: restore analysis`);
    if (i % 4 === 0) assert.deepStrictEqual(diagnose(inc, DEFAULT_SETTINGS), diagnose(full, DEFAULT_SETTINGS), `edit ${i}: diagnostics`);
    doc = inc;
    text = nextText;
  }
  assert.ok(patched > 25, `only ${patched} of 40 edits patched the graph`);
});

test('incremental re-parse equals a full parse: generated kube-proxy dump', { skip: !generator && 'gen-kube-proxy-dump.mjs is not beside the repository' }, () => {
  const text = execFileSync(process.execPath, [generator!, '40', '3']).toString();
  const stats: Stats = { edits: 0, incremental: 0 };
  check('kube-proxy 40 services', text, 40, 7, stats, 8);
  assert.ok(stats.incremental > stats.edits / 3, `only ${stats.incremental} of ${stats.edits} edits were incremental`);
});

test('incremental re-parse equals a full parse: every corpus dump', { skip: !corpusRoot && 'the shared corpus is not beside the repository' }, () => {
  const dir = join(corpusRoot!, 'iptables');
  const files = readdirSync(dir).filter((f) => !f.endsWith('.tsv') && !f.endsWith('.md') && statSync(join(dir, f)).isFile());
  assert.ok(files.length > 10);
  const stats: Stats = { edits: 0, incremental: 0 };
  let seed = 11;
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    // big files: fewer edits and diagnostics less often
    const big = text.length > 50_000;
    check(f, text, big ? 3 : 10, seed++, stats, big ? 3 : 2, seed % 3 === 0);
  }
  assert.ok(stats.incremental > 0);
});
