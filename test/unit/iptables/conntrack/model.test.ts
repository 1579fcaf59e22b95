// The conntrack model: field sets, rule conditions, subset/intersects (sound in both
// directions), NOTRACK classes, the filter walk (jumps, gotos, RETURN, loops, depth) and
// how much of a big dump it looks at (counted, not timed: times are in bench/core-scaling.mjs).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntervalSet } from '../../../../server/src/core/iptables/conntrack/sets';
import { addressField, intersects, portList, portRange, protocolNumber, ruleConds, subset, type Conds } from '../../../../server/src/core/iptables/conntrack/conds';
import type { CommandLine } from '../../../../server/src/core/iptables/ast';
import { analysis, walk, type Analysis } from '../../../../server/src/core/iptables/conntrack/model';
import { conntrackDiagnostics } from '../../../../server/src/core/iptables/conntrack/rules';
import { DEFAULT_SETTINGS } from '../../../../server/src/core/settings';
import { parse } from './util';
import { nestedChainsDump } from '../../shared';

/** Conditions of one rule written in a tiny filter table. */
function conds(rule: string): Conds {
  const doc = parse(`*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ${rule}\nCOMMIT\n`);
  return ruleConds(doc.tables[0].commands[0]);
}

const cover = (cls: string, rule: string): boolean => subset(conds(cls), conds(rule), true);
const meet = (cls: string, rule: string): boolean => intersects(conds(cls), conds(rule), true);

test('interval sets: union, complement, intersection, subset', () => {
  const s = IntervalSet.of(100n, [
    [10n, 20n],
    [21n, 30n],
    [50n, 40n],
  ]);
  assert.deepEqual(s.parts, [
    [10n, 30n],
    [40n, 50n],
  ]);
  assert.deepEqual(s.complement().parts, [
    [0n, 9n],
    [31n, 39n],
    [51n, 100n],
  ]);
  assert.ok(IntervalSet.of(100n, [[12n, 15n]]).subsetOf(s));
  assert.ok(!IntervalSet.of(100n, [[29n, 41n]]).subsetOf(s));
  assert.ok(IntervalSet.of(100n, [[29n, 41n]]).intersects(s));
  assert.ok(!IntervalSet.of(100n, [[31n, 39n]]).intersects(s));
  assert.ok(IntervalSet.full(100n).complement().isEmpty);
});

test('values: ports, port lists, protocols, addresses', () => {
  assert.deepEqual(portRange('80'), [80, 80]);
  assert.deepEqual(portRange(':1023'), [0, 1023]);
  assert.deepEqual(portRange('1024:'), [1024, 65535]);
  assert.deepEqual(portRange('http'), [80, 80]);
  assert.equal(portRange('no-such-service'), undefined);
  assert.equal(portRange('90:80'), undefined);
  assert.deepEqual(portList('80,443,8000:8080')?.parts, [
    [80n, 80n],
    [443n, 443n],
    [8000n, 8080n],
  ]);
  assert.equal(protocolNumber('TCP'), 6);
  assert.equal(protocolNumber('6'), 6);
  assert.equal(protocolNumber('all'), 0);
  assert.equal(protocolNumber('nonsense'), undefined);
  const a = addressField('10.1.2.3/255.255.0.0', false);
  assert.equal(a.v, 4);
  assert.deepEqual(a.set?.parts, [[0x0a010000n, 0x0a01ffffn]]);
  assert.equal(addressField('10.0.0.0/255.0.255.0', false).exact, false, 'non-contiguous mask: unknown');
  assert.equal(addressField('example.com', false).exact, false, 'host names: unknown');
  const v6 = addressField('2001:db8::/32', false);
  assert.equal(v6.v, 6);
  assert.deepEqual(v6.set?.parts, [[0x20010db8n << 96n, (0x20010db8n << 96n) | ((1n << 96n) - 1n)]]);
  assert.deepEqual(addressField('::ffff:192.0.2.1', false).set?.parts, [[0xffffc0000201n, 0xffffc0000201n]]);
  assert.equal(addressField('10.0.0.1,10.0.0.2', true).exact, false, 'negated lists are not a thing');
});

