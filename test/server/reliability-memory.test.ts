// Closing a document frees its memory: a 17 MB kube-proxy dump (150k lines) is opened,
// analysed (diagnostics, symbols, hints, hover) and closed 20 times over stdio; the server's
// resident memory after the last close stays within a sane bound of what it was after the
// first close (a leak of one analysis per round would add hundreds of MB).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LspClient } from './harness';
import { kubeProxyDump } from './reliability-lib';

const GC_PRELOAD = join(__dirname, 'reliability-gc.cjs');

/** Asks the server (through the test-only preload) to collect garbage and report its memory. */
async function memory(client: LspClient): Promise<{ rss: number; heap: number }> {
  const before = client.stderr.length;
  client.proc.kill('SIGUSR2');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /MEM (\d+) (\d+)\b/.exec(client.stderr.slice(before));
    if (m) return { rss: Number(m[1]) / MB, heap: Number(m[2]) / MB };
    assert.ok(Date.now() < deadline, 'the server reports its memory');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const MB = 1024 * 1024;
const ROUNDS = 20;
let client: LspClient;
before(async () => {
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --expose-gc --require ${GC_PRELOAD}`.trim();
  try {
    ({ client } = await LspClient.start());
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
});
after(async () => {
  await client.stop();
});

test(`open, analyse and close a 17 MB dump ${ROUNDS} times: resident memory returns`, { timeout: 600_000 }, async (t) => {
  const text = kubeProxyDump(10_000);
  const lines = text.split('\n').length;
  assert.ok(text.length > 16_000_000 && lines > 140_000, `${(text.length / 1e6).toFixed(1)} MB, ${lines} lines`);
  const uri = 'file:///var/lib/kube/iptables.rules.v4';
  const samples: { rss: number; heap: number }[] = [];
  const start = await memory(client);
  for (let round = 1; round <= ROUNDS; round++) {
    const since = client.diagnostics.length;
    client.open(uri, 'iptables', text, round);
    const d = await client.waitForDiagnostics(uri, (p) => p.version === round, since, 120_000);
    assert.equal(d.diagnostics.filter((x) => x.severity === 1).length, 0, 'the dump is clean');
    // What an editor asks for a visible window; lenses and symbols in the first and last round
    // (their answers are tens of MB).
    await client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 300, character: 0 } } }, 120_000);
    await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 20_000, character: 5 } }, 120_000);
    if (round === 1 || round === ROUNDS) {
      await client.request('textDocument/codeLens', { textDocument: { uri } }, 120_000);
      await client.request('textDocument/documentSymbol', { textDocument: { uri } }, 120_000);
    }
    const closed = client.diagnostics.length;
    client.close(uri);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0 && p.version === undefined, closed, 60_000);
    samples.push(await memory(client));
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  const fmt = (x: number): string => x.toFixed(0);
  t.diagnostic(`MB before: rss ${fmt(start.rss)} heap ${fmt(start.heap)}; after close 1: rss ${fmt(first.rss)} heap ${fmt(first.heap)}; after close ${ROUNDS}: rss ${fmt(last.rss)} heap ${fmt(last.heap)}`);
  t.diagnostic(`rss after each close: ${samples.map((x) => fmt(x.rss)).join(' ')}; heap: ${samples.map((x) => fmt(x.heap)).join(' ')}`);
  assert.ok(last.rss < first.rss * 1.5, `RSS after ${ROUNDS} rounds ${fmt(last.rss)} MB vs ${fmt(first.rss)} MB after the first: memory is not returned`);
  // The live heap after a collection: what the server keeps holding (a kept analysis is 100+ MB).
  assert.ok(last.heap < first.heap + 16, `live heap after ${ROUNDS} rounds ${fmt(last.heap)} MB vs ${fmt(first.heap)} MB after the first`);
  assert.ok(first.heap < start.heap + 16, `live heap after the first close ${fmt(first.heap)} MB vs ${fmt(start.heap)} MB before opening: the closed document is still held`);
  assert.equal(client.errors().length, 0, `server logged errors: ${client.errors().slice(0, 3).join(' | ')}`);
});
