// The docs stay true to the code: generated README tables and the diagnostics index are
// current, every registered code has a page (and every page a registered code), pages say how
// to silence their code, and local links in the README resolve.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as core from '../../server/src/core';

const root = resolve(__dirname, '../..');
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const diagDir = join(root, 'docs/diagnostics');

interface GenDocs {
  renderReadme(c: typeof core, readme: string): string;
  diagnosticsIndex(c: typeof core): string;
  settingsTable(c: typeof core): string;
  diagnosticsTable(c: typeof core, linkPrefix: string): string;
  replaceBetween(text: string, name: string, content: string): string;
}
// A variable specifier keeps tsc from resolving the .mjs (it has no type declarations).
const genPath = pathToFileURL(join(root, 'scripts/gen-docs.mjs')).href;
const loadGen = async (): Promise<GenDocs> => (await import(genPath)) as GenDocs;
const FIX = 'run `node --import tsx scripts/gen-docs.mjs`';

test('README settings and diagnostics tables are generated from the current code', async () => {
  const gen = await loadGen();
  const readme = read('README.md');
  assert.ok(readme.includes('<!-- settings:start -->') && readme.includes('<!-- settings:end -->'), 'settings markers');
  assert.ok(readme.includes('<!-- diagnostics:start -->') && readme.includes('<!-- diagnostics:end -->'), 'diagnostics markers');
  assert.equal(gen.renderReadme(core, readme), readme, `README tables are stale: ${FIX}`);
});

test('docs/diagnostics/README.md index is generated from the registry', async () => {
  const gen = await loadGen();
  assert.equal(read('docs/diagnostics/README.md'), gen.diagnosticsIndex(core), `diagnostics index is stale: ${FIX}`);
});

test('the tables list every setting and every code (and the staleness check can fail)', async () => {
  const gen = await loadGen();
  const settings = gen.settingsTable(core);
  for (const s of core.SETTINGS_SCHEMA) assert.ok(settings.includes(`\`${core.SETTINGS_PREFIX}.${s.key}\``), s.key);
  const diags = gen.diagnosticsTable(core, 'docs/diagnostics/');
  for (const code of core.CODES.keys()) assert.ok(diags.includes(`[${code}](docs/diagnostics/${code}.md)`), code);
  // A README whose table lost a row is detected as stale.
  const readme = read('README.md');
  const firstCode = [...core.CODES.keys()][0];
  const broken = readme.replace(new RegExp(`^\\| \\[${firstCode}\\].*\\n`, 'm'), '');
  assert.notEqual(broken, readme);
  assert.notEqual(gen.renderReadme(core, broken), broken);
  assert.throws(() => gen.replaceBetween('no markers here', 'settings', 'x'), /markers/);
});

test('every registered code has docs/diagnostics/<CODE>.md, and its URL points there', () => {
  const missing = [...core.CODES.keys()].filter((code) => !existsSync(join(diagDir, `${code}.md`)));
  assert.deepEqual(missing, [], `codes without a docs page: ${missing.join(', ')}`);
  for (const code of core.CODES.keys()) assert.ok(core.docsUrl(code).endsWith(`/docs/diagnostics/${code}.md`), core.docsUrl(code));
});

test('every docs page belongs to a registered code', () => {
  const pages = readdirSync(diagDir).filter((f) => f.endsWith('.md') && f !== 'README.md');
  const orphans = pages.map((f) => f.slice(0, -3)).filter((code) => !core.CODES.has(code));
  assert.deepEqual(orphans, [], `docs pages for unregistered codes: ${orphans.join(', ')}`);
});

test('each docs page names its code, says how to silence it, and describes its quick-fix', () => {
  const problems: string[] = [];
  for (const c of core.CODES.values()) {
    const file = join(diagDir, `${c.code}.md`);
    if (!existsSync(file)) continue; // reported by the test above
    const text = readFileSync(file, 'utf8');
    const heading = text.split('\n').find((l) => l.startsWith('# '));
    if (!heading?.includes(c.code)) problems.push(`${c.code}: first heading should name the code`);
    if (!text.includes('conntrackLens.severity')) problems.push(`${c.code}: should say how to silence it with conntrackLens.severity`);
    if (c.fixable && !/quick[- ]?fix/i.test(text)) problems.push(`${c.code}: fixable, but the page does not describe the quick-fix`);
    if (c.retired && !/retired/i.test(text)) problems.push(`${c.code}: retired, but the page does not say so`);
  }
  assert.deepEqual(problems, []);
});

test('local links in README.md resolve', () => {
  const readme = read('README.md');
  const broken: string[] = [];
  for (const m of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1].split('#')[0];
    if (!target || /^[a-z]+:/i.test(target)) continue;
    if (!existsSync(join(root, target))) broken.push(target);
  }
  assert.deepEqual(broken, []);
});

test('README carries the two commands, install steps, CLI usage and the other editors', () => {
  const readme = read('README.md');
  for (const s of ['npm ci && npm start', 'npm test', 'npm run package', 'code --install-extension', 'dist/cli.js lint', 'vim.lsp.start_client', 'vim.lsp.start(', 'languages.toml', 'eglot']) {
    assert.ok(readme.includes(s), `README should mention ${s}`);
  }
});

test('CHANGELOG follows Keep a Changelog and has an entry for the package version', () => {
  const changelog = read('CHANGELOG.md');
  const { version } = JSON.parse(read('package.json')) as { version: string };
  assert.match(changelog, /keepachangelog\.com/);
  assert.match(changelog, new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm'));
  assert.match(changelog, /^### Added$/m);
});
