import { readFileSync } from 'node:fs';
import { parseIptables } from '../server/src/core/iptables/parse';
import { RESTORE_RULES } from '../server/src/core/iptables/restore';
import { diagnose } from '../server/src/core/iptables/diagnostics';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
const text = readFileSync(process.argv[2] ?? '/tmp/ipt/kube10k.rules', 'utf8');
for (let k = 0; k < 2; k++) {
let t0 = performance.now();
const doc = parseIptables(text);
let t1 = performance.now();
const times: string[] = [];
for (const r of RESTORE_RULES) { const a = performance.now(); const n = r(doc, DEFAULT_SETTINGS).length; times.push(`${r.name}:${(performance.now()-a).toFixed(0)}ms/${n}`); }
let t2 = performance.now();
const all = diagnose(parseIptables(text), DEFAULT_SETTINGS);
let t3 = performance.now();
console.log('parse', (t1-t0).toFixed(0), times.join(' '), 'total restore', (t2-t1).toFixed(0), 'full diagnose+parse', (t3-t2).toFixed(0), all.length);
}
