// The command line, end to end: spawns the built dist/cli.js (built here when missing or
// stale) on files in a temp folder and checks exit codes, the three formats, the severity
// threshold, stdin, directories, non-UTF-8 bytes and files of neither language.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CODES, docsUrl } from '../../server/src/core';
import { CLI_JS, ensureBuilt, ROOT } from '../server/harness';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
function cli(args: string[], input?: string | Buffer): Run {
  const r = spawnSync(process.execPath, [CLI_JS, ...args], { cwd: dir, input, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The same, without blocking: for tables of independent cases run side by side. */
function cliAsync(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI_JS, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += String(d)));
    p.stderr.on('data', (d) => (stderr += String(d)));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
function write(rel: string, content: string | Buffer): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content);
  return rel;
}

const TEXT_LINE = /^(.+):(\d+):(\d+): (error|warning|info|hint) ([A-Z]+[0-9]+) (.+)$/;

interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  docs: string;
}
interface JsonFile {
  file: string;
  language: string | null;
  findings: JsonFinding[];
  notes?: string[];
  error?: string;
}

// sysctl: line 3 (1-based) is not `key = value`.
const SYSCTL_BAD = '# tuning\nvm.swappiness = 10\nnet.ipv4.ip_forward 1\n';
// iptables: iptables-nft-restore 1.8.9 reports `unknown option "-Q"` at line 4.
const IPT_BAD = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-Q INPUT -j DROP\nCOMMIT\n';

