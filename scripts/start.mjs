#!/usr/bin/env node
// `npm start`: the first thing a new user sees. (package.json builds dist/ first.)
// Lints every file in examples/ with the same core the editor uses and prints, per file,
// the findings (as `conntrack-lens lint` prints them) and the estimates the editor shows
// as inlay hints and code lenses. Coloured only on a terminal. Exits 0 even with
// findings: it is a demo, not a gate. `npm start -- --all` prints every estimate with its formula.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { require as tsxRequire } from 'tsx/cjs/api';

const root = fileURLToPath(new URL('..', import.meta.url));
const examplesDir = join(root, 'examples');
/** @type {typeof import('../server/src/core/index')} */
const core = tsxRequire('../server/src/core/index.ts', import.meta.url);

const color = process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== '0' : process.stdout.isTTY && !process.env.NO_COLOR;
const sgr = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = sgr('1');
const dim = sgr('2');
const cyan = sgr('36');
const SEVERITY_STYLE = { error: sgr('31;1'), warning: sgr('33;1'), info: sgr('34;1'), hint: sgr('90') };

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** examples/settings.json, in the same forms the CLI's --settings accepts. */
function loadSettings(file) {
  let raw;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { settings: core.DEFAULT_SETTINGS, shown: 'defaults' };
  }
  const nested = { ...(raw[core.SETTINGS_PREFIX] ?? {}) };
  for (const [k, v] of Object.entries(raw)) {
    if (!k.startsWith(core.SETTINGS_PREFIX + '.')) continue;
    const parts = k.slice(core.SETTINGS_PREFIX.length + 1).split('.');
    let t = nested;
    for (const p of parts.slice(0, -1)) t = t[p] ??= {};
    t[parts.at(-1)] = v;
  }
  const shown = Object.entries(raw)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ');
  return { settings: core.resolveSettings(nested), shown };
}

