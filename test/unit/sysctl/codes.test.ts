// One positive and one negative fixture per sysctl code:
// test/fixtures/sysctl/codes/<CODE>-positive[-variant].conf must raise <CODE> (its findings
// of that code are the golden <name>.expected.json: severity, range, message, data,
// related, tags) and <CODE>-negative[-variant].conf must not. A <name>.settings.json beside
// a fixture holds the conntrackLens settings it runs with (defaults otherwise).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CODES } from '../../../server/src/core/codes';
import { NEWEST_KNOWN_KERNEL, parseKernelVersion } from '../../../server/src/core/kernel';
import { DEFAULT_SETTINGS, resolveSettings, type Settings } from '../../../server/src/core/settings';
import { lookupKey, validateValue } from '../../../server/src/core/sysctl/kb';
import { SYSCTL_CODES } from '../../../server/src/core/sysctl/codes';
import { parseSysctl } from '../../../server/src/core/sysctl/parse';
import { sysctlService } from '../../../server/src/core/sysctl/service';
import type { Finding, Range } from '../../../server/src/core/types';
import { FIXTURES, golden, listFiles, readText, REPO, renderRows } from './util';

const DIR = path.join(FIXTURES, 'codes');
const FILES = listFiles(DIR, '.conf');

export function fixtureSettings(file: string): Settings {
  const p = file.replace(/\.conf$/, '.settings.json');
  return resolveSettings(existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : {});
}

const r = (x: Range): string => `${x.start.line}:${x.start.character}-${x.end.line}:${x.end.character}`;

export function findingRow(f: Finding): Record<string, unknown> {
  const row: Record<string, unknown> = { code: f.code, severity: f.severity, range: r(f.range), message: f.message };
  if (f.tags) row.tags = f.tags;
  if (f.related) row.related = f.related.map((x) => `${r(x.range)} ${x.message}`);
  if (f.data) row.data = f.data;
  return row;
}

test('every sysctl code has a positive and a negative fixture', () => {
  for (const c of SYSCTL_CODES) {
    assert.ok(FILES.some((f) => f.startsWith(`${c.code}-positive`)), `${c.code}-positive.conf`);
    assert.ok(FILES.some((f) => f.startsWith(`${c.code}-negative`)), `${c.code}-negative.conf`);
  }
  for (const f of FILES) assert.ok(CODES.has(f.split('-')[0]), `${f} names a registered code`);
});

for (const file of FILES) {
  const code = file.split('-')[0];
  const positive = /-positive(-|\.conf$)/.test(file);
  test(`codes: ${file}`, () => {
    const full = path.join(DIR, file);
    const findings = sysctlService.diagnose(parseSysctl(readText(full)), fixtureSettings(full));
    const mine = findings.filter((f) => f.code === code);
    if (positive) {
      assert.ok(mine.length > 0, `${file} should raise ${code}`);
      golden(full.replace(/\.conf$/, '.expected.json'), mine.map(findingRow), renderRows);
    } else {
      assert.deepEqual(mine.map(findingRow), [], `${file} must not raise ${code}`);
    }
    // Registry defaults, except where a rule documents its own (the `-` prefix, accepted values).
    for (const f of findings) {
      const info = CODES.get(f.code)!;
      if (f.severity !== info.severity) assert.ok(['SYS001', 'SYS005', 'SYS002'].includes(f.code), `${f.code} severity ${f.severity}`);
      if (info.tags) assert.deepEqual(f.tags, info.tags);
      assert.ok(existsSync(path.join(REPO, 'docs/diagnostics', `${f.code}.md`)), `docs page for ${f.code}`);
    }
  });
}

// --- the kernel as the judge ------------------------------------------------------------------
// Where this machine runs the newest kernel the knowledge base describes (6.18, the default
// kernelVersion), each SYS002 fixture line with a per-namespace key is written, as sysctl
// writes it (the whole value, inline comment included), in a throwaway network namespace:
// an error must be a write the kernel rejects, and every other line a write it accepts.

const running = (() => {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return '';
  }
})();
const canJudge =
  running.startsWith(`${NEWEST_KNOWN_KERNEL}.`) &&
  existsSync('/proc/sys/net/netfilter/nf_conntrack_max') &&
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['-n', 'true']).status === 0;

function writeInFreshNetns(writes: Array<[string, string]>): boolean[] {
  const script = `while IFS="$(printf '\\t')" read -r path value; do
    if printf '%s\\n' "$value" > "$path" 2>/dev/null; then echo ok; else echo fail; fi
  done`;
  const input = writes.map(([p, v]) => `${p}\t${v}`).join('\n') + '\n';
  const r = spawnSync('unshare', ['-n', 'sh', '-c', script], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trimEnd().split('\n').map((x) => x === 'ok');
}

test('SYS002 fixtures: the kernel rejects exactly the writes reported as errors', { skip: canJudge ? false : `needs root, unshare -n and kernel ${NEWEST_KNOWN_KERNEL} with nf_conntrack` }, () => {
  let judged = 0;
  for (const file of ['SYS002-positive.conf', 'SYS002-negative.conf']) {
    const doc = parseSysctl(readText(path.join(DIR, file)));
    const errors = new Set(sysctlService.diagnose(doc, DEFAULT_SETTINGS).filter((f) => f.code === 'SYS002' && f.severity === 'error').map((f) => f.range.start.line));
    const cases = doc.assignments.filter((a) => {
      const e = lookupKey(a.key);
      return e && e.scope === 'per-netns' && existsSync(`/proc/sys/${a.path}`) && (errors.has(a.line) || !validateValue(e, a.bareValue, parseKernelVersion(running)!) || validateValue(e, a.bareValue, parseKernelVersion(running)!)!.kernelRejects === 'no');
    });
    const results = writeInFreshNetns(cases.map((a) => [`/proc/sys/${a.path}`, a.value]));
    cases.forEach((a, i) => {
      assert.equal(results[i], !errors.has(a.line), `${file}:${a.line + 1} ${a.key} = ${a.value}: kernel ${results[i] ? 'accepts' : 'rejects'}`);
      judged++;
    });
  }
  assert.ok(judged >= 12, `judged ${judged} lines`);
});
