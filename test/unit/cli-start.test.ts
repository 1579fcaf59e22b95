// `npm start` (scripts/start.mjs) and examples/: the demo prints, for every example file, the
// same findings the CLI reports and every inlay hint / code lens the language service
// computes; it exits 0; it colours only when asked to. The examples carry the seed scenarios.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, test } from 'node:test';
import * as core from '../../server/src/core';
import { CLI_JS, ensureBuilt, ROOT } from '../server/harness';

const examples = join(ROOT, 'examples');
const ANSI = /\x1b\[[0-9;]*m/;

function list(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? list(join(dir, e)) : [join(dir, e)]));
}
const exampleFiles = (): string[] => list(examples).filter((f) => !/\.(md|json)$/.test(f)).map((f) => relative(ROOT, f));

function start(env: Record<string, string> = {}, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const { FORCE_COLOR: _f, NO_COLOR: _n, ...rest } = process.env;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/start.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...rest, ...env }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let plain: ReturnType<typeof start>;
let all: ReturnType<typeof start>;
before(() => {
  ensureBuilt();
  plain = start();
  all = start({}, ['--all']);
});

test('npm start exits 0 and shows every example file, uncoloured when not on a terminal', () => {
  assert.equal(plain.status, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, ANSI);
  const files = exampleFiles();
  assert.ok(files.length >= 6, `examples: ${files.join(', ')}`);
  for (const f of files) assert.ok(plain.stdout.includes(f), `${f} is shown`);
  assert.match(plain.stdout.trimEnd().split('\n').slice(-3).join('\n'), /\d+ files: \d+ errors?, \d+ warnings?, \d+ info, \d+ hints?; estimates on \d+ lines?\./);
  assert.doesNotMatch(plain.stdout, /crashed/);
});

test('the findings printed are exactly what `conntrack-lens lint` reports for the same files and settings', () => {
  const files = exampleFiles();
  const cli = spawnSync(process.execPath, [CLI_JS, 'lint', '--settings', 'examples/settings.json', ...files], { cwd: ROOT, encoding: 'utf8' });
  assert.ok(cli.status === 0 || cli.status === 1, cli.stderr);
  const cliLines = cli.stdout.split('\n').filter(Boolean).sort();
  const startLines = plain.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^examples\/\S+:\d+:\d+: (error|warning|info|hint) [A-Z]+\d+ /.test(l))
    .sort();
  assert.deepEqual(startLines, cliLines);
  assert.ok(startLines.some((l) => /^examples\/sysctl\.d\/99-typos\.conf:2:\d+: error SYS004 /.test(l)), 'the sysctl syntax error');
  assert.ok(startLines.some((l) => /^examples\/iptables\/syntax-error\.iptables:8:\d+: error IPT001 /.test(l)), 'the iptables syntax error (iptables-restore: line 8)');
  assert.ok(!startLines.some((l) => /kube-node\.iptables:\d+:\d+: error /.test(l)), 'the kube-proxy dump is clean');
});