/** Markdown tooltip → a few plain lines. */
function plain(md) {
  return md
    .replace(/\*\*|__|`/g, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^[-|: ]+$/.test(l))
    .slice(0, 6);
}

function wholeDocument(text) {
  const lines = core.splitLines(text);
  const last = lines.length - 1;
  return { lines, range: { start: { line: 0, character: 0 }, end: { line: last, character: lines[last].text.length } } };
}

const showAll = process.argv.includes('--all');
const MAX_DETAILED = 8; // up to this many estimate lines per file, show their formulas too
const MAX_LINES = 12; // longer lists are cut here unless --all

const settingsFile = join(examplesDir, 'settings.json');
const { settings, shown } = loadSettings(settingsFile);
// sysctl files first (the seed stories start there), then iptables; anything else after.
const ORDER = ['sysctl.d/', 'legacy/', 'iptables/'];
const rank = (f) => {
  const i = ORDER.findIndex((d) => relative(examplesDir, f).startsWith(d));
  return i < 0 ? ORDER.length : i;
};
const files = listFiles(examplesDir)
  .filter((f) => !/\.(md|json)$/.test(f))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const totals = { error: 0, warning: 0, info: 0, hint: 0, estimates: 0, files: 0 };
let crashed = 0;

const out = [];
const w = (s = '') => out.push(s);
w(bold('Conntrack Lens') + dim(` — linting ${files.length} example files with the editor's engine`));
w(dim(`settings (examples/settings.json): ${shown}`));

for (const file of files) {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  w();
  try {
    const a = core.analyze(undefined, rel, text);
    if (!a) {
      w(bold(rel) + dim('  not sysctl or iptables-save; skipped'));
      continue;
    }
    totals.files++;
    const { lines, range } = wholeDocument(text);
    const lineCount = lines.length - (lines.at(-1).text === '' && lines.length > 1 ? 1 : 0);
    const findings = core.diagnose(a, settings);
    const hints = a.service.inlayHints(a.doc, range, settings);
    const lenses = a.service.codeLenses ? a.service.codeLenses(a.doc, undefined, settings) : [];
    w(bold(rel) + dim(`  (${a.lang}, ${lineCount} lines)`));

    w('  ' + bold('findings'));
    if (!findings.length) w(dim('    none'));
    for (const f of findings) {
      totals[f.severity]++;
      const where = `${rel}:${f.range.start.line + 1}:${f.range.start.character + 1}:`;
      w(`    ${dim(where)} ${SEVERITY_STYLE[f.severity](f.severity)} ${bold(f.code)} ${f.message}`);
    }

    // Estimates: code lenses sit above their line, inlay hints at a position in it. The editor
    // shows both; here one line per source line, the same label only once.
    const byLine = new Map();
    const add = (line, label, tooltip) => {
      const e = byLine.get(line) ?? { line, labels: [], tooltips: [] };
      if (!e.labels.includes(label)) e.labels.push(label);
      if (tooltip && !e.tooltips.includes(tooltip)) e.tooltips.push(tooltip);
      byLine.set(line, e);
    };
    for (const l of lenses) add(l.range.start.line, l.title);
    for (const h of hints) add(h.position.line, h.label, h.tooltip);
    const estimates = [...byLine.values()].sort((x, y) => x.line - y.line);
    totals.estimates += estimates.length;
    w('  ' + bold('estimates') + dim(' (inlay hints and code lenses)'));
    if (!estimates.length) w(dim('    none'));
    // Small files get the formula behind each number; long lists stay one line each.
    const detailed = showAll || estimates.length <= MAX_DETAILED;
    const shownEstimates = showAll ? estimates : estimates.slice(0, MAX_LINES);
    const width = String(lineCount).length;
    const srcOf = (e) => {
      const src = (lines[e.line]?.text ?? '').replace(/\t/g, ' ');
      return src.length > 56 ? src.slice(0, 55) + '…' : src;
    };
    const srcWidth = Math.max(0, ...shownEstimates.map((e) => srcOf(e).length));
    const explained = new Set();
    for (const e of shownEstimates) {
      const num = String(e.line + 1).padStart(width);
      w(`    ${dim(num + ' │')} ${srcOf(e).padEnd(srcWidth)}  ${cyan('⟶ ' + e.labels.join(' · '))}`);
      if (!detailed) continue;
      for (const t of e.tooltips.flatMap(plain)) {
        // An explanation repeated for every chain ("N rules in CHAIN …") is printed once per
        // file; formulas (with × or ÷) always, since each carries its own numbers.
        const shape = t.replace(/\d[\d,.]*/g, '#').replace(/\b[A-Z][A-Z0-9_-]{2,}\b/g, 'X');
        if (!/[×÷]/.test(t) && explained.has(shape)) continue;
        explained.add(shape);
        w(`    ${' '.repeat(width)} ${dim('│   ' + t)}`);
      }
    }
    if (shownEstimates.length < estimates.length) {
      w(dim(`    … ${estimates.length - shownEstimates.length} more lines with estimates (npm start -- --all shows every one)`));
    }
  } catch (e) {
    crashed++;
    w(bold(rel) + ' ' + SEVERITY_STYLE.error('crashed: ') + (e?.stack ?? String(e)));
  }
}

w();
const counts = ['error', 'warning', 'info', 'hint'].map((s) => `${totals[s]} ${s}${totals[s] === 1 ? '' : s === 'info' ? '' : 's'}`).join(', ');
w(bold(`${totals.files} files: ${counts}; estimates on ${totals.estimates} line${totals.estimates === 1 ? '' : 's'}.`));
w(dim('Open these files in VS Code (npm run package → .vsix) or any LSP editor to see the same in place.'));
w(dim('Lint your own: node dist/cli.js lint [--format text|json|sarif] FILE...   Run every test: npm test'));
process.stdout.write(out.join('\n') + '\n');
process.exitCode = crashed ? 1 : 0;
