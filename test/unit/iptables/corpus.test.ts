// Every real-world dump in ../shared/corpus/iptables (beside the repository): parse
// without throwing, golden summaries, tokens that rebuild the text, every feature runs,
// and IPT001 against what real iptables-restore said of each file (VERDICTS.tsv).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CommandLine, IptablesDocument } from '../../../server/src/core/iptables/ast';
import { chainGraph } from '../../../server/src/core/iptables/chains';
import { parseIptables, peekCommand } from '../../../server/src/core/iptables/parse';
import { iptablesService } from '../../../server/src/core/iptables/service';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { golden, summarize } from './helpers';
import { corpusRoot } from '../shared';

const goldenDir = join(__dirname, '../../fixtures/iptables/corpus');
const parseDir = join(__dirname, '../../fixtures/iptables/parse');

if (!corpusRoot) {
  test('iptables corpus', { skip: 'the shared corpus (../shared/corpus) is not beside the repository' }, () => {});
} else {
  const dir = join(corpusRoot, 'iptables');
  const files = readdirSync(dir).sort();
  const docs = new Map<string, { text: string; doc: IptablesDocument }>();
  const load = (f: string) => {
    let d = docs.get(f);
    if (!d) {
      const text = readFileSync(join(dir, f), 'utf8');
      d = { text, doc: parseIptables(text) };
      docs.set(f, d);
    }
    return d;
  };

  test('the corpus has the 66 iptables dumps', () => {
    assert.equal(files.length, 66);
  });

  for (const f of files) {
    test(`corpus ${f}: golden summary`, () => {
      const { doc } = load(f);
      const g = chainGraph(doc);
      golden(join(goldenDir, `${f}.golden.json`), {
        ...summarize(doc, false),
        rules: Object.fromEntries(g.tables.map((t, i) => [`${i + 1}:${t.table.name}`, Object.fromEntries([...t.chains.values()].filter((c) => c.rules.length).map((c) => [c.name, c.rules.length]))])),
      });
    });
  }

  // ------------------------------------------------------------- VERDICTS

  // What real iptables-restore 1.8.9 reported, split into what a file says by
  // itself (syntax: IPT001 must be on that line) and what depends on the
  // machine or on meaning, which other codes or nothing at all cover:
  //   - "No chain/target/match by that name", "Chain 'X' does not exist": a
  //     chain the file never declares (IPT002/IPT003; for ufw's before.rules
  //     the chain comes from a sibling file loaded first);
  //   - "Index of deletion too big": -D of a rule number the table lacks;
  //   - "unknown option", "Invalid MAC address": option tables (IPT006);
  //   - "is not intended for filtering": target placement (IPT005);
  //   - "Set … doesn't exist": an ipset this machine does not have;
  //   - "RULE_APPEND failed": the kernel refused a rule at commit time.
  const SYNTAX = /line \d+ failed$|COMMIT expected|Bad argument|table name [^]* invalid|chain name invalid|policy invalid|need [\]:]|Parameter too long|option .* requires an argument|no command specified/;
  const SEMANTIC = /Index of deletion|No chain\/target\/match|does not exist|unknown option|Invalid MAC|not intended for filtering|doesn't exist|RULE_APPEND failed/;
  // Files whose first rejection is semantic, but which also have a syntax error
  // further down (restore stops before it): the lines we flag there.
  const LATER_SYNTAX: Record<string, number[]> = {
    // `junk` after the last COMMIT: outside a table (verified: restore fails on it
    // once the nat DROP rules before it are removed)
    'kubernetes__kubernetes__pkg_util_iptables_testing_parse_test.go__trailing-junk_INVALID': [21],
  };

  const rows = readFileSync(join(corpusRoot, 'VERDICTS.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((r) => r[0].startsWith('iptables/'));

  test('VERDICTS.tsv: accepted dumps get no IPT001; syntax rejections get IPT001 on the reported line', () => {
    assert.equal(rows.length, files.length);
    let syntax = 0;
    let semantic = 0;
    for (const [file, , nftRc, , message = ''] of rows) {
      const f = file.slice('iptables/'.length);
      const { doc } = load(f);
      const ours = doc.errors.map((e) => e.range.start.line + 1);
      const m = /Error occurred at line: (\d+)/.exec(message) || /line (\d+) failed/.exec(message) || /COMMIT expected at line (\d+)/.exec(message) || /line (\d+)/.exec(message);
      const line = m ? Number(m[1]) : undefined;
      if (nftRc === '0') {
        assert.deepEqual(ours, [], `${f}: accepted by iptables-nft-restore, but we report ${doc.errors.map((e) => e.message).join(' | ')}`);
        continue;
      }
      const first = message.replace(/\s*Error occurred at line: \d+.*$/, '').trim();
      if (SYNTAX.test(first)) {
        syntax++;
        assert.ok(line, `${f}: syntax rejection without a line`);
        const lastLine = load(f).text.split(/\r\n|\r|\n/).length;
        const want = Math.min(line!, lastLine);
        assert.ok(ours.includes(want), `${f}: restore rejects line ${line} (${first}); we report ${JSON.stringify(ours)}`);
        assert.equal(Math.min(...ours), want, `${f}: we report an error before line ${want}`);
      } else {
        assert.match(first, SEMANTIC, `${f}: unclassified rejection "${first}"`);
        semantic++;
        const allowed = LATER_SYNTAX[f] ?? [];
        assert.deepEqual(ours.filter((l) => !allowed.includes(l)), [], `${f}: rejected for "${first}" (not syntax); we report ${JSON.stringify(ours)}`);
        if (line) assert.ok(ours.every((l) => l > line), `${f}: IPT001 before the line restore stops at`);
      }
    }
    // the corpus has both kinds: 7 syntax rejections (missing COMMIT ×2, Bad
    // argument, lines outside a table ×3, CRLF table name), 14 of the others
    assert.deepEqual([syntax, semantic], [7, 14]);
  });

  // ------------------------------------------------ tokens, ranges, features

  function checkTokens(name: string, text: string, doc: IptablesDocument): void {
    const lines = text.split(/\r\n|\r|\n/);
    for (const t of doc.tables) {
      for (const c of t.commands as CommandLine[]) {
        const full = peekCommand(c);
        const lt = lines[c.line];
        let pos = full.counters && full.counters.range.start.line === c.line && full.counters.range.start.character <= (full.tokens[0]?.range.start.character ?? 0) ? full.counters.range.end.character : c.line === 0 && doc.bom ? 1 : 0;
        for (const tok of full.tokens) {
          const r = tok.range;
          assert.equal(r.start.line, c.line);
          assert.match(lt.slice(pos, r.start.character), /^[ \t]*$/, `${name}:${c.line + 1}: only blanks between arguments`);
          assert.equal(lt.slice(r.start.character, r.end.character), tok.raw, `${name}:${c.line + 1}: raw text`);
          if (!tok.quoted) assert.equal(tok.value, tok.raw);
          pos = r.end.character;
        }
        assert.match(lt.slice(pos), /^[ \t]*$/, `${name}:${c.line + 1}: only blanks after the last argument`);
      }
    }
    for (const e of doc.errors) {
      assert.ok(e.range.end.line < lines.length && e.range.end.character <= lines[e.range.end.line].length, `${name}: error range outside the text`);
    }
  }

  test('corpus and parse fixtures: arguments rebuild the raw text, ranges stay inside', () => {
    for (const f of files) checkTokens(f, load(f).text, load(f).doc);
    for (const f of readdirSync(parseDir).filter((x) => x.endsWith('.rules'))) {
      const text = readFileSync(join(parseDir, f), 'utf8');
      checkTokens(f, text, parseIptables(text));
    }
  });

  test('every language feature runs on every corpus dump', () => {
    const s = iptablesService;
    for (const f of files) {
      const { doc, text } = load(f);
      const n = text.split(/\r\n|\r|\n/).length;
      const whole = { start: { line: 0, character: 0 }, end: { line: n, character: 0 } };
      s.diagnose(doc, DEFAULT_SETTINGS);
      s.symbols(doc);
      s.folding(doc);
      const sem = s.semanticTokens(doc);
      for (let i = 1; i < sem.length; i++) {
        const a = sem[i - 1];
        const b = sem[i];
        assert.ok(a.line < b.line || (a.line === b.line && a.character + a.length <= b.character), `${f}: semantic tokens sorted and apart at ${b.line + 1}:${b.character}`);
      }
      s.inlayHints(doc, whole, DEFAULT_SETTINGS);
      s.codeLenses!(doc, whole, DEFAULT_SETTINGS);
      s.codeActions(doc, whole, s.diagnose(doc, DEFAULT_SETTINGS), DEFAULT_SETTINGS);
      for (let line = 0; line < Math.min(n, 60); line++) {
        for (const character of [0, 2, 5, 12, 30]) {
          const at = { line, character };
          s.hover(doc, at, DEFAULT_SETTINGS);
          s.completion(doc, at, DEFAULT_SETTINGS);
          s.definition!(doc, at);
          s.references!(doc, at, true);
          s.prepareRename!(doc, at);
        }
      }
    }
  });
}
