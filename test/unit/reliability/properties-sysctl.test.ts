// Property-based tests over generated sysctl files (fast-check; the seed of a failing run is
// in the failure message, replay it with FC_SEED=<seed> [FC_PATH=<path>]; RELIABILITY_SCALE=10
// searches ten times longer). Generic over the language service: every code action it offers,
// now or later, is checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { resolveSettings, SERVICES, type Settings } from '../../../server/src/core';
import type { SysctlDocument } from '../../../server/src/core/sysctl/ast';
import { SYSCTL_CODES } from '../../../server/src/core/sysctl/codes';
import { sysctlFile, sysctlLine } from './gen';
import { changesProperty, checkAllFeatures, checkFixes, newFixStats, reanalyzeProperty, printSysctl } from './lib';
import { params, runs } from './gen';

const service = SERVICES.sysctl;

/** Settings users have: defaults, a small old host, a big new one, everything raised to error. */
export const settingsArb: fc.Arbitrary<Settings> = fc
  .record({
    kernelVersion: fc.constantFrom('', '4.19', '5.4', '6.12', '2.6'),
    hostMemory: fc.constantFrom('', '512MiB', '64GiB', '1TiB'),
    connectionRate: fc.constantFrom(0, 2000),
    severity: fc.constantFrom({}, { SYS004: 'off' }),
  })
  .map((r) => resolveSettings(r));

test('sysctl: the parser never throws, and printing the parse gives the text back', () => {
  fc.assert(
    fc.property(sysctlFile, (text) => {
      const doc = service.parse(text) as SysctlDocument;
      assert.equal(printSysctl(doc), text);
    }),
    params(runs(32_000)),
  );
});

test('sysctl: every feature answers, with every range inside the document', () => {
  fc.assert(
    fc.property(sysctlFile, settingsArb, (text, settings) => {
      checkAllFeatures(service, service.parse(text), text, settings);
    }),
    params(runs(5_000)),
  );
});

test('sysctl: quick-fixes keep the file parseable and edit only their finding; source.fixAll twice = once', (t) => {
  const stats = newFixStats();
  fc.assert(
    fc.property(sysctlFile, settingsArb, (text, settings) => {
      checkFixes(service, text, settings, stats);
    }),
    params(runs(16_000)),
  );
  t.diagnostic(`sysctl fixes checked: ${stats.actions} applied, ${stats.quickfixes} per finding, ${stats.fixAll} fixAll twice; codes ${[...stats.codes].sort().join(' ') || '(none)'}`);
  const fixable = SYSCTL_CODES.filter((c) => c.fixable && !c.retired).map((c) => c.code);
  // Not vacuous: once a sysctl code declares a fix, the generated files must exercise some.
  if (fixable.length) assert.ok(stats.quickfixes + stats.actions > 0, `codes ${fixable.join(', ')} are fixable but no fix was ever offered`);
});

test('sysctl: re-analysing after an edit (incremental) tells exactly what a fresh analysis tells', () => {
  fc.assert(reanalyzeProperty('sysctl', sysctlFile, sysctlLine), params(runs(4_000)));
});

test('sysctl: several content changes in one notification, re-analysed from the changes, tell what a fresh analysis tells', () => {
  fc.assert(changesProperty('sysctl', sysctlFile, sysctlLine), params(runs(2_000)));
});
