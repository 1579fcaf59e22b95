// A minimal LSP client over stdio for the benchmark: spawns `node SERVER --stdio`,
// frames JSON-RPC messages (Content-Length), answers the few requests a server sends
// to an editor, and exposes notifications as a stream to wait on. No dependency on
// the LSP libraries, so the client's own cost stays small and visible.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class LspClient {
  /**
   * @param {string} serverJs path to dist/server.js
   * @param {{ nodeArgs?: string[], cwd?: string, env?: NodeJS.ProcessEnv }} [opts]
   */
  constructor(serverJs, opts = {}) {
    this.proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), serverJs, '--stdio'], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.pid = this.proc.pid;
    this.nextId = 1;
    /** @type {Map<number, {resolve: Function, reject: Function, method: string}>} */
    this.pending = new Map();
    /** @type {{ test: (m: any) => boolean, resolve: Function }[]} */
    this.waiters = [];
    this.chunks = [];
    this.buffered = 0;
    this.expect = -1; // body length of the message being read, -1 while reading headers
    this.stderr = '';
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.proc.stdout.on('data', (b) => this.onData(b));
    this.proc.stderr.on('data', (b) => {
      if (this.stderr.length < 20000) this.stderr += b.toString();
    });
    this.proc.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`server exited during ${p.method}: ${this.stderr.slice(-2000)}`));
      this.pending.clear();
    });
  }

  onData(b) {
    this.chunks.push(b);
    this.buffered += b.length;
    for (;;) {
      if (this.expect < 0) {
        const head = Buffer.concat(this.chunks);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          this.chunks = [head];
          return;
        }
        const m = /Content-Length:\s*(\d+)/i.exec(head.subarray(0, end).toString('ascii'));
        if (!m) throw new Error(`bad header: ${head.subarray(0, end)}`);
        this.expect = Number(m[1]);
        const rest = head.subarray(end + 4);
        this.chunks = [rest];
        this.buffered = rest.length;
      }
      if (this.buffered < this.expect) return;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      const body = all.subarray(0, this.expect).toString('utf8');
      const rest = all.subarray(this.expect);
      this.chunks = [rest];
      this.buffered = rest.length;
      this.expect = -1;
      this.dispatch(JSON.parse(body));
    }
  }

  dispatch(msg) {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      // A request from the server: answer as an editor would.
      let result = null;
      if (msg.method === 'workspace/configuration') result = (msg.params?.items ?? []).map(() => ({}));
      this.send({ jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    const i = this.waiters.findIndex((w) => w.test(msg));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w.resolve(msg);
    }
  }

  send(msg) {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Milliseconds from sending the request to its response, and the result. */
  async timed(method, params) {
    const t0 = performance.now();
    const result = await this.request(method, params);
    return { ms: performance.now() - t0, result };
  }

  notify(method, params) {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The next notification `test` accepts (register before sending what triggers it). */
  waitFor(test, timeoutMs = 600_000, what = 'notification') {
    return new Promise((resolve, reject) => {
      const w = { test, resolve };
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      w.resolve = (m) => {
        clearTimeout(t);
        resolve(m);
      };
      this.waiters.push(w);
    });
  }

  diagnosticsFor(uri, version, timeoutMs) {
    return this.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.version === version, timeoutMs, `diagnostics of version ${version}`);
  }

  async initialize() {
    const result = await this.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          inlayHint: {},
          codeLens: {},
          semanticTokens: { requests: { full: true, range: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
        },
      },
    });
    this.notify('initialized', {});
    return result;
  }

  /** Peak and current resident set size of the server process, in bytes (Linux). */
  memory() {
    try {
      const s = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s) ?? [])[1] ?? NaN) * 1024;
      return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
    } catch {
      return { hwm: NaN, rss: NaN };
    }
  }

  /** CPU seconds (user + system) the server process used so far (Linux). */
  cpuSeconds() {
    try {
      const f = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      return (Number(rest[11]) + Number(rest[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
    } catch {
      return NaN;
    }
  }

  async close() {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 5000))]);
      this.notify('exit', null);
    } catch {
      /* already gone */
    }
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
  }
}
