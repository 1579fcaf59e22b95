#!/usr/bin/env node
// `npm test`: every test layer, offline. Builds first, then runs each layer and
// ends with one line `N passed, N failed, N skipped`.
// (Layers are appended to LAYERS; each returns { passed, failed, skipped }.)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const totals = { passed: 0, failed: 0, skipped: 0 };

function findTests(dir, suffix) {
  const out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...findTests(p, suffix));
    else if (p.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

/** Runs node:test files and reads its summary lines. */
function nodeTests(name, files) {
  if (!files.length) return { passed: 0, failed: 0, skipped: 0 };
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', '--test-reporter-destination=' + join(root, 'test/.tmp', name + '.tap'), ...files], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  const { readFileSync } = awaitFs;
  const tap = readFileSync(join(root, 'test/.tmp', name + '.tap'), 'utf8');
  const num = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) || [])[1] || 0);
  const res = { passed: num('pass'), failed: num('fail') + num('cancelled'), skipped: num('skipped') + num('todo') };
  if (r.status !== 0 && res.failed === 0) res.failed = 1; // crashed runner counts as a failure
  return res;
}

import * as awaitFs from 'node:fs';
awaitFs.mkdirSync(join(root, 'test/.tmp'), { recursive: true });

function layer(name, fn) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = fn();
  process.stdout.write(`--- ${name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${r.reason ? ` (${r.reason})` : ''}\n`);
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped;
}

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

layer('unit (core, golden fixtures)', () => nodeTests('unit', findTests(join(root, 'test/unit'), '.test.ts')));
layer('server over stdio', () => nodeTests('server', findTests(join(root, 'test/server'), '.test.ts')));

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed ? 1 : 0);
