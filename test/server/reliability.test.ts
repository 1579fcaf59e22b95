// The server never falls over (real JSON-RPC against dist/server.js):
// - garbage requests (malformed params for every method) get an answer — a result or an LSP
//   error response, the failure logged — and the next request is served;
// - garbage notifications, unknown methods, cancellation, requests after close, edits with
//   out-of-range or inverted positions are harmless, and the server's view of the text stays
//   the one an editor has;
// - hostile documents (5 MB line, 300k garbage lines, surrogates and NUL, CR-only, BOM,
//   million-digit values, 200k chains, 100 KB comment, 20,000-deep jump chains) are answered
//   in bounded time with every returned range inside the document, positions in UTF-16;
// - no unhandled rejection or uncaught exception is ever logged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CancellationTokenSource, ErrorCodes, LSPErrorCodes, ResponseError, type SemanticTokens, type TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { CASES, type Lang } from '../unit/reliability/hostile-cases';
import { checkPosition, checkRange, editorLines } from '../unit/reliability/lib';
import { LspClient } from './harness';

const METHODS = [
  'textDocument/hover',
  'textDocument/completion',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/prepareRename',
  'textDocument/rename',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/semanticTokens/full',
  'textDocument/inlayHint',
  'textDocument/codeLens',
  'textDocument/codeAction',
] as const;

/** Well-formed params for `method` on `uri` at `pos`. */
function params(method: string, uri: string, pos = { line: 0, character: 0 }, range = { start: pos, end: pos }): Record<string, unknown> {
  const textDocument = { uri };
  switch (method) {
    case 'textDocument/references':
      return { textDocument, position: pos, context: { includeDeclaration: true } };
    case 'textDocument/rename':
      return { textDocument, position: pos, newName: 'RENAMED' };
    case 'textDocument/inlayHint':
      return { textDocument, range };
    case 'textDocument/codeAction':
      return { textDocument, range, context: { diagnostics: [] } };
    case 'textDocument/documentSymbol':
    case 'textDocument/foldingRange':
    case 'textDocument/semanticTokens/full':
    case 'textDocument/codeLens':
      return { textDocument };
    default:
      return { textDocument, position: pos };
  }
}

/** Walks any LSP result and checks every range, position and semantic token against the text. */
function checkResult(result: unknown, text: string, what: string): void {
  const lines = editorLines(text);
  const isPos = (p: unknown): p is { line: number; character: number } => !!p && typeof p === 'object' && 'line' in p && 'character' in p;
  const walk = (v: unknown, path: string): void => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    const o = v as Record<string, unknown>;
    if (isPos(o.start) && isPos(o.end)) checkRange(o as never, lines, `${what} ${path}`);
    else if (isPos(o)) checkPosition(o, lines, `${what} ${path}`);
    for (const [k, x] of Object.entries(o)) if (k !== 'data' || !Array.isArray(x)) walk(x, `${path}.${k}`);
  };
  walk(result, '');
  const data = (result as SemanticTokens | null)?.data;
  if (Array.isArray(data) && data.every((x) => typeof x === 'number')) {
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      const [dl, dc, len] = data.slice(i, i + 5);
      line += dl;
      char = dl === 0 ? char + dc : dc;
      checkRange({ start: { line, character: char }, end: { line, character: char + len } }, lines, `${what} token ${i / 5}`);
    }
  }
}

const SYSCTL = 'net.netfilter.nf_conntrack_max = 262144\nnet.netfilter.nf_conntrack_buckets = 65536\nbroken line\n';
const IPT = '*filter\n:INPUT DROP [0:0]\n:WEB - [0:0]\n-A INPUT -p tcp -m tcp --dport 80 -j WEB\n-A WEB -j ACCEPT\nCOMMIT\n';

