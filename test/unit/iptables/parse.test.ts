// Parser fixtures: test/fixtures/iptables/parse/<case>.rules with a golden
// summary <case>.expected.json, judged against what real iptables-restore 1.8.9
// said of each file (VERDICTS.json, recorded by tools/record-restore.mjs; the
// last test re-runs the real tool when this machine allows `unshare -n`).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { LazyCommand, parseIptables, peekCommand, splitArgs } from '../../../server/src/core/iptables/parse';
import type { CommandLine, IptablesDocument } from '../../../server/src/core/iptables/ast';
import { golden, realRestore, realRestoreUnavailable, renderCommand, summarize } from './helpers';

const dir = join(__dirname, '../../fixtures/iptables/parse');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.rules'))
  .sort();
const verdicts: Record<string, { nft: { rc: number; line?: number | null; message?: string }; legacy: { rc: number } }> = JSON.parse(
  readFileSync(join(dir, 'VERDICTS.json'), 'utf8'),
);

function load(f: string): { text: string; doc: IptablesDocument } {
  const text = readFileSync(join(dir, f), 'utf8');
  return { text, doc: parseIptables(text) };
}

test('every parse fixture has a recorded verdict of the real iptables-restore', () => {
  for (const f of cases) assert.ok(verdicts[f.replace(/\.rules$/, '')], `${f}: no verdict (run test/unit/iptables/tools/record-restore.mjs)`);
  assert.ok(cases.length >= 80);
});

for (const f of cases) {
  const name = f.replace(/\.rules$/, '');
  test(`parse fixture ${name}: golden summary`, () => {
    const { doc } = load(f);
    golden(join(dir, `${name}.expected.json`), summarize(doc, true));
  });
}

test('IPT001 agrees with iptables-nft-restore on every fixture (line for line)', () => {
  for (const f of cases) {
    const name = f.replace(/\.rules$/, '');
    const v = verdicts[name].nft;
    const { text, doc } = load(f);
    const lines = doc.errors.map((e) => e.range.start.line + 1);
    if (v.rc === 0) {
      assert.deepEqual(doc.errors, [], `${name}: real restore accepts it, we report ${JSON.stringify(doc.errors.map((e) => e.message))}`);
      continue;
    }
    assert.ok(v.line, `${name}: the recorded rejection has a line`);
    // "COMMIT expected at line N" names the line after the last one; a file
    // without a final newline has no such line in an editor: we use the last.
    const lastLine = text.split(/\r\n|\r|\n/).length;
    const want = Math.min(v.line!, lastLine);
    assert.ok(lines.includes(want), `${name}: real restore rejects line ${v.line} (${v.message}); we report lines ${JSON.stringify(lines)}`);
    assert.ok(Math.min(...lines) <= want, `${name}: we report an error after the line restore stops at`);
  }
});

test('legacy and nft differ on three fixtures; nft (Debian default) is the judge', () => {
  const differ = Object.entries(verdicts)
    .filter(([, v]) => (v.nft.rc === 0) !== (v.legacy.rc === 0))
    .map(([k]) => k)
    .sort();
  assert.deepEqual(differ, ['err-chain-dash', 'ok-no-final-newline', 'ok-user-chain-policy']);
});

// --------------------------------------------------------------- the tree

function commands(doc: IptablesDocument): CommandLine[] {
  return doc.tables.flatMap((t) => t.commands);
}

test('argument splitting follows add_param_to_argv', () => {
  const split = (s: string) => splitArgs(s, 0).map((t) => [t.value, t.raw, t.quoted]);
  assert.deepEqual(split('a  b\tc'), [
    ['a', 'a', false],
    ['b', 'b', false],
    ['c', 'c', false],
  ]);
  assert.deepEqual(split('"a b" x'), [
    ['a b', '"a b"', true],
    ['x', 'x', false],
  ]);
  // a quote in the middle of a word opens a quote; the word goes on
  assert.deepEqual(split('ab"cd ef" g'), [
    ['abcd ef', 'ab"cd ef"', true],
    ['g', 'g', false],
  ]);
  // the closing quote ends the argument
  assert.deepEqual(split('"ab"cd'), [
    ['ab', '"ab"', true],
    ['cd', 'cd', false],
  ]);
  assert.deepEqual(split('""'), [['', '""', true]]);
  assert.deepEqual(split('"a\\"b\\\\c"'), [['a"b\\c', '"a\\"b\\\\c"', true]]);
  // outside quotes a backslash is ordinary; single quotes are ordinary
  assert.deepEqual(split("a\\b 'c d'"), [
    ['a\\b', 'a\\b', false],
    ["'c", "'c", false],
    ["d'", "d'", false],
  ]);
  // an unterminated quote runs to the end of the line
  assert.deepEqual(split('"open quote'), [['open quote', '"open quote', true]]);
});

