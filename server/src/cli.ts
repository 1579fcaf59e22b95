// conntrack-lens command line:
//   conntrack-lens lint [--format text|json|sarif] [--severity error|warning|info|hint]
//                       [--settings FILE.json] [--language sysctl|iptables] FILE...
// Same engine as the language server (core/index.ts). Exit 0: nothing at or above the
// threshold; 1: findings at or above it; 2: usage error or an unreadable file (message
// on stderr; the readable files are still linted and printed).
// The CLI is the only part of the project that reads files; it writes only to stdout/stderr.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { version as VERSION } from '../../package.json';
import * as core from './core';

const USAGE = `usage: conntrack-lens lint [options] FILE...
  Lints sysctl.conf / sysctl.d files and iptables-save dumps (FILE "-" reads stdin).
  --format text|json|sarif   output format (default text: file:line:col: severity CODE message)
  --severity LEVEL           lowest severity that makes the exit code 1: error, warning (default), info, hint
  --settings FILE.json       conntrackLens.* settings, same keys as the editor settings
  --language sysctl|iptables treat every FILE as this language (default: from the name, then the content)
  -h, --help                 this text;  --version  the version
exit status: 0 nothing at or above the threshold, 1 findings, 2 usage error or unreadable file`;

type Format = 'text' | 'json' | 'sarif';

interface Options {
  format: Format;
  threshold: core.Severity;
  settingsFile?: string;
  language?: core.LanguageId;
  files: string[];
}

