#!/usr/bin/env node
// `npm test`: every test layer, offline, on a fresh machine too. Each layer prints its
// own output; then one summary line per layer and, last, exactly one line
// `N passed, N failed, N skipped`. Exit status 1 when anything failed.
//
// Layers that are separate scripts end with their own `N passed, N failed, N skipped`
// line, which is parsed here; a script that prints no such line (a crash) counts as a
// failure, and one that cannot run prints `SKIP: <reason>` and counts as skipped.
// Child processes get XDG_* and TMPDIR in a scratch dir (test/.tmp/xdg), so nothing
// lands in $HOME.
//
//   node scripts/test.mjs                 all layers
//   node scripts/test.mjs unit server     only the named layers (after type-check/build)
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseCounts, parseSkip, run } from './lib/proc.mjs';
import { ROOT, TEST_TMP, scratchDir, scratchEnv } from './lib/scratch.mjs';

const MIN = 60_000;
const only = process.argv.slice(2);
// CI stops a run after 90 minutes; keep all layers inside TEST_BUDGET_MIN (default 80) so a
// hung layer is cut short and reported as failed instead of losing the whole run.
const deadline = Date.now() + Number(process.env.TEST_BUDGET_MIN || 80) * MIN;
/** A layer's time limit: its own, but never past the run's deadline. */
const limit = (ms) => Math.max(1000, Math.min(ms, deadline - Date.now()));
// One test may take at most this long (a hung async test is cancelled and counted as failed),
// and one test file this long (a busy loop cannot be cancelled: the file's process is killed).
const TEST_TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS || 5 * MIN);
const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS || 5 * MIN);

rmSync(TEST_TMP, { recursive: true, force: true });
if (scratchDir() !== join(TEST_TMP, 'xdg')) rmSync(scratchDir(), { recursive: true, force: true });
mkdirSync(TEST_TMP, { recursive: true });
const env = { ...scratchEnv(), FORCE_COLOR: '0', NO_COLOR: '1', npm_config_update_notifier: 'false' };

/** Files under `dir` (recursively) whose names end with one of `suffixes`, sorted, relative to the root. */
function findFiles(dir, suffixes) {
  const out = [];
  const walk = (d) => {
    let entries;
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (suffixes.some((s) => e.endsWith(s))) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

const counts = (passed, failed, skipped, note) => ({ passed, failed, skipped, note });

// ---- layers ------------------------------------------------------------------------

async function typesAndBuild() {
  const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, env, timeoutMs: limit(10 * MIN) });
  const build = await run(process.execPath, ['esbuild.mjs'], { cwd: ROOT, env, timeoutMs: limit(5 * MIN) });
  const ok = [tsc.code === 0, build.code === 0];
  console.log(`type-check: ${ok[0] ? 'ok' : 'FAILED'}\nbuild: ${ok[1] ? 'ok' : 'FAILED'}`);
  return counts(ok.filter(Boolean).length, ok.filter((x) => !x).length, 0);
}

/** Counts from node:test TAP output; without a summary (a killed run), the results reported so far. */
function tapCounts(text) {
  if (/^# pass \d+$/m.test(text)) {
    const num = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) || [])[1] || 0);
    return counts(num('pass'), num('fail') + num('cancelled'), num('skipped') + num('todo'));
  }
  const lines = text.split('\n');
  const skip = lines.filter((l) => /^ok \d+ .*# (SKIP|TODO)\b/i.test(l)).length;
  return counts(lines.filter((l) => /^ok \d+ /.test(l)).length - skip, lines.filter((l) => /^not ok \d+ /.test(l)).length, skip);
}

/**
 * node:test files, one runner per file (as `node --test` does, but with a time limit per
 * file so a hung file is named and killed while the others still count): spec reporter to
 * the console, TAP to a file that is counted. TEST_CONCURRENCY files at a time (default 1,
 * like `node --test` on two cores, so timing-sensitive tests see the same machine).
 */