test('rule specs: generic options, negation, implicit and explicit matches, target options', () => {
  const doc = parseIptables(
    [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT ! -s 10.0.0.0/8 -p tcp -m state --state NEW --dport 80 -j ACCEPT',
      '-A INPUT -p tcp -m tcp ! --dport 22 -m comment --comment "ssh \\"x\\"" -j REJECT --reject-with tcp-reset',
      '-A INPUT -p udp --dport ! 53 -j DROP',
      '[3:4] -A INPUT -p tcp --tcp-flags SYN,ACK SYN -j LOG --log-prefix "-- in: " --log-uid',
      'COMMIT',
    ].join('\n'),
  );
  assert.deepEqual(doc.errors, []);
  const [a, b, c, d] = commands(doc);
  assert.equal(renderCommand(a), '3: -A INPUT | ! -s 10.0.0.0/8 -p tcp | state{--state NEW} | implicit tcp{--dport 80} | -j ACCEPT');
  assert.deepEqual(a.rule!.protocol && { value: a.rule!.protocol.value, negated: a.rule!.protocol.negated }, { value: 'tcp', negated: false });
  const implicit = a.rule!.matches[1];
  assert.equal(implicit.implicit, true);
  assert.deepEqual(implicit.nameRange, a.rule!.protocol!.range, 'an implicit match is named by the -p value');
  assert.equal(renderCommand(b), '4: -A INPUT | -p tcp | tcp{! --dport 22} | comment{--comment "ssh \\"x\\""} | -j REJECT{--reject-with tcp-reset}');
  // old style negation of a module option: kept in the tree (the option's parser judges it)
  assert.equal(renderCommand(c), '5: -A INPUT | -p udp | implicit udp{! --dport 53} | -j DROP');
  assert.equal(c.rule!.matches[0].options[0].negationRange!.start.character, 24);
  assert.equal(renderCommand(d), '6: -A INPUT | [3:4] | -p tcp | implicit tcp{--tcp-flags SYN,ACK SYN} | -j LOG{--log-prefix "-- in: ", --log-uid}');
  // ranges
  const line = doc.text.split('\n')[3];
  const opt = b.rule!.matches[1].options[0];
  const at = line.indexOf('--comment');
  assert.deepEqual(opt.nameRange, { start: { line: 3, character: at }, end: { line: 3, character: at + 9 } });
  assert.deepEqual(b.rule!.target!.range, { start: { line: 3, character: line.indexOf('-j REJECT') }, end: { line: 3, character: line.length } });
  assert.equal(b.rule!.matches[0].range.start.character, line.indexOf('-m tcp'), 'explicit match range starts at -m');
  assert.deepEqual(b.rule!.matches[1].options[0].values[0].range, { start: { line: 3, character: at + 10 }, end: { line: 3, character: at + 10 + '"ssh \\"x\\""'.length } });
});

test('old-style negation of generic options is kept in the tree and reported', () => {
  const doc = parseIptables('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p ! tcp -s ! 10.0.0.1 -j ACCEPT\nCOMMIT\n');
  const [c] = commands(doc);
  assert.equal(renderCommand(c), '3: -A INPUT | ! -p tcp ! -s 10.0.0.1 | -j ACCEPT');
  assert.equal(c.rule!.protocol!.negated, true);
  assert.equal(doc.errors.length, 2);
  assert.deepEqual(doc.errors[0].data, { fix: 'move-negation', optionStart: 9, optionEnd: 11 });
});

test('commands: chain, rule number, policy, new name; -N declares a chain', () => {
  const doc = parseIptables('*filter\n:INPUT ACCEPT [0:0]\n-N FOO\n-I INPUT 2 -j FOO\n-D INPUT 3\n-P INPUT DROP\n-E FOO BAR\nCOMMIT\n');
  assert.deepEqual(
    commands(doc).map((c) => [c.command, c.chain?.value, c.arg?.value, !!c.rule]),
    [
      ['N', 'FOO', undefined, false],
      ['I', 'INPUT', '2', true],
      ['D', 'INPUT', '3', false],
      ['P', 'INPUT', 'DROP', false],
      ['E', 'FOO', 'BAR', false],
    ],
  );
  const t = doc.tables[0];
  assert.deepEqual(
    t.chains.map((c) => [c.name, c.builtin, !!c.fromCommand]),
    [
      ['INPUT', true, false],
      ['FOO', false, true],
    ],
  );
});

test('command lines are built lazily, and the cheap fields agree with the tree', () => {
  const text = readFileSync(join(dir, 'ok-targets.rules'), 'utf8');
  const doc = parseIptables(text);
  for (const c of commands(doc)) {
    assert.ok(c instanceof LazyCommand);
    const full = peekCommand(c);
    assert.equal(c.chainName, full.chain?.value);
    assert.equal(c.targetName, full.rule?.target?.name);
    assert.equal(c.targetKind, full.rule?.target?.kind);
    assert.equal(c.hasRule, !!full.rule);
    // cached after the first read: stable identities
    assert.equal(c.rule, c.rule);
    assert.equal(c.tokens, c.tokens);
  }
});

