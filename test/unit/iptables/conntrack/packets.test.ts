// The rulesets of the real-packet test (test/realtools/packets/, run through
// ../shared/testing/veth-port-check.sh by test/realtools/run.mjs) that show our fixes at
// work are produced here BY APPLYING the fixes to the seed files, never by hand:
// UPDATE_GOLDEN=1 writes them, a normal run checks they are still what the code produces.
// Our own verdict is checked too: CT201 on the dump the kernel blocks, none after a fix.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { CodeActionKind } from '../../../../server/src/core/types';
import { UPDATE } from '../helpers';
import { actionsAt, applyEdits, diagnose, lineOf } from './util';

const DIR = path.resolve(__dirname, '../../../realtools/packets');

interface Case {
  out: string;
  from: string;
  /** Line (text it contains) where the action is asked for. */
  at: string;
  kind: CodeActionKind;
  title: string;
  what: string;
  /** What veth-port-check.sh must say (the row in expected.tsv). */
  expect: 'open' | 'blocked';
}

const CASES: Case[] = [
  { out: 'ct201-fix-a.rules', from: 'seed-notrack.rules', at: '--dport 80 -j NOTRACK', kind: 'quickfix', title: 'Add UNTRACKED', what: 'CT201 quick-fix (a) applied: UNTRACKED added to the RELATED,ESTABLISHED accept', expect: 'open' },
  { out: 'ct201-fix-b.rules', from: 'seed-notrack.rules', at: '--dport 80 -j NOTRACK', kind: 'quickfix', title: 'Accept these untracked', what: 'CT201 quick-fix (b) applied: a scoped UNTRACKED accept for tcp dport 80', expect: 'open' },
  { out: 'ct202-fix.rules', from: 'seed-notrack.rules', at: '--state NEW', kind: 'quickfix', title: 'Add UNTRACKED', what: 'CT202 quick-fix applied: UNTRACKED added to the NEW accept for port 80', expect: 'open' },
  { out: 'seed-fixall.rules', from: 'seed-notrack.rules', at: '*raw', kind: 'source.fixAll', title: 'Modernise', what: 'only the fix-all rewrites applied (CT203 -j CT --notrack, CT204 -m conntrack --ctstate): same verdict as the seed', expect: 'blocked' },
  { out: 'stop-tracking-port-80.rules', from: 'no-notrack.rules', at: '--dport 80', kind: 'refactor', title: 'Stop tracking port 80', what: 'refactor "Stop tracking port 80" applied to the rule that accepts port 80', expect: 'open' },
];

function generate(c: Case): string {
  const src = readFileSync(path.join(DIR, c.from), 'utf8');
  const found = actionsAt(src, lineOf(src, c.at), [c.kind]).filter((a) => a.title.startsWith(c.title));
  assert.equal(found.length, 1, `${c.out}: one "${c.title}" action in ${c.from}`);
  const fixed = applyEdits(src, found[0].edits);
  const body = fixed.replace(/^(#[^\n]*\n)+/, '');
  return `# Generated from ${c.from} by test/unit/iptables/conntrack/packets.test.ts (UPDATE_GOLDEN=1):\n# ${c.what}.\n# Do not edit by hand.\n${body}`;
}

test('packet-test sources: our analysis agrees with what the kernel is expected to do', () => {
  const seed = readFileSync(path.join(DIR, 'seed-notrack.rules'), 'utf8');
  const lines = seed.split('\n');
  assert.ok(diagnose(seed, 'CT201').some((f) => /PREROUTING .*--dport 80 /.test(lines[f.range.start.line])), 'the seed (blocked) gets CT201 on its port-80 rule');
  assert.equal(diagnose(readFileSync(path.join(DIR, 'no-notrack.rules'), 'utf8'), 'CT201').length, 0);
  assert.equal(diagnose(readFileSync(path.join(DIR, 'seed-notrack-untracked-accept.rules'), 'utf8'), 'CT201').length, 0);
});

const expectedTsv = readFileSync(path.join(DIR, 'expected.tsv'), 'utf8');

for (const c of CASES) {
  test(`packet-test ruleset ${c.out} is the fix applied to ${c.from}`, () => {
    const text = generate(c);
    const file = path.join(DIR, c.out);
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE) assert.fail(`missing ${file} (run with UPDATE_GOLDEN=1 and review it)`);
      writeFileSync(file, text);
    } else assert.equal(readFileSync(file, 'utf8'), text, `${c.out} is stale (UPDATE_GOLDEN=1 rewrites it)`);
    // our verdict matches the expected kernel verdict: port 80 blocked ⇔ CT201 on the class of
    // incoming connections to port 80 (other classes, e.g. replies from remote port 80, may still warn)
    const lines = text.split('\n');
    const port80 = diagnose(text, 'CT201').filter((f) => /PREROUTING .*--dport 80 /.test(lines[f.range.start.line]));
    assert.equal(port80.length > 0, c.expect === 'blocked', `CT201 for incoming port 80 in ${c.out}: ${port80.length}`);
    assert.equal(diagnose(text, '').filter((f) => f.severity === 'error').length, 0);
    // and the row is in expected.tsv
    const row = expectedTsv.split('\n').find((l) => l.split('\t')[0] === c.out);
    assert.ok(row, `expected.tsv has a row for ${c.out}`);
    assert.deepEqual(row.split('\t').slice(1, 3), ['80', c.expect]);
  });
}
