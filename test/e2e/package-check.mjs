#!/usr/bin/env node
// Package layer: builds the .vsix with `npm run package` (production build, vsce
// --no-dependencies) and checks what a user would install: under 1 MB, and exactly the
// bundled extension and server, grammars, language configurations, manifest, README,
// CHANGELOG and LICENSE. Rebuilds the development bundle afterwards (with source maps).
// Ends with `N passed, N failed, N skipped`.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { run } from '../../scripts/lib/proc.mjs';
import { ROOT, inScratch, scratchEnv } from '../../scripts/lib/scratch.mjs';

const VSIX = join(ROOT, 'conntrack-lens.vsix');
const MAX_BYTES = 1024 * 1024;
if (!inScratch()) Object.assign(process.env, scratchEnv());

/** Entries of a zip file from its central directory: [{ name, size, data() }]. */
export function listZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const data = () => {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const raw = buf.subarray(start, start + csize);
      return method === 0 ? raw : inflateRawSync(raw);
    };
    entries.push({ name, size, data });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/LICENSE(\.txt|\.md)?$/i,
  /^extension\/dist\/(extension|server)\.js$/,
  /^extension\/syntaxes\/[^/]+\.tmLanguage\.json$/,
  /^extension\/language-configuration\/[^/]+\.json$/,
];
const REQUIRED = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/server.js',
  'extension/syntaxes/sysctl.tmLanguage.json',
  'extension/syntaxes/iptables.tmLanguage.json',
  'extension/language-configuration/sysctl.language-configuration.json',
  'extension/language-configuration/iptables.language-configuration.json',
];

let passed = 0;
let failed = 0;
function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`  ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`  FAIL ${name}\n       ${String(e?.message ?? e).split('\n').join('\n       ')}`);
  }
}

rmSync(VSIX, { force: true });
const t0 = Date.now();
const pkg = await run('npm', ['run', '--silent', 'package'], { cwd: ROOT, env: process.env, timeoutMs: 5 * 60_000 });
console.log(`npm run package: exit ${pkg.code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
check('npm run package builds conntrack-lens.vsix', () => {
  if (pkg.code !== 0 || !existsSync(VSIX)) throw new Error(`exit ${pkg.code ?? pkg.signal}, vsix ${existsSync(VSIX) ? 'present' : 'missing'}`);
});

if (existsSync(VSIX)) {
  const size = statSync(VSIX).size;
  const entries = listZip(readFileSync(VSIX));
  const names = entries.map((e) => e.name);
  console.log(`conntrack-lens.vsix: ${(size / 1024).toFixed(0)} KiB, ${names.length} files:\n    ${names.join('\n    ')}`);
  check('the .vsix is smaller than 1 MB', () => {
    if (size >= MAX_BYTES) throw new Error(`${size} bytes`);
  });
  check('it holds only the bundles, grammars, language configurations, manifest, README, CHANGELOG, LICENSE', () => {
    const extra = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
    if (extra.length) throw new Error(`unexpected: ${extra.join(', ')}`);
  });
  check('it holds every file the extension needs', () => {
    const missing = REQUIRED.filter((n) => !names.includes(n));
    for (const re of [/^extension\/readme\.md$/i, /^extension\/changelog\.md$/i, /^extension\/LICENSE/i]) {
      if (!names.some((n) => re.test(n))) missing.push(re.source);
    }
    if (missing.length) throw new Error(`missing: ${missing.join(', ')}`);
  });
  check('the packaged manifest starts dist/extension.js and the bundles are minified production builds', () => {
    const manifest = JSON.parse(entries.find((e) => e.name === 'extension/package.json').data().toString('utf8'));
    if (manifest.main !== './dist/extension.js') throw new Error(`main = ${manifest.main}`);
    for (const f of ['extension/dist/extension.js', 'extension/dist/server.js']) {
      const js = entries.find((e) => e.name === f).data().toString('utf8');
      if (/sourceMappingURL/.test(js)) throw new Error(`${f} references a source map`);
      // Minified code has very long lines (the few line breaks left are inside template strings).
      const lines = js.split('\n').length;
      if (js.length / lines < 400) throw new Error(`${f} is not minified (${lines} lines, ${js.length} chars)`);
    }
  });
}

// Leave the development build (with source maps) in dist/ for the editor and debugger.
const dev = await run(process.execPath, ['esbuild.mjs'], { cwd: ROOT, env: process.env, timeoutMs: 5 * 60_000 });
if (dev.code !== 0) console.error('rebuilding the development bundle failed');
console.log(`${passed} passed, ${failed} failed, 0 skipped`);
process.exit(failed ? 1 : 0);
