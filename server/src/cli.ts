// conntrack-lens command line: `lint [--format text|json|sarif] [--severity error|warning|info|hint] FILE...`
// Same engine as the language server. Exit 0: nothing at or above the threshold;
// 1: findings at or above it; 2: usage error or unreadable file (message on stderr).
// The CLI is the only part of the project that reads files.

import * as fs from 'node:fs';
import * as core from './core';

const USAGE = `usage: conntrack-lens lint [--format text|json|sarif] [--severity error|warning|info|hint] [--settings FILE.json] FILE...
  Lints sysctl.conf / sysctl.d files and iptables-save dumps.
  --format     output format (default text: file:line:col: severity CODE message)
  --severity   lowest severity that makes the exit code 1 (default warning)
  --settings   JSON object with conntrackLens.* settings (same keys as the editor)`;

interface FileResult {
  file: string;
  lang: core.LanguageId | null;
  findings: core.Finding[];
}

function fail(msg: string): never {
  process.stderr.write(`conntrack-lens: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { format: string; threshold: core.Severity; settingsFile?: string; files: string[] } {
  const [cmd, ...rest] = argv;
  if (cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  if (cmd !== 'lint') fail(cmd ? `unknown command '${cmd}'\n${USAGE}` : USAGE);
  let format = 'text';
  let threshold: core.Severity = 'warning';
  let settingsFile: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (name: string): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= rest.length) fail(`${name} needs a value`);
      return rest[++i];
    };
    if (a === '--format' || a.startsWith('--format=')) {
      format = value('--format');
      if (!['text', 'json', 'sarif'].includes(format)) fail(`unknown format '${format}' (text, json or sarif)`);
    } else if (a === '--severity' || a.startsWith('--severity=')) {
      const s = value('--severity');
      if (!(s in core.SEVERITY_RANK)) fail(`unknown severity '${s}' (error, warning, info or hint)`);
      threshold = s as core.Severity;
    } else if (a === '--settings' || a.startsWith('--settings=')) {
      settingsFile = value('--settings');
    } else if (a === '--') {
      files.push(...rest.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') {
      fail(`unknown option '${a}'\n${USAGE}`);
    } else files.push(a);
  }
  if (!files.length) fail(`no files given\n${USAGE}`);
  return { format, threshold, settingsFile, files };
}

function readText(file: string): string {
  try {
    return file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function loadSettings(file: string | undefined): core.Settings {
  if (!file) return core.DEFAULT_SETTINGS;
  let raw: unknown;
  try {
    raw = JSON.parse(readText(file));
  } catch (e) {
    fail(`settings file ${file} is not JSON: ${(e as Error).message}`);
  }
  const obj = (raw ?? {}) as Record<string, unknown>;
  // Accept both {"conntrackLens": {...}} / {"conntrackLens.x": ...} and a bare settings object.
  const nested: Record<string, unknown> = { ...((obj[core.SETTINGS_PREFIX] as Record<string, unknown>) ?? {}) };
  for (const [k, v] of Object.entries(obj)) {
    if (k.startsWith(core.SETTINGS_PREFIX + '.')) {
      const parts = k.slice(core.SETTINGS_PREFIX.length + 1).split('.');
      let t = nested;
      for (const p of parts.slice(0, -1)) t = (t[p] ??= {}) as Record<string, unknown>;
      t[parts[parts.length - 1]] = v;
    } else if (k !== core.SETTINGS_PREFIX) nested[k] = v;
  }
  return core.resolveSettings(nested);
}

function formatText(results: FileResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (!r.lang) out.push(`${r.file}: not recognised as sysctl or iptables-save; skipped`);
    for (const f of r.findings) {
      out.push(`${r.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code} ${f.message}`);
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

function formatJson(results: FileResult[]): string {
  return (
    JSON.stringify(
      results.map((r) => ({
        file: r.file,
        language: r.lang,
        findings: r.findings.map((f) => ({
          code: f.code,
          severity: f.severity,
          message: f.message,
          line: f.range.start.line + 1,
          column: f.range.start.character + 1,
          range: f.range,
          docs: core.docsUrl(f.code),
        })),
      })),
      null,
      2,
    ) + '\n'
  );
}

const SARIF_LEVEL: Record<core.Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function formatSarif(results: FileResult[]): string {
  const rules = [...core.CODES.values()].map((c) => ({
    id: c.code,
    name: c.title,
    shortDescription: { text: c.title },
    helpUri: core.docsUrl(c.code),
    defaultConfiguration: { level: SARIF_LEVEL[c.severity] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarifResults = results.flatMap((r) =>
    r.findings.map((f) => ({
      ruleId: f.code,
      ruleIndex: index.get(f.code),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: r.file.replace(/\\/g, '/') },
            // SARIF columns count characters from 1; LSP's are UTF-16 units from 0.
            region: {
              startLine: f.range.start.line + 1,
              startColumn: f.range.start.character + 1,
              endLine: f.range.end.line + 1,
              endColumn: f.range.end.character + 1,
            },
          },
        },
      ],
    })),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'conntrack-lens', informationUri: 'https://github.com/conntrack-lens/conntrack-lens', version: '0.1.0', rules } }, results: sarifResults }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const settings = loadSettings(args.settingsFile);
  const results: FileResult[] = args.files.map((file) => {
    const text = readText(file);
    const a = core.analyze(undefined, file, text);
    return { file, lang: a?.lang ?? null, findings: a ? core.diagnose(a, settings) : [] };
  });
  const render = args.format === 'json' ? formatJson : args.format === 'sarif' ? formatSarif : formatText;
  process.stdout.write(render(results));
  const rank = core.SEVERITY_RANK[args.threshold];
  const hit = results.some((r) => r.findings.some((f) => core.SEVERITY_RANK[f.severity] >= rank));
  process.exitCode = hit ? 1 : 0;
}

main();
