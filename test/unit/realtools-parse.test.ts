// The real-tool judges' own reading of iptables-restore and procps sysctl output
// (test/realtools/lib). Messages below are copied from iptables 1.8.9 and procps-ng 4.0.2
// as they ran on this kind of machine.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectFamily } from '../../scripts/lib/iptables.mjs';
import { getlineToLsp, physicalToLsp, restoreLineMapper, restoreLineToLsp } from '../realtools/lib/lines.mjs';
import { globSegment, judgeSysctl, keyPath, parseDryRunInvalid, pathKey, procpsLine, valueShape } from '../realtools/lib/procps.mjs';
import type { Finding } from '../realtools/lib/restore.mjs';
import {
  checkExpectation,
  findAllowed,
  fixtureExpectation,
  judgeRestore,
  parseAllowList,
  parseRestoreError,
  requirements,
  ruleJump,
  scanBlocks,
  tokenize,
} from '../realtools/lib/restore.mjs';

const TRY = "Try `iptables-nft-restore -h' or 'iptables-nft-restore --help' for more information.\n";

const err = (line1: number, code = 'IPT001', severity = 'error'): Finding => ({
  code,
  severity,
  range: { start: { line: line1 - 1, character: 0 }, end: { line: line1 - 1, character: 1 } },
});

// --- iptables-restore messages --------------------------------------------------------

