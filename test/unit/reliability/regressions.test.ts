// Regression tests for bugs the reliability work found (each was a failing case first).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as core from '../../../server/src/core';
import { validateAddress, validatePort } from '../../../server/src/core/iptables/modules';
import { parseSysctlInteger } from '../../../server/src/core/sysctl/kb';
import { chainDump } from './hostile-cases';

test('iptables diagnostics and code actions survive hundreds of thousands of findings (no spread into push)', () => {
  // 200k declared chains nothing jumps to: a finding each. `out.push(...list)` overflowed the stack.
  const text = chainDump(200_000);
  const a = core.analyze('iptables', undefined, text)!;
  const findings = core.diagnose(a, core.DEFAULT_SETTINGS);
  assert.ok(findings.length > 150_000, `${findings.length} findings`);
  const all = { start: { line: 0, character: 0 }, end: { line: 200_010, character: 0 } };
  assert.ok(Array.isArray(a.service.codeActions(a.doc, all, findings, core.DEFAULT_SETTINGS)));
});

test('sysctl integers of millions of digits are read in linear time, and still compare as huge', () => {
  const digits = '9'.repeat(5_000_000);
  const t0 = performance.now();
  const n = parseSysctlInteger(digits);
  const neg = parseSysctlInteger('-' + digits);
  const hex = parseSysctlInteger('0x' + 'f'.repeat(5_000_000));
  const padded = parseSysctlInteger('0' + '0'.repeat(100) + '17'); // octal, leading zeros cut
  const ms = performance.now() - t0;
  assert.ok(ms < 1_000, `${ms.toFixed(0)} ms (BigInt() on all the digits takes seconds)`);
  assert.ok(n !== null && n > 2n ** 64n);
  assert.ok(neg !== null && neg < -(2n ** 64n));
  assert.ok(hex !== null && hex > 2n ** 64n);
  assert.equal(padded, 15n);
  assert.equal(parseSysctlInteger('18446744073709551616'), 2n ** 64n, 'exact below 65 digits');
});

test('udp-style ports: a number passes when its low 32 bits are a non-negative int (as glibc getaddrinfo reads it)', () => {
  // Verdicts of iptables-nft-restore 1.8.9 for `-p udp -m udp --dport N` (run in unshare -n).
  const accepted = ['65536', '2147483647', '4294967296', '4294967297'];
  const rejected = ['2147483648', '4294967295', '6442450944', '18446744073709551615', '18446744073709551616', '99999999999999999999999'];
  for (const p of accepted) assert.equal(validatePort(p), null, p);
  for (const p of rejected) assert.notEqual(validatePort(p), null, p);
});

test('a name whose last label is numeric is not a host name (no top-level domain is numeric)', () => {
  for (const v of ['10.0.0.9-10.0.0.1', '1.2.3.4.5', 'host.123']) assert.notEqual(validateAddress(v), null, v);
  for (const v of ['localhost', 'db1.example.com', 'host-1', '10.0.0.1', 'fe80::1']) assert.equal(validateAddress(v), null, v);
});

test('final checks iptables makes that the mutation differential found missing: -m recent and -j TCPMSS', () => {
  const errorsOf = (rule: string): string[] => {
    const a = core.analyze('iptables', undefined, `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n${rule}\nCOMMIT\n`)!;
    return core
      .diagnose(a, core.DEFAULT_SETTINGS)
      .filter((f) => f.severity === 'error' && f.range.start.line === 3)
      .map((f) => f.message);
  };
  // iptables-nft-restore 1.8.9 rejects these three (messages quoted in ours) and accepts the rest.
  assert.match(errorsOf('-A INPUT -p tcp -m recent --name ssh --seconds 60 -j DROP').join(), /recent: you must specify one of/);
  assert.match(errorsOf('-A INPUT -m recent --set --update -j DROP').join(), /cannot be used together/);
  assert.match(errorsOf('-A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS').join(), /TCPMSS target: At least one parameter is required/);
  for (const ok of ['-A INPUT -p tcp -m recent --name ssh --update --seconds 60 --hitcount 4 -j DROP', '-A INPUT -m recent ! --rcheck -j DROP', '-A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu', '-A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400']) {
    assert.deepEqual(errorsOf(ok), [], ok);
  }
});

test('a comment ending in a lone CR is not offered "Move to column 1": in column 1 it would swallow the next line', () => {
  // Found by the quick-fix property (seed 327849465): unindenting ` # c\r` made `COMMIT` part of the comment.
  const actionsFor = (text: string): string[] => {
    const a = core.analyze('iptables', undefined, text)!;
    const findings = core.diagnose(a, core.DEFAULT_SETTINGS).filter((f) => f.range.start.line === 2);
    return a.service.codeActions(a.doc, findings[0]!.range, findings, core.DEFAULT_SETTINGS, ['quickfix']).map((x) => x.title);
  };
  assert.ok(actionsFor('*filter\n:INPUT ACCEPT [0:0]\n # c\nCOMMIT\n').includes('Move to column 1'));
  assert.ok(!actionsFor('*filter\n:INPUT ACCEPT [0:0]\n # c\rCOMMIT\n').includes('Move to column 1'));
  assert.ok(actionsFor('# a\n\n # c\n*filter\nCOMMIT\n').includes('Move to column 1'), 'outside a table');
  assert.ok(!actionsFor('# a\n\n # c\r*filter\nCOMMIT\n').includes('Move to column 1'), 'outside a table, lone CR');
});
