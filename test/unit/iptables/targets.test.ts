// Target table: placement (table x built-in chain) as real iptables 1.8.9 enforces
// it (placement.json, written by scripts/iptables-ground-truth.mjs in unshare -n
// with both backends), terminal verdicts, per-family option values, hover text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import {
  describeOption,
  describeTarget,
  findOption,
  getTarget,
  isModuleAllowed,
  isTargetAllowed,
  isTerminalTarget,
  listTargets,
  modulePlacement,
  targetPlacement,
  validateOptionValue,
} from '../../../server/src/core/iptables/modules';

const root = resolve(__dirname, '../../..');

interface PlacementRow {
  target?: string;
  match?: string;
  variant?: string;
  family: 'ipv4' | 'ipv6';
  table: string;
  chain: string;
  args: string;
  nft: 'accept' | 'reject';
  legacy: 'accept' | 'reject';
  nftMessage?: string;
  legacyMessage?: string;
}

const fixture: { tool: string; rows: PlacementRow[] } = JSON.parse(readFileSync(join(root, 'test/fixtures/iptables/modules/placement.json'), 'utf8'));

/** Groups rows by extension + variant + family. */
function groups(kind: 'target' | 'match'): Map<string, PlacementRow[]> {
  const out = new Map<string, PlacementRow[]>();
  for (const r of fixture.rows) {
    const name = kind === 'target' ? r.target : r.match;
    if (!name) continue;
    const k = `${name}|${r.variant ?? ''}|${r.family}`;
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

/** Options written after `-j NAME` / `-m NAME` in a fixture row (long names only). */
function optionNames(args: string): string[] {
  return args.split(' ').filter((a) => a.startsWith('--'));
}

// This kernel lacks these extensions (or, for SECMARK, an SELinux policy), so every
// placement fails on both backends; their rule comes from the kernel source instead.
const UNVERIFIABLE = ['CLUSTERIP', 'LED', 'SECMARK', 'ULOG'];

test('target placement agrees with real iptables in every table and built-in chain', () => {
  assert.match(fixture.tool, /^iptables v1\.8\.9/);
  const wrong: string[] = [];
  const unverifiable = new Set<string>();
  let compared = 0;
  for (const [key, rows] of groups('target')) {
    const name = key.split('|')[0];
    if (rows.every((r) => r.nft === 'reject' && r.legacy === 'reject')) {
      unverifiable.add(name);
      continue;
    }
    for (const r of rows) {
      // Accepted by either backend counts as accepted (QUEUE needs a queue module
      // iptables-nft lacks here; TRACE is raw-only with the legacy backend).
      const real = r.nft === 'accept' || r.legacy === 'accept';
      const ours = isTargetAllowed(name, r.table, r.chain, optionNames(r.args.split(` ${name}`)[1] ?? ''));
      compared++;
      if (ours !== real) wrong.push(`${r.family} -t ${r.table} -A ${r.chain} ${r.args}: real ${real ? 'accepts' : `rejects (${r.nftMessage})`}, we say ${ours}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.deepEqual([...unverifiable].sort(), UNVERIFIABLE);
  assert.ok(compared > 1000, `${compared} rows compared`);
});

test('facts §6b rows, as verified', () => {
  const p = (name: string, opts: string[] = []) => {
    const x = targetPlacement(name, opts);
    return x && { tables: [...x.tables].sort(), chains: [...x.chains].sort() };
  };
  assert.deepEqual(p('CT'), { tables: ['raw'], chains: ['OUTPUT', 'PREROUTING'] });
  assert.deepEqual(p('NOTRACK'), { tables: ['raw'], chains: ['OUTPUT', 'PREROUTING'] });
  assert.deepEqual(p('DNAT'), { tables: ['nat'], chains: ['OUTPUT', 'PREROUTING'] });
  assert.deepEqual(p('REDIRECT'), { tables: ['nat'], chains: ['OUTPUT', 'PREROUTING'] });
  assert.deepEqual(p('SNAT'), { tables: ['nat'], chains: ['INPUT', 'POSTROUTING'] });
  assert.deepEqual(p('MASQUERADE'), { tables: ['nat'], chains: ['POSTROUTING'] });
  assert.deepEqual(p('TPROXY'), { tables: ['mangle'], chains: ['PREROUTING'] });
  // REJECT: filter only; mangle and security refuse it although they have the hooks.
  assert.deepEqual(p('REJECT'), { tables: ['filter'], chains: ['FORWARD', 'INPUT', 'OUTPUT'] });
  assert.equal(isTargetAllowed('REJECT', 'mangle', 'INPUT'), false);
  assert.equal(isTargetAllowed('DROP', 'nat', 'PREROUTING'), false);
  assert.equal(isTargetAllowed('DROP', 'raw', 'PREROUTING'), true);
  assert.equal(isTargetAllowed('ACCEPT', 'nat', 'OUTPUT'), true);
  assert.equal(isTargetAllowed('DNAT', 'nat', 'MY-CHAIN'), undefined, 'user chains depend on who jumps to them');
  assert.equal(targetPlacement('MY-CHAIN'), null);
  // Option-specific: TCPMSS --clamp-mss-to-pmtu only where packets leave.
  assert.equal(targetPlacement('TCPMSS'), null);
  assert.deepEqual(p('TCPMSS', ['--clamp-mss-to-pmtu'])?.chains, ['FORWARD', 'OUTPUT', 'POSTROUTING']);
  assert.equal(isTargetAllowed('TCPMSS', 'mangle', 'PREROUTING', ['--clamp-mss-to-pmtu']), false);
  assert.equal(isTargetAllowed('TCPMSS', 'mangle', 'PREROUTING', ['--set-mss']), true);
  // TRACE: raw-only for the legacy backend, anywhere for iptables-nft: never an error.
  assert.equal(targetPlacement('TRACE')?.legacyOnly, true);
  assert.equal(isTargetAllowed('TRACE', 'filter', 'INPUT'), true);
});

test('match placement agrees with real iptables where the kernel restricts it', () => {
  const wrong: string[] = [];
  for (const [key, rows] of groups('match')) {
    const [name, variant] = key.split('|');
    for (const r of rows) {
      const real = r.nft === 'accept' || r.legacy === 'accept';
      const ours = isModuleAllowed(name, r.table, r.chain, optionNames(r.args));
      // policy --dir and physdev --physdev-out depend on values / companion options:
      // we only document them, so we must never call them wrong.
      if ((name === 'policy' || name === 'physdev') && ours === true) continue;
      if (ours !== real) wrong.push(`${r.family} -t ${r.table} -A ${r.chain} ${r.args} (${variant}): real ${real}, we ${ours}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.equal(modulePlacement('policy'), null);
  assert.equal(modulePlacement('physdev'), null);
  assert.deepEqual(modulePlacement('rpfilter')?.tables, ['raw', 'mangle']);
});

test('terminal targets end the walk; LOG, MARK, CT, NOTRACK continue', () => {
  for (const t of ['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'TPROXY', 'NFQUEUE']) {
    assert.equal(isTerminalTarget(t), true, t);
  }
  for (const t of ['LOG', 'NFLOG', 'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'TCPMSS', 'TEE', 'AUDIT', 'TRACE', 'SET', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'CHECKSUM', 'SYNPROXY']) {
    assert.equal(isTerminalTarget(t), false, t);
  }
  assert.equal(isTerminalTarget('KUBE-SERVICES'), false, 'user chains can return');
  assert.equal(isTerminalTarget('accept'), false, 'names are case-sensitive');
});

test('target lookup by family and per-family option values', () => {
  assert.equal(getTarget('TTL', 'ipv6'), undefined);
  assert.equal(getTarget('HL', 'ipv4'), undefined);
  assert.equal(getTarget('HL', 'ipv6')?.name, 'HL');
  assert.equal(getTarget('DOCKER'), undefined);
  assert.ok(getTarget('ACCEPT')?.builtin);
  assert.ok(listTargets('ipv4').every((t) => t.family !== 'ipv6'));
  const reject = getTarget('REJECT')!;
  const rw = findOption(reject, '--reject-with')!;
  assert.equal(validateOptionValue(rw, ['icmp-host-prohibited'], 'ipv4'), null);
  assert.match(validateOptionValue(rw, ['icmp-host-prohibited'], 'ipv6')?.message ?? '', /IPv4 reject type/);
  assert.match(validateOptionValue(rw, ['icmp6-adm-prohibited'], 'ipv4')?.message ?? '', /IPv6 reject type/);
  assert.equal(validateOptionValue(rw, ['tcp-reset'], 'ipv6'), null);
  assert.equal(validateOptionValue(rw, ['icmp6-adm-prohibited'], 'unknown'), null);
  const log = getTarget('LOG')!;
  assert.match(validateOptionValue(findOption(log, '--log-level')!, ['warn'])?.message ?? '', /unknown log level/);
  assert.equal(validateOptionValue(findOption(log, '--log-level')!, ['4']), null);
});

test('target hover text', () => {
  const ct = getTarget('CT')!;
  const h = describeTarget(ct);
  assert.match(h, /\*\*`-j CT`\*\*/);
  assert.match(h, /Allowed in table `raw`, reached from PREROUTING, OUTPUT/);
  assert.match(h, /Continues with the next rule/);
  assert.match(h, /UNTRACKED/);
  assert.match(describeTarget(getTarget('REJECT')!), /Ends the packet's walk/);
  assert.match(describeTarget(getTarget('DROP')!), /built-in verdict/);
  const rw = describeOption(getTarget('REJECT')!, findOption(getTarget('REJECT')!, '--reject-with')!);
  assert.match(rw, /`icmp-admin-prohibited`/);
  assert.match(rw, /`icmp6-adm-prohibited`/);
  const clamp = describeOption(getTarget('TCPMSS')!, findOption(getTarget('TCPMSS')!, '--clamp-mss-to-pmtu')!);
  assert.match(clamp, /FORWARD, OUTPUT, POSTROUTING/);
});

test('table invariants for targets', () => {
  const seen = new Set<string>();
  for (const t of listTargets()) {
    assert.ok(!seen.has(t.name), t.name);
    seen.add(t.name);
    assert.match(t.name, /^[A-Z][A-Z0-9]*$/, t.name);
    assert.ok(t.summary.length > 10, t.name);
    if (t.placement) {
      assert.ok(t.placement.tables.length > 0 && t.placement.chains.length > 0, t.name);
      assert.ok(t.placement.verified, t.name);
    }
    for (const o of t.options) assert.equal(o.arity === 0, o.kind === 'none', `${t.name} ${o.name}`);
  }
  for (const n of ['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'REJECT', 'LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'TPROXY', 'TCPMSS', 'TOS', 'DSCP', 'TTL', 'HL', 'CLASSIFY', 'CHECKSUM', 'SET', 'NFQUEUE', 'TEE', 'AUDIT', 'SECMARK', 'CONNSECMARK', 'SYNPROXY', 'IDLETIMER', 'LED', 'TRACE', 'CLUSTERIP']) {
    assert.ok(seen.has(n), `${n} missing`);
  }
});