interface FileResult {
  file: string;
  lang: core.LanguageId | null;
  findings: core.Finding[];
  /** Set when the file could not be read (then nothing else is). */
  error?: string;
  /** Non-fatal remarks (skipped file, bytes that are not UTF-8). */
  notes: string[];
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options | 'help' | 'version' {
  const [cmd, ...rest] = argv;
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') return 'help';
  if (cmd === '--version' || cmd === '-V') return 'version';
  if (cmd === undefined) throw new UsageError('no command given');
  if (cmd !== 'lint') throw new UsageError(`unknown command '${cmd}'`);
  const opts: Options = { format: 'text', threshold: 'warning', files: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (name: string): string => {
      if (a.startsWith(name + '=')) return a.slice(name.length + 1);
      if (i + 1 >= rest.length) throw new UsageError(`${name} needs a value`);
      return rest[++i];
    };
    const is = (name: string): boolean => a === name || a.startsWith(name + '=');
    if (a === '--help' || a === '-h') return 'help';
    if (is('--format')) {
      const f = value('--format');
      if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`unknown format '${f}' (text, json or sarif)`);
      opts.format = f;
    } else if (is('--severity')) {
      const s = value('--severity');
      if (!Object.prototype.hasOwnProperty.call(core.SEVERITY_RANK, s)) throw new UsageError(`unknown severity '${s}' (error, warning, info or hint)`);
      opts.threshold = s as core.Severity;
    } else if (is('--settings')) {
      opts.settingsFile = value('--settings');
    } else if (is('--language')) {
      const l = value('--language');
      if (l !== 'sysctl' && l !== 'iptables') throw new UsageError(`unknown language '${l}' (sysctl or iptables)`);
      opts.language = l;
    } else if (a === '--') {
      opts.files.push(...rest.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option '${a}'`);
    } else opts.files.push(a);
  }
  if (!opts.files.length) throw new UsageError('no files given');
  return opts;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a path component is not a directory',
};

/**
 * Bytes → text: UTF-8 with a BOM kept, because sysctl and iptables-restore do not skip it
 * (a BOM'd first line is invalid for both, and the parsers report it); invalid bytes
 * become U+FFFD (with a note).
 */
function decode(bytes: Uint8Array, notes: string[]): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    notes.push('not valid UTF-8; invalid bytes were read as U+FFFD');
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  }
}

function readBytes(file: string): Uint8Array {
  return fs.readFileSync(file === '-' ? 0 : file); // a directory throws EISDIR
}

function readError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code && READ_ERRORS[code]) ?? code ?? String((e as Error)?.message ?? e);
}

function loadSettings(file: string | undefined): core.Settings {
  if (!file) return core.DEFAULT_SETTINGS;
  let raw: unknown;
  try {
    raw = JSON.parse(decode(readBytes(file), []));
  } catch (e) {
    throw new UsageError(e instanceof SyntaxError ? `settings file ${file} is not JSON: ${e.message}` : `cannot read settings file ${file}: ${readError(e)}`);
  }
  const obj = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  // Accept {"conntrackLens": {...}}, VS Code style {"conntrackLens.x": ...}, or a bare settings object.
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

function lintFile(file: string, opts: Options, settings: core.Settings): FileResult {
  const r: FileResult = { file, lang: null, findings: [], notes: [] };
  let text: string;
  try {
    text = decode(readBytes(file), r.notes);
  } catch (e) {
    r.error = readError(e);
    return r;
  }
  const a = core.analyze(opts.language, file === '-' ? undefined : file, text);
  if (!a) {
    r.notes.push('not recognised as sysctl or iptables-save; skipped');
    return r;
  }
  r.lang = a.lang;
  r.findings = core.diagnose(a, settings);
  return r;
}

function displayName(file: string): string {
  return file === '-' ? '<stdin>' : file;
}

function formatText(results: FileResult[]): string {
  let out = '';
  for (const r of results) {
    for (const f of r.findings) {
      out += `${displayName(r.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code} ${f.message.replace(/\r?\n/g, ' ')}\n`;
    }
  }
  return out;
}

function formatJson(results: FileResult[]): string {
  const files = results.map((r) => ({
    file: r.file,
    language: r.lang,
    ...(r.error ? { error: r.error } : {}),
    ...(r.notes.length ? { notes: r.notes } : {}),
    findings: r.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      range: f.range,
      docs: core.docsUrl(f.code),
      ...(f.tags?.length ? { tags: f.tags } : {}),
      ...(f.related?.length ? { related: f.related } : {}),
    })),
  }));
  return JSON.stringify(files, null, 2) + '\n';
}

const SARIF_LEVEL: Record<core.Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** A SARIF artifact URI: a relative reference for relative paths, file:// for absolute ones. */
function artifactUri(file: string): string {
  if (file === '-') return 'stdin';
  const p = file.replace(/\\/g, '/');
  if (path.isAbsolute(file)) return 'file://' + p.split('/').map(encodeURIComponent).join('/');
  return p.split('/').map(encodeURIComponent).join('/');
}

function formatSarif(results: FileResult[]): string {
  const rules = [...core.CODES.values()].map((c) => ({
    id: c.code,
    name: c.code,
    shortDescription: { text: c.title },
    helpUri: core.docsUrl(c.code),
    help: { text: `See ${core.docsUrl(c.code)}` },
    defaultConfiguration: { level: SARIF_LEVEL[c.severity], enabled: !c.retired },
    properties: { severity: c.severity, fixable: !!c.fixable },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const artifacts = results.map((r) => ({ location: { uri: artifactUri(r.file) }, ...(r.lang ? { sourceLanguage: r.lang } : {}) }));
  const sarifResults = results.flatMap((r, artifactIndex) =>
    r.findings.map((f) => ({
      ruleId: f.code,
      ...(ruleIndex.has(f.code) ? { ruleIndex: ruleIndex.get(f.code) } : {}),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(r.file), index: artifactIndex },
            // Lines and columns from 1; columns in UTF-16 code units (run.columnKind), as in LSP.
            region: {
              startLine: f.range.start.line + 1,
              startColumn: f.range.start.character + 1,
              endLine: f.range.end.line + 1,
              endColumn: f.range.end.character + 1,
            },
          },
        },
      ],
      ...(f.related?.length
        ? {
            relatedLocations: f.related.map((rel, id) => ({
              id,
              message: { text: rel.message },
              physicalLocation: {
                artifactLocation: { uri: artifactUri(r.file), index: artifactIndex },
                region: {
                  startLine: rel.range.start.line + 1,
                  startColumn: rel.range.start.character + 1,
                  endLine: rel.range.end.line + 1,
                  endColumn: rel.range.end.character + 1,
                },
              },
            })),
          }
        : {}),
      properties: { severity: f.severity, ...(f.tags?.length ? { tags: f.tags } : {}) },
    })),
  );
  const notifications = results.flatMap((r, index) =>
    r.error
      ? [{ level: 'error', message: { text: `cannot read ${displayName(r.file)}: ${r.error}` }, locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(r.file), index } } }] }]
      : r.notes.map((n) => ({ level: 'note', message: { text: `${displayName(r.file)}: ${n}` }, locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(r.file), index } } }] })),
  );
  const log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'conntrack-lens',
            informationUri: 'https://github.com/conntrack-lens/conntrack-lens',
            version: VERSION,
            semanticVersion: VERSION,
            rules,
          },
        },
        invocations: [{ executionSuccessful: !results.some((r) => r.error), toolExecutionNotifications: notifications }],
        artifacts,
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function main(argv: string[]): number {
  let opts: Options;
  let settings: core.Settings;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (parsed === 'version') {
      process.stdout.write(VERSION + '\n');
      return 0;
    }
    opts = parsed;
    settings = loadSettings(opts.settingsFile);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`conntrack-lens: ${e.message}\n${USAGE}\n`);
    return 2;
  }

  const results = opts.files.map((f) => lintFile(f, opts, settings));
  for (const r of results) {
    if (r.error) process.stderr.write(`conntrack-lens: cannot read ${displayName(r.file)}: ${r.error}\n`);
    for (const n of r.notes) process.stderr.write(`conntrack-lens: ${displayName(r.file)}: ${n}\n`);
  }
  const render = opts.format === 'json' ? formatJson : opts.format === 'sarif' ? formatSarif : formatText;
  process.stdout.write(render(results));

  if (results.some((r) => r.error)) return 2;
  const rank = core.SEVERITY_RANK[opts.threshold];
  return results.some((r) => r.findings.some((f) => core.SEVERITY_RANK[f.severity] >= rank)) ? 1 : 0;
}

// A closed pipe (`conntrack-lens lint … | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = main(process.argv.slice(2));
