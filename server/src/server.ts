// Entry point of the language server: `node dist/server.js --stdio` (or --node-ipc).
// It adapts core/ to LSP: each handler fetches the analysis, calls core, converts.

import { setFlagsFromString } from 'node:v8';
import * as lsp from 'vscode-languageserver/node';
import { PackedTokens, encodeSemanticTokens, fromDiagnostic, jsonEncoder, toCodeAction, toCompletion, toDiagnostic, toInlayHint, toSymbol } from './convert';
import * as core from './core';
import { DocumentStore } from './documents';

// The server holds one analysis per open document and makes garbage in bursts (each edit's
// re-analysis, each whole-document answer). V8 lets the heap grow up to 4× what survived the
// last full collection before collecting again; 2× keeps a 17 MB dump's server about 100 MB
// smaller at its peak for a few more collections (bench/run.mjs measures both).
setFlagsFromString('--heap-growing-percent=100');

// Under --stdio the messages are written with our JSON encoder (see convert.ts: big
// semantic-token answers go out without a second copy); other transports as the library sets them up.
const connection = process.argv.includes('--stdio')
  ? lsp.createConnection(
      lsp.ProposedFeatures.all,
      process.stdin as unknown as lsp.MessageReader,
      new lsp.StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: jsonEncoder as unknown as lsp.ContentTypeEncoder }),
    )
  : lsp.createConnection(lsp.ProposedFeatures.all);
const store = new DocumentStore();
let settings: core.Settings = core.DEFAULT_SETTINGS;
let pullConfiguration = false;

