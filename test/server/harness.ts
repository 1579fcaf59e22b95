// A small LSP client for tests: spawns `node dist/server.js --stdio` and talks real JSON-RPC
// to it (vscode-languageserver-protocol), the way an editor does. Every timer is unref'd so
// node:test never waits for one.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  MessageType,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const ROOT = resolve(__dirname, '../..');
export const SERVER_JS = join(ROOT, 'dist/server.js');
export const CLI_JS = join(ROOT, 'dist/cli.js');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) m = Math.max(m, newestMtime(join(p, e)));
  return m;
}

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds dist/ when it is missing or older than the sources (`npm test` builds first, so
 * then this does nothing). A lock directory keeps parallel test files from building at once.
 */
export function ensureBuilt(): void {
  const outputs = ['dist/server.js', 'dist/cli.js'].map((f) => join(ROOT, f));
  const stale = (): boolean => {
    const built = Math.min(...outputs.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
    const src = Math.max(...['server/src', 'client/src', 'package.json', 'esbuild.mjs'].map((p) => newestMtime(join(ROOT, p))));
    return built === 0 || built < src;
  };
  if (!stale()) return;
  const lock = join(ROOT, 'test/.tmp/build.lock');
  mkdirSync(join(ROOT, 'test/.tmp'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another build');
      sleep(100);
    }
  }
  try {
    if (!stale()) return;
    const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface StartOptions {
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Answers `workspace/configuration` when the client declares that capability. */
  configuration?: (section: string | undefined) => unknown;
}

export class LspClient {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly logs: { type: number; message: string }[] = [];
  stderr = '';
  private waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private exited: Promise<number | null>;

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly conn: ProtocolConnection,
  ) {
    this.exited = new Promise((res) => proc.on('exit', (code) => res(code)));
    proc.stderr.on('data', (d) => (this.stderr += String(d)));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || !w.pred(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    conn.onNotification(LogMessageNotification.type, (p) => this.logs.push(p));
    // Requests a server may send; an editor answers them.
    for (const m of ['client/registerCapability', 'client/unregisterCapability', 'window/workDoneProgress/create', 'workspace/inlayHint/refresh', 'workspace/semanticTokens/refresh', 'workspace/codeLens/refresh', 'workspace/diagnostic/refresh']) {
      conn.onRequest(m, () => null);
    }
  }

  /** Spawns the server, runs initialize/initialized and returns the client and the server's answer. */
  static async start(opts: StartOptions = {}): Promise<{ client: LspClient; init: InitializeResult }> {
    ensureBuilt();
    const proc = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const client = new LspClient(proc, conn);
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => (opts.configuration ? opts.configuration(i.section) : null)));
    conn.listen();
    const init = await withTimeout(
      conn.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities: opts.capabilities ?? {},
        initializationOptions: opts.initializationOptions,
        workspaceFolders: null,
      }),
      10_000,
      'initialize',
    );
    await conn.sendNotification(InitializedNotification.type, {});
    return { client, init };
  }

  open(uri: string, languageId: string, text: string, version = 1): void {
    void this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): void {
    void this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): void {
    void this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  configure(settings: unknown): void {
    void this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  request<R>(method: string, params: unknown, timeoutMs = 10_000): Promise<R> {
    return withTimeout(this.conn.sendRequest<R>(method, params), timeoutMs, method);
  }

  /**
   * The next (or an already received) publishDiagnostics for `uri` matching `pred`.
   * Looks at what has arrived since `since` (an index into `diagnostics`), newest first.
   */
  waitForDiagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, since = 0, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    for (let i = this.diagnostics.length - 1; i >= since; i--) {
      const p = this.diagnostics[i];
      if (p.uri === uri && pred(p)) return Promise.resolve(p);
    }
    return withTimeout(new Promise((res) => this.waiters.push({ uri, pred, resolve: res })), timeoutMs, `diagnostics for ${uri}`);
  }

  /** Error-level log lines the server wrote (failed handlers, exceptions). */
  errors(): string[] {
    return this.logs.filter((l) => l.type === MessageType.Error).map((l) => l.message);
  }

  /** shutdown → exit; resolves with the server's exit code. */
  async stop(): Promise<number | null> {
    if (this.proc.exitCode !== null) return this.proc.exitCode;
    try {
      await this.request(ShutdownRequest.method, undefined, 5_000);
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      this.proc.kill();
    }
    const code = await withTimeout(this.exited, 5_000, 'server exit').catch(() => {
      this.proc.kill('SIGKILL');
      return null;
    });
    this.conn.dispose();
    return code;
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Position of the `|` cursor marker, and the text without it. */
export function cursor(textWithMarker: string): { text: string; position: { line: number; character: number } } {
  const i = textWithMarker.indexOf('|');
  if (i < 0) throw new Error('no | marker');
  const before = textWithMarker.slice(0, i);
  const lines = before.split('\n');
  return { text: before + textWithMarker.slice(i + 1), position: { line: lines.length - 1, character: lines[lines.length - 1].length } };
}

export interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** True when the range lies inside `text` (LSP positions, UTF-16 columns) and is not inverted. */
export function rangeInside(r: Range, text: string): boolean {
  const lines = text.split(/\r\n|\r|\n/);
  const ok = (p: { line: number; character: number }): boolean =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  return ok(r.start) && ok(r.end) && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));
}
