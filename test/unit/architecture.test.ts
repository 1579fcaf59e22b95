// Architecture rules from ARCHITECTURE.md, checked on the source with the TypeScript parser:
// - server/src/core/** imports no editor or LSP library and does no IO (no fs, child_process,
//   net, http(s), os; no `process`).
// - nothing under server/src or client/src imports child_process / net / http(s) / other
//   network modules, or calls a file-writing API, or fetch / WebSocket.
// - only server/src/cli.ts imports fs, and only its reading functions.
// - ARCHITECTURE.md keeps its invariants and names every folder of the code map.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const root = resolve(__dirname, '../..');

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

const bare = (spec: string): string => spec.replace(/^node:/, '');
const NETWORK = ['child_process', 'cluster', 'net', 'dgram', 'tls', 'http', 'https', 'http2', 'dns', 'inspector'];
const EDITOR = /^(vscode|vscode-languageserver(-[a-z]+)?|vscode-languageclient|vscode-jsonrpc)(\/.*)?$/;
const FS = /^fs(\/promises)?$/;
/** What the CLI may call on fs: reading only. */
const FS_READ = new Set(['readFileSync', 'readFile', 'statSync', 'stat', 'lstatSync', 'existsSync', 'readdirSync', 'realpathSync']);
const WRITE_APIS = new Set([
  'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'mkdirSync', 'mkdtemp', 'mkdtempSync',
  'rmSync', 'rmdirSync', 'unlinkSync', 'renameSync', 'copyFile', 'copyFileSync', 'cpSync', 'truncateSync', 'symlinkSync',
  'chmodSync', 'chownSync', 'openSync', 'writeSync', 'writev', 'writevSync',
]);
const NETWORK_GLOBALS = new Set(['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource']);

interface Rules {
  core: boolean;
  mayImportFs: boolean;
}

/** Returns the violations in one source text. Exported for the self-test below. */
function check(fileName: string, text: string, rules: Rules): string[] {
  const problems: string[] = [];
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const fsNames = new Set<string>(); // local names bound to the fs module (namespace / default)
  const where = (n: ts.Node): string => `${fileName}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;

  const onSpecifier = (spec: string, node: ts.Node, clause?: ts.ImportClause): void => {
    const m = bare(spec);
    if (NETWORK.includes(m)) problems.push(`${where(node)} imports ${spec}`);
    if (rules.core && EDITOR.test(spec)) problems.push(`${where(node)} core imports editor/LSP library ${spec}`);
    if (rules.core && (m === 'os' || m === 'process' || m === 'worker_threads')) problems.push(`${where(node)} core imports ${spec}`);
    if (FS.test(m)) {
      if (!rules.mayImportFs) problems.push(`${where(node)} imports ${spec} (only server/src/cli.ts may)`);
      if (clause?.name) fsNames.add(clause.name.text);
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) fsNames.add(nb.name.text);
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          const imported = (el.propertyName ?? el.name).text;
          if (!FS_READ.has(imported)) problems.push(`${where(el)} imports fs.${imported}, which is not a reading API`);
        }
      }
    }
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) onSpecifier(node.moduleSpecifier.text, node, node.importClause);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) onSpecifier(node.moduleSpecifier.text, node);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      onSpecifier(node.moduleReference.expression.text, node);
      if (FS.test(bare(node.moduleReference.expression.text))) fsNames.add(node.name.text);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isDynImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      if (isRequire || isDynImport) {
        const arg = node.arguments[0];
        if (arg && ts.isStringLiteralLike(arg)) {
          onSpecifier(arg.text, node);
          if (FS.test(bare(arg.text)) && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) fsNames.add(node.parent.name.text);
        } else problems.push(`${where(node)} ${isRequire ? 'require' : 'import'}() with a computed specifier`);
      }
      if (ts.isIdentifier(callee) && NETWORK_GLOBALS.has(callee.text)) problems.push(`${where(node)} calls ${callee.text}()`);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && NETWORK_GLOBALS.has(node.expression.text)) {
      problems.push(`${where(node)} constructs ${node.expression.text}`);
    } else if (ts.isPropertyAccessExpression(node)) {
      const obj = node.expression;
      const name = node.name.text;
      if (ts.isIdentifier(obj) && fsNames.has(obj.text) && !FS_READ.has(name)) problems.push(`${where(node)} uses fs.${name}, which is not a reading API`);
      if (WRITE_APIS.has(name)) problems.push(`${where(node)} calls a file-writing API .${name}`);
      if (rules.core && ts.isIdentifier(obj) && obj.text === 'process') problems.push(`${where(node)} core uses process.${name}`);
      // VS Code's file system API (client side).
      if (ts.isPropertyAccessExpression(obj) && obj.name.text === 'fs' && /^(writeFile|delete|rename|copy|createDirectory)$/.test(name)) {
        problems.push(`${where(node)} writes through workspace.fs.${name}`);
      }
    } else if (ts.isIdentifier(node) && WRITE_APIS.has(node.text) && !ts.isPropertyAccessExpression(node.parent)) {
      problems.push(`${where(node)} uses file-writing API ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...new Set(problems)];
}

