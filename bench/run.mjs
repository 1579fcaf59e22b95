#!/usr/bin/env node
// `npm run bench`: the language server at kube-proxy scale, beside its anchors.
//
// Generates kube-proxy iptables-save dumps (../shared/bench/gen-kube-proxy-dump.mjs, or
// $KUBE_DUMP_GEN) at 1,000, 10,000 and 30,000 services (3 endpoints each) plus the largest
// dump of the corpus, then for each, from a fresh server process each run:
//   open → diagnostics of version 1 published;
//   20 one-rule edits in the middle (incremental sync ranges) → diagnostics of that version;
//   hover at 200 spread positions; inlay hints and semantic tokens for 60-line windows; code
//   lenses (the whole-document request, then codeLens/resolve of each 60-line window's lenses);
//   peak RSS of the server (VmHWM);
// and beside them `dist/cli.js lint`, a raw Node read-and-split of the file (the floor) and
// `iptables-restore-translate -f` inside `unshare -n` (a C parser of the same format).
// Also bundle sizes, the .vsix size and activation time. Prints one table with ratios and
// the budgets (PASS/FAIL), writes bench/results/latest.json, and with --readme puts the
// table into README.md between <!-- bench:start --> and <!-- bench:end -->.
//
//   npm run bench -- [--sizes=1000,10000,30000] [--runs=3] [--no-corpus] [--no-package]
//                    [--readme] [--cpu-prof=DIR] [--dev-build] [--out=FILE] [--server-args="…"]
//
// --cpu-prof runs the server under `node --cpu-prof` (profiles in DIR, default
// bench/profiles; summarise with bench/profile-summary.mjs); --dev-build measures the
// unminified bundle, so that the profile names functions. --server-args adds node/V8 options
// to the server's command line (to try e.g. --max-semi-space-size=32 before the client's
// launch options adopt it; the server is otherwise started as the client starts it:
// `node dist/server.js --stdio`, no options).
//
// The server and CLI measured are the production bundles (`npm run package` builds them),
// copied to a scratch directory so a parallel rebuild of dist/ cannot change them mid-run.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspClient } from './lsp-client.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    return [m[1], m[2] ?? true];
  }),
);
const SIZES = String(args.sizes ?? '1000,10000,30000').split(',').filter(Boolean).map(Number);
const RUNS = Math.max(1, Number(args.runs ?? 3));
const ENDPOINTS = 3;
const EDITS = 20;
const EDIT_KINDS = ['value', 'target', 'value', 'new line'];
const HOVERS = 200;
const WINDOWS = 100;
const WINDOW_LINES = 60;
const LENS_REQUESTS = 10;
const GEN = process.env.KUBE_DUMP_GEN ?? resolve(ROOT, '../shared/bench/gen-kube-proxy-dump.mjs');
const CORPUS = process.env.IPTABLES_CORPUS ?? resolve(ROOT, '../shared/corpus/iptables');
/** Extra node options for the server (`--server-args="--a --b"`): to try V8 flags before the client adopts them. */
const SERVER_ARGS = typeof args['server-args'] === 'string' ? args['server-args'].split(/\s+/).filter(Boolean) : [];
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const WORK = mkdtempSync(join(tmpdir(), 'conntrack-lens-bench-'));
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

// ------------------------------------------------------------------ statistics

const sorted = (xs) => [...xs].sort((a, b) => a - b);
/** Nearest-rank percentile. */
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x));
  if (!v.length) return NaN;
  const s = sorted(v);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ------------------------------------------------------------------- processes