describe('garbage in, answers out', () => {
  let client: LspClient;
  const sys = 'file:///etc/sysctl.d/99-garbage.conf';
  const ipt = 'file:///etc/iptables/garbage.rules.v4';
  before(async () => {
    ({ client } = await LspClient.start());
    client.open(sys, 'sysctl', SYSCTL);
    client.open(ipt, 'iptables', IPT);
    await client.waitForDiagnostics(sys);
    await client.waitForDiagnostics(ipt);
  });
  after(async () => {
    const code = await client.stop(); // first, so a failed check below leaves no server running
    const fatal = client.logs.filter((l) => /unhandled rejection|uncaught exception/i.test(l.message));
    assert.deepEqual(fatal, [], 'no unhandled rejection or uncaught exception');
    assert.equal(code, 0, 'clean exit after all of it');
  });

  /** The server still answers a well-formed request, correctly. */
  async function stillServing(): Promise<void> {
    const h = await client.request<{ contents: { value: string } } | null>('textDocument/hover', params('textDocument/hover', sys, { line: 0, character: 20 }));
    assert.ok(h && /nf_conntrack_max/.test(h.contents.value), 'hover still works');
  }

  test('malformed params for every method: a result or an error response (logged), never silence or death', async () => {
    const bad: unknown[] = [
      null,
      {},
      [],
      42,
      'text',
      { textDocument: null },
      { textDocument: { uri: 42 } },
      { textDocument: { uri: sys } },
      { textDocument: { uri: ipt }, position: 'here' },
      { textDocument: { uri: sys }, position: { line: 'a', character: {} } },
      { textDocument: { uri: ipt }, position: { line: -5, character: -1 } },
      { textDocument: { uri: ipt }, position: { line: 1e300, character: Number.MAX_SAFE_INTEGER } },
      { textDocument: { uri: ipt }, position: { line: 1.5, character: 2.5 } },
      { textDocument: { uri: sys }, range: { start: 1, end: null } },
      { textDocument: { uri: ipt }, range: { start: { line: 4, character: 3 }, end: { line: 0, character: 0 } }, context: null },
      { textDocument: { uri: ipt }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }, context: { diagnostics: [{ code: 'IPT001', range: 'x', data: null }, null, 7] } },
      { textDocument: { uri: sys }, position: { line: 0, character: 0 }, newName: { evil: true } },
      { textDocument: { uri: sys }, position: { line: 0, character: 0 }, context: 'x' },
    ];
    let errors = 0;
    for (const method of METHODS) {
      for (const p of bad) {
        const logsBefore = client.errors().length;
        try {
          const r = await client.request(method, p);
          if (p && typeof p === 'object' && 'textDocument' in p) {
            const uri = (p as { textDocument?: { uri?: unknown } }).textDocument?.uri;
            if (uri === sys || uri === ipt) checkResult(r, uri === sys ? SYSCTL : IPT, `${method} ${JSON.stringify(p)}`);
          }
        } catch (e) {
          assert.ok(e instanceof ResponseError, `${method} ${JSON.stringify(p)}: ${String(e)}`);
          assert.ok(([ErrorCodes.InternalError, ErrorCodes.InvalidParams, ErrorCodes.InvalidRequest] as number[]).includes(e.code), `${method}: error code ${e.code}`);
          if (e.code === ErrorCodes.InternalError) {
            // A failure inside a handler is logged as well as answered.
            assert.ok(client.errors().length > logsBefore, `${method} ${JSON.stringify(p)} failed without a log line`);
          }
          errors++;
        }
      }
      await stillServing();
    }
    assert.ok(errors > 0, 'some garbage was refused (the test reaches the error path)');
  });

  test('garbage notifications, unknown methods and stray cancellations are ignored', async () => {
    const notes: [string, unknown][] = [
      ['textDocument/didOpen', null],
      ['textDocument/didOpen', { textDocument: { uri: 'file:///x.conf' } }],
      ['textDocument/didOpen', { textDocument: { uri: 'file:///y.conf', languageId: 'sysctl', version: 'one', text: 42 } }],
      ['textDocument/didChange', { textDocument: { uri: sys, version: 2 }, contentChanges: 'nope' }],
      ['textDocument/didChange', { textDocument: { uri: 'file:///never.conf', version: 2 }, contentChanges: [{ text: 'x' }] }],
      ['textDocument/didChange', null],
      ['textDocument/didClose', { textDocument: null }],
      ['textDocument/didClose', { textDocument: { uri: 'file:///never/opened.rules' } }],
      ['workspace/didChangeConfiguration', { settings: { conntrackLens: 42 } }],
      ['workspace/didChangeConfiguration', { settings: { conntrackLens: { severity: 'loud', kernelVersion: 5, hostMemory: { a: 1 }, maxEntriesPerBucket: -3 } } }],
      ['workspace/didChangeConfiguration', null],
      ['$/cancelRequest', { id: 987654 }],
      ['$/cancelRequest', null],
      ['$/setTrace', { value: 'bogus' }],
      ['conntrackLens/unknownNotification', { x: 1 }],
    ];
    for (const [m, p] of notes) await client.conn.sendNotification(m, p);
    await assert.rejects(client.request('conntrackLens/noSuchMethod', {}), (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.MethodNotFound);
    await stillServing();
    // Settings went back to something sane: a valid configuration still applies.
    client.configure({ conntrackLens: {} });
    const since = client.diagnostics.length;
    client.change(sys, 5, [{ text: SYSCTL }]);
    const d = await client.waitForDiagnostics(sys, (x) => x.version === 5, since);
    assert.ok(d.diagnostics.some((x) => x.code === 'SYS004'), 'diagnostics still published');
  });

  test('cancellation: cancelled requests are answered or cancelled, and the next one is served', async () => {
    let answered = 0;
    let cancelled = 0;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      const src = new CancellationTokenSource();
      const method = METHODS[i % METHODS.length];
      const uri = i % 2 ? sys : ipt;
      pending.push(
        client.conn.sendRequest(method, params(method, uri), src.token).then(
          () => void answered++,
          (e: unknown) => {
            assert.ok(e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled, `${method}: ${String(e)}`);
            cancelled++;
          },
        ),
      );
      if (i % 3 !== 2) src.cancel();
    }
    await Promise.all(pending);
    assert.equal(answered + cancelled, 40);
    await stillServing();
  });

  test('edits with positions out of range or inverted keep the text an editor would have', async () => {
    const uri = 'file:///etc/iptables/edits.rules.v4';
    let mirror = TextDocument.create(uri, 'iptables', 1, IPT);
    client.open(uri, 'iptables', IPT);
    const edits: TextDocumentContentChangeEvent[][] = [
      [{ range: { start: { line: 1000, character: 0 }, end: { line: 1000, character: 5 } }, text: '-A INPUT -j DROP\n' }],
      [{ range: { start: { line: 3, character: 500 }, end: { line: 3, character: 900 } }, text: ' -m comment --comment "日本 🚀"' }],
      [{ range: { start: { line: 4, character: 6 }, end: { line: 2, character: 1 } }, text: 'X' }],
      [{ range: { start: { line: -3, character: -7 }, end: { line: 0, character: 1 } }, text: '#' }],
      [
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\uFEFF' },
        { range: { start: { line: 2, character: 2 }, end: { line: 2, character: 2 } }, text: '\r' },
      ],
      [{ range: { start: { line: 5, character: 0 }, end: { line: 99, character: 99 } }, text: '' }],
      [{ text: '' }],
      [{ text: IPT.replace(/\n/g, '\r\n') }],
    ];
    let version = 1;
    for (const change of edits) {
      version++;
      mirror = TextDocument.update(mirror, change, version);
      const since = client.diagnostics.length;
      client.change(uri, version, change);
      const text = mirror.getText();
      const d = await client.waitForDiagnostics(uri, (x) => x.version === version, since);
      checkResult(d.diagnostics, text, `diagnostics v${version}`);
      for (const method of METHODS) {
        const r = await client.request(method, params(method, uri, { line: 1, character: 2 }, { start: { line: 0, character: 0 }, end: { line: 50, character: 0 } }));
        checkResult(r, text, `${method} v${version}`);
      }
    }
    client.close(uri);
    // Requests after close answer as for a document never opened.
    for (const method of METHODS) {
      const r = await client.request<unknown>(method, params(method, uri));
      assert.ok(r === null || (Array.isArray(r) && r.length === 0) || JSON.stringify(r) === '{"data":[]}', `${method} after close → ${JSON.stringify(r)}`);
    }
    client.change(uri, 99, [{ text: 'garbage after close' }]);
    await stillServing();
  });

  test('positions are UTF-16: ranges after CJK and emoji point at the right characters', async () => {
    const uri = 'file:///etc/sysctl.d/utf16.conf';
    const text = '# 日本語 🚀🚀\n🚀 no equals 日本\nnet.netfilter.nf_conntrack_max = 65536 # 上限 🚀\n';
    client.open(uri, 'sysctl', text);
    const d = await client.waitForDiagnostics(uri);
    checkResult(d.diagnostics, text, 'utf16 diagnostics');
    const bad = d.diagnostics.find((x) => x.code === 'SYS004');
    assert.ok(bad, 'SYS004 on the line without =');
    assert.equal(editorLines(text)[bad.range.start.line].slice(bad.range.start.character, bad.range.end.character), '🚀 no equals 日本');
    const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    checkResult(tokens, text, 'utf16 tokens');
    const hover = await client.request<{ range?: unknown } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 10 } });
    checkResult(hover, text, 'utf16 hover');
    client.close(uri);
  });
});