function rulesFor(file: string): Rules {
  const rel = relative(root, file).replace(/\\/g, '/');
  return { core: rel.startsWith('server/src/core/'), mayImportFs: rel === 'server/src/cli.ts' };
}

test('the checker catches what it must (so the real check can fail)', () => {
  const core = { core: true, mayImportFs: false };
  const server = { core: false, mayImportFs: false };
  const cli = { core: false, mayImportFs: true };
  const cases: [string, Rules, boolean][] = [
    [`import * as lsp from 'vscode-languageserver/node';`, core, true],
    [`import type { Range } from 'vscode-languageserver-types';`, core, true],
    [`import * as vscode from 'vscode';`, core, true],
    [`import { readFileSync } from 'node:fs';`, core, true],
    [`const fs = require('fs');`, server, true],
    [`import('node:child_process').then(() => 0);`, server, true],
    [`import * as http from 'https';`, server, true],
    [`export { connect } from 'node:net';`, server, true],
    [`const m = 'fs'; require(m);`, server, true],
    [`fetch('http://example.com');`, server, true],
    [`import * as os from 'node:os';`, core, true],
    [`const x = process.env.HOME;`, core, true],
    [`import * as fs from 'node:fs'; fs.writeFileSync('x', 'y');`, cli, true],
    [`import { writeFileSync } from 'node:fs';`, cli, true],
    [`import * as fs from 'node:fs'; fs.readFileSync('x');`, cli, false],
    [`import * as fs from 'node:fs';`, server, true],
    [`await vscode.workspace.fs.writeFile(uri, data);`, server, true],
    [`import * as lsp from 'vscode-languageserver/node'; const x = process.env.X;`, server, false],
    [`import { splitLines } from './text'; export function rename() { return 1; }`, core, false],
    [`// import * as fs from 'fs'\nconst s = "require('child_process')";`, core, false],
  ];
  for (const [src, rules, bad] of cases) {
    const found = check('case.ts', src, rules);
    assert.equal(found.length > 0, bad, `${src} → ${JSON.stringify(found)}`);
  }
});

test('core is pure; server and client reach no network, no processes, no file writes; only the CLI reads files', () => {
  const files = [...tsFiles(join(root, 'server/src')), ...tsFiles(join(root, 'client/src'))];
  assert.ok(files.some((f) => f.endsWith('server/src/core/index.ts')), 'source files found');
  const problems = files.flatMap((f) => check(relative(root, f), readFileSync(f, 'utf8'), rulesFor(f)));
  assert.deepEqual(problems, []);
});

test('ARCHITECTURE.md states the invariants and its code map names every folder', () => {
  const arch = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
  const invariants = arch.split('\n').filter((l) => l.includes('**Invariant:**'));
  for (const must of [/no IO/i, /never throw/i, /never reused/i, /only the server/i, /only the CLI/i, /quick-fix/i]) {
    assert.ok(invariants.some((l) => must.test(l)), `an **Invariant:** line should match ${must}`);
  }
  const folders: string[] = [];
  const dirs = (rel: string): string[] =>
    existsSync(join(root, rel)) ? readdirSync(join(root, rel)).filter((e) => !e.startsWith('.') && e !== 'node_modules' && statSync(join(root, rel, e)).isDirectory()) : [];
  for (const d of ['client/src', 'server/src', 'server/src/core', 'test', 'scripts', 'docs']) {
    for (const e of dirs(d)) folders.push(`${d}/${e}/`);
  }
  for (const d of dirs('server/src/core')) for (const e of dirs(`server/src/core/${d}`)) folders.push(`server/src/core/${d}/${e}/`);
  const unnamed = folders.filter((f) => !arch.includes(f.replace(/^server\/src\/core\//, 'core/')) && !arch.includes(f));
  assert.deepEqual(unnamed, [], 'folders missing from the ARCHITECTURE.md code map');
});
