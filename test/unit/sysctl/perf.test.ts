// Scale without a clock: parsing and every feature stay right and linear on files far beyond
// real sysctl files (a few hundred lines). Linearity is shown by counting what the features
// read from the document (the node arrays are wrapped in counting proxies; no production
// hook), the incremental reparse by node identity. How long it takes is measured by
// bench/core-scaling.mjs (`npm run bench:core`), never asserted here.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import type { SysctlDocument } from '../../../server/src/core/sysctl/ast';
import { EMPTY_KEY_MESSAGE, NO_EQUALS_MESSAGE, parseSysctl, reparseSysctl } from '../../../server/src/core/sysctl/parse';
import { sysctlService as svc } from '../../../server/src/core/sysctl/service';
import type { DocSymbol } from '../../../server/src/core/types';
import { sysctlScaleFile } from '../shared';

const file = sysctlScaleFile;

interface Summary {
  kinds: Record<string, number>;
  codes: Record<string, number>;
  tokens: number;
  symbols: number;
  symbolLeaves: number;
  folds: number;
}

function histogram(xs: string[]): Record<string, number> {
  const h: Record<string, number> = {};
  for (const x of xs) h[x] = (h[x] ?? 0) + 1;
  return h;
}

function leaves(s: DocSymbol[]): number {
  let n = 0;
  for (const x of s) n += x.children?.length ? leaves(x.children) : 1;
  return n;
}

function summarise(doc: SysctlDocument): Summary {
  const symbols = svc.symbols(doc);
  return {
    kinds: histogram(doc.lines.map((l) => l.kind)),
    codes: histogram(svc.diagnose(doc, DEFAULT_SETTINGS).map((f) => f.code)),
    tokens: svc.semanticTokens(doc).length,
    symbols: symbols.length,
    symbolLeaves: leaves(symbols),
    folds: svc.folding(doc).length,
  };
}

const BIG = 300_000;
let bigText: string | undefined;
let bigDoc: SysctlDocument | undefined;
function big(): { text: string; doc: SysctlDocument } {
  bigText ??= file(BIG);
  bigDoc ??= parseSysctl(bigText);
  return { text: bigText, doc: bigDoc };
}

test('300k lines: one node per line, and every feature answers 500× what it answers for 600 lines', () => {
  const { text, doc } = big();
  assert.equal(doc.lines.length, BIG);
  for (let i = 0; i < BIG; i++) if (doc.lines[i].line !== i) assert.fail(`node ${i} says line ${doc.lines[i].line}`);
  assert.equal(doc.lineStarts[BIG - 1], text.lastIndexOf('\n') + 1);
  const small = summarise(parseSysctl(file(600)));
  const large = summarise(doc);
  const times = (h: Record<string, number>, k: number) => Object.fromEntries(Object.entries(h).map(([c, n]) => [c, n * k]));
  assert.deepEqual(large.kinds, times(small.kinds, 500));
  assert.deepEqual(large.kinds, { comment: 50_000, assignment: 150_000, blank: 50_000, error: 50_000 });
  // SYS004 per broken line, SYS001 per unknown conntrack key; CT104 is one note per file.
  assert.deepEqual(small.codes, { SYS004: 100, SYS001: 100, CT104: 1 });
  assert.deepEqual(large.codes, { SYS004: 50_000, SYS001: 50_000, CT104: 1 });
  assert.equal(large.tokens, small.tokens * 500);
  assert.equal(large.symbols, small.symbols * 500);
  assert.equal(large.symbolLeaves, small.symbolLeaves * 500);
  assert.equal(large.folds, small.folds * 500);
});

/** A copy of `doc` whose node arrays count reads of their elements (a fresh object: no cached facts). */
function counted(doc: SysctlDocument): { doc: SysctlDocument; reads: () => number } {
  let reads = 0;
  const wrap = <T extends object>(arr: T): T =>
    new Proxy(arr, {
      get(target, p, receiver) {
        if (typeof p === 'string' && p.length && p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57) reads++;
        return Reflect.get(target, p, receiver);
      },
    });
  const copy: SysctlDocument = {
    ...doc,
    lines: wrap(doc.lines),
    assignments: wrap(doc.assignments),
    errors: wrap(doc.errors),
    excludes: wrap(doc.excludes),
    lineStarts: wrap(doc.lineStarts),
  };
  return { doc: copy, reads: () => reads };
}

const FEATURES: Record<string, (doc: SysctlDocument) => unknown> = {
  diagnostics: (d) => svc.diagnose(d, DEFAULT_SETTINGS),
  'semantic tokens': (d) => svc.semanticTokens(d),
  symbols: (d) => svc.symbols(d),
  folding: (d) => svc.folding(d),
  'inlay hints (whole file)': (d) => svc.inlayHints(d, { start: { line: 0, character: 0 }, end: { line: d.lines.length, character: 0 } }, DEFAULT_SETTINGS),
};

