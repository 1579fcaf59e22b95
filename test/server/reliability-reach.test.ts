// Nothing dangerous is reachable at run time: dist/server.js and dist/cli.js run with every
// process, network and file-writing API trapped (reliability-trap.cjs, preloaded) through a
// full editor session and through every CLI mode; no trap may fire. This complements the
// static architecture test (test/unit/architecture.test.ts), which checks the source.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI_JS, ensureBuilt, LspClient, ROOT } from './harness';

const TRAP = join(__dirname, 'reliability-trap.cjs');
const SYSCTL = 'net.netfilter.nf_conntrack_max = 262144\nnet.netfilter.nf_conntrack_buckets = 16384\nnet.ipv4.netfilter.ip_conntrack_max = 1\nbroken\n';
const IPT = '\uFEFF*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 80 -j CT --notrack\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:WEB - [0:0]\n-A INPUT -p tcp -m tcp --dport 80 -j WEB\n-A WEB -m state --state NEW -j ACCEPT\n  -A INPUT -j NOPE\n';

test('the trap itself fires (so a silent run means something)', () => {
  for (const code of ["require('child_process').execSync('true')", "require('fs').writeFileSync('/tmp/x', 'y')", "require('net').connect(1)", "require('fs').openSync('/tmp/x', 'w')"]) {
    const r = spawnSync(process.execPath, ['--require', TRAP, '-e', code], { encoding: 'utf8' });
    assert.match(r.stderr, /REACHED: /, code);
  }
  const ok = spawnSync(process.execPath, ['--require', TRAP, '-e', "require('fs').readFileSync(process.execPath); process.stdout.write('fine')"], { encoding: 'utf8' });
  assert.equal(ok.stdout, 'fine', 'reading files and writing stdout stay allowed');
  assert.doesNotMatch(ok.stderr, /REACHED/);
});

test('the language server, through a whole session, runs no command, opens no connection, writes no file', async () => {
  ensureBuilt();
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --require ${TRAP}`.trim();
  let client: LspClient;
  try {
    ({ client } = await LspClient.start({
      capabilities: { workspace: { configuration: true } },
      configuration: () => ({ hostMemory: '64GiB', kernelVersion: '6.12' }),
    }));
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
  try {
    const docs: [string, string, string][] = [
      ['file:///etc/sysctl.d/90-ct.conf', 'sysctl', SYSCTL],
      ['file:///etc/iptables/rules.v4', 'iptables', IPT],
      ['untitled:Untitled-1', 'plaintext', IPT],
    ];
    for (const [uri, lang, text] of docs) {
      client.open(uri, lang, text);
      const d = await client.waitForDiagnostics(uri);
      const textDocument = { uri };
      const lines = text.split('\n').length;
      for (let line = 0; line < lines; line++) {
        const position = { line, character: 3 };
        await client.request('textDocument/hover', { textDocument, position });
        await client.request('textDocument/completion', { textDocument, position });
        await client.request('textDocument/definition', { textDocument, position });
        await client.request('textDocument/references', { textDocument, position, context: { includeDeclaration: true } });
        await client.request('textDocument/prepareRename', { textDocument, position }).catch(() => null);
        await client.request('textDocument/rename', { textDocument, position, newName: 'X1' }).catch(() => null);
      }
      const range = { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } };
      await client.request('textDocument/documentSymbol', { textDocument });
      await client.request('textDocument/foldingRange', { textDocument });
      await client.request('textDocument/semanticTokens/full', { textDocument });
      await client.request('textDocument/inlayHint', { textDocument, range });
      await client.request('textDocument/codeLens', { textDocument });
      await client.request('textDocument/codeAction', { textDocument, range, context: { diagnostics: d.diagnostics } });
      await client.request('textDocument/codeAction', { textDocument, range, context: { diagnostics: [], only: ['source.fixAll'] } });
      client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
      await client.waitForDiagnostics(uri, (p) => p.version === 2);
    }
    client.configure({ conntrackLens: { kernelVersion: '4.19' } });
    await client.request('textDocument/hover', { textDocument: { uri: docs[0][0] }, position: { line: 1, character: 3 } });
    for (const [uri] of docs) client.close(uri);
  } finally {
    await client.stop();
  }
  assert.match(client.stderr, /TRAP: armed/, 'the trap was loaded into the server');
  assert.doesNotMatch(client.stderr, /REACHED: /, client.stderr);
});

test('the CLI, in every mode, runs no command, opens no connection, writes no file', () => {
  ensureBuilt();
  const walk = (d: string): string[] => readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
  const examples = walk(join(ROOT, 'examples')).filter((f) => !/\.(md|json)$/i.test(f));
  assert.ok(examples.length > 0, 'example files to lint');
  const runs: string[][] = [
    ['lint', ...examples, '-'],
    ['lint', '--settings', join(ROOT, 'examples/settings.json'), '--format', 'json', ...examples],
    ['lint', '--format', 'json', '--language', 'iptables', '-'],
    ['lint', '--format', 'sarif', '--severity', 'hint', '-'],
    ['lint', '--settings', '/nonexistent/settings.json', '-'],
    ['lint', '/nonexistent/file.conf'],
    ['--help'],
    ['--version'],
  ];
  for (const args of runs) {
    const r = spawnSync(process.execPath, ['--require', TRAP, CLI_JS, ...args], { input: IPT, encoding: 'utf8', cwd: ROOT });
    assert.match(r.stderr, /TRAP: armed/);
    assert.doesNotMatch(r.stderr, /REACHED: /, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${args.join(' ')}: exit ${r.status}`);
  }
});