async function nodeTests(name, files, ownLimitMs) {
  if (!files.length) return counts(0, 0, 1, `no ${name} test files`);
  const layerDeadline = Date.now() + limit(ownLimitMs);
  const total = counts(0, 0, 0);
  const notes = [];
  const queue = [...files];
  const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY || 1));
  const worker = async () => {
    for (let file; (file = queue.shift()); ) {
      const tap = join(TEST_TMP, name, `${file.replace(/[\\/]/g, '__')}.tap`);
      mkdirSync(join(TEST_TMP, name), { recursive: true });
      const timeoutMs = Math.min(FILE_TIMEOUT_MS, layerDeadline - Date.now());
      if (timeoutMs <= 0) {
        total.failed++;
        notes.push(`${file} not run: time limit`);
        continue;
      }
      const r = await run(
        process.execPath,
        ['--import', 'tsx', '--test', `--test-timeout=${TEST_TIMEOUT_MS}`, '--test-reporter=spec', '--test-reporter-destination=stdout',
          '--test-reporter=tap', `--test-reporter-destination=${tap}`, file],
        { cwd: ROOT, env, timeoutMs, quiet: concurrency > 1 },
      );
      if (concurrency > 1) process.stdout.write(`# ${file}\n${r.output}`);
      const c = tapCounts(existsSync(tap) ? readFileSync(tap, 'utf8') : '');
      if (r.timedOut) {
        c.failed++;
        notes.push(`${file} killed after ${(timeoutMs / 1000).toFixed(0)} s`);
        console.log(`\n!! ${file} was killed after ${(timeoutMs / 1000).toFixed(0)} s (time limit per file: TEST_FILE_TIMEOUT_MS)`);
      } else if (r.code !== 0 && c.failed === 0) {
        // A runner that died or exited non-zero without a failing test still failed.
        c.failed = 1;
        notes.push(`${file} exit ${r.code ?? r.signal}`);
      }
      for (const k of ['passed', 'failed', 'skipped']) total[k] += c[k];
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (notes.length) total.note = notes.join('; ');
  return total;
}

/** TextMate grammar tests: one test per file, passed when the tool reports it ran clean. */
async function grammar() {
  const files = findFiles('test/grammar', ['.test.sysctl', '.test.iptables']);
  if (!files.length) return counts(0, 0, 1, 'no grammar test files in test/grammar');
  // The tool loads every grammar package.json declares and dies on a missing one; give it
  // only those that exist, so one language's missing grammar fails only that language's files.
  const grammars = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes?.grammars ?? [];
  const present = grammars.filter((g) => existsSync(join(ROOT, g.path)));
  for (const g of grammars) if (!present.includes(g)) console.log(`grammar ${g.path} (${g.scopeName}) is declared but missing`);
  const config = join(TEST_TMP, 'grammar-config.json');
  writeFileSync(config, JSON.stringify({ contributes: { grammars: present.map((g) => ({ ...g, path: relative(TEST_TMP, join(ROOT, g.path)) })) } }));
  const r = await run(process.execPath, [join(ROOT, 'node_modules/vscode-tmgrammar-test/dist/unit.js'), '--config', config, ...files], { cwd: ROOT, env, timeoutMs: limit(5 * MIN) });
  const ok = new Set();
  for (const m of r.output.matchAll(/^\S+ (.+) run successfuly\.$/gm)) ok.add(m[1].trim());
  const passed = files.filter((f) => ok.has(f)).length;
  return counts(passed, files.length - passed, 0);
}

/** A layer that is its own script and prints its own summary line. */
async function script(rel, ownLimitMs) {
  if (!existsSync(join(ROOT, rel))) return counts(0, 0, 1, `${rel} does not exist yet`);
  const timeoutMs = limit(ownLimitMs);
  const r = await run(process.execPath, [rel], { cwd: ROOT, env, timeoutMs });
  const c = parseCounts(r.output);
  const skip = parseSkip(r.output);
  if (r.timedOut) return counts(c?.passed ?? 0, (c?.failed ?? 0) + 1, c?.skipped ?? 0, `killed after ${(timeoutMs / MIN).toFixed(1)} min`);
  if (!c) {
    if (skip && r.code === 0) return counts(0, 0, 1, skip);
    return counts(0, 1, 0, `no summary line (exit ${r.code ?? r.signal})`);
  }
  if (r.code !== 0 && c.failed === 0) return counts(c.passed, 1, c.skipped, `exit ${r.code ?? r.signal} with no failed test reported`);
  return counts(c.passed, c.failed, c.skipped, skip ?? undefined);
}

// Limits are far above the normal times (seconds to a minute or two each); they only
// stop a hang. All are also capped by the run's deadline.
const LAYERS = [
  ['unit', () => nodeTests('unit', findFiles('test/unit', ['.test.ts']), 15 * MIN)],
  ['grammar', grammar],
  ['server', () => nodeTests('server', findFiles('test/server', ['.test.ts']), 10 * MIN)],
  ['nvim', () => script('test/nvim/run.mjs', 5 * MIN)],
  ['realtools', () => script('test/realtools/run.mjs', 20 * MIN)],
  ['mutation', () => script('test/realtools/mutation.mjs', 10 * MIN)],
  ['exthost', () => script('test/e2e/run-exthost.mjs', 15 * MIN)],
  ['ui', () => script('test/e2e/ui-smoke.mjs', 10 * MIN)],
  ['package', () => script('test/e2e/package-check.mjs', 5 * MIN)],
];

// ---- run ---------------------------------------------------------------------------

const unknown = only.filter((n) => !LAYERS.some(([l]) => l === n));
if (unknown.length) {
  console.error(`unknown layer(s): ${unknown.join(', ')}; layers: ${LAYERS.map(([l]) => l).join(', ')}`);
  process.exit(2);
}

const results = [];
async function layer(name, fn) {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  let r;
  try {
    if (Date.now() >= deadline) throw new Error('the run\'s time budget (TEST_BUDGET_MIN) is used up');
    r = await fn();
  } catch (e) {
    console.error(e?.stack ?? String(e));
    r = counts(0, 1, 0, `crashed: ${e?.message ?? e}`);
  }
  r.seconds = (Date.now() - t0) / 1000;
  if (r.note && r.skipped && !r.passed && !r.failed) console.log(`SKIP: ${r.note}`);
  results.push({ name, ...r });
}

const tStart = Date.now();
await layer('types+build', typesAndBuild);
for (const [name, fn] of LAYERS) if (!only.length || only.includes(name)) await layer(name, fn);

const total = counts(0, 0, 0);
console.log('\n=== summary ===');
for (const r of results) {
  for (const k of ['passed', 'failed', 'skipped']) total[k] += r[k];
  const note = r.note ? ` (${r.note})` : '';
  console.log(`${r.name.padEnd(12)} ${String(r.passed).padStart(4)} passed, ${r.failed} failed, ${r.skipped} skipped  ${r.seconds.toFixed(1).padStart(6)} s${note}`);
}
console.log(`${'total time'.padEnd(12)} ${((Date.now() - tStart) / 1000).toFixed(1)} s`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed ? 1 : 0);
