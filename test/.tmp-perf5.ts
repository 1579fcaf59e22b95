import { readFileSync } from 'node:fs';
import { parseIptables } from '../server/src/core/iptables/parse';
import { RULES } from '../server/src/core/iptables/diagnostics';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
const text = readFileSync('/tmp/ipt/kube10k.rules', 'utf8');
let t0 = performance.now();
const doc = parseIptables(text);
const parts = [`parse ${(performance.now() - t0).toFixed(0)}`];
for (const r of RULES) { const a = performance.now(); const n = r(doc, DEFAULT_SETTINGS).length; parts.push(`${r.name || 'anon'} ${(performance.now() - a).toFixed(0)}/${n}`); }
console.log(parts.join(' | '), 'total', (performance.now() - t0).toFixed(0));