test('covers: an accept takes the whole class only when every field holds for every packet', () => {
  const K = '-p tcp -m tcp --dport 80';
  assert.ok(cover(K, '-j ACCEPT'));
  assert.ok(cover(K, '-m conntrack --ctstate UNTRACKED -j ACCEPT'));
  assert.ok(cover(K, '-m state --state RELATED,ESTABLISHED,UNTRACKED -j ACCEPT'));
  assert.ok(cover(K, '-m state ! --state INVALID -j ACCEPT'), 'negated list without UNTRACKED admits it');
  assert.ok(cover(K, '-p tcp -m tcp --dport 1:1000 -j ACCEPT'));
  assert.ok(cover(K, '-p tcp -m multiport --dports 22,80,443 -j ACCEPT'));
  assert.ok(cover(K, '-p tcp -m multiport --ports 80 -j ACCEPT'), '--ports: the destination port is in the list');
  assert.ok(cover(K, '! -p udp -j ACCEPT'));
  assert.ok(cover(K, '-p tcp ! --dport 81 -j ACCEPT'));
  assert.ok(cover(K, '-i + -j ACCEPT'), '`+` is every interface');
  assert.ok(cover(K, '-m comment --comment "web" -j ACCEPT'));
  assert.ok(!cover(K, '-i lo -j ACCEPT'));
  assert.ok(!cover(K, '-s 10.0.0.0/8 -j ACCEPT'));
  assert.ok(!cover(K, '-p tcp --dport 443 -j ACCEPT'));
  assert.ok(!cover(K, '-p udp -j ACCEPT'));
  assert.ok(!cover(K, '-m state --state RELATED,ESTABLISHED -j ACCEPT'));
  assert.ok(!cover(K, '-m conntrack --ctstatus ASSURED -j ACCEPT'), 'conntrack without --ctstate never matches untracked');
  assert.ok(!cover(K, '-m conntrack --ctstate UNTRACKED --ctdir ORIGINAL -j ACCEPT'), 'other conntrack options: unsure');
  assert.ok(!cover(K, '-p tcp --syn -j ACCEPT'), 'a flag test takes only some packets');
  assert.ok(!cover(K, '-m limit --limit 5/s -j ACCEPT'), 'stateful matches: unsure');
  assert.ok(!cover(K, '-p tcp --dport http-alt-unknown -j ACCEPT'), 'unknown service name: unsure');
  // narrower classes are covered by wider rules
  assert.ok(cover('-i eth0 -s 192.0.2.0/24 -p tcp --dport 80', '-i eth+ -s 192.0.2.0/23 -p tcp -j ACCEPT'));
  assert.ok(!cover('-i eth0 -p tcp --dport 80', '-i eth1 -j ACCEPT'));
  assert.ok(cover('-i eth0 -p tcp --dport 80', '! -i lo -j ACCEPT'));
  assert.ok(cover('-p icmp -m icmp --icmp-type 8', '-p icmp -m icmp --icmp-type 8 -j ACCEPT'), 'pure matches compare as text');
  assert.ok(!cover('-p icmp', '-p icmp -m icmp --icmp-type 8 -j ACCEPT'));
});

test('intersects: false only when some field cannot overlap', () => {
  const K = '-p tcp -m tcp --dport 80';
  assert.ok(meet(K, '-i lo -j ACCEPT'));
  assert.ok(meet(K, '-s 10.0.0.0/8 -j DROP'));
  assert.ok(meet(K, '-m limit --limit 1/s -j DROP'));
  assert.ok(!meet(K, '-m conntrack --ctstate INVALID -j DROP'), 'untracked packets are never INVALID');
  assert.ok(!meet(K, '-m state --state NEW -j ACCEPT'));
  assert.ok(!meet(K, '-p udp -j DROP'));
  assert.ok(!meet(K, '-p tcp --dport 443 -j DROP'));
  assert.ok(!meet(K, '-p tcp -m multiport --dports 22,443 -j DROP'));
  assert.ok(!meet('-i eth0 -p tcp --dport 80', '-i eth1 -j DROP'));
  assert.ok(!meet('-i eth0 -p tcp --dport 80', '-i wlan+ -j DROP'));
  assert.ok(meet('-i eth0 -p tcp --dport 80', '-i eth+ -j DROP'));
  assert.ok(!meet('-s 192.0.2.0/24 -p tcp --dport 80', '-s 198.51.100.0/24 -j DROP'));
  assert.ok(!meet('-s 192.0.2.0/24 -p tcp --dport 80', '! -s 192.0.0.0/16 -j DROP'));
  assert.ok(!meet(K, '-p tcp -m multiport ! --ports 80,443 -j DROP'), 'the destination port is in the list, so `! --ports` fails');
  assert.ok(meet(K, '-p tcp -m multiport ! --ports 443 -j DROP'));
});

