// IPT006/IPT005 option checks on big dumps take two shortcuts (restore/options.ts):
// the parse pass checks each rule while it has the rule's tree in hand (a rule
// scanner, parse.ts), and a rule whose shape already got a clean verdict only has
// its values checked. Both must give exactly what checking every rule on its own
// gives (optionsAnalysisPlain): on the corpus, the fixtures, a generated kube-proxy
// dump, and those texts with random mutations (bad values, stray `!`, swapped
// options, wrong protocols …), for both families, fresh and after incremental edits.
// Also the fast paths of two helpers against their plain definitions.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { reparseIptables } from '../../../../server/src/core/iptables/incremental';
import { isIPv4Strict } from '../../../../server/src/core/iptables/modules/values';
import { parseIptables } from '../../../../server/src/core/iptables/parse';
import { optionsAnalysis, optionsAnalysisPlain, type OptionsResult } from '../../../../server/src/core/iptables/restore/options';
import { closest, editDistance, typoBudget } from '../../../../server/src/core/iptables/restore/suggest';
import { randInt, randomWord } from '../../shared';

const ROOT = resolve(__dirname, '../../../..');
const CORPUS = resolve(ROOT, '../shared/corpus/iptables');
const GEN = resolve(ROOT, '../shared/bench/gen-kube-proxy-dump.mjs');

function files(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) files(p, out);
    else if (!/\.(json|md|tsv)$/.test(f)) out.push(p);
  }
  return out;
}

/** Comparable form (a need's line node by its line number). */
function plain(r: OptionsResult): string {
  return JSON.stringify({ findings: r.findings, needs: r.needs.map((n) => [n.cmd.line, n.name, n.placement, n.range]) });
}

const WORDS = [
  '0', '65536', '1:2:3', '!', '10.0.0.1/33', '300.1.1.1', '010.1.1.1', 'tcp', 'udp', 'icmp', 'sctp', 'foo', '--dport', '--sport', '-p', '-m', 'multiport',
  '--dports', '80,443', 'NEW,FOO', '0x1/0x1', '-j', 'DNAT', 'SNAT', 'REJECT', '--reject-with', 'tcp-reset', '--to-destination', '1.2.3.4:80', ':80',
  '[::1]:80', 'MASQUERADE', '--to-ports', '"a b"', '-i', '-o', 'eth0', 'x'.repeat(300), '--comment', 'recent', '--set', '--rcheck', 'conntrack',
  '--ctstate', 'owner', '--uid-owner', 'statistic', '--probability', '2', '0.5', '-s', '-d', 'ACCEPT', 'KUBE-MARK-MASQ', '--mode', 'random', 'nth',
  '--every', 'mark', '--mark', 'TCPMSS', '--set-mss', '--clamp-mss-to-pmtu', 'limit', '--limit', '5/s', 'addrtype', '--dst-type', 'LOCAL', 'set',
  '--match-set', 'src', 'icmp6', 'ipv6-icmp', '-g', '-4', '-6', '--dp', '--d',
];

/** `text` with random edits to some rule lines. */
function mutate(text: string, r: (n: number) => number): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('-A') || r(3)) continue;
    const toks = lines[i].split(' ');
    const k = 2 + r(Math.max(1, toks.length - 2));
    const op = r(5);
    if (op === 0) toks[k] = WORDS[r(WORDS.length)];
    else if (op === 1) toks.splice(k, 0, WORDS[r(WORDS.length)]);
    else if (op === 2) toks.splice(k, 1);
    else if (op === 3) toks.splice(k, 0, WORDS[r(WORDS.length)], WORDS[r(WORDS.length)]);
    else if (k + 1 < toks.length) [toks[k], toks[k + 1]] = [toks[k + 1], toks[k]];
    lines[i] = toks.join(' ');
  }
  return lines.join('\n');
}

function texts(): [string, string][] {
  const out: [string, string][] = [];
  for (const f of [...files(CORPUS), ...files(join(ROOT, 'test/fixtures/iptables'))]) out.push([f, readFileSync(f, 'utf8')]);
  if (existsSync(GEN)) out.push(['kube-proxy 150 services', execFileSync(process.execPath, [GEN, '150', '3'], { encoding: 'utf8', maxBuffer: 1 << 26 })]);
  return out;
}

