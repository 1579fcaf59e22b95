// Shared helpers for the sysctl unit tests: paths, golden files, compact AST summaries.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SysctlDocument, SysctlLine } from '../../../server/src/core/sysctl/ast';
import { dottedKey, splitSysctlKey } from '../../../server/src/core/sysctl/parse';
import type { Range } from '../../../server/src/core/types';

export const REPO = path.resolve(__dirname, '../../..');
export const FIXTURES = path.join(REPO, 'test/fixtures/sysctl');
/** The shared corpus lives beside the repository, wherever it is cloned. */
export const CORPUS = path.resolve(REPO, '../shared/corpus/sysctl');

export const UPDATE = process.env.UPDATE_GOLDEN === '1';

export function listFiles(dir: string, suffix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort();
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

/** Compares `actual` with a golden JSON file; with UPDATE_GOLDEN=1 rewrites it instead. */
export function golden(file: string, actual: unknown, render: (v: unknown) => string = (v) => JSON.stringify(v, null, 2) + '\n'): void {
  const text = render(actual);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) assert.fail(`missing golden ${path.relative(REPO, file)} (run with UPDATE_GOLDEN=1, then review it)`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.equal(text, readFileSync(file, 'utf8'), `golden mismatch: ${path.relative(REPO, file)}`);
}

/** A JSON array rendered one element per line (readable diffs, compact goldens). */
export function renderRows(v: unknown): string {
  if (Array.isArray(v) && v.length === 0) return '[]\n';
  if (Array.isArray(v)) return '[\n' + v.map((x) => '  ' + JSON.stringify(x)).join(',\n') + '\n]\n';
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => {
      const inner = Array.isArray(x) ? (x.length ? '[\n' + x.map((y) => '    ' + JSON.stringify(y)).join(',\n') + '\n  ]' : '[]') : JSON.stringify(x);
      return `  ${JSON.stringify(k)}: ${inner}`;
    });
    return '{\n' + entries.join(',\n') + '\n}\n';
  }
  return JSON.stringify(v) + '\n';
}

/** Trims the blanks sysctl trims (space, tab, VT, FF) — not String#trim, which also eats U+FEFF. */
export function blankTrim(s: string): string {
  return s.replace(/^[ \t\v\f]+|[ \t\v\f]+$/g, '');
}

/** Long strings shortened for goldens: head…(N chars)…tail. */
export function clip(s: string, max = 80): string {
  if (s.length <= max) return s;
  return `${s.slice(0, 40)}…(${s.length} chars)…${s.slice(-20)}`;
}

/** Single-line range as `start-end` columns (every sysctl range is on its node's line). */
export function cols(r: Range): string {
  assert.equal(r.start.line, r.end.line, 'ranges are single-line');
  return `${r.start.character}-${r.end.character}`;
}

/** `text@start-end`. */
function at(text: string, r: Range): string {
  return `${clip(text)}@${cols(r)}`;
}

/** Compact summary of one line node, for parse goldens. */
export function summarizeLine(n: SysctlLine): Record<string, unknown> {
  const o: Record<string, unknown> = { l: n.line, kind: n.kind, range: cols(n.range) };
  switch (n.kind) {
    case 'blank':
      break;
    case 'comment':
      o.text = at(n.text, n.textRange);
      break;
    case 'error':
      o.reason = n.reason;
      o.text = at(n.text, n.textRange);
      break;
    case 'exclude':
      o.ignore = cols(n.ignoreRange);
      o.rawKey = at(n.rawKey, n.keyRange);
      o.key = clip(n.key);
      o.components = n.components.map((c) => clip(c));
      if (n.glob) o.glob = true;
      break;
    case 'assignment':
      if (n.ignoreRange) o.ignore = cols(n.ignoreRange);
      o.rawKey = at(n.rawKey, n.keyRange);
      o.key = clip(n.key);
      o.components = n.components.map((c) => clip(c));
      if (n.glob) o.glob = true;
      o.eq = cols(n.equalsRange);
      o.value = at(n.value, n.valueRange);
      if (n.comment) {
        o.bareValue = at(n.bareValue, n.bareValueRange);
        o.comment = at(n.comment.text, n.comment.range);
      }
      break;
  }
  return o;
}