test('every inlay hint and code lens the service computes for an example is printed (--all; long lists are cut otherwise)', () => {
  assert.equal(all.status, 0, all.stderr);
  // examples/settings.json uses VS Code's flat keys ("conntrackLens.hostMemory": …).
  const flat = JSON.parse(readFileSync(join(examples, 'settings.json'), 'utf8')) as Record<string, unknown>;
  const nested: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split('.').slice(1);
    let t = nested;
    for (const p of parts.slice(0, -1)) t = (t[p] ??= {}) as Record<string, unknown>;
    t[parts[parts.length - 1]] = v;
  }
  const settings = core.resolveSettings(nested);
  assert.notDeepEqual(settings, core.DEFAULT_SETTINGS, 'the example settings differ from the defaults');
  for (const f of exampleFiles()) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    const a = core.analyze(undefined, f, text);
    assert.ok(a, `${f} is recognised`);
    const lines = core.splitLines(text);
    const whole = { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].text.length } };
    const labels = [...a.service.inlayHints(a.doc, whole, settings).map((h) => h.label), ...(a.service.codeLenses?.(a.doc, undefined, settings) ?? []).map((l) => l.title)];
    const own = (out: string): string => {
      const section = out.slice(out.indexOf(f + '  ('));
      return section.slice(0, section.indexOf('\n\n') < 0 ? undefined : section.indexOf('\n\n'));
    };
    for (const label of labels) assert.ok(own(all.stdout).includes(label), `${f}: estimate "${label}" printed`);
    if (!labels.length) assert.match(own(plain.stdout), /estimates[^\n]*\n\s+none/, `${f}: says there are no estimates`);
    // Without --all: at most 12 estimate lines per file, and a note saying how many more.
    const shown = own(plain.stdout).split('\n').filter((l) => /^\s+\d+ │ .*⟶ /.test(l)).length;
    const lineCount = new Set([...a.service.inlayHints(a.doc, whole, settings).map((h) => h.position.line), ...(a.service.codeLenses?.(a.doc, undefined, settings) ?? []).map((l) => l.range.start.line)]).size;
    assert.equal(shown, Math.min(lineCount, 12), `${f}: estimate lines shown`);
    if (lineCount > 12) assert.match(own(plain.stdout), new RegExp(`… ${lineCount - 12} more lines with estimates`));
  }
});

test('FORCE_COLOR=1 colours the output; NO_COLOR keeps it plain', () => {
  const coloured = start({ FORCE_COLOR: '1' });
  assert.equal(coloured.status, 0);
  assert.match(coloured.stdout, ANSI);
  assert.equal(coloured.stdout.replace(/\x1b\[[0-9;]*m/g, ''), plain.stdout, 'same text, only colour added');
  assert.doesNotMatch(all.stdout, ANSI);
  assert.doesNotMatch(start({ NO_COLOR: '1' }).stdout, ANSI);
});

test('the examples hold the two seed scenarios', () => {
  const prod = readFileSync(join(examples, 'sysctl.d/90-conntrack.conf'), 'utf8');
  for (const l of [
    'net.netfilter.nf_conntrack_max = 12262144',
    'net.netfilter.nf_conntrack_buckets = 16384',
    'net.netfilter.nf_conntrack_tcp_timeout_established = 432000',
    'net.netfilter.nf_conntrack_tcp_timeout_time_wait = 120',
  ]) {
    assert.ok(prod.split('\n').includes(l), l);
  }
  const legacy = readFileSync(join(examples, 'legacy/sysctl.conf'), 'utf8');
  assert.match(legacy, /^net\.ipv4\.netfilter\.ip_conntrack_max = 393216$/m);
  assert.match(legacy, /^net\.ipv4\.ip_conntrack_max = 393216$/m);

  const rules = readFileSync(join(examples, 'iptables/rules.v4'), 'utf8').split('\n');
  const raw = rules.slice(rules.indexOf('*raw'), rules.indexOf('COMMIT') + 1);
  for (const r of [
    '-A PREROUTING -p tcp -m tcp --dport 80 -j NOTRACK',
    '-A PREROUTING -p tcp -m tcp --sport 80 -j NOTRACK',
    '-A OUTPUT -p tcp -m tcp --sport 80 -j NOTRACK',
    '-A OUTPUT -p tcp -m tcp --dport 80 -j NOTRACK',
  ]) {
    assert.ok(raw.includes(r), r);
  }
  const filter = rules.slice(rules.indexOf('*filter'));
  for (const r of [':INPUT DROP [0:0]', '-A INPUT -i lo -j ACCEPT', '-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -p tcp -m state --state NEW -m tcp --dport 80 -j ACCEPT']) {
    assert.ok(filter.includes(r), r);
  }
  assert.ok(!rules.some((l) => /UNTRACKED/.test(l)), 'the seed mistake: no UNTRACKED accept');
});