/** Runs a command; wall ms measured here, peak RSS and CPU from /usr/bin/time when present. */
function timedCommand(cmd, argv, { stdout = 'ignore' } = {}) {
  const full = TIME ? [TIME, ['-f', '@@TIME %U %S %M', cmd, ...argv]] : [cmd, argv];
  const t0 = performance.now();
  const r = spawnSync(full[0], full[1], { stdio: ['ignore', stdout, 'pipe'], maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  const err = r.stderr?.toString() ?? '';
  const m = /@@TIME ([\d.]+) ([\d.]+) (\d+)/.exec(err);
  return {
    ms,
    code: r.status,
    error: r.error?.message,
    cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN,
    rssBytes: m ? Number(m[3]) * 1024 : NaN,
    stderr: err.replace(/@@TIME.*\n?/, ''),
  };
}

function rawSplit(file) {
  const src = `const fs=require('fs');const c0=process.cpuUsage();const t0=performance.now();` + `const s=fs.readFileSync(${JSON.stringify(file)},'utf8');const lines=s.split('\\n');` + `const ms=performance.now()-t0;const c=process.cpuUsage(c0);` + `process.stdout.write(JSON.stringify({ms,cpuMs:(c.user+c.system)/1000,lines:lines.length}));`;
  const out = execFileSync(process.execPath, ['-e', src]).toString();
  return JSON.parse(out);
}

let translateSkip = null;
function translateAvailable() {
  if (translateSkip !== null) return !translateSkip;
  const which = spawnSync('sh', ['-c', 'command -v iptables-restore-translate && command -v unshare']);
  if (which.status !== 0) translateSkip = 'iptables-restore-translate or unshare not installed (apt-get install -y iptables util-linux)';
  else {
    const t = spawnSync('unshare', ['-n', 'true']);
    if (t.status !== 0) translateSkip = `unshare -n fails here: ${(t.stderr?.toString() || t.error?.message || '').trim()} (needs root or user namespaces)`;
  }
  if (translateSkip) log(`SKIP iptables-restore-translate: ${translateSkip}`);
  return !translateSkip;
}

function translate(file) {
  const r = timedCommand('unshare', ['-n', 'iptables-restore-translate', '-f', file]);
  return { ...r, ok: r.code === 0 };
}

function lint(cliJs, file) {
  // exit status 1 = findings; 2 = usage / unreadable file
  const r = timedCommand(process.execPath, [cliJs, 'lint', file]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`cli lint failed (${r.code}): ${r.stderr.slice(-500)}`);
  return r;
}

// --------------------------------------------------------------- server driver

const splitLines = (text) => text.split(/\r\n|\r|\n/);

/** Start columns of the blank-separated words of a line. */
function wordStarts(line) {
  const out = [];
  for (let i = 0; i < line.length; i++) if (line[i] !== ' ' && (i === 0 || line[i - 1] === ' ')) out.push(i);
  return out;
}

/** A spread of hover positions: every word kind (commands, chains, options, values). */
function hoverPositions(lines, n) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const line = Math.min(lines.length - 1, Math.floor(((k + 0.5) * lines.length) / n));
    const ws = wordStarts(lines[line]);
    const character = ws.length ? ws[k % ws.length] + 1 : 0;
    out.push({ line, character: Math.min(character, lines[line].length) });
  }
  return out;
}

/** Rule lines (`-A …` with a digit and a jump) around the middle of the document, one per edit. */
function editLines(lines, n) {
  const mid = Math.floor(lines.length / 2);
  const out = [];
  const used = new Set();
  for (let k = 0; out.length < n && k < lines.length; k++) {
    const off = Math.floor(k / 2) * 53 * (k % 2 ? -1 : 1);
    let l = mid + off;
    while (l >= 0 && l < lines.length && (!/^-A \S+ .*\d.* -[jg] \S/.test(lines[l]) || used.has(l))) l++;
    if (l >= 0 && l < lines.length) {
      used.add(l);
      out.push(l);
    }
  }
  return out;
}

