// The restore-level rules on small documents: what iptables-restore 1.8.9 does
// (checked in `unshare -n`, see the fixtures under test/fixtures/iptables/codes)
// in the corners the fixtures do not show one by one, the helpers, the corpus
// (no error on a dump real restore accepts) and a kube-proxy-sized dump (its timing is
// measured by bench/core-scaling.mjs).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applySeverityOverrides } from '../../../../server/src/core/codes';
import { hookMask, lastJumpOnPath, restoreAnalysis } from '../../../../server/src/core/iptables/restore/analysis';
import { optionOwners } from '../../../../server/src/core/iptables/restore/options';
import { closest, editDistance } from '../../../../server/src/core/iptables/restore/suggest';
import { parseIptables, peekCommand } from '../../../../server/src/core/iptables/parse';
import { iptablesService as s } from '../../../../server/src/core/iptables/service';
import { DEFAULT_SETTINGS } from '../../../../server/src/core/settings';
import type { Finding } from '../../../../server/src/core/types';
import { corpusRoot, generator } from '../../shared';

function lint(text: string, codes = /^IPT/): Finding[] {
  return s.diagnose(s.parse(text), DEFAULT_SETTINGS).filter((f) => codes.test(f.code));
}
function codesOf(text: string): string[] {
  return lint(text).map((f) => `${f.range.start.line + 1} ${f.code} ${f.severity}`);
}

const F = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n';

// ------------------------------------------------------------ helpers

test('edit distance and did-you-mean', () => {
  assert.equal(editDistance('LOGDORP', 'LOGDROP', 3), 1, 'a swap counts once');
  assert.equal(editDistance('conntrak', 'conntrack', 3), 1);
  assert.equal(editDistance('abc', 'xyz', 1), 2, 'stops past the bound');
  assert.equal(closest('accept', ['LOG', 'ACCEPT']), 'ACCEPT', 'case first');
  assert.equal(closest('WEBSERVR', ['SSH', 'WEBSERVER']), 'WEBSERVER');
  assert.equal(closest('KUBE-SVC-ABCDEFGHIJKLMNOP', ['SSH', 'LOGDROP']), undefined, 'nothing close');
});

test('the path nf_tables blames: the jump that completes the earliest path from the hook', () => {
  const doc = parseIptables('*nat\n:A - [0:0]\n:B - [0:0]\n-A A -j MASQUERADE\n-A PREROUTING -j B\n-A B -j A\n-A PREROUTING -j A\nCOMMIT\n');
  const ta = restoreAnalysis(doc).tables[0];
  assert.equal(hookMask(ta, 'A'), 1, 'A is reached from PREROUTING only');
  const last = lastJumpOnPath(ta, 'PREROUTING', 'A')!;
  // PREROUTING → B (line 5) → A (line 6) completes at line 6, before the direct jump on line 7
  assert.equal(last.line, 5);
  assert.deepEqual(last.path.map((e) => `${e.from}>${e.to}`), ['PREROUTING>B', 'B>A']);
  const f = lint(doc.text).filter((x) => x.code === 'IPT005');
  // restore refuses both jumps (lines 6 and 7: checked with iptables-nft-restore); the MASQUERADE rule is the cause
  assert.deepEqual(f.map((x) => x.range.start.line + 1).sort(), [4, 6, 7]);
});

test('options are attributed as iptables reads them', () => {
  const owners = (rule: string) => {
    const doc = parseIptables(`*filter\n${rule}\nCOMMIT\n`);
    const cmd = peekCommand(doc.tables[0].commands[0]);
    return optionOwners(cmd.rule!, 'ipv4').map((o) => `${o.node.name}=${o.spec.name}:${o.option.name}`);
  };
  assert.deepEqual(owners('-A INPUT -p tcp -m multiport --dport 22 -j ACCEPT'), ['--dport=multiport:--dports']);
  assert.deepEqual(owners('-A INPUT -m state -m comment --comment x --state NEW -j ACCEPT'), ['--comment=comment:--comment', '--state=state:--state']);
  assert.deepEqual(owners('-A INPUT -p tcp -m comment --comment x --dp 22 -j LOG --log-pref y'), ['--comment=comment:--comment', '--dp=tcp:--dport', '--log-pref=LOG:--log-prefix']);
  assert.deepEqual(owners('-A INPUT -p udp --destination-port 53 -j ACCEPT'), ['--destination-port=udp:--dport']);
});

