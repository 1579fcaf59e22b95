// The parse pass of a big dump takes shortcuts (parse.ts, modules/values.ts): it
// finds the ends of arguments and quoted text by searching the line instead of
// looping over its characters, keeps one string per recent chain name, and
// accepts the most common values (plain ports, short free text, `a.b.c.d:port`,
// common protocol names) without their full check. Each must give exactly what
// the plain way gives.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getModule, getTarget } from '../../../server/src/core/iptables/modules';
import { isIPv4Strict, isServiceName, parseCNumber, validateNatRange, validateOptionValue, validateProtocol } from '../../../server/src/core/iptables/modules/values';
import type { OptionSpec } from '../../../server/src/core/iptables/modules/types';
import { LazyCommand, parseIptables, peekCommand, splitArgs } from '../../../server/src/core/iptables/parse';
import { optionsAnalysis, optionsAnalysisPlain, type OptionsResult } from '../../../server/src/core/iptables/restore/options';
import { randInt } from '../shared';

const ALPHABET = [' ', ' ', ' ', '\t', '"', '"', '\\', 'a', 'b', '-', '--x', '=', '!', '#', '1', 'KUBE-SEP-A', 'é', '😀'];

function randomLine(r: (n: number) => number, max: number): string {
  let s = '';
  for (let j = r(max); j > 0; j--) s += ALPHABET[r(ALPHABET.length)];
  return s;
}

const view = (toks: ReturnType<typeof splitArgs>) => toks.map((t) => [t.start, t.end, t.value, t.raw, t.quoted]);

test('splitArgs: searching a text that ends with the line splits as the loop over characters', () => {
  const r = randInt(1901);
  let quoted = 0;
  for (let i = 0; i < 50000; i++) {
    const s = randomLine(r, 24);
    const fast = splitArgs(s, 0, 0, s.length); // the text ends where the line does: searches
    const loop = splitArgs(s + '"x', 0, 0, s.length); // more text after the line: the character loop
    assert.deepEqual(view(fast), view(loop), JSON.stringify(s));
    if (fast.some((t) => t.quoted)) quoted++;
  }
  assert.ok(quoted > 10000);
});

/** Comparable form of an options result (a need's line node by its line number). */
function plain(r: OptionsResult): string {
  return JSON.stringify({ findings: r.findings, needs: r.needs.map((n) => [n.cmd.line, n.name, n.placement, n.range]) });
}

test('the parse pass reads arguments, chain and target names as the full tree does', () => {
  const r = randInt(1902);
  const chains = ['KUBE-SEP-AAAAAAAAAAAAAAAA', 'KUBE-SEP-AAAAAAAAAAAAAAAB', 'KUBE-SVC-AAAAAAAAAAAAAAAA', 'KUBE-MARK-MASQ', 'DNAT', 'X'];
  // quotes inside, before and after words: the parse pass (searching) and the full tree (splitArgs) must split alike
  const quoted = (w: string): string => [w, `"${w}"`, `${w}"`, `"${w}`, `x"${w}"`, `"${w}"x`][r(6)];
  const lines = ['*nat'];
  for (const c of chains) lines.push(`:${c} - [0:0]`);
  for (let i = 0; i < 4000; i++) {
    const c = chains[r(chains.length)];
    const t = chains[r(chains.length)];
    const rest = r(3) ? '' : ' ' + randomLine(r, 8);
    const body = r(2) ? `-p tcp -m tcp --dport ${quoted('80')} -j DNAT --to-destination ${quoted('10.1.2.3:80')}` : `${r(2) ? '-j' : '-g'} ${t}`;
    lines.push(`-A ${c} -m comment --comment ${r(2) ? quoted(c) : `"${c} \\"${i}\\""`} ${body}${rest}`);
  }
  lines.push('COMMIT', '');
  const doc = parseIptables(lines.join('\n'));
  assert.equal(plain(optionsAnalysis(doc)), plain(optionsAnalysisPlain(doc)));
  let checked = 0;
  for (const l of doc.lines) {
    if (!(l instanceof LazyCommand)) continue;
    const full = peekCommand(l);
    assert.equal(l.chainName, full.chain?.value, `line ${l.line}`);
    if (full.rule?.target) {
      assert.equal(l.targetName, full.rule.target.name, `line ${l.line}`);
      assert.equal(l.targetKind, full.rule.target.kind, `line ${l.line}`);
      checked++;
    }
  }
  assert.ok(checked > 1000);
});

/** `spec` with its family set: validateOptionValue then takes the full path (no shortcut is for options of one family). */
function fullPath(spec: OptionSpec): OptionSpec {
  return { ...spec, family: 'ipv4' };
}

test('plain ports and free text: the shortcuts agree with the full check', () => {
  const dport = getModule('tcp')!.options.find((o) => o.name === '--dport')!;
  const comment = getModule('comment')!.options.find((o) => o.name === '--comment')!;
  assert.equal(dport.kind, 'port-range');
  assert.equal(comment.kind, 'string');
  const dportFull = fullPath(dport);
  const commentFull = fullPath(comment);
  const r = randInt(1903);
  const digits = '0123456789';
  for (let i = 0; i < 20000; i++) {
    let v = '';
    for (let j = 1 + r(7); j > 0; j--) v += digits[r(10)];
    if (i % 11 === 0) v += ['', ':', 'x', ' '][r(4)];
    assert.deepEqual(validateOptionValue(dport, [v], 'ipv4'), validateOptionValue(dportFull, [v], 'ipv4'), v);
    const text = 'c'.repeat(r(300));
    assert.deepEqual(validateOptionValue(comment, [text], 'ipv4'), validateOptionValue(commentFull, [text], 'ipv4'), `${text.length} characters`);
  }
});

test('`a.b.c.d:port` for DNAT: the shortcut agrees with the address and port rules', () => {
  // the non-IPv6 reading: an IPv4 address in strict form, a C number 0-65535 or a service name
  const port = (p: string): boolean => {
    const n = parseCNumber(p);
    return n !== null ? n <= 65535n : isServiceName(p);
  };
  const reference = (v: string): boolean => {
    const colon = v.indexOf(':');
    return isIPv4Strict(v.slice(0, colon)) && port(v.slice(colon + 1));
  };
  assert.ok(getTarget('DNAT')!.options.some((o) => o.kind === 'nat-range'));
  const r = randInt(1904);
  let valid = 0;
  for (let i = 0; i < 50000; i++) {
    const part = () => (r(8) ? String(r(300)) : ['01', '00', '', 'x', '1a'][r(5)]);
    const p = r(6) ? String(r(70000)) : ['0', '00', '080', '0x50', 'http', '', '65536', '99999'][r(8)];
    const v = `${part()}.${part()}.${part()}.${part()}:${p}`;
    const want = reference(v);
    if (want) valid++;
    for (const family of ['ipv4', 'unknown'] as const) assert.equal(validateNatRange(v, undefined, family) === null, want, `${v} (${family})`);
  }
  assert.ok(valid > 10000);
});

test('common protocol names pass as the name pattern says', () => {
  for (const p of ['tcp', 'udp', 'icmp', 'all', 'sctp', 'icmpv6', 'udplite', 'esp', 'ah', 'gre', 'dccp', 'TCP', 'ipv6-icmp', '6', '256', 't cp', '']) {
    const reference = /^[0-9]+$/.test(p) ? Number(p) <= 255 : /^[A-Za-z][A-Za-z0-9._+-]*$/.test(p);
    assert.equal(validateProtocol(p) === null, reference, p);
  }
});