test('lines: one node per physical line, CRLF and BOM handled', () => {
  const doc = parseIptables('\uFEFF# c\r\n*filter\r\n:INPUT ACCEPT [0:0]\r\n-A INPUT -j ACCEPT\r\nCOMMIT\r\n');
  assert.deepEqual(
    doc.lines.map((l) => l.kind),
    ['comment', 'table', 'chain', 'command', 'commit', 'blank'],
  );
  assert.equal(doc.bom, true);
  assert.equal(doc.eol, 'crlf');
  assert.equal(doc.lines[0].kind === 'comment' && doc.lines[0].text, '# c');
  const cmd = doc.lines[3] as CommandLine;
  assert.equal(cmd.rule!.target!.name, 'ACCEPT', 'the CR is not part of the last argument');
  assert.deepEqual(
    doc.errors.map((e) => [e.range.start.line, e.data?.fix]),
    [
      [0, 'remove-bom'],
      [1, 'line-endings'],
    ],
  );
});

test('family: header, then addresses', () => {
  assert.equal(parseIptables('# Generated by ip6tables-save v1.8.9\n*filter\nCOMMIT\n').family, 'ipv6');
  assert.equal(parseIptables('# Generated by iptables-nft-save v1.8.9\n*filter\nCOMMIT\n').family, 'ipv4');
  assert.equal(parseIptables('*filter\n-A INPUT -s fe80::/10 -j ACCEPT\nCOMMIT\n').family, 'ipv6');
  assert.equal(parseIptables('*filter\n-A INPUT -d 10.1.2.3 -j ACCEPT\nCOMMIT\n').family, 'ipv4');
  assert.equal(parseIptables('*filter\n-A INPUT -j ACCEPT\nCOMMIT\n').family, 'unknown');
});

test('the parser never throws and every range lies inside its line', () => {
  const samples = [
    '',
    '\n\n',
    '*',
    ':',
    '[',
    '[:',
    '[]',
    '*filter\n[',
    '*filter\n[1:',
    '*filter\n-A',
    '*filter\n-A INPUT "',
    '*filter\n-A INPUT ! ',
    '*filter\n--',
    '*filter\n-',
    '*filter\n--=x',
    '*filter\n-A INPUT --dport=',
    '*filter\n-A INPUT -m',
    '*filter\n-A INPUT -p tcp --tcp-flags',
    '\r',
    '\r\r\n',
    '\uFEFF',
  ];
  for (const s of samples) {
    const doc = parseIptables(s);
    const lines = s.replace(/^\uFEFF/, ' ').split(/\r\n|\r|\n/);
    assert.equal(doc.lines.length, lines.length, JSON.stringify(s));
    for (const e of doc.errors) {
      assert.ok(e.range.start.line < lines.length && e.range.end.character <= lines[e.range.end.line].length, `${JSON.stringify(s)}: ${JSON.stringify(e)}`);
    }
    for (const c of commands(doc)) for (const t of c.tokens) assert.ok(t.range.end.character <= lines[t.range.start.line].length);
  }
});

test('the recorded verdicts still hold: real iptables-nft-restore in a throwaway namespace', { skip: realRestoreUnavailable() ?? false }, () => {
  for (const f of cases) {
    const name = f.replace(/\.rules$/, '');
    const text = readFileSync(join(dir, f), 'utf8');
    const r = realRestore(text, f.endsWith('.v6.rules'));
    assert.equal(r.rc === 0, verdicts[name].nft.rc === 0, `${name}: real restore now says rc=${r.rc} ${r.stderr.split('\n')[0]}`);
  }
});

test('property: any text parses without throwing; one node per line; arguments rebuild their line', () => {
  const piece = fc.constantFrom(
    '*filter', '*nat', '*raw', ':INPUT ACCEPT [0:0]', ':X - [0:0]', 'COMMIT', '-A', '-I', '-N', '-P', '-j', '-g', '-m', '-p', '!', '--dport',
    'INPUT', 'ACCEPT', 'tcp', '22', '"', '\\', '"a b"', '[1:2]', '[', ']', ':', '#', ' ', '  ', '\t', '\n', '\r\n', '\r', '\uFEFF', 'é', '𝄞', '--x=y', '-ptcp',
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
      const text = parts.join('');
      const doc = parseIptables(text);
      const lines = text.split(/\r\n|\r|\n/);
      assert.equal(doc.lines.length, lines.length);
      doc.lines.forEach((l, i) => assert.equal(l.line, i));
      for (const e of doc.errors) {
        assert.ok(e.range.start.line <= e.range.end.line && e.range.end.line < lines.length);
        assert.ok(e.range.end.character <= lines[e.range.end.line].length);
      }
      for (const c of commands(doc)) {
        const lt = lines[c.line];
        for (const t of c.tokens) assert.equal(lt.slice(t.range.start.character, t.range.end.character), t.raw);
        const r = c.rule;
        if (r) for (const m of r.matches) for (const o of m.options) assert.ok(o.range.end.character <= lt.length);
      }
    }),
    { numRuns: 400 },
  );
});
