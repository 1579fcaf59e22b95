import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKernelVersion } from '../../../server/src/core/kernel';
import { lookupKey, parseSysctlInteger, validateValue, type ValueProblem } from '../../../server/src/core/sysctl/kb';

const K = (v: string) => parseKernelVersion(v)!;
const NF = 'net.netfilter.nf_conntrack_';

function check(key: string, value: string, kernel = '6.18', hz?: number): ValueProblem | null {
  const entry = lookupKey(key);
  assert.ok(entry, key);
  return validateValue(entry!, value, K(kernel), hz === undefined ? {} : { hz });
}

function expectProblem(p: ValueProblem | null, kind: 'type' | 'range', rejects: ValueProblem['kernelRejects'], re?: RegExp) {
  assert.ok(p, 'expected a problem');
  assert.equal(p!.kind, kind, p!.message);
  assert.equal(p!.kernelRejects, rejects, p!.message);
  if (re) assert.match(p!.message, re);
}

test('kernel-style integer parsing: decimal, 0x hex, 0 octal; no +, units, fractions', () => {
  assert.equal(parseSysctlInteger('262144'), 262144n);
  assert.equal(parseSysctlInteger('-1'), -1n);
  assert.equal(parseSysctlInteger('0x10'), 16n);
  assert.equal(parseSysctlInteger('010'), 8n);
  assert.equal(parseSysctlInteger('0'), 0n);
  assert.equal(parseSysctlInteger('9223372036854775807'), 9223372036854775807n);
  for (const bad of ['+5', '08', '1.5', '64M', 'abc', '', '0x', '1e6', ' 1']) assert.equal(parseSysctlInteger(bad), null, bad);
});

test('valid values pass', () => {
  assert.equal(check(`${NF}max`, '262144'), null);
  assert.equal(check(`${NF}max`, '0'), null); // 0 = no limit
  assert.equal(check(`${NF}max`, '0x40000'), null);
  assert.equal(check(`${NF}buckets`, '65536'), null);
  assert.equal(check(`${NF}tcp_timeout_established`, '86400'), null);
  assert.equal(check(`${NF}tcp_timeout_established`, '  432000  '), null);
  assert.equal(check(`${NF}acct`, '1'), null);
  assert.equal(check(`${NF}events`, '2'), null);
  assert.equal(check(`${NF}log_invalid`, '255'), null);
  assert.equal(check('net.ipv4.ip_local_port_range', '1024 65535'), null);
  assert.equal(check('net.ipv4.ip_local_port_range', '32768\t60999'), null);
  assert.equal(check('fs.file-max', '9223372036854775807'), null);
  assert.equal(check('net.ipv4.tcp_tw_reuse', '2'), null);
});

test('type errors: not a number, units, fractions, empty', () => {
  expectProblem(check(`${NF}max`, 'abc'), 'type', 'yes', /`abc` is not an integer/);
  expectProblem(check(`${NF}max`, '64M'), 'type', 'yes', /without units/);
  expectProblem(check(`${NF}tcp_timeout_established`, '1.5'), 'type', 'yes', /fractions/);
  expectProblem(check(`${NF}acct`, 'yes'), 'type', 'yes', /not 0 or 1/);
  expectProblem(check(`${NF}max`, ''), 'type', 'yes', /No value/);
  expectProblem(check(`${NF}max`, '08'), 'type', 'yes', /octal/);
});

test('unsigned keys reject -1; nf_conntrack_max before 6.15 took it as "no limit"', () => {
  expectProblem(check(`${NF}buckets`, '-1'), 'range', 'yes', /negative/);
  expectProblem(check(`${NF}buckets`, '0'), 'range', 'yes', /minimum 1/);
  expectProblem(check(`${NF}max`, '-1', '6.18'), 'range', 'yes', /negative/);
  expectProblem(check(`${NF}max`, '-1', '6.14'), 'range', 'no', /no limit/);
  expectProblem(check(`${NF}expect_max`, '0', '6.15'), 'range', 'yes', /minimum 1/);
  assert.equal(check(`${NF}expect_max`, '0', '6.14'), null);
  expectProblem(check(`${NF}max`, '2147483648'), 'range', 'yes', /32-bit/);
  expectProblem(check('fs.file-max', '-5'), 'range', 'yes', /negative/);
});