test('linear: 4× the lines, at most 5× the node reads (n log n at worst), a few reads per line, in every feature', () => {
  const smallDoc = parseSysctl(file(12_000));
  const largeDoc = parseSysctl(file(48_000));
  for (const [name, run] of Object.entries(FEATURES)) {
    const s = counted(smallDoc);
    run(s.doc);
    const l = counted(largeDoc);
    run(l.doc);
    assert.ok(s.reads() >= 12_000 / 6, `${name}: the counter sees the feature's reads (${s.reads()})`);
    // A per-line scan of the document would read ~n²/2 nodes: 72 million at 12k lines, and 16× that at 4× the lines.
    assert.ok(s.reads() <= 12 * 12_000, `${name}: ${s.reads()} reads for 12,000 lines`);
    // Linear gives 4×; a binary search per line (inlay hints find a node's assignment index) 4 × log 48k / log 12k ≈ 4.6×.
    assert.ok(l.reads() <= 5 * s.reads(), `${name}: ${s.reads()} reads for 12k lines, ${l.reads()} for 48k`);
  }
});

test('pathological lines complete with the right answer: no `=`, one huge line, thousands of `#`, only `=`', () => {
  // 200,000 excludes (and the empty line after the last newline)
  const excludes = parseSysctl('-k\n'.repeat(200_000));
  assert.equal(excludes.lines.length, 200_001);
  assert.equal(excludes.excludes.length, 200_000);
  assert.equal(excludes.lines[200_000].kind, 'blank');
  assert.deepEqual(svc.diagnose(excludes, DEFAULT_SETTINGS), []);
  assert.equal(svc.symbols(excludes).length, 200_000);

  // one 2 MB line without `=`
  const long = parseSysctl('x'.repeat(2_000_000));
  assert.equal(long.lines.length, 1);
  const e = long.lines[0];
  assert.ok(e.kind === 'error' && e.message === NO_EQUALS_MESSAGE);
  assert.deepEqual(
    svc.diagnose(long, DEFAULT_SETTINGS).map((f) => `${f.code} ${f.range.start.character}-${f.range.end.character}`),
    ['SYS004 0-2000000'],
  );

  // a value of 500,000 ` #`: the comment starts at the first `#`, the bare value is empty
  const hashes = parseSysctl('a = ' + ' #'.repeat(500_000));
  const a = hashes.lines[0];
  assert.ok(a.kind === 'assignment');
  assert.equal(a.key, 'a');
  assert.equal(a.bareValue, '');
  assert.equal(a.value.length, 999_999);
  assert.deepEqual([a.comment?.range.start.character, a.comment?.range.end.character], [5, 1_000_004]);
  assert.deepEqual(svc.diagnose(hashes, DEFAULT_SETTINGS), []);

  // a million `=`: the key before the first `=` is empty
  const equals = parseSysctl('='.repeat(1_000_000));
  const q = equals.lines[0];
  assert.ok(q.kind === 'error' && q.message === EMPTY_KEY_MESSAGE);
  assert.deepEqual(svc.diagnose(equals, DEFAULT_SETTINGS).map((f) => f.code), ['SYS004']);
});

test('reparse after typing one character in a 300k-line file builds one node and keeps all others', () => {
  const { text, doc: prev } = big();
  const at = text.indexOf('_150001 = ') + 3;
  const next = text.slice(0, at) + '7' + text.slice(at);
  const doc = reparseSysctl(prev, next);
  assert.equal(doc.lines.length, BIG);
  const fresh: number[] = [];
  for (let i = 0; i < BIG; i++) if (doc.lines[i] !== prev.lines[i]) fresh.push(i);
  assert.deepEqual(fresh, [150_001], 'only the edited line is parsed again');
  // ... and what it returns is what a full parse returns (exhaustively, for any edit, in
  // reparse.test.ts; here the parts that changed or moved).
  const full = parseSysctl(next);
  assert.deepStrictEqual(doc.lines[150_001], full.lines[150_001]);
  assert.equal(doc.lines[150_001].kind, 'assignment');
  assert.deepStrictEqual(doc.lines.slice(149_990, 150_010), full.lines.slice(149_990, 150_010));
  assert.deepStrictEqual(doc.lineStarts, full.lineStarts);
  assert.equal(doc.text, next);
  assert.deepEqual([doc.assignments.length, doc.errors.length, doc.excludes.length], [full.assignments.length, full.errors.length, full.excludes.length]);
  assert.equal(doc.assignments.find((x) => x.line === 150_001), doc.lines[150_001]);
});