async function serverRun(serverJs, file, { cpuProfDir, execArgv = [] } = {}) {
  const text = readFileSync(file, 'utf8');
  const nodeArgs = [...execArgv, ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [])];
  const c = new LspClient(serverJs, { nodeArgs, cwd: WORK });
  const r = { hover: [], inlay: [], tokensRange: [], lensWhole: [], lensResolve: [], edits: [], editKinds: [], info: {} };
  try {
    await c.initialize();
    const uri = pathToFileURL(file).href;
    const cpu0 = c.cpuSeconds();
    let version = 1;
    const got = c.diagnosticsFor(uri, version);
    const t0 = performance.now();
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version, text } });
    const d = await got;
    r.openMs = performance.now() - t0;
    r.openCpuMs = (c.cpuSeconds() - cpu0) * 1000;
    r.diagnostics = d.params.diagnostics.length;
    const afterOpen = c.memory();
    r.rssAfterOpen = afterOpen.rss;
    r.hwmPhases = { open: afterOpen.hwm };

    const lines = splitLines(text);
    const doc = { textDocument: { uri } };
    for (const position of hoverPositions(lines, HOVERS)) r.hover.push((await c.timed('textDocument/hover', { ...doc, position })).ms);
    for (let k = 0; k < WINDOWS; k++) {
      const start = Math.floor((k * Math.max(0, lines.length - WINDOW_LINES)) / WINDOWS);
      const range = { start: { line: start, character: 0 }, end: { line: Math.min(lines.length - 1, start + WINDOW_LINES), character: 0 } };
      r.inlay.push((await c.timed('textDocument/inlayHint', { ...doc, range })).ms);
    }
    for (let k = 0; k < WINDOWS; k += 5) {
      // what an editor asks first on a big document: the tokens of the visible lines
      const start = Math.floor((k * Math.max(0, lines.length - WINDOW_LINES)) / WINDOWS);
      const range = { start: { line: start, character: 0 }, end: { line: Math.min(lines.length - 1, start + WINDOW_LINES), character: 0 } };
      try {
        r.tokensRange.push((await c.timed('textDocument/semanticTokens/range', { ...doc, range })).ms);
      } catch {
        break; // a server without range support
      }
    }
    r.hwmPhases.hoverInlay = c.memory().hwm;
    await lenses(c, doc, lines, r);
    r.hwmPhases.lenses = c.memory().hwm;

    // What an editor also asks for once after opening (not budgeted; reported).
    for (const [k, m, extra] of [
      ['symbols', 'textDocument/documentSymbol', {}],
      ['folding', 'textDocument/foldingRange', {}],
      ['semanticTokens', 'textDocument/semanticTokens/full', {}],
    ]) {
      try {
        r.info[k] = (await c.timed(m, { ...doc, ...extra })).ms;
        r.hwmPhases[k] = c.memory().hwm;
      } catch (e) {
        r.info[k] = NaN;
        log(`  ${k}: ${e.message}`);
      }
    }

    // One-rule edits in the middle, as an editor sends them (incremental ranges), in a
    // fixed mix: a value retyped (address, port, probability …), the jump target
    // retyped (the graph changes), and a rule pasted as a new line (lines move).
    for (const [k, L] of editLines(lines, EDITS).entries()) {
      let change;
      let at = L;
      const kind = EDIT_KINDS[k % EDIT_KINDS.length];
      const s = lines[L];
      const jump = s.search(/ -[jg] \S/);
      if (kind === 'new line') {
        change = { range: { start: { line: L + 1, character: 0 }, end: { line: L + 1, character: 0 } }, text: s + '\n' };
        lines.splice(L + 1, 0, s);
        at = L + 1;
      } else {
        // value: the last digit before the jump; target: the last character of the target name
        let j;
        if (kind === 'target' && jump >= 0) j = jump + 4 + s.slice(jump + 4).search(/\s|$/) - 1;
        else {
          j = (jump >= 0 ? jump : s.length) - 1;
          while (j >= 0 && !(s[j] >= '0' && s[j] <= '9')) j--;
        }
        const ch = s[j] >= '0' && s[j] <= '9' ? String((Number(s[j]) + 1) % 10) : s[j] === 'Z' ? 'Y' : 'Z';
        change = { range: { start: { line: L, character: j }, end: { line: L, character: j + 1 } }, text: ch };
        lines[L] = s.slice(0, j) + ch + s.slice(j + 1);
      }
      version++;
      const p = c.diagnosticsFor(uri, version);
      const te = performance.now();
      c.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      await p;
      r.edits.push(performance.now() - te);
      r.editKinds.push({ kind, ms: r.edits[r.edits.length - 1] });
      // the editor then asks about what is on screen around the edit
      r.hover.push((await c.timed('textDocument/hover', { ...doc, position: { line: at, character: 4 } })).ms);
      const start = Math.max(0, at - WINDOW_LINES / 2);
      r.inlay.push((await c.timed('textDocument/inlayHint', { ...doc, range: { start: { line: start, character: 0 }, end: { line: start + WINDOW_LINES, character: 0 } } })).ms);
    }
    r.hwmPhases.edits = c.memory().hwm;
    await lenses(c, doc, lines, r, 1);
    r.peakRss = c.memory().hwm;
  } finally {
    await c.close();
  }
  return r;
}