// ------------------------------------------------------------ what restore accepts

test('accepted corners get no error', () => {
  const ok = [
    F + '-A INPUT -m comment --comment x --sour 10.0.0.0/8 -j ACCEPT\nCOMMIT\n', // core option abbreviated after a match
    F + '-A INPUT -p tcp --dpo 22 -j ACCEPT\nCOMMIT\n',
    F + '-A INPUT -m geoip --src-cc CN --whatever 1 -j DROP\nCOMMIT\n', // add-on match: its options are its business
    F + ':X - [0:0]\n-A X -j X\nCOMMIT\n', // a loop nothing reaches
    F + ':WEB - [0:0]\n-E WEB HTTP\n-A HTTP -j ACCEPT\nCOMMIT\n', // renamed chains are left alone
    '*nat\n:X - [0:0]\n-A X -j MASQUERADE\nCOMMIT\n', // a hook-restricted target in a chain nothing reaches
    F + '-A INPUT -j TRACE\nCOMMIT\n', // only the legacy backend restricts TRACE
    '*filter\n-A INPUT -6 -m icmp6 --icmpv6-type 1 -j ACCEPT\n-A INPUT -4 -p icmp --icmp-type 8 -j ACCEPT\nCOMMIT\n',
  ];
  for (const t of ok) assert.deepEqual(lint(t).filter((f) => f.severity === 'error').map((f) => f.message), [], t);
});

test('a line for the other family is skipped like restore skips it', () => {
  const v4 = '# Generated by iptables-save v1.8.9\n*filter\n-A INPUT -6 -m nosuchmodule -j NOPE\n-A INPUT -j ACCEPT\nCOMMIT\n';
  assert.deepEqual(codesOf(v4), []);
  assert.deepEqual(codesOf(v4.replace('-6 ', '-4 ')).map((x) => x.split(' ')[1]), ['IPT002', 'IPT006']);
});

test('add-on targets are a warning, not an error', () => {
  const f = lint(F + '-A INPUT -p tcp --dport 22 -j TARPIT\nCOMMIT\n');
  assert.deepEqual(f.map((x) => `${x.code} ${x.severity}`), ['IPT002 warning']);
  assert.match(f[0].message, /add-on/);
});

test('warnings where only the legacy backend refuses, errors where both do', () => {
  assert.deepEqual(codesOf(F + ':WEB ACCEPT [0:0]\n-A INPUT -j WEB\nCOMMIT\n'), ['5 IPT010 warning']);
  assert.deepEqual(codesOf(F + ':WEB - [0:0]\n:WEB - [0:0]\n-A INPUT -j WEB\nCOMMIT\n'), ['6 IPT004 warning']);
  assert.deepEqual(codesOf(F + '-N WEB\n-N WEB\n-A INPUT -j WEB\nCOMMIT\n'), ['6 IPT004 error']);
});

test('severity overrides apply to restore-level codes (off removes, others replace)', () => {
  const f = lint(F + ':WEB - [0:0]\n-A INPUT -j DROP\n-A INPUT -j NOPE\nCOMMIT\n');
  assert.deepEqual(f.map((x) => x.code).sort(), ['IPT002', 'IPT008', 'IPT009']);
  const o = applySeverityOverrides(f, { IPT009: 'off', IPT008: 'error' });
  assert.deepEqual(o.map((x) => `${x.code} ${x.severity}`).sort(), ['IPT002 error', 'IPT008 error']);
  assert.deepEqual(f.find((x) => x.code === 'IPT008')!.tags, ['unnecessary']);
});

