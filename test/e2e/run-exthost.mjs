#!/usr/bin/env node
// Extension-host test layer: the built extension (dist/) inside VS Code's real
// extension host, through @vscode/test-electron's runTests. The "VS Code executable" is
// test/e2e/code-server-shim.js (code-server 4.100.3 = VS Code 1.100.3 + headless Chromium),
// so nothing is downloaded; VSCODE_EXECUTABLE=<path to a VS Code binary> uses a real one.
// Prints the suite's output and ends with `N passed, N failed, N skipped`
// (or `SKIP: reason` when code-server / chromium cannot be installed).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, inScratch, scratchEnv } from '../../scripts/lib/scratch.mjs';
import { ensureTestEnv } from './install-env.mjs';
import { makeWorkspace } from './workspace.mjs';

const require = createRequire(import.meta.url);
const { runTests } = require('@vscode/test-electron');

function finish(passed, failed, skipped, skipReason) {
  if (skipReason) console.log(`SKIP: ${skipReason}`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed ? 1 : 0);
}

if (!inScratch()) Object.assign(process.env, scratchEnv());

for (const f of ['dist/extension.js', 'dist/server.js']) {
  if (!existsSync(join(ROOT, f))) {
    console.error(`${f} is missing: run \`npm run build\` first`);
    finish(0, 1, 0);
  }
}

const env = {};
let executable = process.env.VSCODE_EXECUTABLE;
if (!executable) {
  const t0 = Date.now();
  const te = await ensureTestEnv();
  if (te.skip) finish(0, 0, 1, te.skip);
  console.log(`test environment ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  executable = join(ROOT, 'test/e2e/code-server-shim.js');
  env.CODE_SERVER_BIN = te.codeServer;
  env.CHROMIUM = te.chromium;
}

const runDir = join(process.env.TMPDIR, 'exthost');
rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const workspace = makeWorkspace(runDir);
const results = join(runDir, 'results.json');
env.CONNTRACK_E2E_RESULTS = results;

const t0 = Date.now();
let exitError = null;
try {
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'test/e2e/suite/index.js'),
    launchArgs: [workspace, `--user-data-dir=${join(runDir, 'user-data')}`, `--extensions-dir=${join(runDir, 'extensions')}`],
    extensionTestsEnv: env,
  });
} catch (e) {
  exitError = e;
}
console.log(`extension host run took ${((Date.now() - t0) / 1000).toFixed(1)} s`);

if (!existsSync(results)) {
  console.error(`no results from the extension host (${exitError ? exitError.message : 'exit 0 but no results file'})`);
  finish(0, 1, 0);
}
const r = JSON.parse(readFileSync(results, 'utf8'));
for (const f of r.failures) console.error(`\nFAILED: ${f.name}\n${f.error}`);
// A run that reported no failures but still exited non-zero counts as one failure.
finish(r.passed, r.failed || (exitError ? 1 : 0), 0);
