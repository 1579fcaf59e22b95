// The static architecture check (test/unit/architecture.test.ts) reads server/src and
// client/src. This proves that is all the project code that ships: every file of our own that
// esbuild bundles into dist/ (extension, server, CLI) lies in those two folders (or is
// package.json), so no helper from scripts/ or test/ (which may spawn processes or write files)
// can reach the bundles unchecked. The manifest side (untrusted and virtual workspaces) is
// checked by test/unit/manifest.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

const root = resolve(__dirname, '../../..');

test('every project file in the bundles is under server/src or client/src', async () => {
  const config = readFileSync(join(root, 'esbuild.mjs'), 'utf8');
  const entries = [...config.matchAll(/entryPoints:\s*\[\s*'([^']+)'\s*\]/g)].map((m) => m[1]);
  assert.deepEqual(entries.sort(), ['client/src/extension.ts', 'server/src/cli.ts', 'server/src/server.ts'], 'the bundles esbuild.mjs builds');
  const own = new Set<string>();
  for (const entry of entries) {
    const r = await esbuild.build({ entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'cjs', write: false, metafile: true, external: ['vscode'], logLevel: 'silent', absWorkingDir: root });
    for (const input of Object.keys(r.metafile!.inputs)) if (!input.includes('node_modules/')) own.add(input);
  }
  const outside = [...own].filter((f) => !f.startsWith('server/src/') && !f.startsWith('client/src/') && f !== 'package.json');
  assert.deepEqual(outside, []);
  assert.ok([...own].some((f) => f.startsWith('server/src/core/')), 'the core is in the bundles');
});
