// Property-based tests over generated iptables-save dumps (fast-check; the seed of a failing
// run is in the failure message, replay it with FC_SEED=<seed> [FC_PATH=<path>];
// RELIABILITY_SCALE=10 searches ten times longer). Generic over the language service: every
// code action it offers, now or later, is checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { resolveSettings, SERVICES, type Settings } from '../../../server/src/core';
import { IPTABLES_CODES } from '../../../server/src/core/iptables/codes';
import { parseIptables } from '../../../server/src/core/iptables/parse';
import { iptablesEditableFile, iptablesFile, iptablesLine, params, runs } from './gen';
import { changesProperty, checkAllFeatures, checkFixes, newFixStats, reanalyzeProperty, printIptables } from './lib';

const service = SERVICES.iptables;

const settingsArb: fc.Arbitrary<Settings> = fc
  .record({
    kernelVersion: fc.constantFrom('', '4.19', '6.12'),
    hostMemory: fc.constantFrom('', '2GiB', '64GiB'),
    severity: fc.constantFrom({}, { IPT001: 'off' }),
  })
  .map((r) => resolveSettings(r));

test('iptables: the parser never throws, and printing the parse gives the text back', () => {
  fc.assert(
    fc.property(iptablesFile, (text) => {
      assert.equal(printIptables(parseIptables(text)), text);
    }),
    params(runs(30_000)),
  );
});

test('iptables: the language service parses what the parser parses, never throwing', () => {
  fc.assert(
    fc.property(iptablesFile, (text) => {
      const doc = service.parse(text) as { text?: string };
      assert.equal(doc.text, text);
    }),
    params(runs(4_000)),
  );
});

test('iptables: every feature answers, with every range inside the document', () => {
  fc.assert(
    fc.property(iptablesFile, settingsArb, (text, settings) => {
      checkAllFeatures(service, service.parse(text), text, settings);
    }),
    params(runs(4_000)),
  );
});

test('iptables: quick-fixes keep the file parseable and edit only their finding; source.fixAll twice = once', (t) => {
  const stats = newFixStats();
  fc.assert(
    fc.property(iptablesFile, settingsArb, (text, settings) => {
      checkFixes(service, text, settings, stats);
    }),
    params(runs(10_000)),
  );
  t.diagnostic(`iptables fixes checked: ${stats.actions} applied, ${stats.quickfixes} per finding, ${stats.fixAll} fixAll twice; codes ${[...stats.codes].sort().join(' ') || '(none)'}`);
  const fixable = IPTABLES_CODES.filter((c) => c.fixable && !c.retired).map((c) => c.code);
  if (fixable.length) assert.ok(stats.quickfixes + stats.actions > 0, `codes ${fixable.join(', ')} are fixable but no fix was ever offered`);
});

test('iptables: re-analysing after an edit (incremental) tells exactly what a fresh analysis tells', () => {
  fc.assert(reanalyzeProperty('iptables', iptablesFile, iptablesLine), params(runs(4_000)));
});

test('iptables: several content changes in one notification, re-analysed from the changes, tell what a fresh analysis tells', () => {
  fc.assert(changesProperty('iptables', iptablesFile, iptablesLine), params(runs(2_000)));
});

test('iptables: edits inside the tables of a dump the re-parse takes line by line tell what a fresh analysis tells', () => {
  // (the dumps above mostly leave the fast path at once: short, no header, CR line ends)
  fc.assert(reanalyzeProperty('iptables', iptablesEditableFile, iptablesLine, 240), params(runs(3_000)));
  fc.assert(changesProperty('iptables', iptablesEditableFile, iptablesLine, 3), params(runs(2_000)));
});