test('option checks: parse-pass results and rule shapes equal checking every rule on its own', () => {
  const all = texts();
  assert.ok(all.length > 20, 'test texts found');
  const r = randInt(20261123);
  const cases: [string, string][] = [...all];
  const bases = all.filter(([, t]) => t.includes('\n-A '));
  for (let i = 0; i < 60; i++) {
    const [name, t] = bases[i % bases.length];
    cases.push([`${name} (mutation ${i})`, mutate(t, r)]);
  }
  for (const [name, t] of cases.slice(-30)) {
    cases.push([`${name} (as IPv6)`, t.replace(/\biptables-save\b/g, 'ip6tables-save')]);
    cases.push([`${name} (no header)`, t.replace(/^#.*$/gm, '')]);
  }
  let findings = 0;
  for (const [name, t] of cases) {
    const fast = plain(optionsAnalysis(parseIptables(t)));
    const ref = plain(optionsAnalysisPlain(parseIptables(t)));
    assert.equal(fast, ref, name);
    findings += (JSON.parse(ref) as { findings: unknown[] }).findings.length;
  }
  assert.ok(findings > 500, `the mutations reach the error paths (${findings} findings)`);
});

test('option checks after incremental edits equal a fresh plain check', { skip: existsSync(GEN) ? false : 'generator not found beside the repo' }, () => {
  const r = randInt(7);
  let text = execFileSync(process.execPath, [GEN, '80', '3'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  let doc = parseIptables(text);
  optionsAnalysis(doc);
  for (let e = 0; e < 40; e++) {
    const lines = text.split('\n');
    let l = 10 + r(lines.length - 20);
    while (!lines[l].startsWith('-A')) l++;
    const edited = mutate(lines[l], () => 0); // the first token after the chain always changes
    if (e % 3 === 0) lines.splice(l, 0, edited);
    else if (e % 5 === 0) lines.splice(l, 1);
    else lines[l] = edited;
    text = lines.join('\n');
    doc = reparseIptables(doc, text);
    if (e % 4 !== 3) assert.equal(plain(optionsAnalysis(doc)), plain(optionsAnalysisPlain(parseIptables(text))), `edit ${e}`);
  }
});

test('isIPv4Strict (one pass) agrees with the split-and-pattern definition', () => {
  const reference = (s: string): boolean => {
    const parts = s.split('.');
    return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
  };
  const r = randInt(99);
  const alphabet = '0123456789..x -\n';
  let valid = 0;
  for (let i = 0; i < 200000; i++) {
    let s = '';
    if (i % 3 === 0) s = [r(300), r(300), r(300), r(300)].join('.') + (r(5) ? '' : '.' + r(9));
    else for (let j = r(17); j > 0; j--) s += alphabet[r(alphabet.length)];
    if (i % 7 === 0) s = '0' + s;
    if (reference(s)) valid++;
    assert.equal(isIPv4Strict(s), reference(s), JSON.stringify(s));
  }
  assert.ok(valid > 10000);
});

test('closest (bounds, ASCII fast paths) agrees with its plain definition', () => {
  // the same name in another case first, else the smallest edit distance within the budget (ties: first)
  const reference = (name: string, candidates: string[]): string | undefined => {
    const lower = name.toLowerCase();
    let best: string | undefined;
    let bestD = typoBudget(name) + 1;
    for (const c of candidates) {
      if (c === name) continue;
      if (c.toLowerCase() === lower) return c;
      const d = editDistance(lower, c.toLowerCase(), 1000);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best;
  };
  const r = randInt(5);
  const alphabet = 'abcABCxyzXYZ-_0K\u0130i\u0131I\u03a3\u03c3';
  const word = (max: number) => randomWord(r, alphabet, max);
  let found = 0;
  for (let t = 0; t < 20000; t++) {
    const candidates = Array.from({ length: 1 + r(25) }, () => word(10));
    let name = r(3) ? word(12) : candidates[r(candidates.length)];
    if (r(2)) {
      const i = r(name.length + 1);
      name = name.slice(0, i) + alphabet[r(alphabet.length)] + name.slice(i + 1);
    }
    if (r(4) === 0) name = r(2) ? name.toUpperCase() : name.toLowerCase();
    const want = reference(name, candidates);
    if (want !== undefined) found++;
    assert.equal(closest(name, candidates), want, JSON.stringify({ name, candidates }));
  }
  assert.ok(found > 1000 && found < 19000, `both outcomes occur (${found} found)`);
});