// ---------------------------------------------------------------- hostile documents

/** Wall-clock budget per hostile document over JSON-RPC: open → diagnostics → every feature. */
const DOC_BUDGET_MS = 120_000;
/**
 * The hostile documents that go through the protocol too (every one of them goes through the
 * core in test/unit/reliability/hostile.test.ts; here the point is the JSON-RPC path: huge
 * messages, odd characters in JSON, hundreds of thousands of diagnostics).
 */
const OVER_RPC = [
  'one 5 MB line (sysctl value)',
  'one 5 MB line of rule arguments',
  '300k lines of garbage inside a table',
  'lone UTF-16 surrogates and NUL bytes',
  'CR-only line ends',
  'BOM before a dump',
  'only a BOM',
  'million-digit values (iptables)',
  'a 100 KB quoted comment',
  '20,000 nested chains closing a loop',
];

describe('hostile documents over JSON-RPC', () => {
  let client: LspClient;
  before(async () => {
    ({ client } = await LspClient.start());
  });
  after(async () => {
    const code = await client.stop();
    const fatal = client.logs.filter((l) => /unhandled rejection|uncaught exception/i.test(l.message));
    assert.deepEqual(fatal, []);
    assert.equal(client.stderr, '', 'nothing on stderr');
    assert.equal(code, 0);
  });

  let n = 0;
  for (const name of OVER_RPC) {
    const c = CASES.find((x) => x.name === name);
    assert.ok(c, name);
    const lang: Lang = c.langs[0];
    test(`${c.name} (${lang}): answered in bounded time, every range inside`, async () => {
      const text = c.text();
      const uri = lang === 'sysctl' ? `file:///etc/sysctl.d/hostile-${n++}.conf` : `file:///etc/iptables/hostile-${n++}.rules.v4`;
      const t0 = Date.now();
      const left = (): number => Math.max(1_000, DOC_BUDGET_MS - (Date.now() - t0));
      client.open(uri, lang, text);
      const d = await client.waitForDiagnostics(uri, () => true, 0, left());
      checkResult(d.diagnostics, text, 'diagnostics');
      const lines = editorLines(text);
      const at = { line: Math.min(2, lines.length - 1), character: 5 };
      const window = { start: { line: 0, character: 0 }, end: { line: Math.min(200, lines.length - 1), character: 0 } };
      for (const method of METHODS) checkResult(await client.request(method, params(method, uri, at, window), left()), text, method);
      // Past the end: the server clamps.
      const far = { line: lines.length + 5, character: 1e6 };
      checkResult(await client.request('textDocument/hover', params('textDocument/hover', uri, far), left()), text, 'hover past the end');
      assert.ok(Date.now() - t0 < DOC_BUDGET_MS, `took ${Date.now() - t0} ms`);
      client.close(uri);
    });
  }
});