/** The parser's key fields agree with the reference splitter (its fast path included). */
function checkKey(n: { rawKey: string; key: string; components: string[]; path: string; glob: boolean }): void {
  const { components } = splitSysctlKey(n.rawKey);
  assert.deepEqual(n.components, components, `components of ${JSON.stringify(n.rawKey)}`);
  assert.equal(n.key, dottedKey(components));
  assert.equal(n.path, components.join('/'));
  assert.equal(n.glob, /[*?[]/.test(n.rawKey));
  assert.ok(components.every((c) => c.length > 0 && c !== '.' && !c.includes('/')));
}

/**
 * Checks the structural invariants every parse must satisfy and returns the number of
 * ranges checked: one node per line in order, every range inside its line, and slicing the
 * text by a range gives back exactly the field it describes.
 */
export function checkRoundTrip(text: string, doc: SysctlDocument): number {
  // Independent line split (LF, CRLF, lone CR).
  const physical = text.split(/\r\n|\r|\n/);
  assert.equal(doc.lines.length, physical.length, 'one node per line');
  assert.equal(doc.text, text);
  assert.equal(doc.bom, text.charCodeAt(0) === 0xfeff);
  let checked = 0;
  let offset = 0;
  const slice = (r: Range): string => {
    const l = r.start.line;
    assert.equal(r.end.line, l);
    assert.ok(r.start.character >= 0 && r.start.character <= r.end.character, 'ordered range');
    assert.ok(r.end.character <= physical[l].length, 'range inside its line');
    checked++;
    return physical[l].slice(r.start.character, r.end.character);
  };
  const assignments: SysctlLine[] = [];
  const errors: SysctlLine[] = [];
  const excludes: SysctlLine[] = [];
  for (let l = 0; l < physical.length; l++) {
    const n = doc.lines[l];
    assert.equal(n.line, l, 'node line numbers follow the lines');
    assert.equal(doc.lineStarts[l], offset, 'lineStarts');
    const content = l === 0 && doc.bom ? physical[0].slice(1) : physical[l];
    assert.equal(slice(n.range), content, 'line range = the line without EOL (and BOM)');
    offset += physical[l].length + (text.startsWith('\r\n', offset + physical[l].length) ? 2 : 1);
    switch (n.kind) {
      case 'blank':
        assert.equal(blankTrim(content), '');
        break;
      case 'comment':
        assert.equal(slice(n.textRange), n.text);
        assert.equal(n.text, blankTrim(content));
        break;
      case 'error':
        errors.push(n);
        assert.equal(slice(n.textRange), n.text);
        assert.equal(n.text, blankTrim(content));
        break;
      case 'exclude':
        excludes.push(n);
        assert.equal(slice(n.ignoreRange), '-');
        assert.equal(slice(n.keyRange), n.rawKey);
        checkKey(n);
        break;
      case 'assignment': {
        assignments.push(n);
        if (n.ignoreRange) assert.equal(slice(n.ignoreRange), '-');
        assert.equal(n.ignoreFailure, n.ignoreRange !== undefined);
        assert.equal(slice(n.keyRange), n.rawKey);
        checkKey(n);
        assert.equal(slice(n.equalsRange), '=');
        assert.equal(slice(n.valueRange), n.value);
        assert.equal(slice(n.bareValueRange), n.bareValue);
        assert.ok(n.value.startsWith(n.bareValue));
        if (n.comment) {
          assert.equal(slice(n.comment.range), n.comment.text);
          assert.ok(n.value.endsWith(n.comment.text), 'an inline comment is the tail of the value');
        } else {
          assert.equal(n.bareValue, n.value);
        }
        // The pieces in order: [-] key = value, only blanks between them.
        assert.ok(n.keyRange.end.character <= n.equalsRange.start.character);
        assert.ok(n.equalsRange.end.character <= n.valueRange.start.character);
        assert.equal(n.value, blankTrim(n.value));
        assert.equal(n.rawKey, blankTrim(n.rawKey));
        break;
      }
    }
  }
  const same = (a: SysctlLine[], b: SysctlLine[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  assert.ok(same(doc.assignments, assignments), 'doc.assignments = the assignment nodes in order');
  assert.ok(same(doc.errors, errors), 'doc.errors = the error nodes in order');
  assert.ok(same(doc.excludes, excludes), 'doc.excludes = the exclude nodes in order');
  return checked;
}
