// The TextMate grammar (syntaxes/sysctl.tmLanguage.json) and the parser must agree on
// every line of the corpus and the fixtures: keys, `=`, values (number vs string),
// comments, `-` prefixes and rejected lines get the scopes the parser implies.
// (Scope-by-scope grammar cases live in test/grammar/*.test.sysctl.)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { parseSysctl } from '../../../server/src/core/sysctl/parse';
import { isNumberWord } from '../../../server/src/core/sysctl/symbols';
import { CORPUS, FIXTURES, listFiles, readText, REPO } from './util';

let grammar: vsctm.IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === 'source.sysctl'
        ? vsctm.parseRawGrammar(readFileSync(path.join(REPO, 'syntaxes/sysctl.tmLanguage.json'), 'utf8'), 'sysctl.tmLanguage.json')
        : null,
  });
  const g = await registry.loadGrammar('source.sysctl');
  assert.ok(g, 'grammar loads');
  grammar = g;
});

/** Scopes of every column of each line (editors tokenise line by line, without the EOL). */
function scopesPerColumn(text: string): string[][][] {
  let state = vsctm.INITIAL;
  return text.split(/\r\n|\r|\n/).map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    const cols: string[][] = [];
    for (const t of r.tokens) for (let c = t.startIndex; c < Math.min(t.endIndex, line.length); c++) cols[c] = t.scopes;
    return cols;
  });
}

function checkFile(name: string, text: string): number {
  const doc = parseSysctl(text);
  const scopes = scopesPerColumn(text);
  let checks = 0;
  const expect = (line: number, from: number, to: number, scope: string, what: string): void => {
    for (let c = from; c < to; c++) {
      const s = scopes[line][c] ?? [];
      assert.ok(s.includes(scope), `${name}:${line + 1}:${c + 1} ${what}: expected ${scope}, got ${s.join(' ')}`);
      checks++;
    }
  };
  const col = (r: { start: { character: number }; end: { character: number } }): [number, number] => [r.start.character, r.end.character];
  for (const n of doc.lines) {
    // A BOM on line 0 is not something the grammar sees in an editor; skip that line.
    if (n.line === 0 && doc.bom) continue;
    const l = n.line;
    switch (n.kind) {
      case 'comment':
        expect(l, ...col(n.textRange), n.text[0] === '#' ? 'comment.line.number-sign.sysctl' : 'comment.line.semicolon.sysctl', 'comment');
        break;
      case 'error':
        if (n.reason === 'no-equals') expect(l, ...col(n.textRange), 'invalid.illegal.not-assignment.sysctl', 'rejected line');
        break;
      case 'exclude':
        expect(l, ...col(n.ignoreRange), 'keyword.operator.ignore-error.sysctl', 'prefix');
        expect(l, ...col(n.keyRange), 'variable.other.key.sysctl', 'key');
        break;
      case 'assignment': {
        if (n.ignoreRange) expect(l, ...col(n.ignoreRange), 'keyword.operator.ignore-error.sysctl', 'prefix');
        expect(l, ...col(n.keyRange), 'variable.other.key.sysctl', 'key');
        expect(l, ...col(n.equalsRange), 'keyword.operator.assignment.sysctl', '=');
        const words = n.bareValue.split(/[ \t\v\f]+/).filter(Boolean);
        const numeric = words.length > 0 && words.every(isNumberWord);
        const [vs] = col(n.bareValueRange);
        let at = 0;
        for (const w of words) {
          const s = vs + n.bareValue.indexOf(w, at);
          at = s - vs + w.length;
          expect(l, s, s + w.length, numeric ? 'constant.numeric.sysctl' : 'string.unquoted.value.sysctl', 'value');
        }
        if (n.comment) expect(l, ...col(n.comment.range), n.comment.text[0] === '#' ? 'comment.line.number-sign.sysctl' : 'comment.line.semicolon.sysctl', 'inline comment');
        break;
      }
      default:
        break;
    }
  }
  return checks;
}

test('grammar agrees with the parser on every corpus file', () => {
  let checks = 0;
  const files = listFiles(CORPUS);
  assert.ok(files.length > 0);
  for (const f of files) checks += checkFile(f, readText(path.join(CORPUS, f)));
  assert.ok(checks > 10000, `${checks} columns checked`);
});

test('grammar agrees with the parser on every fixture', () => {
  for (const dir of ['parse', 'service', 'diagnostics']) {
    for (const f of listFiles(path.join(FIXTURES, dir), '.conf')) checkFile(`${dir}/${f}`, readText(path.join(FIXTURES, dir, f)));
  }
});
