import { readFileSync } from 'node:fs';
import { parseIptables } from '../server/src/core/iptables/parse';
import { optionsAnalysis } from '../server/src/core/iptables/restore/options';
const text = readFileSync('/tmp/ipt/kube10k.rules', 'utf8');
const doc = parseIptables(text);
const a = performance.now();
optionsAnalysis(doc);
console.log('options', (performance.now() - a).toFixed(0));
