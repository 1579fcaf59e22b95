// Checks the knowledge base against the running kernel, where it can: the keys it
// exposes, their modes, the defaults a fresh network namespace starts from, and — the
// real judge — whether the kernel accepts each value validateValue() calls valid or
// rejects. Writes happen only inside a throwaway network namespace (`unshare -n`), and
// only to per-namespace keys. Skipped where /proc/sys/net/netfilter or unshare is missing.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { release } from 'node:os';
import { test } from 'node:test';
import { INT_MAX, parseKernelVersion } from '../../../server/src/core/kernel';
import { defaultFor, isCoveredNamespace, keyStatus, lookupKey, validateValue } from '../../../server/src/core/sysctl/kb';

const NF_DIR = '/proc/sys/net/netfilter';
const running = parseKernelVersion(release());
const haveProc = existsSync(`${NF_DIR}/nf_conntrack_max`) && running !== null;
const canUnshare = haveProc && process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
const skipProc = haveProc ? false : 'no nf_conntrack sysctls on this machine';
const skipNetns = canUnshare ? false : 'needs root, unshare -n and nf_conntrack';

const keyToPath = (key: string) => '/proc/sys/' + key.replace(/\./g, '/');

/**
 * Runs `sh` in a fresh network namespace; stdin lines are "path\tvalue" (null value = read).
 * Values are written with a trailing newline, as sysctl(8) and systemd-sysctl write them.
 */
