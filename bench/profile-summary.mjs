#!/usr/bin/env node
// Summarises V8 .cpuprofile files (from `npm run bench -- --cpu-prof[=DIR]`, which runs the
// server under `node --cpu-prof`): the functions with the most self time and the most
// inclusive (total) time, in ms.
//
//   node bench/profile-summary.mjs FILE.cpuprofile [--top=30]
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const top = Number((process.argv.find((a) => a.startsWith('--top=')) ?? '--top=30').slice(6));
if (!files.length) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top=N]');
  process.exit(2);
}

for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // time per sample
  const selfUs = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + dt);
  }
  const key = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${f.url.split('/').pop()}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map();
  const total = new Map();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    self.set(key(n), (self.get(key(n)) ?? 0) + us);
    // inclusive: once per distinct function on the stack
    const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x)) {
      const k = key(byId.get(x));
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const all = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const show = (m, title) => {
    console.log(`\n${title}`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / 1000).toFixed(0).padStart(8)} ms  ${((100 * us) / all).toFixed(1).padStart(5)}%  ${k}`);
  };
  console.log(`${file}: ${(all / 1000).toFixed(0)} ms sampled`);
  show(self, 'self time');
  show(total, 'total time (inclusive)');
}