before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'conntrack-lens-cli-'));
  write('sysctl.d/10-clean.conf', '# nothing wrong here\nvm.swappiness = 10\nnet.ipv4.ip_forward = 1\n');
  write('sysctl.d/20-bad.conf', SYSCTL_BAD);
  write('iptables/rules.v4', IPT_BAD);
  write('iptables/clean.iptables', '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n');
  write('notes.txt', 'Remember to raise the conntrack limit.\n');
  write('settings-sys004-info.json', JSON.stringify({ 'conntrackLens.severity': { SYS004: 'info' } }));
  write('settings-sys004-off.json', JSON.stringify({ conntrackLens: { severity: { SYS004: 'off' } } }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('exit codes and text output', () => {
  test('a clean file: exit 0, nothing printed', () => {
    const r = cli(['lint', 'sysctl.d/10-clean.conf', 'iptables/clean.iptables']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  test('findings: exit 1, one `file:line:col: severity CODE message` line each', () => {
    const r = cli(['lint', 'sysctl.d/20-bad.conf', 'iptables/rules.v4']);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) assert.match(l, TEXT_LINE);
    const parsed = lines.map((l) => l.match(TEXT_LINE)!).map((m) => ({ file: m[1], line: +m[2], col: +m[3], sev: m[4], code: m[5] }));
    assert.ok(parsed.some((f) => f.file === 'sysctl.d/20-bad.conf' && f.line === 3 && f.sev === 'error' && f.code === 'SYS004'), r.stdout);
    assert.ok(parsed.some((f) => f.file === 'iptables/rules.v4' && f.line === 4 && f.sev === 'error' && f.code === 'IPT001'), r.stdout);
    // Files in the order given, findings in line order within a file.
    const firstIpt = parsed.findIndex((f) => f.file.startsWith('iptables/'));
    assert.ok(parsed.slice(0, firstIpt).every((f) => f.file === 'sysctl.d/20-bad.conf'));
  });

  test('usage errors exit 2 with a message on stderr and nothing on stdout', async () => {
    const cases: [string[], RegExp][] = [
      [[], /no command/],
      [['lint'], /no files/],
      [['frobnicate', 'x'], /unknown command/],
      [['lint', '--bogus', 'sysctl.d/10-clean.conf'], /unknown option '--bogus'/],
      [['lint', '--format', 'xml', 'sysctl.d/10-clean.conf'], /unknown format/],
      [['lint', '--severity', 'fatal', 'sysctl.d/10-clean.conf'], /unknown severity/],
      [['lint', '--format'], /needs a value/],
      [['lint', '--language', 'nftables', 'x'], /unknown language/],
      [['lint', '--settings', 'notes.txt', 'sysctl.d/10-clean.conf'], /not JSON/],
      [['lint', '--settings', 'missing.json', 'sysctl.d/10-clean.conf'], /cannot read settings/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cliAsync(args)));
    for (const [i, [args, msg]] of cases.entries()) {
      const r = runs[i];
      assert.equal(r.status, 2, `${args.join(' ')} → ${r.status}`);
      assert.match(r.stderr, msg, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
  });

  test('a missing file or a directory: exit 2, reason on stderr, the other files still linted', () => {
    const missing = cli(['lint', 'no-such.conf', 'sysctl.d/20-bad.conf']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read no-such\.conf: no such file/);
    assert.match(missing.stdout, /^sysctl\.d\/20-bad\.conf:3:\d+: error SYS004 /m);

    const directory = cli(['lint', 'sysctl.d', 'sysctl.d/10-clean.conf']);
    assert.equal(directory.status, 2);
    assert.match(directory.stderr, /cannot read sysctl\.d: is a directory/);
    assert.equal(directory.stdout, '');
  });

  test('--help and --version exit 0', () => {
    const help = cli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /usage: conntrack-lens lint/);
    const version = cli(['--version']);
    assert.equal(version.status, 0);
    assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});

describe('--severity threshold and --settings', () => {
  test('a finding below the threshold is printed but exits 0; at or above it exits 1', () => {
    // SYS004 lowered to info by the settings file.
    const base = ['lint', '--settings', 'settings-sys004-info.json', 'sysctl.d/20-bad.conf'];
    const warning = cli(base);
    assert.equal(warning.status, 0, 'default threshold warning: info does not fail');
    assert.match(warning.stdout, /:3:\d+: info SYS004 /);
    assert.equal(cli([...base, '--severity', 'info']).status, 1);
    assert.equal(cli([...base, '--severity=hint']).status, 1);
    assert.equal(cli([...base, '--severity', 'error']).status, 0);
    assert.equal(cli(['lint', '--severity', 'error', 'sysctl.d/20-bad.conf']).status, 1, 'an error meets the error threshold');
  });

  test('a code set to off disappears from every format', () => {
    const run = (format: string): Run => cli(['lint', '--format', format, '--settings', 'settings-sys004-off.json', 'sysctl.d/20-bad.conf']);
    const text = run('text');
    assert.equal(text.status, 0);
    assert.doesNotMatch(text.stdout, /SYS004/);
    const json = run('json');
    assert.equal(json.status, 0);
    assert.deepEqual((JSON.parse(json.stdout) as JsonFile[])[0].findings.filter((f) => f.code === 'SYS004'), []);
    const sarif = run('sarif');
    assert.equal(sarif.status, 0);
    const results = (JSON.parse(sarif.stdout) as { runs: SarifRun[] }).runs[0].results ?? [];
    assert.deepEqual(results.filter((x) => x.ruleId === 'SYS004'), []);
  });
});

describe('formats', () => {
  test('json: one entry per file with language and findings (1-based line/column, 0-based range, docs URL)', () => {
    const r = cli(['lint', '--format', 'json', 'sysctl.d/20-bad.conf', 'iptables/rules.v4', 'notes.txt']);
    assert.equal(r.status, 1);
    const files = JSON.parse(r.stdout) as JsonFile[];
    assert.deepEqual(
      files.map((f) => [f.file, f.language]),
      [
        ['sysctl.d/20-bad.conf', 'sysctl'],
        ['iptables/rules.v4', 'iptables'],
        ['notes.txt', null],
      ],
    );
    const sys = files[0].findings.find((f) => f.code === 'SYS004');
    assert.ok(sys);
    assert.equal(sys.line, 3);
    assert.equal(sys.range.start.line, 2);
    assert.equal(sys.column, sys.range.start.character + 1);
    assert.equal(sys.severity, 'error');
    assert.equal(sys.docs, docsUrl('SYS004'));
    assert.ok(files[1].findings.some((f) => f.code === 'IPT001' && f.line === 4));
    assert.deepEqual(files[2].findings, []);
    assert.ok(files[2].notes?.some((n) => /skipped/.test(n)));
  });

  test('text and json agree finding for finding', () => {
    const args = ['sysctl.d/20-bad.conf', 'iptables/rules.v4'];
    const text = cli(['lint', ...args]).stdout.trimEnd().split('\n');
    const json = (JSON.parse(cli(['lint', '--format', 'json', ...args]).stdout) as JsonFile[]).flatMap((f) =>
      f.findings.map((x) => `${f.file}:${x.line}:${x.column}: ${x.severity} ${x.code} ${x.message}`),
    );
    assert.deepEqual(text, json);
  });

  test('sarif: a structurally valid SARIF 2.1.0 log with rules, help URIs and results', () => {
    const r = cli(['lint', '--format', 'sarif', 'sysctl.d/20-bad.conf', 'iptables/rules.v4', 'notes.txt']);
    assert.equal(r.status, 1);
    const log = JSON.parse(r.stdout) as Record<string, unknown>;
    const problems = validateSarif(log);
    assert.deepEqual(problems, []);
    const run = (log.runs as SarifRun[])[0];
    const ruleIds = run.tool.driver.rules!.map((x) => x.id);
    assert.deepEqual(ruleIds, [...CODES.keys()], 'one rule per registered code');
    for (const rule of run.tool.driver.rules!) assert.equal(rule.helpUri, docsUrl(rule.id));
    const sys = run.results!.find((x) => x.ruleId === 'SYS004');
    assert.ok(sys);
    assert.equal(sys.level, 'error');
    assert.equal(sys.locations![0].physicalLocation!.artifactLocation!.uri, 'sysctl.d/20-bad.conf');
    assert.equal(sys.locations![0].physicalLocation!.region!.startLine, 3);
    assert.ok(run.results!.some((x) => x.ruleId === 'IPT001' && x.locations![0].physicalLocation!.region!.startLine === 4));
    assert.equal(run.columnKind, 'utf16CodeUnits');
    // The skipped file is reported as a notification, not silently dropped.
    const notes = run.invocations![0].toolExecutionNotifications ?? [];
    assert.ok(notes.some((n) => /notes\.txt.*skipped/.test(n.message.text)));
  });

  test('sarif: the validator itself rejects broken logs', () => {
    const good = JSON.parse(cli(['lint', '--format', 'sarif', 'sysctl.d/20-bad.conf']).stdout) as Record<string, unknown>;
    assert.deepEqual(validateSarif(good), []);
    const mutate = (f: (l: any) => void): Record<string, unknown> => {
      const copy = JSON.parse(JSON.stringify(good));
      f(copy);
      return copy;
    };
    assert.notDeepEqual(validateSarif(mutate((l) => (l.version = '2.0.0'))), []);
    assert.notDeepEqual(validateSarif(mutate((l) => delete l.runs[0].tool.driver.name)), []);
    assert.notDeepEqual(validateSarif(mutate((l) => delete l.runs[0].results[0].message)), []);
    assert.notDeepEqual(validateSarif(mutate((l) => (l.runs[0].results[0].level = 'fatal'))), []);
    assert.notDeepEqual(validateSarif(mutate((l) => (l.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0))), []);
    assert.notDeepEqual(validateSarif(mutate((l) => (l.runs[0].results[0].ruleIndex = 99))), []);
  });
});

describe('inputs', () => {
  test('stdin "-": sysctl and iptables content are recognised by their content', () => {
    const sys = cli(['lint', '-'], SYSCTL_BAD);
    assert.equal(sys.status, 1);
    assert.match(sys.stdout, /^<stdin>:3:\d+: error SYS004 /m);
    const ipt = cli(['lint', '--format', 'json', '-'], IPT_BAD);
    const [f] = JSON.parse(ipt.stdout) as JsonFile[];
    assert.equal(f.file, '-');
    assert.equal(f.language, 'iptables');
    assert.ok(f.findings.some((x) => x.code === 'IPT001' && x.line === 4));
  });

  test('--language forces a language for a file whose name and content say nothing', () => {
    write('misc/tuning.txt', 'vm swappiness is ten\n');
    const plain = cli(['lint', 'misc/tuning.txt']);
    assert.equal(plain.status, 0);
    assert.match(plain.stderr, /skipped/);
    const forced = cli(['lint', '--language', 'sysctl', 'misc/tuning.txt']);
    assert.equal(forced.status, 1);
    assert.match(forced.stdout, /^misc\/tuning\.txt:1:\d+: error SYS004 /m);
  });

  test('a file of neither language is skipped with a note on stderr, exit 0', () => {
    const r = cli(['lint', 'notes.txt']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /notes\.txt: not recognised as sysctl or iptables-save; skipped/);
  });

  test('non-UTF-8 bytes: read as U+FFFD with a note; line numbers and other findings unaffected', () => {
    const bytes = Buffer.concat([
      Buffer.from('# caf'),
      Buffer.from([0xe9, 0xff, 0xfe]), // Latin-1 é and two bytes that are never UTF-8
      Buffer.from('\nvm.swappiness = 10\nnet.ipv4.ip_forward 1\n'),
    ]);
    write('sysctl.d/30-latin1.conf', bytes);
    const r = cli(['lint', '--format', 'json', 'sysctl.d/30-latin1.conf']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /not valid UTF-8/);
    const [f] = JSON.parse(r.stdout) as JsonFile[];
    assert.deepEqual(
      f.findings.filter((x) => x.code === 'SYS004').map((x) => x.line),
      [3],
    );
  });

  test('CRLF line ends do not shift line or column numbers; a BOM is kept, as sysctl reads it', () => {
    write('sysctl.d/40-crlf.conf', '# windows\r\nvm.swappiness = 10\r\nnet.ipv4.ip_forward 1\r\n');
    const crlf = (JSON.parse(cli(['lint', '--format', 'json', 'sysctl.d/40-crlf.conf']).stdout) as JsonFile[])[0];
    const lf = (JSON.parse(cli(['lint', '--format', 'json', 'sysctl.d/20-bad.conf']).stdout) as JsonFile[])[0];
    const pick = (x: JsonFile): unknown => x.findings.map((y) => [y.code, y.line, y.column, y.range]);
    assert.deepEqual(pick(crlf), pick(lf));
    // procps does not skip a BOM: the first line becomes invalid syntax, and the CLI says so.
    write('sysctl.d/41-bom.conf', '\uFEFF# windows\r\nvm.swappiness = 10\r\n');
    const bom = (JSON.parse(cli(['lint', '--format', 'json', 'sysctl.d/41-bom.conf']).stdout) as JsonFile[])[0];
    assert.deepEqual(bom.findings.map((y) => [y.code, y.line]), [['SYS004', 1]]);
  });
});

// ---- A structural SARIF 2.1.0 check: the properties the spec (and its JSON schema) require,
// ---- enumerations, and internal references (ruleIndex, artifact index). No network.
interface SarifRun {
  tool: { driver: { name: string; rules?: { id: string; helpUri?: string }[] } };
  results?: {
    ruleId?: string;
    ruleIndex?: number;
    level?: string;
    message: { text: string };
    locations?: { physicalLocation?: { artifactLocation?: { uri?: string; index?: number }; region?: { startLine?: number } } }[];
  }[];
  invocations?: { executionSuccessful: boolean; toolExecutionNotifications?: { message: { text: string } }[] }[];
  artifacts?: { location?: { uri?: string } }[];
  columnKind?: string;
}

function validateSarif(log: any): string[] {
  const p: string[] = [];
  const isObj = (x: unknown): boolean => x !== null && typeof x === 'object' && !Array.isArray(x);
  const isStr = (x: unknown): boolean => typeof x === 'string';
  const isInt = (x: unknown, min: number): boolean => Number.isInteger(x) && (x as number) >= min;
  const message = (m: any, where: string): void => {
    if (!isObj(m) || !(isStr(m.text) || isStr(m.id))) p.push(`${where}: message needs text or id`);
  };
  const uriOk = (u: unknown): boolean => isStr(u) && !/\s/.test(u as string);
  const absolute = (u: unknown): boolean => isStr(u) && /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(u as string);
  if (!isObj(log)) return ['log is not an object'];
  if (log.version !== '2.1.0') p.push('version must be "2.1.0"');
  if (log.$schema !== undefined && !absolute(log.$schema)) p.push('$schema must be an absolute URI');
  if (!Array.isArray(log.runs)) return [...p, 'runs must be an array'];
  log.runs.forEach((run: any, ri: number) => {
    const w = `runs[${ri}]`;
    if (!isObj(run?.tool) || !isObj(run.tool.driver)) {
      p.push(`${w}.tool.driver is required`);
      return;
    }
    const driver = run.tool.driver;
    if (!isStr(driver.name) || !driver.name) p.push(`${w}.tool.driver.name is required`);
    if (driver.informationUri !== undefined && !absolute(driver.informationUri)) p.push(`${w}.tool.driver.informationUri must be absolute`);
    const rules: any[] = driver.rules ?? [];
    if (!Array.isArray(rules)) p.push(`${w}.tool.driver.rules must be an array`);
    const ids = new Set<string>();
    rules.forEach((r, i) => {
      if (!isStr(r?.id) || !r.id) p.push(`${w}.rules[${i}].id is required`);
      if (ids.has(r.id)) p.push(`${w}.rules[${i}].id ${r.id} is duplicated`);
      ids.add(r.id);
      if (r.helpUri !== undefined && !absolute(r.helpUri)) p.push(`${w}.rules[${i}].helpUri must be an absolute URI`);
      for (const k of ['shortDescription', 'fullDescription', 'help']) if (r[k] !== undefined && !isStr(r[k]?.text)) p.push(`${w}.rules[${i}].${k}.text is required`);
      const level = r.defaultConfiguration?.level;
      if (level !== undefined && !['none', 'note', 'warning', 'error'].includes(level)) p.push(`${w}.rules[${i}] bad default level`);
    });
    if (run.columnKind !== undefined && !['utf16CodeUnits', 'unicodeCodePoints'].includes(run.columnKind)) p.push(`${w}.columnKind invalid`);
    const artifacts: any[] = run.artifacts ?? [];
    artifacts.forEach((a, i) => {
      if (a.location !== undefined && !uriOk(a.location.uri)) p.push(`${w}.artifacts[${i}].location.uri invalid`);
    });
    (run.invocations ?? []).forEach((inv: any, i: number) => {
      if (typeof inv?.executionSuccessful !== 'boolean') p.push(`${w}.invocations[${i}].executionSuccessful is required`);
      (inv.toolExecutionNotifications ?? []).forEach((n: any, j: number) => message(n?.message, `${w}.invocations[${i}].notifications[${j}]`));
    });
    if (run.results !== undefined && !Array.isArray(run.results)) p.push(`${w}.results must be an array`);
    (run.results ?? []).forEach((res: any, i: number) => {
      const rw = `${w}.results[${i}]`;
      message(res?.message, rw);
      if (res.ruleId !== undefined && !isStr(res.ruleId)) p.push(`${rw}.ruleId must be a string`);
      if (res.ruleIndex !== undefined) {
        if (!isInt(res.ruleIndex, 0) || res.ruleIndex >= rules.length) p.push(`${rw}.ruleIndex out of range`);
        else if (res.ruleId !== undefined && rules[res.ruleIndex].id !== res.ruleId) p.push(`${rw}.ruleIndex points at another rule`);
      }
      if (res.ruleId !== undefined && rules.length && !ids.has(res.ruleId)) p.push(`${rw}.ruleId ${res.ruleId} not among the rules`);
      if (res.level !== undefined && !['none', 'note', 'warning', 'error'].includes(res.level)) p.push(`${rw}.level invalid`);
      (res.locations ?? []).forEach((loc: any, j: number) => {
        const pl = loc?.physicalLocation;
        if (!isObj(pl)) {
          p.push(`${rw}.locations[${j}].physicalLocation missing`);
          return;
        }
        if (!isObj(pl.artifactLocation) || !uriOk(pl.artifactLocation.uri)) p.push(`${rw}.locations[${j}] artifactLocation.uri invalid`);
        if (pl.artifactLocation?.index !== undefined && !(isInt(pl.artifactLocation.index, 0) && pl.artifactLocation.index < artifacts.length)) p.push(`${rw}.locations[${j}] artifact index out of range`);
        const r = pl.region;
        if (r !== undefined) {
          if (!isInt(r.startLine, 1)) p.push(`${rw}.region.startLine must be ≥ 1`);
          if (r.startColumn !== undefined && !isInt(r.startColumn, 1)) p.push(`${rw}.region.startColumn must be ≥ 1`);
          if (r.endLine !== undefined && !(isInt(r.endLine, 1) && r.endLine >= r.startLine)) p.push(`${rw}.region.endLine invalid`);
          if (r.endColumn !== undefined && !isInt(r.endColumn, 1)) p.push(`${rw}.region.endColumn must be ≥ 1`);
          if ((r.endLine ?? r.startLine) === r.startLine && r.endColumn !== undefined && r.startColumn !== undefined && r.endColumn < r.startColumn) p.push(`${rw}.region ends before it starts`);
        }
      });
    });
  });
  return p;
}
