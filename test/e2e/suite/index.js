// Extension-host tests: run inside VS Code's real extension host (the `vscode` module
// is the editor's API). test/e2e/run-exthost.mjs starts it with the development
// extension and a workspace made by test/e2e/workspace.mjs.
//
// No test framework: `test(name, fn)` registers async functions, `run()` runs them in
// order, prints one line per test and `N passed, N failed`, writes the counts to
// $CONNTRACK_E2E_RESULTS (JSON) and rejects when a test failed, which makes the editor
// exit non-zero.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'conntrack-lens.conntrack-lens';
const TEST_TIMEOUT_MS = 30_000;
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// ---- helpers ---------------------------------------------------------------------

function wsFile(rel) {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  assert.ok(folder, 'the test workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
}

async function open(rel) {
  const doc = await vscode.workspace.openTextDocument(wsFile(rel));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

const ours = (d) => d.source === 'conntrack-lens';
const codeOf = (d) => (d.code && typeof d.code === 'object' ? String(d.code.value) : String(d.code));

/**
 * Resolves with the document's diagnostics once `predicate` holds for them, waiting on
 * languages.onDidChangeDiagnostics; rejects after `ms` with what was there.
 */
function waitForDiagnostics(uri, predicate, what, ms = 20_000) {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    const check = () => {
      const diags = vscode.languages.getDiagnostics(uri);
      if (predicate(diags)) {
        cleanup();
        resolve(diags);
        return true;
      }
      return false;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === key)) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const now = vscode.languages.getDiagnostics(uri).map((d) => `${codeOf(d)}@${d.range.start.line}: ${d.message}`);
      reject(new Error(`timed out after ${ms} ms waiting for ${what} on ${path.basename(uri.fsPath)}; diagnostics now: ${JSON.stringify(now)}`));
    }, ms);
    function cleanup() {
      clearTimeout(timer);
      sub.dispose();
    }
    check();
  });
}

function hoverText(hovers) {
  const parts = [];
  for (const h of hovers || []) {
    for (const c of h.contents) parts.push(typeof c === 'string' ? c : c.value);
  }
  return parts.join('\n');
}

function symbolNames(symbols, depth = 0, out = []) {
  for (const s of symbols || []) {
    out.push({ name: s.name, depth });
    symbolNames(s.children, depth + 1, out);
  }
  return out;
}

function lineOf(doc, needle) {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i;
  throw new Error(`"${needle}" not found in ${doc.fileName}`);
}

async function setSeverity(value) {
  await vscode.workspace.getConfiguration('conntrackLens').update('severity', value, vscode.ConfigurationTarget.Workspace);
}

// ---- tests -----------------------------------------------------------------------

test('the development extension is present', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  assert.equal(ext.packageJSON.main, './dist/extension.js');
});

test('sysctl.d/*.conf opens as sysctl and activates the extension', async () => {
  const doc = await open('sysctl.d/10-conntrack.conf');
  assert.equal(doc.languageId, 'sysctl');
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext.isActive) await ext.activate();
  assert.ok(ext.isActive, 'activated by onLanguage:sysctl');
});

test('etc/iptables/rules.v4 opens as iptables', async () => {
  const doc = await open('etc/iptables/rules.v4');
  assert.equal(doc.languageId, 'iptables');
});

test('a file without a known name but an iptables-save header opens as iptables', async () => {
  const doc = await open('backups/firewall-2024-05-01');
  assert.equal(doc.languageId, 'iptables');
});

test('udev-style *.rules is not claimed as iptables', async () => {
  const doc = await open('foo.rules');
  assert.notEqual(doc.languageId, 'iptables');
  assert.notEqual(doc.languageId, 'sysctl');
});

test('sysctl diagnostics arrive: SYS004 on the bad line, code linked to its docs page', async () => {
  const doc = await open('sysctl.d/10-conntrack.conf');
  const bad = lineOf(doc, 'this line is not a setting');
  const diags = await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ours(d) && codeOf(d) === 'SYS004'), 'SYS004');
  const d = diags.find((x) => ours(x) && codeOf(x) === 'SYS004');
  assert.equal(d.range.start.line, bad, 'SYS004 is on the bad line');
  assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(typeof d.code, 'object', 'code carries a target');
  assert.match(d.code.target.toString(), /\/docs\/diagnostics\/SYS004\.md$/);
  const good = lineOf(doc, 'nf_conntrack_max');
  assert.ok(!diags.some((x) => ours(x) && codeOf(x) === 'SYS004' && x.range.start.line === good), 'the valid line has no SYS004');
});

test('iptables diagnostics arrive: IPT001 for the syntax error, code linked to its docs page', async () => {
  const doc = await open('etc/iptables/rules.v4');
  const diags = await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ours(d) && codeOf(d) === 'IPT001'), 'IPT001');
  const d = diags.find((x) => ours(x) && codeOf(x) === 'IPT001');
  assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  assert.match(d.code.target.toString(), /\/docs\/diagnostics\/IPT001\.md$/);
});

test('edits are synced: a broken line added to the clean dump gets IPT001, removing it clears it', async () => {
  const doc = await open('backups/firewall-2024-05-01');
  const ipt001 = (ds) => ds.filter((d) => ours(d) && codeOf(d) === 'IPT001');
  const at = lineOf(doc, ':OUTPUT') + 1;
  const insert = new vscode.WorkspaceEdit();
  insert.insert(doc.uri, new vscode.Position(at, 0), 'BOGUS-COMMAND here\n');
  assert.ok(await vscode.workspace.applyEdit(insert));
  const ds = await waitForDiagnostics(doc.uri, (x) => ipt001(x).some((d) => d.range.start.line === at), 'IPT001 on the inserted line');
  assert.deepEqual(ipt001(ds).map((d) => d.range.start.line), [at], 'only the inserted line is an error');
  const remove = new vscode.WorkspaceEdit();
  remove.delete(doc.uri, new vscode.Range(at, 0, at + 1, 0));
  assert.ok(await vscode.workspace.applyEdit(remove));
  await waitForDiagnostics(doc.uri, (x) => ipt001(x).length === 0, 'IPT001 to clear');
});

