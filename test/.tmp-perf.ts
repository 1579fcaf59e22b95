import { readFileSync } from 'node:fs';
import { parseIptables, peekCommand } from '../server/src/core/iptables/parse';
const text = readFileSync('/tmp/ipt/kube10k.rules', 'utf8');
let t0 = performance.now();
const doc = parseIptables(text);
let t1 = performance.now();
let n = 0;
for (const t of doc.tables) for (const c of t.commands) { const f = peekCommand(c); if (f.rule) n += f.rule.matches.length; }
let t2 = performance.now();
console.log('parse', (t1-t0).toFixed(0), 'peek all', (t2-t1).toFixed(0), n);