/** Code lenses: the whole-document request an editor sends, and resolving a 60-line window when the server defers titles. */
async function lenses(c, doc, lines, r, times = LENS_REQUESTS) {
  for (let i = 0; i < times; i++) {
    const { ms, result } = await c.timed('textDocument/codeLens', doc);
    r.lensWhole.push(ms);
    r.lensCount = result?.length ?? 0;
    if (i > 0 || !result?.length) continue;
    const unresolved = result.filter((l) => !l.command);
    if (!unresolved.length) continue;
    for (let k = 0; k < WINDOWS; k++) {
      const start = Math.floor((k * Math.max(0, lines.length - WINDOW_LINES)) / WINDOWS);
      const inWindow = unresolved.filter((l) => l.range.start.line >= start && l.range.start.line < start + WINDOW_LINES);
      const t0 = performance.now();
      await Promise.all(inWindow.map((l) => c.request('codeLens/resolve', l)));
      r.lensResolve.push(performance.now() - t0);
    }
  }
}

// ------------------------------------------------------------------ activation

function activation(dir) {
  // require() of the extension bundle with a stand-in `vscode` module (loading only).
  const src = `const Module=require('module');const load=Module._load;` + `const stub=new Proxy(function(){},{get:(t,k)=>k==='then'?undefined:stub,apply:()=>stub,construct:()=>stub});` + `Module._load=function(r,...a){return r==='vscode'?stub:load.call(this,r,...a)};` + `const t0=performance.now();const ext=require(${JSON.stringify(join(dir, 'extension.js'))});` + `process.stdout.write(JSON.stringify({ms:performance.now()-t0,activate:typeof ext.activate}));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', src]).toString());
}

async function serverStart(serverJs) {
  const t0 = performance.now();
  const c = new LspClient(serverJs, { cwd: WORK });
  await c.initialize();
  const ms = performance.now() - t0;
  await c.close();
  return ms;
}

// ------------------------------------------------------------------------ main

function fileSize(p) {
  try {
    return statSync(p).size;
  } catch {
    return NaN;
  }
}

function prepareBundles() {
  const dist = join(WORK, 'dist');
  mkdirSync(dist, { recursive: true });
  let pkgNote = null;
  if (args['dev-build']) {
    // unminified, for readable --cpu-prof profiles
    log('building development bundles (node esbuild.mjs) …');
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
    pkgNote = 'development build (--dev-build): bundle sizes are not the shipped ones';
  } else if (args.package !== false && !args['no-package']) {
    log('packaging (npm run package) …');
    const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) pkgNote = `npm run package failed: ${(r.stderr?.toString() ?? '').slice(-800)}`;
  } else {
    log('building production bundles (node esbuild.mjs --production) …');
    execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'inherit' });
    pkgNote = 'not packaged this run (--no-package): .vsix size is from the file on disk';
  }
  const bundles = {};
  for (const f of ['extension.js', 'server.js', 'cli.js']) {
    copyFileSync(join(ROOT, 'dist', f), join(dist, f));
    bundles[f] = fileSize(join(dist, f));
  }
  const vsix = join(ROOT, 'conntrack-lens.vsix');
  return { dist, bundles, vsixBytes: fileSize(vsix), pkgNote };
}

function dumps() {
  const out = [];
  for (const n of SIZES) {
    const file = join(WORK, `kube-proxy-${n}.rules`);
    writeFileSync(file, execFileSync(process.execPath, [GEN, String(n), String(ENDPOINTS)], { maxBuffer: 1 << 30 }));
    out.push({ name: `${n / 1000}k services`, services: n, file });
  }
  if (!args['no-corpus'] && existsSync(CORPUS)) {
    const files = readdirSync(CORPUS)
      .filter((f) => !f.endsWith('.tsv') && !f.endsWith('.md'))
      .map((f) => join(CORPUS, f))
      .filter((f) => statSync(f).isFile());
    const largest = files.sort((a, b) => fileSize(b) - fileSize(a))[0];
    if (largest) out.push({ name: 'largest corpus dump', corpus: basename(largest), file: largest });
  }
  for (const d of out) {
    d.bytes = fileSize(d.file);
    d.lines = splitLines(readFileSync(d.file, 'utf8')).length;
  }
  return out;
}

async function main() {
  const load0 = loadavg();
  const started = new Date();
  const b = prepareBundles();
  const serverJs = join(b.dist, 'server.js');
  const cliJs = join(b.dist, 'cli.js');
  const list = dumps();
  const cpuProfDir = typeof args['cpu-prof'] === 'string' ? resolve(args['cpu-prof']) : args['cpu-prof'] ? join(ROOT, 'bench/profiles') : undefined;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });

  const results = [];
  for (const d of list) {
    log(`${d.name}: ${d.lines} lines, ${(d.bytes / 1e6).toFixed(1)} MB`);
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const raw = rawSplit(d.file);
      const tr = translateAvailable() ? translate(d.file) : null;
      const li = lint(cliJs, d.file);
      const sv = await serverRun(serverJs, d.file, { cpuProfDir, execArgv: SERVER_ARGS });
      runs.push({ raw, tr, li, sv });
      log(`  run ${i + 1}: open ${sv.openMs.toFixed(0)} ms (cpu ${sv.openCpuMs.toFixed(0)}), edit p95 ${pct(sv.edits, 95).toFixed(0)} ms, hover p99 ${pct(sv.hover, 99).toFixed(1)}, inlay p99 ${pct(sv.inlay, 99).toFixed(1)}, lens ${pct(sv.lensWhole, 99).toFixed(1)} ms (resolve p99 ${pct(sv.lensResolve, 99).toFixed(1)}), symbols ${sv.info.symbols?.toFixed(0)} ms, tokens ${sv.info.semanticTokens?.toFixed(0)} ms, rss ${(sv.peakRss / 1e6).toFixed(0)} MB | lint ${li.ms.toFixed(0)} ms | translate ${tr ? tr.ms.toFixed(0) + (tr.ok ? '' : ' (failed)') : '-'} | raw ${raw.ms.toFixed(1)} ms  [load ${loadavg()[0].toFixed(1)}]`);
    }
    const m = (f) => median(runs.map(f));
    const tr = runs[0].tr;
    results.push({
      name: d.name,
      services: d.services,
      corpus: d.corpus,
      bytes: d.bytes,
      lines: d.lines,
      diagnostics: runs[0].sv.diagnostics,
      openMs: m((r) => r.sv.openMs),
      openCpuMs: m((r) => r.sv.openCpuMs),
      editP95Ms: m((r) => pct(r.sv.edits, 95)),
      editMedianMs: m((r) => median(r.sv.edits)),
      editByKindMs: Object.fromEntries(EDIT_KINDS.filter((k, i) => EDIT_KINDS.indexOf(k) === i).map((k) => [k, m((r) => median(r.sv.editKinds.filter((e) => e.kind === k).map((e) => e.ms)))])),
      hoverP99Ms: m((r) => pct(r.sv.hover, 99)),
      inlayP99Ms: m((r) => pct(r.sv.inlay, 99)),
      lensWholeP99Ms: m((r) => pct(r.sv.lensWhole, 99)),
      lensResolveP99Ms: m((r) => (r.sv.lensResolve.length ? pct(r.sv.lensResolve, 99) : NaN)),
      lensCount: runs[0].sv.lensCount,
      tokensRangeP99Ms: m((r) => (r.sv.tokensRange.length ? pct(r.sv.tokensRange, 99) : NaN)),
      symbolsMs: m((r) => r.sv.info.symbols),
      foldingMs: m((r) => r.sv.info.folding),
      semanticTokensMs: m((r) => r.sv.info.semanticTokens),
      peakRssBytes: m((r) => r.sv.peakRss),
      rssAfterOpenBytes: m((r) => r.sv.rssAfterOpen),
      lintMs: m((r) => r.li.ms),
      lintRssBytes: m((r) => r.li.rssBytes),
      rawSplitMs: m((r) => r.raw.ms),
      translateMs: tr ? m((r) => r.tr.ms) : NaN,
      translateCpuMs: tr ? m((r) => r.tr.cpuMs) : NaN,
      translateOk: tr ? runs.every((r) => r.tr.ok) : null,
      translateNote: tr ? (runs.every((r) => r.tr.ok) ? undefined : `exit ${runs[0].tr.code}: ${runs[0].tr.stderr.trim().split('\n')[0]}`) : translateSkip,
      peakRssByPhase: runs[0].sv.hwmPhases,
      runs: runs.map((r) => ({ openMs: r.sv.openMs, edits: r.sv.edits, hoverP99: pct(r.sv.hover, 99), inlayP99: pct(r.sv.inlay, 99), lensWhole: r.sv.lensWhole, peakRss: r.sv.peakRss, lintMs: r.li.ms, translateMs: r.tr?.ms, rawMs: r.raw.ms })),
    });
  }

  const act = [];
  for (let i = 0; i < RUNS; i++) act.push({ require: activation(b.dist).ms, start: await serverStart(serverJs) });
  const activationMs = { requireExtension: median(act.map((a) => a.require)), serverInitialize: median(act.map((a) => a.start)) };
  activationMs.total = activationMs.requireExtension + activationMs.serverInitialize;

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const report = {
    date: started.toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadavg: { start: load0.map((x) => +x.toFixed(2)), end: loadavg().map((x) => +x.toFixed(2)) },
    runs: RUNS,
    commit: gitHead(),
    bundles: b.bundles,
    vsixBytes: b.vsixBytes,
    packageNote: b.pkgNote,
    activationEvents: pkg.activationEvents,
    activationMs,
    results,
  };
  report.budgets = budgets(report);
  const table = render(report);
  process.stdout.write(table + '\n');
  const out = typeof args.out === 'string' ? resolve(args.out) : join(ROOT, 'bench/results/latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  log(`wrote ${out}`);
  if (args.readme) updateReadme(table);
  if (!args['keep-work']) rmSync(WORK, { recursive: true, force: true });
  // dist/ back to the development build (source maps) that `npm run build` gives
  if (!args['no-restore-build']) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
  process.exitCode = report.budgets.some((x) => x.pass === false) ? 1 : 0;
}

function gitHead() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).toString().trim() ? '+uncommitted' : '';
    return head + dirty;
  } catch {
    return 'unknown';
  }
}

// --------------------------------------------------------------------- budgets

function budgets(rep) {
  const out = [];
  const at = rep.results.find((r) => r.services === 10000);
  const row = (name, value, limit, pass, note) => out.push({ name, value, limit, pass, note });
  if (at) {
    if (Number.isFinite(at.translateMs) && at.translateOk) row('open → diagnostics ≤ 0.5× iptables-restore-translate', at.openMs / at.translateMs, 0.5, at.openMs <= 0.5 * at.translateMs);
    else row('open → diagnostics ≤ 0.5× iptables-restore-translate', NaN, 0.5, null, `not measured: ${at.translateNote ?? 'translate failed'}`);
    row('open → diagnostics ≤ 10× raw read-and-split', at.openMs / at.rawSplitMs, 10, at.openMs <= 10 * at.rawSplitMs);
    row('edit → diagnostics p95 ≤ 0.1× open', at.editP95Ms / at.openMs, 0.1, at.editP95Ms <= 0.1 * at.openMs);
    row('hover p99 ≤ 20 ms', at.hoverP99Ms, 20, at.hoverP99Ms <= 20);
    row('inlay hints p99 (60 lines) ≤ 20 ms', at.inlayP99Ms, 20, at.inlayP99Ms <= 20);
    // LSP code lenses have no range: an editor asks for every lens of the document, then
    // resolves the ones on screen. With deferred titles the budget is the resolve of a
    // 60-line window (the whole-document request is reported beside it); a server that
    // sends titles in the whole-document answer is held to the budget there.
    if (Number.isFinite(at.lensResolveP99Ms)) row('code lens resolve p99 (60 lines) ≤ 20 ms', at.lensResolveP99Ms, 20, at.lensResolveP99Ms <= 20);
    else row('code lenses p99 ≤ 20 ms (whole-document request with titles)', at.lensWholeP99Ms, 20, at.lensWholeP99Ms <= 20);
    row('peak RSS ≤ 25× dump size', at.peakRssBytes / at.bytes, 25, at.peakRssBytes <= 25 * at.bytes);
  } else row('10,000-service budgets', NaN, NaN, null, 'the 10,000-service dump was not in this run');
  const gen = rep.results.filter((r) => r.services).sort((a, b) => a.services - b.services);
  for (let i = 1; i < gen.length; i++) {
    const a = gen[i - 1];
    const z = gen[i];
    const step = z.openMs / a.openMs / (z.bytes / a.bytes);
    row(`growth ${a.name} → ${z.name}: open time / size ≤ 1.2× proportional`, step, 1.2, step <= 1.2);
  }
  row('.vsix < 1 MB', rep.vsixBytes / 1e6, 1, rep.vsixBytes < 1_000_000);
  const ev = rep.activationEvents ?? [];
  const onlyTwo = ev.length === 2 && ev.includes('onLanguage:sysctl') && ev.includes('onLanguage:iptables');
  row('activation only on the two languages', ev.join(', '), '', onlyTwo);
  return out;
}

// ---------------------------------------------------------------------- output

const ms = (x) => (!Number.isFinite(x) ? '–' : x >= 100 ? `${Math.round(x).toLocaleString('en-US')} ms` : `${x.toFixed(1)} ms`);
const mb = (x) => (!Number.isFinite(x) ? '–' : `${(x / 1e6).toFixed(x >= 1e7 ? 0 : 1)} MB`);
const ratio = (x) => (!Number.isFinite(x) ? '–' : `${x.toFixed(x >= 10 ? 1 : 2)}×`);
const num = (x) => (Number.isFinite(x) ? x.toLocaleString('en-US') : '–');

const PHASES = ['open', 'lenses', 'symbols', 'semanticTokens', 'edits'];

function render(rep) {
  const R = rep.results;
  const rows = [
    ['size', (r) => `${mb(r.bytes)}, ${num(r.lines)} lines`],
    ['diagnostics published', (r) => num(r.diagnostics)],
    ['**open → diagnostics**', (r) => ms(r.openMs)],
    ['  server CPU for the open', (r) => ms(r.openCpuMs)],
    ['raw read + split (floor)', (r) => ms(r.rawSplitMs)],
    ['iptables-restore-translate', (r) => (Number.isFinite(r.translateMs) ? ms(r.translateMs) + (r.translateOk ? '' : ' (rejected)') : 'skipped')],
    ['open ÷ translate', (r) => (r.translateOk ? ratio(r.openMs / r.translateMs) : '–')],
    ['open ÷ raw split', (r) => ratio(r.openMs / r.rawSplitMs)],
    ['**edit → diagnostics p95**', (r) => ms(r.editP95Ms)],
    ['  edit ÷ open', (r) => ratio(r.editP95Ms / r.openMs)],
    ['  edit medians: value / target / new line', (r) => Object.values(r.editByKindMs ?? {}).map(ms).join(' / ')],
    ['**hover p99**', (r) => ms(r.hoverP99Ms)],
    ['**inlay hints p99** (60 lines)', (r) => ms(r.inlayP99Ms)],
    ['**code lens resolve p99** (60 lines)', (r) => ms(r.lensResolveP99Ms)],
    ['  code lenses, whole-doc request p99', (r) => `${ms(r.lensWholeP99Ms)} (${num(r.lensCount)} lenses)`],
    ['document symbols / folding / semantic tokens', (r) => `${ms(r.symbolsMs)} / ${ms(r.foldingMs)} / ${ms(r.semanticTokensMs)}`],
    ['  semantic tokens of a 60-line range p99', (r) => ms(r.tokensRangeP99Ms)],
    ['**peak RSS** (server)', (r) => mb(r.peakRssBytes)],
    ['  RSS ÷ dump size', (r) => ratio(r.peakRssBytes / r.bytes)],
    ['  peak RSS after open / lenses / symbols / tokens / edits', (r) => PHASES.map((k) => mb(r.peakRssByPhase?.[k])).join(' / ')],
    ['`cli.js lint`', (r) => ms(r.lintMs)],
    ['  lint peak RSS', (r) => mb(r.lintRssBytes)],
  ];
  const head = ['measure (median of ' + rep.runs + ' runs)', ...R.map((r) => r.name)];
  const lines = [];
  lines.push(`| ${head.join(' | ')} |`);
  lines.push(`|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`);
  for (const [name, f] of rows) lines.push(`| ${name} | ${R.map(f).join(' | ')} |`);
  lines.push('');
  lines.push('| budget (10,000 services) | value | limit | verdict |');
  lines.push('|---|---:|---:|---|');
  for (const b of rep.budgets) {
    const v = typeof b.value === 'number' ? (b.name.includes('ms') ? ms(b.value) : b.name.includes('MB') ? `${b.value.toFixed(2)} MB` : ratio(b.value)) : b.value;
    const lim = typeof b.limit === 'number' && Number.isFinite(b.limit) ? (b.name.includes('ms') ? `${b.limit} ms` : b.name.includes('MB') ? `${b.limit} MB` : `${b.limit}×`) : b.limit;
    lines.push(`| ${b.name} | ${v} | ${lim} | ${b.pass === null ? 'SKIP' + (b.note ? ` (${b.note})` : '') : b.pass ? 'PASS' : '**FAIL**'} |`);
  }
  lines.push('');
  const bs = Object.entries(rep.bundles)
    .map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KiB`)
    .join(', ');
  lines.push(`Bundles (minified): ${bs}; .vsix ${(rep.vsixBytes / 1024).toFixed(0)} KiB.${rep.packageNote ? ` (${rep.packageNote.split('\n')[0]})` : ''}`);
  lines.push(
    `Activation: ${ms(rep.activationMs.total)} = require(dist/extension.js) ${ms(rep.activationMs.requireExtension)} + server spawn → initialize result ${ms(rep.activationMs.serverInitialize)} (what LanguageClient.start waits for; measured outside VS Code).`,
  );
  lines.push(`Machine: ${rep.cpus} × ${rep.cpuModel}, Node ${rep.node}; load average ${rep.loadavg.start[0]} at start, ${rep.loadavg.end[0]} at end; ${rep.date.slice(0, 16).replace('T', ' ')} UTC, ${rep.commit}.`);
  return lines.join('\n');
}

function updateReadme(table) {
  const file = join(ROOT, 'README.md');
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf('<!-- bench:start -->');
  const z = text.indexOf('<!-- bench:end -->');
  if (a < 0 || z < a) {
    log('README.md has no <!-- bench:start --> … <!-- bench:end --> markers; not updated');
    return;
  }
  const body = `<!-- bench:start -->\n<!-- written by \`npm run bench -- --readme\`; do not edit by hand -->\n\n${table}\n\n`;
  writeFileSync(file, text.slice(0, a) + body + text.slice(z));
  log('README.md updated');
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exitCode = 2;
});