function inFreshNetns(lines: Array<[string, string | null]>): string[] {
  const script = `while IFS="$(printf '\\t')" read -r path value; do
    if [ "$value" = "<read>" ]; then cat "$path" 2>/dev/null | tr '\\t' ' ' || echo "<absent>"; continue; fi
    if printf '%s\n' "$value" > "$path" 2>/dev/null; then echo ok; else echo fail; fi
  done`;
  const input = lines.map(([p, v]) => `${p}\t${v ?? '<read>'}`).join('\n') + '\n';
  const r = spawnSync('unshare', ['-n', 'sh', '-c', script], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trimEnd().split('\n');
}

test('every live net.netfilter conntrack key is in the table and present for the running kernel', { skip: skipProc }, () => {
  const live = readdirSync(NF_DIR)
    .filter((name) => statSync(`${NF_DIR}/${name}`).isFile())
    .map((name) => `net.netfilter.${name}`);
  assert.ok(live.length > 20);
  for (const key of live) {
    const entry = lookupKey(key);
    if (!entry) {
      assert.equal(isCoveredNamespace(key), false, `${key} is live but unknown to the table`);
      continue;
    }
    assert.equal(keyStatus(entry, running!).kind, 'present', `${key} on ${running!.text}`);
  }
  assert.ok(lookupKey('net.nf_conntrack_max') && existsSync('/proc/sys/net/nf_conntrack_max'));
});

test('modes: read-only entries are 0444, the others writable in the initial namespace', { skip: skipProc }, () => {
  for (const name of readdirSync(NF_DIR)) {
    const entry = lookupKey(`net.netfilter.${name}`);
    if (!entry || !statSync(`${NF_DIR}/${name}`).isFile()) continue;
    const writable = (statSync(`${NF_DIR}/${name}`).mode & 0o200) !== 0;
    assert.equal(writable, !entry.readOnly, `${name} mode ${statSync(`${NF_DIR}/${name}`).mode.toString(8)}`);
  }
});

test('current values on this host validate cleanly', { skip: skipProc }, () => {
  const keys = readdirSync(NF_DIR).map((n) => `net.netfilter.${n}`).concat('net.ipv4.ip_local_port_range', 'net.core.somaxconn', 'fs.nr_open', 'fs.file-max');
  for (const key of keys) {
    const entry = lookupKey(key);
    if (!entry || !existsSync(keyToPath(key))) continue;
    const value = readFileSync(keyToPath(key), 'utf8').trim();
    assert.equal(validateValue(entry, value, running!), null, `${key} = ${value}`);
  }
});

test('a fresh network namespace starts from the defaults the table gives for this kernel', { skip: skipNetns }, () => {
  const entries = readdirSync(NF_DIR)
    .map((n) => lookupKey(`net.netfilter.${n}`))
    .filter((e) => e && e.scope === 'per-netns' && !e.readOnly && e.default.value !== undefined)
    .map((e) => e!);
  entries.push(...['net.ipv4.ip_local_port_range', 'net.ipv4.tcp_tw_reuse', 'net.core.somaxconn', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.ip_forward'].map((k) => lookupKey(k)!));
  const values = inFreshNetns(entries.map((e) => [keyToPath(e.key), null]));
  assert.ok(entries.length >= 35, `${entries.length} keys`);
  entries.forEach((e, i) => {
    const expected = defaultFor(e, running!).value!.replace(/\s+/g, ' ');
    assert.equal(values[i], expected, e.key);
  });
});

/** Finds HZ by writing INT_MAX / HZ and one more second for the common HZ values. */
function probeHz(): number | null {
  const path = `${NF_DIR}/nf_conntrack_generic_timeout`;
  for (const hz of [100, 250, 300, 1000]) {
    const limit = Math.floor(INT_MAX / hz);
    const [atLimit, above] = inFreshNetns([
      [path, String(limit)],
      [path, String(limit + 1)],
    ]);
    if (atLimit === 'ok' && above === 'fail') return hz;
  }
  return null;
}

test('the kernel accepts exactly what validateValue accepts (writes in a throwaway netns)', { skip: skipNetns }, () => {
  const hz = probeHz();
  assert.ok(hz, 'could not determine HZ');
  const NF = 'net.netfilter.nf_conntrack_';
  const cases: Array<[string, string]> = [
    [`${NF}acct`, '1'],
    [`${NF}acct`, '2'],
    [`${NF}acct`, '-1'],
    [`${NF}acct`, 'abc'],
    [`${NF}acct`, '0x1'],
    [`${NF}acct`, '010'],
    [`${NF}acct`, '08'],
    [`${NF}acct`, '+1'],
    [`${NF}acct`, '1 2'],
    [`${NF}acct`, ''],
    [`${NF}checksum`, '0'],
    [`${NF}checksum`, 'yes'],
    [`${NF}events`, '2'],
    [`${NF}events`, '3'],
    [`${NF}log_invalid`, '255'],
    [`${NF}log_invalid`, '256'],
    [`${NF}log_invalid`, '-1'],
    [`${NF}log_invalid`, '010'],
    [`${NF}tcp_max_retrans`, '255'],
    [`${NF}tcp_max_retrans`, '300'],
    [`${NF}tcp_loose`, '2'],
    [`${NF}tcp_be_liberal`, '1'],
    [`${NF}tcp_ignore_invalid_rst`, '2'],
    [`${NF}tcp_timeout_established`, '86400'],
    [`${NF}tcp_timeout_established`, String(Math.floor(INT_MAX / hz!))],
    [`${NF}tcp_timeout_established`, String(Math.floor(INT_MAX / hz!) + 1)],
    [`${NF}tcp_timeout_established`, '21474837'],
    [`${NF}tcp_timeout_established`, '1.5'],
    [`${NF}tcp_timeout_established`, '5d'],
    [`${NF}udp_timeout`, '-30'],
    [`${NF}udp_timeout`, '2147483648'],
    [`${NF}udp_timeout_stream`, '0x3c'],
    [`${NF}sctp_timeout_established`, '210'],
    [`${NF}frag6_timeout`, '60'],
    ['net.ipv4.ip_local_port_range', '1024 65535'],
    ['net.ipv4.ip_local_port_range', '1000 65000'],
    ['net.ipv4.ip_local_port_range', '60999 32768'],
    ['net.ipv4.ip_local_port_range', '1024 70000'],
    ['net.ipv4.ip_local_port_range', '32768'],
    ['net.ipv4.ip_forward', '1'],
    ['net.ipv4.ip_forward', '5'],
    ['net.ipv4.ip_forward', 'on'],
    ['net.ipv4.tcp_tw_reuse', '2'],
    ['net.ipv4.tcp_tw_reuse', '3'],
    ['net.core.somaxconn', '-1'],
    ['net.core.somaxconn', '70000'],
    ['net.ipv4.tcp_fin_timeout', '30'],
    ['net.bridge.bridge-nf-call-iptables', '5'],
  ];
  const present = cases.filter(([key]) => existsSync(keyToPath(key)));
  const results = inFreshNetns(present.map(([key, value]) => [keyToPath(key), value]));
  const mismatches: string[] = [];
  present.forEach(([key, value], i) => {
    const problem = validateValue(lookupKey(key)!, value, running!, { hz: hz! });
    const predicted = problem === null || problem.kernelRejects === 'no' ? 'ok' : problem.kernelRejects === 'yes' ? 'fail' : 'either';
    if (predicted !== 'either' && predicted !== results[i]) {
      mismatches.push(`${key} = "${value}": kernel ${results[i]}, predicted ${predicted} (${problem?.message ?? 'valid'})`);
    }
  });
  assert.deepEqual(mismatches, []);
  assert.ok(present.length >= 40, `${present.length} cases ran`);
});

test('global keys are read-only inside a network namespace; nf_log_all_netns does not exist there', { skip: skipNetns }, () => {
  const keys = ['net.netfilter.nf_conntrack_max', 'net.netfilter.nf_conntrack_buckets', 'net.netfilter.nf_conntrack_expect_max'];
  const r = spawnSync('unshare', ['-n', 'sh', '-c', keys.map((k) => `stat -c %a ${keyToPath(k)}`).join('; ') + `; test -e ${NF_DIR}/nf_log_all_netns && echo present || echo absent`], {
    encoding: 'utf8',
  });
  assert.deepEqual(r.stdout.trim().split('\n'), ['444', '444', '444', 'absent']);
  for (const k of keys) assert.equal(lookupKey(k)!.scope, 'init-netns-only', k);
  assert.equal(lookupKey('net.netfilter.nf_log_all_netns')!.scope, 'init-netns-registered');
});