test('IPT008 follows the order after restore and ignores conditional or non-terminal rules', () => {
  const t = F + ':L - [0:0]\n-A INPUT -j LOG\n-A INPUT -m comment --comment "all" -j ACCEPT\n-A INPUT -i lo -j DROP\n-I INPUT 1 -p tcp -j DROP\n-A L -p all -j RETURN\n-A L -j ACCEPT\n-A OUTPUT -g L\nCOMMIT\n';
  assert.deepEqual(
    lint(t).filter((f) => f.code === 'IPT008').map((f) => f.range.start.line + 1),
    [8, 11],
    'after the comment-only ACCEPT, and after `-p all -j RETURN`',
  );
});

test('IPT009 ignores a chain that only jumps to itself, and counts gotos', () => {
  assert.deepEqual(codesOf(F + ':A - [0:0]\n-A A -p tcp -j A\nCOMMIT\n'), ['5 IPT009 hint']);
  assert.deepEqual(codesOf(F + ':A - [0:0]\n-A INPUT -p tcp -g A\nCOMMIT\n'), []);
});

// ------------------------------------------------------------ the corpus


test('corpus: no restore-level error on a dump iptables-nft-restore accepts', { skip: corpusRoot ? false : 'the shared corpus is not beside the repository' }, () => {
  const verdicts = new Map<string, string>();
  for (const line of readFileSync(join(corpusRoot!, 'VERDICTS.tsv'), 'utf8').split('\n').slice(1)) {
    const [file, , nft] = line.split('\t');
    if (file) verdicts.set(file.replace(/^iptables\//, ''), nft);
  }
  let accepted = 0;
  const bad: string[] = [];
  for (const f of readdirSync(join(corpusRoot!, 'iptables'))) {
    if (verdicts.get(f) !== '0') continue;
    accepted++;
    const errors = lint(readFileSync(join(corpusRoot!, 'iptables', f), 'utf8')).filter((x) => x.severity === 'error');
    for (const e of errors) bad.push(`${f}:${e.range.start.line + 1} ${e.code} ${e.message}`);
  }
  assert.ok(accepted >= 40, `${accepted} accepted dumps`);
  assert.deepEqual(bad, []);
});

// ------------------------------------------------------------ scale


test('kube-proxy dump (2,000 services): no error, and every rule is checked, the last one too', { skip: generator ? false : 'bench generator not beside the repository' }, () => {
  const r = spawnSync(process.execPath, [generator!, '2000'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const doc = parseIptables(r.stdout);
  const findings = s.diagnose(doc, DEFAULT_SETTINGS).filter((f) => f.code.startsWith('IPT'));
  assert.deepEqual(findings.filter((f) => f.severity === 'error').map((f) => f.message).slice(0, 3), []);
  // kube-proxy declares chains it does not always use (KUBE-KUBELET-CANARY …): hints only
  assert.ok(findings.every((f) => f.code === 'IPT009'), [...new Set(findings.map((f) => f.code))].join(','));
  // a broken copy is caught on the line that breaks it: the first, a middle and the last endpoint rule
  const lines = r.stdout.split('\n');
  const sep = lines.flatMap((l, i) => (l.includes('-j KUBE-SEP-') ? [i] : []));
  const picks = [sep[0], sep[sep.length >> 1], sep[sep.length - 1]];
  for (const i of picks) {
    // the last endpoint of a service has no --probability: give it a broken one
    lines[i] = lines[i].includes('--probability ') ? lines[i].replace(/--probability \S+/, '--probability 1.5') : lines[i].replace(/ -j KUBE-SEP-/, ' -m statistic --mode random --probability 1.5 -j KUBE-SEP-');
  }
  const broken = s.diagnose(parseIptables(lines.join('\n')), DEFAULT_SETTINGS).filter((f) => f.severity === 'error');
  assert.deepEqual(broken.map((f) => `${f.range.start.line} ${f.code}`), picks.map((i) => `${i} IPT006`));
});