// stdout is the protocol under --stdio: route stray console output to the log.
const toLog = (...a: unknown[]): void => connection.console.info(a.map(String).join(' '));
Object.assign(console, { log: toLog, info: toLog, debug: toLog, warn: toLog, error: (...a: unknown[]) => connection.console.error(a.map(String).join(' ')) });
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${String(e)}`));
process.on('uncaughtException', (e) => connection.console.error(`uncaught exception: ${e?.stack ?? String(e)}`));

/** Wraps a handler: a failure becomes an LSP error response plus a log line; the server keeps serving. */
function guard<P, R>(name: string, fn: (p: P) => R): (p: P) => R {
  return (p: P) => {
    try {
      return fn(p);
    } catch (e) {
      connection.console.error(`${name} failed: ${(e as Error)?.stack ?? String(e)}`);
      throw new lsp.ResponseError(lsp.ErrorCodes.InternalError, `${name} failed: ${(e as Error)?.message ?? String(e)}`);
    }
  };
}

/** Clamps a position into the document so a client's stale position cannot reach core out of range. */
function clampPos(uri: string, p: lsp.Position): lsp.Position {
  return store.clamp(uri, p);
}

function clampRange(uri: string, r: lsp.Range): lsp.Range {
  const a = clampPos(uri, r.start);
  const b = clampPos(uri, r.end);
  return a.line < b.line || (a.line === b.line && a.character <= b.character) ? { start: a, end: b } : { start: b, end: a };
}

// ---- diagnostics: pushed once per version, stale work dropped ----
// A change schedules a re-parse (incremental) on the next timer turn; the
// diagnostics then run one more turn later, so that changes the editor has sent
// meanwhile are read first: when the document moved on, the stale version is
// not analysed at all (the newer version is scheduled instead). Each version's
// diagnostics are pushed once (again only when the settings change).
const pending = new Map<string, NodeJS.Timeout>();
const published = new Map<string, { version: number; generation: number }>();
let generation = 0;

function scheduleDiagnostics(uri: string): void {
  clearTimeout(pending.get(uri));
  pending.set(
    uri,
    setTimeout(() => {
      const version = store.version(uri);
      if (version === undefined) {
        pending.delete(uri);
        return;
      }
      try {
        store.get(uri); // parse now; what arrives meanwhile is read before the diagnostics run
      } catch (e) {
        connection.console.error(`parsing failed for ${uri}: ${(e as Error)?.stack ?? String(e)}`);
      }
      pending.set(
        uri,
        setTimeout(() => {
          pending.delete(uri);
          if (store.version(uri) === version) publishDiagnostics(uri, version);
        }, 0),
      );
    }, 0),
  );
}
function publishDiagnostics(uri: string, version: number): void {
  const last = published.get(uri);
  if (last && last.version === version && last.generation === generation) return;
  try {
    const a = store.get(uri);
    const diagnostics = a ? core.diagnose(a, settings).map((f) => toDiagnostic(f, uri)) : [];
    if (store.version(uri) !== version) return;
    connection.sendDiagnostics({ uri, version, diagnostics });
    published.set(uri, { version, generation });
    if (a) core.settle(a); // the previous version (and its 17 MB text on a big dump) may go now
  } catch (e) {
    connection.console.error(`diagnostics failed for ${uri}: ${(e as Error)?.stack ?? String(e)}`);
  }
}
function republishAll(): void {
  generation++;
  for (const uri of store.uris()) scheduleDiagnostics(uri);
}

async function refreshSettings(): Promise<void> {
  if (!pullConfiguration) return;
  try {
    settings = core.resolveSettings(await connection.workspace.getConfiguration(core.SETTINGS_PREFIX));
  } catch (e) {
    connection.console.error(`reading settings failed: ${String(e)}`);
  }
}

connection.onInitialize((params) => {
  pullConfiguration = !!params.capabilities.workspace?.configuration;
  const init = params.initializationOptions as { settings?: unknown } | undefined;
  if (init?.settings) settings = core.resolveSettings(init.settings);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: lsp.TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      completionProvider: { triggerCharacters: ['.', '-', ' ', '/', ','] },
      codeActionProvider: { codeActionKinds: [lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.Refactor, lsp.CodeActionKind.SourceFixAll] },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: true },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      semanticTokensProvider: {
        legend: { tokenTypes: [...core.SEMANTIC_TOKEN_TYPES], tokenModifiers: [...core.SEMANTIC_TOKEN_MODIFIERS] },
        full: true,
        range: true,
      },
    },
    serverInfo: { name: 'conntrack-lens', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  await refreshSettings();
  republishAll();
});

connection.onDidChangeConfiguration(async (p) => {
  if (pullConfiguration) await refreshSettings();
  else settings = core.resolveSettings((p?.settings as Record<string, unknown> | undefined)?.[core.SETTINGS_PREFIX]); // p may be null from a broken client
  republishAll();
  connection.languages.inlayHint.refresh().catch(() => undefined);
});

connection.onDidOpenTextDocument((p) => {
  store.open(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
  scheduleDiagnostics(p.textDocument.uri);
});
connection.onDidChangeTextDocument((p) => {
  if (store.change(p.textDocument.uri, p.textDocument.version, p.contentChanges)) scheduleDiagnostics(p.textDocument.uri);
});
connection.onDidCloseTextDocument((p) => {
  clearTimeout(pending.get(p.textDocument.uri));
  pending.delete(p.textDocument.uri);
  published.delete(p.textDocument.uri);
  store.close(p.textDocument.uri);
  connection.sendDiagnostics({ uri: p.textDocument.uri, diagnostics: [] });
  // V8 keeps the subject of the last successful RegExp match alive (RegExp.lastMatch): when
  // that is a slice of the closed document, its whole text would stay. Match on '' instead.
  /^/.test('');
});

connection.onHover(
  guard('hover', (p: lsp.HoverParams): lsp.Hover | null => {
    const a = store.get(p.textDocument.uri);
    const h = a && a.service.hover(a.doc, clampPos(p.textDocument.uri, p.position), settings);
    return h ? { contents: { kind: lsp.MarkupKind.Markdown, value: h.contents }, range: h.range } : null;
  }),
);

connection.onDocumentSymbol(
  guard('documentSymbol', (p: lsp.DocumentSymbolParams) => {
    const a = store.get(p.textDocument.uri);
    return a ? a.service.symbols(a.doc).map(toSymbol) : [];
  }),
);

connection.onFoldingRanges(
  guard('foldingRange', (p: lsp.FoldingRangeParams): lsp.FoldingRange[] => {
    const a = store.get(p.textDocument.uri);
    return a ? a.service.folding(a.doc).map((f: core.FoldRange) => ({ startLine: f.startLine, endLine: f.endLine, kind: f.kind })) : [];
  }),
);

function tokenData(a: core.Analysis, range?: lsp.Range): number[] {
  if (a.service.semanticTokenData) return a.service.semanticTokenData(a.doc, range).data;
  const tokens: core.SemanticToken[] = a.service.semanticTokens(a.doc);
  return encodeSemanticTokens(range ? tokens.filter((t) => t.line >= range.start.line && t.line <= range.end.line) : tokens);
}

// The whole document's tokens are encoded in slices of TOKEN_SLICE lines, yielding to
// the event loop in between: on a 150k-line dump that takes seconds, and meanwhile
// hovers and edits are served. When the editor cancels the request or the document
// changes, the rest is not computed.
const TOKEN_SLICE = 5000;
// A number[] of more than ~16k elements (about 300 lines of a dump) is allocated outside
// the young generation, where only a full collection frees it: encoded 5000 lines at a
// time, a 150k-line dump left ~150 MB of such arrays behind; 256 lines stay below that.
const TOKEN_CHUNK = 256;
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

connection.languages.semanticTokens.on(async (p: lsp.SemanticTokensParams, cancel: lsp.CancellationToken): Promise<lsp.SemanticTokens> => {
  try {
    const uri = p.textDocument.uri;
    const a = store.get(uri);
    if (!a) return { data: [] };
    const lines = store.lineCount(uri);
    if (!a.service.semanticTokenData || lines <= TOKEN_SLICE) return { data: tokenData(a) };
    const version = store.version(uri);
    // The numbers are encoded TOKEN_CHUNK lines at a time and moved into a Uint32Array
    // at once; the chunks are written out as JSON bytes by the transport (convert.ts
    // jsonEncoder), never joined into one number[] of millions of elements.
    const packed = new PackedTokens();
    let last = { line: 0, character: 0 };
    for (let from = 0; from < lines; from += TOKEN_SLICE) {
      if (from > 0) {
        await yieldTurn();
        if (cancel.isCancellationRequested) throw new lsp.ResponseError(lsp.LSPErrorCodes.RequestCancelled, 'cancelled');
        if (store.version(uri) !== version) throw new lsp.ResponseError(lsp.LSPErrorCodes.ContentModified, 'the document changed');
      }
      const end = Math.min(lines, from + TOKEN_SLICE);
      for (let at = from; at < end; at += TOKEN_CHUNK) {
        const chunk = { start: { line: at, character: 0 }, end: { line: Math.min(end, at + TOKEN_CHUNK) - 1, character: 0 } };
        const part = a.service.semanticTokenData(a.doc, chunk, { data: [], ...last });
        packed.push(part.data);
        last = { line: part.line, character: part.character };
      }
    }
    return { data: packed as unknown as number[] };
  } catch (e) {
    if (e instanceof lsp.ResponseError) throw e;
    connection.console.error(`semanticTokens failed: ${(e as Error)?.stack ?? String(e)}`);
    throw new lsp.ResponseError(lsp.ErrorCodes.InternalError, `semanticTokens failed: ${(e as Error)?.message ?? String(e)}`);
  }
});

// Editors ask for the visible range first on a big document (then for the whole one).
connection.languages.semanticTokens.onRange(
  guard('semanticTokensRange', (p: lsp.SemanticTokensRangeParams): lsp.SemanticTokens => {
    const a = store.get(p.textDocument.uri);
    return { data: a ? tokenData(a, clampRange(p.textDocument.uri, p.range)) : [] };
  }),
);

connection.onCompletion(
  guard('completion', (p: lsp.CompletionParams): lsp.CompletionItem[] => {
    const a = store.get(p.textDocument.uri);
    return a ? a.service.completion(a.doc, clampPos(p.textDocument.uri, p.position), settings).map(toCompletion) : [];
  }),
);

connection.languages.inlayHint.on(
  guard('inlayHint', (p: lsp.InlayHintParams): lsp.InlayHint[] => {
    const a = store.get(p.textDocument.uri);
    return a ? a.service.inlayHints(a.doc, clampRange(p.textDocument.uri, p.range), settings).map(toInlayHint) : [];
  }),
);

// Code lenses have no range in LSP: the editor asks for every lens of the document
// (again after each change), then resolves the ones on screen. So the first answer is
// positions only, each lens carrying the document's id (LSP gives resolve no URI); its
// title is computed when it is resolved, from the current analysis (one line looked at).
connection.onCodeLens(
  guard('codeLens', (p: lsp.CodeLensParams): lsp.CodeLens[] => {
    const uri = p.textDocument.uri;
    const a = store.get(uri);
    const data = store.id(uri);
    if (!a || data === undefined) return [];
    if (a.service.codeLensRanges) {
      return a.service.codeLensRanges(a.doc, settings).map((range: core.Range) => ({ range, data }));
    }
    return (a.service.codeLenses?.(a.doc, undefined, settings) ?? []).map((l) => ({ range: l.range, command: { title: l.title, command: '' } }));
  }),
);

connection.onCodeLensResolve(
  guard('codeLensResolve', (lens: lsp.CodeLens): lsp.CodeLens => {
    if (lens.command) return lens;
    const id: unknown = lens.data;
    const uri = typeof id === 'number' ? store.uriOf(id) : undefined;
    const a = uri === undefined ? null : store.get(uri);
    const line = lens.range?.start?.line;
    // A lens of an older version is resolved against the current one (the editor
    // asks for the new lenses right after a change); a line without a lens now, or a
    // closed document, gets an empty title.
    const title = a?.service.codeLensTitle && typeof line === 'number' ? a.service.codeLensTitle(a.doc, line, settings) : null;
    return { range: lens.range, command: { title: title ?? '', command: '' } };
  }),
);

connection.onCodeAction(
  guard('codeAction', (p: lsp.CodeActionParams): lsp.CodeAction[] => {
    const uri = p.textDocument.uri;
    const a = store.get(uri);
    if (!a) return [];
    const sent = p.context.diagnostics.map(fromDiagnostic).filter((f): f is core.Finding => f !== null);
    const findings = sent.length ? sent : core.diagnose(a, settings);
    const only = p.context.only as core.CodeActionKind[] | undefined;
    return a.service.codeActions(a.doc, clampRange(uri, p.range), findings, settings, only).map((x) => toCodeAction(x, uri));
  }),
);

connection.onDefinition(
  guard('definition', (p: lsp.DefinitionParams): lsp.Location[] => {
    const a = store.get(p.textDocument.uri);
    return a?.service.definition ? a.service.definition(a.doc, clampPos(p.textDocument.uri, p.position)).map((l) => ({ uri: p.textDocument.uri, range: l.range })) : [];
  }),
);

connection.onReferences(
  guard('references', (p: lsp.ReferenceParams): lsp.Location[] => {
    const a = store.get(p.textDocument.uri);
    if (!a?.service.references) return [];
    return a.service.references(a.doc, clampPos(p.textDocument.uri, p.position), p.context.includeDeclaration).map((l) => ({ uri: p.textDocument.uri, range: l.range }));
  }),
);

connection.onPrepareRename(
  guard('prepareRename', (p: lsp.PrepareRenameParams) => {
    const a = store.get(p.textDocument.uri);
    return a?.service.prepareRename ? a.service.prepareRename(a.doc, clampPos(p.textDocument.uri, p.position)) : null;
  }),
);

connection.onRenameRequest(
  guard('rename', (p: lsp.RenameParams): lsp.WorkspaceEdit | null => {
    const a = store.get(p.textDocument.uri);
    const edits = a?.service.rename ? a.service.rename(a.doc, clampPos(p.textDocument.uri, p.position), p.newName) : null;
    return edits ? { changes: { [p.textDocument.uri]: edits } } : null;
  }),
);

connection.listen();
