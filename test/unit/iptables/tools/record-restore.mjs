#!/usr/bin/env node
// Records what real iptables-restore 1.8.9 says of every parse fixture, into
// test/fixtures/iptables/parse/VERDICTS.json (the judge for parse.test.ts).
// Run as root (it uses `unshare -n`, a throwaway network namespace; the host's
// firewall is never touched):   node test/unit/iptables/tools/record-restore.mjs
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('../../../fixtures/iptables/parse/', import.meta.url).pathname;

export function restoreVerdict(file, v6, flavour = 'nft') {
  const prog = `${v6 ? 'ip6' : 'ip'}tables-${flavour}-restore`;
  const r = spawnSync('unshare', ['-n', 'sh', '-c', `${prog} < "$0"`, file], { encoding: 'utf8', timeout: 60000 });
  if (r.error) return { error: String(r.error) };
  const msg = (r.stderr || '').trim();
  const m = /Error occurred at line: (\d+)/.exec(msg) || /line (\d+) failed/.exec(msg) || /COMMIT expected at line (\d+)/.exec(msg) || /line (\d+):/.exec(msg);
  const first = msg.split('\n').find((l) => l.trim() && !/^Error occurred|^Try `/.test(l)) ?? '';
  return { rc: r.status, ...(r.status ? { line: m ? Number(m[1]) : null, message: first } : {}) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.rules')).sort()) {
    const v6 = f.endsWith('.v6.rules');
    out[f.replace(/\.rules$/, '')] = { nft: restoreVerdict(join(dir, f), v6, 'nft'), legacy: restoreVerdict(join(dir, f), v6, 'legacy') };
  }
  writeFileSync(join(dir, 'VERDICTS.json'), JSON.stringify(out, null, 1) + '\n');
  console.log(`recorded ${Object.keys(out).length} verdicts`);
}