const WALK_HEAD = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p tcp -m tcp --dport 80 -j CT --notrack
-A OUTPUT -p tcp -m tcp --sport 80 -j CT --notrack
COMMIT
`;

function dropOf(filter: string): string | undefined {
  const doc = parse(WALK_HEAD + filter);
  const a = analysis(doc);
  const k = a.classes.find((c) => c.hook === 'PREROUTING')!;
  const r = walk(a, a.table('filter')!, 'INPUT', k.conds);
  if (r.aborted) return 'aborted';
  if (!r.drop) return undefined;
  return r.drop.rule ? `rule ${r.drop.rule.line + 1} @${r.drop.rootIndex}` : `policy @${r.drop.rootIndex}`;
}

test('walk: narrow accepts fall through, whole-class accepts end the walk', () => {
  assert.equal(dropOf('*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT\nCOMMIT\n'), 'policy @2');
  assert.equal(dropOf('*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -m conntrack --ctstate UNTRACKED -j ACCEPT\nCOMMIT\n'), undefined);
  assert.equal(dropOf('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.0/8 -j DROP\nCOMMIT\n'), 'rule 9 @0');
  assert.equal(dropOf('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp -j DROP\n-A INPUT -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n'), undefined);
});

test('walk: jumps, gotos and RETURN', () => {
  const chain = (body: string, policy = 'DROP'): string => `*filter\n:INPUT ${policy} [0:0]\n:X - [0:0]\n:Y - [0:0]\n${body}COMMIT\n`;
  // the whole class accepted in a user chain
  assert.equal(dropOf(chain('-A INPUT -p tcp -j X\n-A X -j ACCEPT\n')), undefined);
  // a user chain that accepts only part of the class: the rest returns and meets the policy
  assert.equal(dropOf(chain('-A INPUT -p tcp -j X\n-A X -i lo -j ACCEPT\n')), 'policy @1');
  // a partial RETURN before a covering accept leaks packets back to INPUT
  assert.equal(dropOf(chain('-A INPUT -j X\n-A X -s 10.0.0.0/8 -j RETURN\n-A X -j ACCEPT\n')), 'policy @1');
  // ... but not when INPUT accepts them after the jump
  assert.equal(dropOf(chain('-A INPUT -j X\n-A INPUT -p tcp -j ACCEPT\n-A X -s 10.0.0.0/8 -j RETURN\n-A X -j ACCEPT\n')), undefined);
  // goto: RETURN in the target goes back past the chain that went there
  assert.equal(dropOf(chain('-A INPUT -j X\n-A INPUT -j ACCEPT\n-A X -g Y\n-A X -j DROP\n-A Y -j RETURN\n')), undefined);
  assert.equal(dropOf(chain('-A INPUT -j X\n-A INPUT -j ACCEPT\n-A X -s 10.0.0.0/8 -g Y\n-A X -j ACCEPT\n-A Y -j RETURN\n')), undefined);
  assert.equal(dropOf(chain('-A INPUT -j X\n-A X -s 10.0.0.0/8 -g Y\n-A X -j ACCEPT\n-A Y -j RETURN\n')), 'policy @1');
  // a drop in a nested chain is reported where the packets enter it from INPUT
  assert.equal(dropOf(chain('-A INPUT -i lo -j ACCEPT\n-A INPUT -j X\n-A X -j Y\n-A Y -j REJECT\n', 'ACCEPT')), 'rule 14 @1');
  // rules the class cannot reach are skipped, chains it cannot enter too
  assert.equal(dropOf(chain('-A INPUT -p udp -j X\n-A INPUT -j ACCEPT\n-A X -j DROP\n')), undefined);
});

test('walk: a jump loop terminates (iptables-restore refuses it, the walk must still end)', () => {
  const doc = parse(WALK_HEAD + '*filter\n:INPUT DROP [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -j B\n-A B -j A\n-A B -i lo -j ACCEPT\nCOMMIT\n');
  const a = analysis(doc);
  const r = walk(a, a.table('filter')!, 'INPUT', a.classes[0].conds);
  assert.ok(r.drop && !r.drop.rule, 'the policy still drops');
});

/**
 * Counts, per rule, how often the analysis is asked for its conditions: Analysis.conds is
 * the per-document cache every walk step goes through, replaced here by a counting wrapper.
 */
function countConds(a: Analysis): Map<CommandLine, number> {
  const inner = a.conds;
  const calls = new Map<CommandLine, number>();
  a.conds = (cmd) => {
    calls.set(cmd, (calls.get(cmd) ?? 0) + 1);
    return inner(cmd);
  };
  return calls;
}

/** The walk looks at each rule once (an ACCEPT twice: once more as a fix candidate), never again. */
function assertEachRuleOnce(calls: Map<CommandLine, number>, rules: number): void {
  const over = [...calls].filter(([cmd, n]) => n > (cmd.targetName === 'ACCEPT' ? 2 : 1));
  assert.deepEqual(over.map(([cmd, n]) => `line ${cmd.line + 1}: ${n}×`).slice(0, 5), []);
  assert.ok(calls.size <= rules, `${calls.size} rules looked at, ${rules} in the table`);
}

test('walk and raw classes: 20,000 nested chains do not grow the stack', () => {
  const n = 20_000;
  const doc = parse(nestedChainsDump(n));
  const f = conntrackDiagnostics(doc, DEFAULT_SETTINGS).filter((x) => x.code === 'CT201');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /INPUT policy DROP/);
  // the raw walk went 20,000 chains deep to find the one class
  const a = analysis(doc);
  assert.equal(a.classes.length, 1);
  assert.equal(a.classes[0].direct, false);
  // and the filter walk reached the bottom within its step budget, each rule looked at once
  const calls = countConds(a);
  const r = walk(a, a.table('filter')!, 'INPUT', a.classes[0].conds);
  assert.ok(!r.aborted);
  assert.equal(r.drop?.chain, 'INPUT');
  assert.equal(calls.size, n + 1);
  assertEachRuleOnce(calls, n + 1);
});

test('kube-proxy sized dump with a NOTRACK rule: the walk looks at each rule once (memoised chains)', () => {
  const parts = ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A PREROUTING -p udp -m udp --dport 53 -j CT --notrack', '-A OUTPUT -p udp -m udp --sport 53 -j CT --notrack', 'COMMIT'];
  parts.push('*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':KUBE-SERVICES - [0:0]');
  const services = 5000;
  for (let i = 0; i < services; i++) parts.push(`:KUBE-SVC-${i} - [0:0]`);
  parts.push('-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  parts.push('-A INPUT -j KUBE-SERVICES');
  // a second way into the same chain: its outcome is already known and must not be walked again
  parts.push('-A INPUT -p udp -j KUBE-SERVICES');
  for (let i = 0; i < services; i++) {
    const ip = `10.96.${(i >> 8) & 255}.${i & 255}`;
    parts.push(`-A KUBE-SERVICES -d ${ip}/32 -p ${i % 2 ? 'tcp' : 'udp'} -m comment --comment "ns/svc-${i}" -m ${i % 2 ? 'tcp' : 'udp'} --dport ${i % 2 ? 443 : 53} -j KUBE-SVC-${i}`);
    parts.push(`-A KUBE-SVC-${i} -m comment --comment "ns/svc-${i}" -m statistic --mode random --probability 0.5 -j ACCEPT`);
    parts.push(`-A KUBE-SVC-${i} -m conntrack --ctstate INVALID -j DROP`);
  }
  parts.push('-A INPUT -m state --state INVALID -j DROP', 'COMMIT', '');
  const doc = parse(parts.join('\n'));
  const a = analysis(doc);
  assert.equal(analysis(doc), a, 'one analysis per document');
  const k = a.classes.find((c) => c.hook === 'PREROUTING')!;
  const calls = countConds(a);
  const r = walk(a, a.table('filter')!, 'INPUT', k.conds);
  assert.ok(!r.drop, 'nothing drops untracked udp 53');
  assert.ok(!r.aborted, 'within the step budget');
  const rules = a.table('filter')!.ruleCount;
  assert.equal(rules, 4 + 3 * services);
  assertEachRuleOnce(calls, rules);
  // the udp services' chains were entered (statistic ACCEPTs seen), the tcp ones skipped
  const svcAccepts = [...calls.keys()].filter((c) => c.targetName === 'ACCEPT').length;
  assert.equal(svcAccepts, services / 2);
  // conditions are parsed once per rule and cached for the document
  const first = doc.tables[1].commands.find((c) => c.targetName === 'KUBE-SERVICES')!;
  assert.equal(a.conds(first), a.conds(first));
});