test('hover on a sysctl key', async () => {
  const doc = await open('sysctl.d/10-conntrack.conf');
  await waitForDiagnostics(doc.uri, (ds) => ds.some(ours), 'the server to be up');
  const line = lineOf(doc, 'nf_conntrack_max');
  const col = doc.lineAt(line).text.indexOf('nf_conntrack_max') + 3;
  const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, col));
  const text = hoverText(hovers);
  assert.match(text, /nf_conntrack_max/, `hover text: ${JSON.stringify(text)}`);
});

test('hover on an iptables chain', async () => {
  const doc = await open('etc/iptables/rules.v4');
  await waitForDiagnostics(doc.uri, (ds) => ds.some(ours), 'the server to be up');
  const line = lineOf(doc, ':INPUT DROP');
  const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 2));
  const text = hoverText(hovers);
  assert.match(text, /INPUT/, `hover text: ${JSON.stringify(text)}`);
});

test('document symbols: sysctl keys and iptables table → chains', async () => {
  const sys = await open('sysctl.d/10-conntrack.conf');
  const sysSymbols = symbolNames(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', sys.uri));
  assert.ok(sysSymbols.some((s) => /nf_conntrack_max/.test(s.name)), `sysctl symbols: ${JSON.stringify(sysSymbols)}`);

  const ipt = await open('etc/iptables/rules.v4');
  await waitForDiagnostics(ipt.uri, (ds) => ds.some(ours), 'the server to be up');
  const iptSymbols = symbolNames(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', ipt.uri));
  const table = iptSymbols.find((s) => s.depth === 0 && /filter/.test(s.name));
  assert.ok(table, `a top-level filter table symbol: ${JSON.stringify(iptSymbols)}`);
  assert.ok(iptSymbols.some((s) => s.depth === 1 && /INPUT/.test(s.name)), `INPUT chain under the table: ${JSON.stringify(iptSymbols)}`);
});

test('code lenses: the editor gets positions, then resolves each title (the chain\'s numbers, as its inlay hint)', async () => {
  const doc = await open('etc/iptables/rules.v4');
  await waitForDiagnostics(doc.uri, (ds) => ds.some(ours), 'the server to be up');
  // without a resolve count the editor's command returns the lenses as the provider gave them
  const bare = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri);
  assert.ok(bare.length > 0, 'some code lenses');
  assert.ok(bare.every((l) => !l.command), 'titles are left to resolve');
  const resolved = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 100);
  assert.deepEqual(resolved.map((l) => l.range.start.line), bare.map((l) => l.range.start.line), 'the same lenses after resolve');
  const full = new vscode.Range(0, 0, doc.lineCount, 0);
  const hints = await vscode.commands.executeCommand('vscode.executeInlayHintProvider', doc.uri, full);
  const label = (h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
  for (const l of resolved) {
    assert.ok(l.command && l.command.title.length > 0, `lens on line ${l.range.start.line} resolved: ${JSON.stringify(l.command)}`);
    const hint = hints.find((h) => h.position.line === l.range.start.line);
    assert.ok(hint, `an inlay hint on line ${l.range.start.line}`);
    assert.equal(l.command.title, label(hint).trim(), `lens title = hint on line ${l.range.start.line}`);
  }
  const input = resolved.find((l) => l.range.start.line === lineOf(doc, ':INPUT DROP'));
  assert.ok(input, 'a lens on :INPUT');
  assert.match(input.command.title, /^3 rules · worst \d+ evals$/);
});

test('conntrackLens.severity {"SYS004": "off"} removes the diagnostic, and removing the override brings it back', async () => {
  const doc = await open('sysctl.d/10-conntrack.conf');
  const has = (ds) => ds.some((d) => ours(d) && codeOf(d) === 'SYS004');
  await waitForDiagnostics(doc.uri, has, 'SYS004 before the override');
  try {
    await setSeverity({ SYS004: 'off' });
    await waitForDiagnostics(doc.uri, (ds) => !has(ds), 'SYS004 to disappear');
    await setSeverity({ SYS004: 'warning' });
    const ds = await waitForDiagnostics(doc.uri, (x) => x.some((d) => ours(d) && codeOf(d) === 'SYS004' && d.severity === vscode.DiagnosticSeverity.Warning), 'SYS004 as a warning');
    assert.ok(has(ds));
  } finally {
    await setSeverity(undefined);
  }
  await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ours(d) && codeOf(d) === 'SYS004' && d.severity === vscode.DiagnosticSeverity.Error), 'SYS004 back as an error');
});

// ---- runner ----------------------------------------------------------------------

function withTimeout(p, ms, name) {
  let t;
  return Promise.race([p, new Promise((_, reject) => (t = setTimeout(() => reject(new Error(`"${name}" timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

exports.run = async function run() {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for (const t of tests) {
    const t0 = Date.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), TEST_TIMEOUT_MS, t.name);
      passed++;
      console.log(`  ok   ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      failures.push({ name: t.name, error: String((e && e.stack) || e) });
      console.log(`  FAIL ${t.name} (${Date.now() - t0} ms)\n       ${String((e && e.message) || e).split('\n').join('\n       ')}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  const out = process.env.CONNTRACK_E2E_RESULTS;
  if (out) fs.writeFileSync(out, JSON.stringify({ passed, failed, failures }, null, 2));
  if (failed) throw new Error(`${failed} extension-host test(s) failed`);
};