test('booleans: 2 is rejected by u8 kernels, only misleading on old ones', () => {
  expectProblem(check(`${NF}acct`, '2', '6.18'), 'range', 'yes', /expected 0 or 1; kernel 6\.18 rejects/);
  expectProblem(check(`${NF}checksum`, '-1', '6.18'), 'range', 'yes');
  expectProblem(check(`${NF}acct`, '2', '4.19'), 'range', 'no', /non-zero value as 1/);
  expectProblem(check('net.ipv4.ip_forward', '2'), 'range', 'no', /write 1/);
});

test('u8 bounds: log_invalid and tcp_max_retrans 0..255', () => {
  expectProblem(check(`${NF}log_invalid`, '256'), 'range', 'yes', /0–255/);
  expectProblem(check(`${NF}log_invalid`, '-1'), 'range', 'yes', /0–255/);
  expectProblem(check(`${NF}tcp_max_retrans`, '300'), 'range', 'yes', /0–255/);
  assert.equal(check(`${NF}tcp_max_retrans`, '300', '4.19'), null); // plain int before the u8 conversion
});

test('events: 0..2 from 5.19, 0..1 on 5.14–5.18', () => {
  for (const v of ['0', '1', '2']) assert.equal(check(`${NF}events`, v, '5.19'), null, v);
  expectProblem(check(`${NF}events`, '3', '6.18'), 'range', 'yes', /0 \(off\), 1 \(on\) or 2 \(auto\)/);
  expectProblem(check(`${NF}events`, '2', '5.18'), 'range', 'yes', /expected 0 or 1/);
  expectProblem(check(`${NF}events`, '2', '5.10'), 'range', 'no');
});

test('timeouts: INT_MAX / HZ, HZ=1000 assumed and said; definite with a given HZ', () => {
  // 2,147,483 s is the HZ=1000 limit (§1 mechanics).
  assert.equal(check(`${NF}tcp_timeout_established`, '2147483'), null);
  expectProblem(check(`${NF}tcp_timeout_established`, '2147484'), 'range', 'depends', /2,147,483 s.*HZ=1000.*assumed.*HZ=250.*8,589,934/);
  expectProblem(check(`${NF}tcp_timeout_established`, '21474837'), 'range', 'yes', /even for HZ=100/);
  assert.equal(check(`${NF}tcp_timeout_established`, '5000000', '6.18', 250), null);
  expectProblem(check(`${NF}tcp_timeout_established`, '9000000', '6.18', 250), 'range', 'yes', /HZ=250/);
  expectProblem(check(`${NF}udp_timeout`, '-30'), 'range', 'no', /negative timeout/);
  expectProblem(check(`${NF}udp_timeout`, '4294967296'), 'range', 'yes', /32-bit/);
});

test('port range pair: order, bounds, unprivileged floor, token count', () => {
  expectProblem(check('net.ipv4.ip_local_port_range', '60999 32768'), 'range', 'yes', /above the high end/);
  expectProblem(check('net.ipv4.ip_local_port_range', '1024 70000'), 'range', 'yes', /1–65,535/);
  expectProblem(check('net.ipv4.ip_local_port_range', '1000 65000'), 'range', 'depends', /ip_unprivileged_port_start/);
  assert.equal(check('net.ipv4.ip_local_port_range', '1000 65000', '4.9'), null); // before the floor existed
  expectProblem(check('net.ipv4.ip_local_port_range', '32768'), 'type', 'no', /two numbers/);
  expectProblem(check('net.ipv4.ip_local_port_range', '32768 60999 1'), 'type', 'no', /ignores the rest/);
  expectProblem(check('net.ipv4.ip_local_port_range', 'low high'), 'type', 'yes');
});

test('extra tokens on a scalar key: kernel uses the first', () => {
  expectProblem(check(`${NF}max`, '65536 131072'), 'type', 'no', /uses `65536`/);
  expectProblem(check(`${NF}max`, 'x 1'), 'type', 'yes'); // the first token decides
});