test('restore messages: every shape iptables 1.8.9 prints, with its line numbers', () => {
  const cases: [string, string, number[], Record<string, unknown>?][] = [
    ['iptables-nft-restore: line 3 failed: Index of deletion too big.\n', 'line-failed', [3]],
    ['iptables-nft-restore: line 11 failed\n', 'line-failed', [11]],
    ['iptables-nft-restore: COMMIT expected at line 6\n', 'commit-expected', [6]],
    ["Bad argument `X-A'\nError occurred at line: 20\n" + TRY, 'bad-argument', [20], { arg: 'X-A' }],
    ["Bad argument `*nat'\nError occurred at line: 7\n" + TRY, 'bad-argument', [7], { arg: '*nat' }],
    ["iptables-nft-restore v1.8.9 (nf_tables): Chain '$' does not exist\nError occurred at line: 35\n" + TRY, 'missing-chain', [35], { chain: '$' }],
    ["iptables-nft-restore v1.8.9 (nf_tables): Chain 'ufw-logging-deny' does not exist\nError occurred at line: 84\n" + TRY, 'missing-chain', [84], { chain: 'ufw-logging-deny' }],
    ['iptables-nft-restore v1.8.9 (nf_tables): \nline 14: RULE_APPEND failed (No such file or directory): rule in chain KUBE-FORWARD\n', 'commit-time', [14]],
    ["iptables-nft-restore v1.8.9 (nf_tables): iptables-nft-restore: line 2 table name 'security' invalid\nError occurred at line: 2\n" + TRY, 'error-at', [2]],
    [
      "ip6tables-nft-restore v1.8.9 (nf_tables): Set cali6-masq-ipam-pools doesn't exist.\n\nError occurred at line: 20\nTry `ip6tables-nft-restore -h' or 'ip6tables-nft-restore --help' for more information.\n",
      'error-at',
      [20],
    ],
    ['iptables-nft-restore v1.8.9 (nf_tables): \nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n\nError occurred at line: 17\n' + TRY, 'error-at', [17]],
    ['iptables-nft-restore v1.8.9 (nf_tables): unknown option "--dportx"\nError occurred at line: 7\n' + TRY, 'error-at', [7]],
    ["iptables-nft-restore v1.8.9 (nf_tables): Couldn't load match `nosuchmatch':No such file or directory\n\nError occurred at line: 6\n" + TRY, 'error-at', [6]],
    ['iptables-nft-restore v1.8.9 (nf_tables): Parameter too long!\nError occurred at line: 4\n' + TRY, 'error-at', [4]],
    ["iptables-restore v1.8.9 (legacy): Can't set policy `DROP' on `MINE' line 6: Bad built-in chain name\n", 'line', [6]],
    ["iptables-restore v1.8.9 (legacy): error creating chain 'MINE':File exists\nError occurred at line: 6\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\n", 'error-at', [6]],
    ['iptables-restore: line 8 failed\n', 'line-failed', [8]],
    ["iptables-restore: unable to initialize table 'natx'\n", 'none', []],
  ];
  for (const [stderr, kind, lines, extra] of cases) {
    const p = parseRestoreError(stderr);
    assert.equal(p.kind, kind, stderr);
    assert.deepEqual(p.lines, lines, stderr);
    for (const [k, v] of Object.entries(extra ?? {})) assert.equal((p as unknown as Record<string, unknown>)[k], v, stderr);
    assert.ok(!/Try `|Error occurred/.test(p.message), p.message);
    assert.ok(!/^ip6?tables/.test(p.message), p.message);
  }
  assert.equal(parseRestoreError("iptables-nft-restore v1.8.9 (nf_tables): iptables-nft-restore: line 2 table name 'security' invalid\nError occurred at line: 2\n").message, "line 2 table name 'security' invalid");
});

test('restore messages: several commit-time failures, loops, warnings', () => {
  const two = parseRestoreError(
    'iptables-nft-restore v1.8.9 (nf_tables): \nline 4: RULE_APPEND failed (Invalid argument): rule in chain INPUT\nline 6: RULE_APPEND failed (Invalid argument): rule in chain FORWARD\n',
  );
  assert.equal(two.kind, 'commit-time');
  assert.deepEqual(two.lines, [4, 6]);
  assert.deepEqual(
    two.ops!.map((o) => [o.op, o.errno, o.detail]),
    [
      ['RULE_APPEND', 'Invalid argument', 'rule in chain INPUT'],
      ['RULE_APPEND', 'Invalid argument', 'rule in chain FORWARD'],
    ],
  );
  const loop = parseRestoreError('iptables-nft-restore v1.8.9 (nf_tables): \nline 8: RULE_APPEND failed (Too many links): rule in chain A\n');
  assert.equal(loop.ops![0].errno, 'Too many links');
  const del = parseRestoreError('iptables-nft-restore v1.8.9 (nf_tables): \nline 6: CHAIN_DEL failed (Device or resource busy): chain A\n');
  assert.deepEqual([del.kind, del.lines, del.ops![0].op], ['commit-time', [6], 'CHAIN_DEL']);
  const warn = parseRestoreError('Warning: never matched protocol: ah. use extension match instead.\n');
  assert.deepEqual([warn.kind, warn.message], ['none', '']);
});

// --- line numbers -------------------------------------------------------------------------

test('restore line numbers: fgets pieces of 10,239 bytes count as lines', () => {
  const head = '*filter\n:INPUT ACCEPT [0:0]\n';
  // 10,238 bytes + newline = 10,239: one piece.
  let m = restoreLineMapper(Buffer.from(head + '#' + 'y'.repeat(10_237) + '\nX\n'));
  assert.deepEqual([1, 2, 3, 4].map(m), [0, 1, 2, 3]);
  // 10,239 bytes + newline: the newline is a second piece (restore reports the next line as 5).
  m = restoreLineMapper(Buffer.from(head + '#' + 'y'.repeat(10_238) + '\nX\n'));
  assert.deepEqual([1, 2, 3, 4, 5].map(m), [0, 1, 2, 2, 3]);
  // 20,002 bytes: two pieces; 20,502 bytes: three.
  m = restoreLineMapper(Buffer.from('#' + 'x'.repeat(20_000) + '\n-A\n'));
  assert.deepEqual([1, 2, 3].map(m), [0, 0, 1]);
  m = restoreLineMapper(Buffer.from('#' + 'x'.repeat(20_500) + '\n-A\n'));
  assert.deepEqual([1, 2, 3, 4].map(m), [0, 0, 0, 1]);
  // Bytes, not characters: 6,000 'é' = 12,000 bytes.
  m = restoreLineMapper(Buffer.from('é'.repeat(6_000) + '\nX\n'));
  assert.deepEqual([1, 2, 3].map(m), [0, 0, 1]);
  // Past the end (COMMIT expected at line N+1): the line after the last newline, or the last line.
  assert.equal(restoreLineMapper(Buffer.from('a\nb\n'))(3), 2);
  assert.equal(restoreLineMapper(Buffer.from('a\nb'))(3), 1);
  assert.equal(restoreLineMapper(Buffer.from(''))(1), 0);
});

test('editor lines: a lone CR breaks a line for LSP only; CRLF does not add lines', () => {
  assert.deepEqual(physicalToLsp('a\nb\nc'), [0, 1, 2]);
  assert.deepEqual(physicalToLsp('a\r\nb\r\nc\r\n'), [0, 1, 2, 3]);
  assert.deepEqual(physicalToLsp('# x\ry\n*filter\nCOMMIT\n'), [0, 2, 3, 4]);
  assert.deepEqual(physicalToLsp('a\r\r\nb'), [0, 2]);
  const text = '# restore: reject 7\n# a lone CR\rstarts a new line\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n-A INPUT -p tcp --dportx 1 -j ACCEPT\nCOMMIT\n';
  assert.equal(restoreLineToLsp(Buffer.from(text), text)(6), 6); // restore's line 6 = editor line 7
  assert.equal(getlineToLsp('a = 1\rb\nc = 2\n')(2), 2);
});

// --- file structure ---------------------------------------------------------------------------

test('blocks follow restore: COMMIT exact, * only outside a table, # comments', () => {
  const lines = ['# c', '*filter', ':INPUT ACCEPT [0:0]', '*nat', 'COMMIT\r', ' COMMIT', 'COMMIT', '', '*raw', '-A PREROUTING -j CT --notrack'];
  assert.deepEqual(scanBlocks(lines), [
    { table: 'filter', header: 1, commit: 6 },
    { table: 'raw', header: 8, commit: null },
  ]);
});

test('tokenizer and jumps: quotes, escaped quotes, counters, goto', () => {
  assert.deepEqual(tokenize('-A INPUT -m comment --comment "a \\"b\\" -j X" -j ACCEPT'), ['-A', 'INPUT', '-m', 'comment', '--comment', 'a "b" -j X', '-j', 'ACCEPT']);
  assert.deepEqual(tokenize('-A X -m comment --comment "" -j Y'), ['-A', 'X', '-m', 'comment', '--comment', '', '-j', 'Y']);
  assert.deepEqual(ruleJump('[5:300] -A INPUT -p tcp -g NOPE'), { chain: 'INPUT', target: 'NOPE', goto: true });
  assert.deepEqual(ruleJump('-I FORWARD 2 --jump DOCKER'), { chain: 'FORWARD', target: 'DOCKER', goto: false });
  assert.deepEqual(ruleJump('-A INPUT -m comment --comment "-j NOPE"'), { chain: 'INPUT', target: null, goto: false });
  assert.equal(ruleJump(':INPUT ACCEPT [0:0]'), null);
});

test('requirements: where each kind of rejection points', () => {
  const text = (s: string) => s.split('\n');
  const id = (n: number) => n - 1;
  // A missing chain is reported at COMMIT; the offenders are the rules jumping to it.
  let lines = text('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOPE\n-A INPUT -m comment --comment "-j NOPE" -j ACCEPT\n-A INPUT -g NOPE\nCOMMIT\n');
  let r = requirements(parseRestoreError("Chain 'NOPE' does not exist\nError occurred at line: 6\n"), lines, id);
  assert.deepEqual(r.groups, [[2], [4]]);
  assert.equal(r.acceptedBefore, 0);
  // The table left open, or the end.
  lines = text('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n');
  r = requirements(parseRestoreError('iptables-nft-restore: COMMIT expected at line 6\n'), lines, id);
  assert.deepEqual(r.groups, [[5, 4, 3]]);
  assert.equal(r.acceptedBefore, 3);
  // A table header inside an open table.
  lines = text('*filter\n:INPUT ACCEPT [0:0]\n*nat\nCOMMIT\n');
  r = requirements(parseRestoreError("Bad argument `*nat'\nError occurred at line: 3\n"), lines, id);
  assert.deepEqual(r.groups, [[2, 0]]);
  // A loop: the reported rule and the rules on the cycle, not the others.
  lines = text('*filter\n:A - [0:0]\n:B - [0:0]\n-A A -j B\n-A B -j A\n-A B -j ACCEPT\n-A INPUT -j ACCEPT\n-A FORWARD -j A\nCOMMIT\n');
  r = requirements(parseRestoreError('line 8: RULE_APPEND failed (Too many links): rule in chain FORWARD\n'), lines, id);
  assert.deepEqual(r.groups, [[7, 3, 4]]);
  // An error in the second table: the first was committed.
  lines = text('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j DROP\nCOMMIT\n');
  r = requirements(parseRestoreError('The "nat" table is not intended for filtering\nError occurred at line: 6\n'), lines, id);
  assert.deepEqual(r, { groups: [[5]], acceptedBefore: 3 });
  // Outside any table: everything before it was accepted.
  lines = text('*filter\nCOMMIT\nCOMMIT\n');
  r = requirements(parseRestoreError('iptables-nft-restore: line 3 failed\n'), lines, id);
  assert.deepEqual(r, { groups: [[2]], acceptedBefore: 2 });
});

// --- the judge ---------------------------------------------------------------------------------

test('judge (a): restore accepts → no error from us, warnings are fine; legacy refusals permit errors', () => {
  const text = '*filter\n:INPUT ACCEPT [0:0]\n:MINE - [0:0]\n:MINE - [0:0]\nCOMMIT\n';
  const buf = Buffer.from(text);
  assert.equal(judgeRestore({ buf, text, rc: 0, stderr: '', findings: [] }).status, 'agree');
  assert.equal(judgeRestore({ buf, text, rc: 0, stderr: '', findings: [err(3, 'IPT009', 'hint'), err(4, 'CT201', 'warning')] }).status, 'agree');
  const v = judgeRestore({ buf, text, rc: 0, stderr: '', findings: [err(4, 'IPT004')] });
  assert.equal(v.status, 'disagree');
  assert.match(v.problems[0], /IPT004@4/);
  const legacy = { rc: 2, stderr: "iptables-restore v1.8.9 (legacy): error creating chain 'MINE':File exists\nError occurred at line: 4\n" };
  const l = judgeRestore({ buf, text, rc: 0, stderr: '', findings: [err(4, 'IPT004')], legacy });
  assert.deepEqual([l.status, l.viaLegacy], ['agree', true]);
  assert.equal(judgeRestore({ buf, text, rc: 0, stderr: '', findings: [err(3, 'IPT004')], legacy }).status, 'disagree');
});

test('judge (b)/(c): an error on the offending line, none in committed tables', () => {
  const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j DROP\nCOMMIT\n';
  const buf = Buffer.from(text);
  const stderr = 'iptables-nft-restore v1.8.9 (nf_tables): \nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n\nError occurred at line: 7\n' + TRY;
  const j = (findings: Finding[]) => judgeRestore({ buf, text, rc: 2, stderr, findings });
  assert.equal(j([err(7, 'IPT005')]).status, 'agree');
  assert.equal(j([err(7, 'IPT005', 'warning')]).status, 'disagree');
  assert.equal(j([err(6)]).status, 'disagree');
  assert.equal(j([]).status, 'disagree');
  const early = j([err(7, 'IPT005'), err(3, 'IPT006')]);
  assert.equal(early.status, 'disagree');
  assert.match(early.problems.join(), /committed/);
  // Allow-listed: not required, but the committed tables still count.
  const allow = parseAllowList('# c\n*\tnot intended for filtering\tbecause\n');
  const allowed = findAllowed(allow, 'x', stderr);
  assert.ok(allowed);
  assert.equal(judgeRestore({ buf, text, rc: 2, stderr, findings: [], allowed }).status, 'env');
  assert.equal(judgeRestore({ buf, text, rc: 2, stderr, findings: [err(2)], allowed }).status, 'disagree');
  // No line number: one error anywhere.
  const none = "iptables-restore: unable to initialize table 'natx'\n";
  assert.equal(judgeRestore({ buf, text, rc: 2, stderr: none, findings: [] }).status, 'disagree');
  assert.equal(judgeRestore({ buf, text, rc: 2, stderr: none, findings: [err(8)] }).status, 'agree');
});

test('judge: long lines and CRLF map to the editor line that holds the fault', () => {
  const text = '*filter\n#' + 'x'.repeat(20_000) + '\n:INPUT ACCEPT [0:0]\nCOMMIT\n';
  const buf = Buffer.from(text);
  const stderr = 'iptables-nft-restore v1.8.9 (nf_tables): Parameter too long!\nError occurred at line: 3\n' + TRY;
  assert.equal(judgeRestore({ buf, text, rc: 2, stderr, findings: [err(2)] }).status, 'agree');
  assert.equal(judgeRestore({ buf, text, rc: 2, stderr, findings: [err(3)] }).status, 'disagree');
  const crlf = '# restore: reject 2\r\n*filter\r\n:INPUT ACCEPT [0:0]\r\nCOMMIT\r\n';
  const st = "iptables-nft-restore v1.8.9 (nf_tables): iptables-nft-restore: line 2 table name 'filter\r' invalid\nError occurred at line: 2\n";
  assert.equal(checkExpectation(fixtureExpectation(crlf)!, { buf: Buffer.from(crlf), text: crlf, rc: 2, stderr: st }), null);
  assert.match(String(checkExpectation({ accept: false, lines: [3] }, { buf: Buffer.from(crlf), text: crlf, rc: 2, stderr: st })), /annotated line 3/);
});

test('allow-list and fixture expectations parse strictly', () => {
  assert.throws(() => parseAllowList('file-only\n'), /needs file, message and reason/);
  assert.throws(() => parseAllowList('f\t(unclosed\treason\n'));
  const list = parseAllowList('a.rules\tChain .X. does not exist\twhy\n*\tSet \\S+ doesn\'t exist\tipset\n');
  assert.equal(findAllowed(list, 'b.rules', "Chain 'X' does not exist")?.file, undefined);
  assert.equal(findAllowed(list, 'a.rules', "Chain 'X' does not exist")?.reason, 'why');
  assert.equal(findAllowed(list, 'b.rules', "Set foo doesn't exist.")?.reason, 'ipset');
  assert.deepEqual(fixtureExpectation('# restore: reject 7,9\n*filter\n'), { accept: false, lines: [7, 9] });
  assert.deepEqual(fixtureExpectation('# x\n# restore: accept\n'), { accept: true, lines: [] });
  assert.equal(fixtureExpectation('*filter\nCOMMIT\n'), null);
});

// --- family -----------------------------------------------------------------------------------

test('address family: header, then rules, then the name', () => {
  assert.equal(detectFamily('# Generated by ip6tables-save v1.8.9\n*filter\n'), 'ipv6');
  assert.equal(detectFamily('# Generated by iptables-save v1.8.9\n*filter\n', 'rules.v6'), 'ipv4');
  assert.equal(detectFamily('*filter\n-A INPUT -s fe80::/10 -j ACCEPT\n'), 'ipv6');
  assert.equal(detectFamily('*filter\n-A INPUT -p ipv6-icmp -j ACCEPT\n'), 'ipv6');
  assert.equal(detectFamily('*filter\n-A INPUT -j REJECT --reject-with icmp6-adm-prohibited\n'), 'ipv6');
  assert.equal(detectFamily('*filter\n-A INPUT -s 10.0.0.0/8 -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT\n'), 'ipv4');
  assert.equal(detectFamily('*nat\n-A PREROUTING -p tcp --dport 1000:2000 -j DNAT --to-destination 10.0.0.2:80\n'), 'ipv4');
  assert.equal(detectFamily('*filter\n-A INPUT -j ACCEPT\n', '/x/before6.rules'), 'ipv6');
  assert.equal(detectFamily('*filter\n-A INPUT -j ACCEPT\n', '/x/rules.v6'), 'ipv6');
  assert.equal(detectFamily('*filter\n-A INPUT -j ACCEPT\n', '/x/disable_ipv6_test.rules'), 'ipv4');
});

const CORPUS = join(__dirname, '../../../shared/corpus');

test('address family: the heuristics agree with VERDICTS.tsv on every corpus dump', { skip: !existsSync(join(CORPUS, 'VERDICTS.tsv')) && 'no ../shared/corpus' }, () => {
  const rows = readFileSync(join(CORPUS, 'VERDICTS.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
  assert.ok(rows.length >= 60);
  for (const row of rows) {
    const [file, tool] = row.split('\t');
    const text = readFileSync(join(CORPUS, file), 'utf8');
    // Content first; the name only where the rules say nothing (a bare lo/state ruleset).
    assert.equal(detectFamily(text, file), tool === 'ip6tables' ? 'ipv6' : 'ipv4', file);
  }
});

// --- procps sysctl ------------------------------------------------------------------------------

test('procps: invalid-syntax lines from sysctl --dry-run stderr', () => {
  const stderr =
    'sysctl: /tmp/a (1).conf(4): invalid syntax, continuing...\nsysctl: t.conf(16): invalid syntax, continuing...\n' +
    'sysctl: cannot stat /proc/sys/net/ipv4/nosuch: No such file or directory\nsysctl: setting key "net.netfilter.nf_conntrack_count": Invalid argument\n';
  assert.deepEqual(parseDryRunInvalid(stderr), [4, 16]);
  assert.deepEqual(parseDryRunInvalid(''), []);
});

test('procps: a line as parse_setting_line reads it', () => {
  assert.deepEqual(procpsLine('x\n'), { kind: 'invalid' });
  assert.deepEqual(procpsLine('x'), { kind: 'skip' }); // last line without newline: too short
  assert.deepEqual(procpsLine('xy'), { kind: 'invalid' });
  assert.deepEqual(procpsLine('   \n'), { kind: 'skip' });
  assert.deepEqual(procpsLine('  ; c\n'), { kind: 'comment' });
  assert.deepEqual(procpsLine('kernel.pid_max\n'), { kind: 'invalid' });
  assert.deepEqual(procpsLine('{% if x %}\n'), { kind: 'invalid' });
  assert.deepEqual(procpsLine('\uFEFF# comment\n'), { kind: 'invalid' });
  assert.deepEqual(procpsLine('-net.ipv4.conf.*.rp_filter \n'), { kind: 'exclude', key: 'net.ipv4.conf.*.rp_filter' });
  assert.deepEqual(procpsLine('-net.ipv4.x = 1\n'), { kind: 'set', key: 'net.ipv4.x', value: '1', ignoreFailure: true });
  assert.deepEqual(procpsLine('  a.b =  1 2 # c \r\n'), { kind: 'set', key: 'a.b', value: '1 2 # c', ignoreFailure: false });
  assert.deepEqual(procpsLine('kernel.pid_max =\n'), { kind: 'set', key: 'kernel.pid_max', value: '', ignoreFailure: false });
  assert.deepEqual(procpsLine('= 5\n'), { kind: 'set', key: '', value: '5', ignoreFailure: false });
});

test('procps: key paths (the first separator decides) and globs', () => {
  assert.equal(keyPath('net.ipv4.ip_forward'), 'net/ipv4/ip_forward');
  assert.equal(keyPath('net/ipv4/conf/all/rp_filter'), 'net/ipv4/conf/all/rp_filter');
  assert.equal(keyPath('net.ipv4.conf.eth0/1.rp_filter'), 'net/ipv4/conf/eth0.1/rp_filter');
  assert.equal(keyPath('net.ipv4/conf/lo.rp_filter'), 'net/ipv4.conf.lo/rp_filter');
  assert.equal(keyPath('kernel'), 'kernel');
  assert.equal(pathKey('net/ipv4/conf/eth0.1/rp_filter'), 'net.ipv4.conf.eth0/1.rp_filter');
  assert.ok(globSegment('*').test('eth0'));
  assert.ok(globSegment('eth?').test('eth1') && !globSegment('eth?').test('eth10'));
  assert.ok(globSegment('[!l]*').test('all') && !globSegment('[!l]*').test('lo'));
  assert.ok(globSegment('a.b').test('a.b') && !globSegment('a.b').test('axb'));
});

test('procps: value shapes against the kernel current value', () => {
  assert.equal(valueShape('1024 65535', '32768\t60999\n'), true);
  assert.equal(valueShape('1024', '32768\t60999\n'), false);
  assert.equal(valueShape('0x3c', '120\n'), true);
  assert.equal(valueShape('abc', '60\n'), false);
  assert.equal(valueShape('{{ x }}', '60\n'), false);
  assert.equal(valueShape('bbr', 'cubic\n'), true);
  assert.equal(valueShape('-1', '2\n'), null);
  assert.equal(valueShape('-1', '-1\n'), true);
  assert.equal(valueShape('1', null), null);
  assert.equal(valueShape('', '1\n'), false);
});

test('procps judge: rule 1 (SYS004 where procps says invalid) and rule 2 (no error where it accepts)', () => {
  const text = 'net.ipv4.ip_forward = 1\nkernel.pid_max\nvm.swappiness = abc\nnet.netfilter.nf_conntrack_count = 1\nnet.nosuch.key = x\nnet.core.somaxconn = 4096\n';
  const kernel: Record<string, { exists: boolean; writable: boolean; current: string | null }> = {
    'net/ipv4/ip_forward': { exists: true, writable: true, current: '0\n' },
    'kernel/pid_max': { exists: true, writable: true, current: '4194304\n' },
    'vm/swappiness': { exists: true, writable: true, current: '60\n' },
    'net/netfilter/nf_conntrack_count': { exists: true, writable: false, current: '3\n' },
    'net/core/somaxconn': { exists: true, writable: true, current: '4096\n' },
  };
  const probe = (p: string) => kernel[p] ?? { exists: false, writable: false, current: null };
  const run = (findings: Finding[], invalid = [2]) => judgeSysctl({ text, invalid, findings, probe });
  const good = run([err(2, 'SYS004'), err(3, 'SYS002'), err(4, 'SYS006'), err(5, 'SYS001', 'warning'), err(5, 'SYS002')]);
  assert.deepEqual([good.judged, good.problems, good.harness], [4, [], []]);
  assert.deepEqual(
    run([]).problems.map((p) => p.line),
    [2],
  );
  assert.deepEqual(
    // SYS002 is never judged here (`sysctl --dry-run` does not check values; the kernel-write
    // test in test/unit/sysctl/codes.test.ts judges them), so line 1 is not a problem.
    run([err(2, 'SYS004'), err(1, 'SYS002'), err(6, 'SYS004'), err(6, 'CT101', 'warning')]).problems.map((p) => p.line),
    [6],
  );
  // Our reading of procps must match procps: a disagreement is a harness failure.
  assert.match(run([err(2, 'SYS004')], [2, 3]).harness[0], /line 3: procps reports invalid syntax/);
  // procps printed lines cross-check (a key our reading derives wrongly).
  const printed = new Set(['net.ipv4.ip_forward = 1', 'vm.swappiness = abc', 'net.core.somaxconn = 4096']);
  assert.deepEqual(judgeSysctl({ text, invalid: [2], findings: [err(2, 'SYS004')], probe, printed }).harness, []);
  const missing = judgeSysctl({ text, invalid: [2], findings: [err(2, 'SYS004')], probe, printed: new Set(['vm.swappiness = abc']) });
  assert.equal(missing.harness.length, 2);
  // Allow-listed lines are not judged.
  assert.deepEqual(judgeSysctl({ text, invalid: [2], findings: [err(2, 'SYS004'), err(6, 'SYS002')], probe, allowed: (n) => (n === 6 ? 'range' : null) }).problems, []);
});

test('procps judge: lone CR and CRLF keep procps line numbers on the right editor line', () => {
  const text = '# a\rb\nx\nnet.core.somaxconn = 1\r\n';
  const probe = () => ({ exists: true, writable: true, current: '4096\n' });
  const ok = judgeSysctl({ text, invalid: [2], findings: [err(3, 'SYS004')], probe });
  assert.deepEqual([ok.problems, ok.harness], [[], []]);
  assert.deepEqual(
    judgeSysctl({ text, invalid: [2], findings: [err(2, 'SYS004')], probe }).problems.map((p) => p.line),
    [2],
  );
});
