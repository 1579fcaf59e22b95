// Speed: parsing and every feature stay linear. Sizes are far beyond real sysctl files
// (a few hundred lines) so that a quadratic step would show; bounds are generous because
// the machine may be busy, and the scaling check compares the best of several runs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { parseSysctl, reparseSysctl } from '../../../server/src/core/sysctl/parse';
import { sysctlService as svc } from '../../../server/src/core/sysctl/service';

function file(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    switch (i % 6) {
      case 0: out.push(`# comment ${i} — ü 🚀`); break;
      case 1: out.push(`net.netfilter.nf_conntrack_tcp_timeout_${i} = ${i} # note`); break;
      case 2: out.push(''); break;
      case 3: out.push(`-net/ipv4/conf/eth${i}.200/rp_filter=1`); break;
      case 4: out.push(`net.ipv4.conf.*.k${i} = 32768 60999`); break;
      default: out.push(`broken line ${i}`);
    }
  }
  return out.join('\n');
}

function best(runs: number, fn: () => void): number {
  let b = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

function analyseAll(text: string): void {
  const doc = parseSysctl(text);
  svc.diagnose(doc, DEFAULT_SETTINGS);
  svc.semanticTokens(doc);
  svc.symbols(doc);
  svc.folding(doc);
}

test('300k lines: parse and analyse well under the budget', () => {
  const text = file(300_000);
  const ms = best(2, () => analyseAll(text));
  console.log(`# 300k lines (${(text.length / 1e6).toFixed(1)} MB): parse + diagnostics + tokens + symbols + folding best ${ms.toFixed(0)} ms`);
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
});

test('linear scaling: 4x the lines costs well under 16x the time', () => {
  const small = file(50_000);
  const large = file(200_000);
  const ts = best(3, () => analyseAll(small));
  const tl = best(3, () => analyseAll(large));
  console.log(`# 50k: ${ts.toFixed(0)} ms, 200k: ${tl.toFixed(0)} ms, ratio ${(tl / ts).toFixed(1)}`);
  assert.ok(tl / ts < 9, `ratio ${(tl / ts).toFixed(1)}`);
});

test('pathological lines stay linear: no `=`, one huge line, thousands of `#`', () => {
  for (const text of ['-k\n'.repeat(200_000), 'x'.repeat(2_000_000), 'a = ' + ' #'.repeat(500_000), '='.repeat(1_000_000)]) {
    const ms = best(1, () => analyseAll(text));
    assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
  }
});

test('reparse after typing one character in a 300k-line file is fast', () => {
  const text = file(300_000);
  const prev = parseSysctl(text);
  const at = text.indexOf('_150001 = ') + 3;
  const next = text.slice(0, at) + '7' + text.slice(at);
  const ms = best(3, () => reparseSysctl(prev, next));
  console.log(`# reparse one keystroke in 300k lines: best ${ms.toFixed(1)} ms`);
  assert.ok(ms < 400, `took ${ms.toFixed(0)} ms`);
  assert.equal(reparseSysctl(prev, next).lines[150001].kind, 'assignment');
});
