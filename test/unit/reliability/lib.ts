// Shared checks for the reliability tests: every range a language service returns lies
// inside the document (UTF-16 columns, never splitting a surrogate pair), edits apply
// cleanly, and the two printers that rebuild a document from its parse (losslessness).
// Pure helpers; no IO.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as core from '../../../server/src/core';
import type { Analysis } from '../../../server/src/core';
import type { IptablesDocument, IptLine, Token } from '../../../server/src/core/iptables/ast';
import type { LanguageId, LanguageService } from '../../../server/src/core/service';
import type { Settings } from '../../../server/src/core/settings';
import type { SysctlDocument } from '../../../server/src/core/sysctl/ast';
import type { CodeAction, CodeActionKind, Finding, Position, Range, TextEdit } from '../../../server/src/core/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyService = LanguageService<any>;

/** The document's lines as an editor sees them (LF, CRLF and lone CR end a line), computed independently of core/text.ts. */
export function editorLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Offset of each line's column 0 (same line breaking as {@link editorLines}). */
export function lineOffsets(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (c === 10 || c === 13) out.push(i + 1);
  }
  return out;
}

/** assert.ok with a message built only on failure (the checks below run millions of times). */
function check(cond: unknown, msg: () => string): void {
  if (!cond) assert.fail(msg());
}

/** assert.equal (strict) with a lazily built message. */
function same<T>(actual: T, expected: T, msg: () => string): void {
  if (actual !== expected) assert.fail(`${msg()}: ${JSON.stringify(actual)} !== ${JSON.stringify(expected)}`);
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Throws unless `p` is a position inside the document (integer, in range, not inside a surrogate pair). */
export function checkPosition(p: Position, lines: string[], what: string): void {
  // Hot path (millions of calls on hostile documents): build messages only on failure.
  if (!p || !Number.isInteger(p.line) || !Number.isInteger(p.character)) assert.fail(`${what}: not an integer position ${JSON.stringify(p)}`);
  if (p.line < 0 || p.line >= lines.length) assert.fail(`${what}: line ${p.line} outside 0..${lines.length - 1}`);
  const l = lines[p.line];
  const c = p.character;
  if (c < 0 || c > l.length) assert.fail(`${what}: column ${c} outside 0..${l.length} on line ${p.line}`);
  if (c > 0 && c < l.length && isHigh(l.charCodeAt(c - 1)) && isLow(l.charCodeAt(c))) assert.fail(`${what}: column ${c} splits a surrogate pair on line ${p.line}`);
}

export function checkRange(r: Range, lines: string[], what: string): void {
  if (!r || !r.start || !r.end) assert.fail(`${what}: not a range ${JSON.stringify(r)}`);
  checkPosition(r.start, lines, what);
  checkPosition(r.end, lines, what);
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) assert.fail(`${what}: inverted range ${JSON.stringify(r)}`);
}

export function within(inner: Range, outer: Range): boolean {
  const le = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

/** The whole document as a range. */
export function fullRange(text: string): Range {
  const lines = editorLines(text);
  return { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } };
}

/** Checks the edits of one action: inside the document and not overlapping each other. */
export function checkEdits(edits: TextEdit[], lines: string[], what: string): void {
  assert.ok(Array.isArray(edits), `${what}: edits is not an array`);
  edits.forEach((e, i) => {
    checkRange(e.range, lines, `${what} edit ${i}`);
    assert.equal(typeof e.newText, 'string', `${what} edit ${i}: newText`);
  });
  const sorted = [...edits].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1].range.end;
    const b = sorted[i].range.start;
    check(a.line < b.line || (a.line === b.line && a.character <= b.character), () => `${what}: edits overlap ${JSON.stringify(sorted[i - 1].range)} / ${JSON.stringify(sorted[i].range)}`);
  }
}

/** Applies non-overlapping edits (LSP semantics: all ranges refer to the original text). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const offs = lineOffsets(text);
  const at = (p: Position): number => offs[p.line] + p.character;
  const sorted = edits.map((e) => ({ s: at(e.range.start), e: at(e.range.end), t: e.newText })).sort((a, b) => a.s - b.s || a.e - b.e);
  let out = '';
  let last = 0;
  for (const x of sorted) {
    assert.ok(x.s >= last, 'overlapping edits');
    out += text.slice(last, x.s) + x.t;
    last = x.e;
  }
  return out + text.slice(last);
}

/** A few positions spread over the document (starts, middles and ends of sampled lines). */
export function samplePositions(lines: string[], count = 12): Position[] {
  const out: Position[] = [];
  const step = Math.max(1, Math.floor(lines.length / count));
  for (let l = 0; l < lines.length && out.length < count * 3; l += step) {
    const len = lines[l].length;
    let mid = len >> 1;
    if (mid > 0 && isLow(lines[l].charCodeAt(mid)) && isHigh(lines[l].charCodeAt(mid - 1))) mid--;
    out.push({ line: l, character: 0 }, { line: l, character: mid }, { line: l, character: len });
  }
  const last = lines.length - 1;
  out.push({ line: last, character: lines[last].length });
  return out;
}

export interface FeatureCounts {
  findings: number;
  symbols: number;
  folding: number;
  tokens: number;
  hints: number;
  lenses: number;
  actions: number;
  edits: number;
}

/**
 * Calls every method of the language service on `doc` and checks that every range, position
 * and edit it returns lies inside `text`: diagnostics (and related ranges), symbols (selection
 * inside range, children inside parents), folding, semantic tokens (sorted, non-overlapping,
 * single-line, inside their line), inlay hints, code lenses, code actions, hover, completion,
 * navigation and rename at `positions`.
 */
export interface CheckOptions {
  /** Where to ask hover, completion, navigation and rename (default: spread over the document). */
  positions?: Position[];
  /** Each single request must answer within this many milliseconds. */
  limitMs?: number;
}

export function checkAllFeatures(service: AnyService, doc: unknown, text: string, settings: Settings, opts: CheckOptions = {}): FeatureCounts {
  const lines = editorLines(text);
  const full = fullRange(text);
  const c: FeatureCounts = { findings: 0, symbols: 0, folding: 0, tokens: 0, hints: 0, lenses: 0, actions: 0, edits: 0 };
  const limit = opts.limitMs ?? Infinity;
  const timed = <T>(what: string, fn: () => T): T => {
    const t0 = performance.now();
    const r = fn();
    const ms = performance.now() - t0;
    assert.ok(ms < limit, `${what} took ${ms.toFixed(0)} ms (limit ${limit} ms)`);
    return r;
  };
  service = new Proxy(service, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (...args: unknown[]) => timed(String(prop), () => v.apply(target, args)) : v;
    },
  });

  const findings: Finding[] = service.diagnose(doc, settings);
  for (const f of findings) {
    checkRange(f.range, lines, `finding ${f.code}`);
    for (const r of f.related ?? []) checkRange(r.range, lines, `finding ${f.code} related`);
    c.findings++;
  }

  const walk = (s: { name: string; range: Range; selectionRange: Range; children?: unknown[] }, parent: Range | null): void => {
    checkRange(s.range, lines, `symbol ${s.name}`);
    checkRange(s.selectionRange, lines, `symbol ${s.name} selection`);
    check(within(s.selectionRange, s.range), () => `symbol ${s.name}: selectionRange outside range`);
    if (parent) check(within(s.range, parent), () => `symbol ${s.name}: outside its parent`);
    c.symbols++;
    for (const ch of (s.children ?? []) as (typeof s)[]) walk(ch, s.range);
  };
  for (const s of service.symbols(doc)) walk(s, null);

  for (const f of service.folding(doc)) {
    check(Number.isInteger(f.startLine) && Number.isInteger(f.endLine) && 0 <= f.startLine && f.startLine <= f.endLine && f.endLine < lines.length, () => `folding ${JSON.stringify(f)}`);
    c.folding++;
  }

  let prevLine = -1;
  let prevEnd = 0;
  for (const t of service.semanticTokens(doc)) {
    if (!(t.length > 0)) assert.fail(`token of length ${t.length}`);
    checkPosition({ line: t.line, character: t.character }, lines, 'token start');
    checkPosition({ line: t.line, character: t.character + t.length }, lines, 'token end');
    if (!(t.line > prevLine || (t.line === prevLine && t.character >= prevEnd))) assert.fail(`tokens not sorted or overlapping at ${t.line}:${t.character}`);
    prevLine = t.line;
    prevEnd = t.character + t.length;
    c.tokens++;
  }

  for (const h of service.inlayHints(doc, full, settings)) {
    checkPosition(h.position, lines, `inlay hint ${h.label}`);
    c.hints++;
  }
  for (const l of service.codeLenses?.(doc, undefined, settings) ?? []) {
    checkRange(l.range, lines, `code lens ${l.title}`);
    c.lenses++;
  }

  const checkActions = (actions: CodeAction[], what: string): void => {
    for (const a of actions) {
      checkEdits(a.edits, lines, `${what} "${a.title}"`);
      for (const f of a.fixes ?? []) checkRange(f.range, lines, `${what} "${a.title}" fixes`);
      c.actions++;
      c.edits += a.edits.length;
    }
  };
  checkActions(service.codeActions(doc, full, findings, settings), 'code action');
  checkActions(service.codeActions(doc, full, findings, settings, ['source.fixAll'] as CodeActionKind[]), 'fixAll');

  for (const p of opts.positions ?? samplePositions(lines)) {
    const h = service.hover(doc, p, settings);
    if (h) {
      assert.equal(typeof h.contents, 'string', 'hover contents');
      if (h.range) checkRange(h.range, lines, 'hover');
    }
    for (const it of service.completion(doc, p, settings)) if (it.range) checkRange(it.range, lines, `completion ${it.label}`);
    for (const l of service.definition?.(doc, p) ?? []) checkRange(l.range, lines, 'definition');
    for (const l of service.references?.(doc, p, true) ?? []) checkRange(l.range, lines, 'references');
    const prep = service.prepareRename?.(doc, p);
    if (prep) checkRange(prep.range, lines, 'prepareRename');
    const edits = service.rename?.(doc, p, 'RENAMED_1');
    if (edits) checkEdits(edits, lines, 'rename');
    const narrow = { start: p, end: p };
    checkActions(service.codeActions(doc, narrow, findings, settings), 'code action at cursor');
    for (const h2 of service.inlayHints(doc, narrow, settings)) checkPosition(h2.position, lines, 'inlay hint (narrow)');
  }
  return c;
}

// ---------------------------------------------------------------- printers

const EOLS = new Set(['\n', '\r\n', '\r']);

/** Pieces of one line as the parse describes them: [start column, text the AST holds]. */
type Piece = [number, string];

/**
 * Rebuilds one line from its pieces. Between and around pieces only `blank` characters may
 * appear (they are what the AST does not store, like spaces between arguments); the piece
 * texts come from the AST and must sit exactly where their ranges say.
 */
function printLine(src: string, pieces: Piece[], blank: (c: string) => boolean, tailFrom: number | null, where: string): string {
  const sorted = [...pieces].sort((a, b) => a[0] - b[0]);
  let out = '';
  let col = 0;
  const gap = (to: number): void => {
    const g = src.slice(col, to);
    for (const ch of g) check(blank(ch), () => `${where}: ${JSON.stringify(g)} at column ${col} is in no AST node`);
    out += g;
  };
  for (const [start, text] of sorted) {
    check(start >= col, () => `${where}: overlapping pieces at column ${start}`);
    gap(start);
    same(src.slice(start, start + text.length), text, () => `${where}: AST text differs from the source at column ${start}`);
    out += text;
    col = start + text.length;
  }
  if (tailFrom !== null && col >= tailFrom) {
    // Text the tool itself ignores (words after a table name, after a chain's counters).
    out += src.slice(col);
    col = src.length;
  }
  gap(src.length);
  return out;
}

const sysctlBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\v' || c === '\f';

/**
 * Prints a sysctl document back from its parse: each line from its node's fields (prefix,
 * key, `=`, value with inline comment, comment text, error text) and the blanks between them,
 * then the line's end-of-line sequence. Throws when a non-blank character belongs to no field,
 * a field's text is not what the source holds there, or the lines do not tile the text.
 */
export function printSysctl(doc: SysctlDocument): string {
  const text = doc.text;
  let out = doc.bom ? '\uFEFF' : '';
  same(doc.lines.length, doc.lineStarts.length, () => 'one lineStart per line');
  doc.lines.forEach((n, i) => {
    same(n.line, i, () => `line ${i}: node.line`);
    const col0 = i === 0 && doc.bom ? 1 : 0;
    same(n.range.start.line, i, () => `line ${i}: range starts on another line`);
    same(n.range.end.line, i, () => `line ${i}: range ends on another line`);
    same(n.range.start.character, col0, () => `line ${i}: range starts after the BOM only`);
    const start = doc.lineStarts[i];
    const src = text.slice(start, start + n.range.end.character);
    const pieces: Piece[] = [];
    const add = (r: Range | undefined, s: string): void => {
      if (!r) return;
      same(r.start.line, i, () => `line ${i}: field on another line`);
      same(r.end.character - r.start.character, s.length, () => `line ${i}: field range length ≠ its text (${JSON.stringify(s)})`);
      if (s.length) pieces.push([r.start.character, s]);
    };
    if (col0) pieces.push([0, '\uFEFF']);
    switch (n.kind) {
      case 'blank':
        break;
      case 'comment':
        add(n.textRange, n.text);
        break;
      case 'error':
        add(n.textRange, n.text);
        break;
      case 'exclude':
        add(n.ignoreRange, '-');
        add(n.keyRange, n.rawKey);
        break;
      case 'assignment':
        if (n.ignoreFailure) add(n.ignoreRange, '-');
        add(n.keyRange, n.rawKey);
        add(n.equalsRange, '=');
        add(n.valueRange, n.value);
        if (n.comment) check(within(n.comment.range, n.valueRange), () => `line ${i}: inline comment outside the value`);
        check(within(n.bareValueRange, n.valueRange), () => `line ${i}: bare value outside the value`);
        break;
    }
    const line = printLine(src, pieces, sysctlBlank, null, `sysctl line ${i} (${n.kind})`);
    out += col0 ? line.slice(1) : line;
    const next = i + 1 < doc.lines.length ? doc.lineStarts[i + 1] : text.length;
    const eol = text.slice(start + n.range.end.character, next);
    check(i + 1 < doc.lines.length ? EOLS.has(eol) : eol === '', () => `line ${i}: ${JSON.stringify(eol)} between lines is not one end-of-line`);
    out += eol;
  });
  return out;
}

const iptBlank = (c: string): boolean => c === ' ' || c === '\t';

function tokenPieces(tokens: Token[] | undefined, i: number, pieces: Piece[]): void {
  for (const t of tokens ?? []) {
    same(t.range.start.line, i, () => `line ${i}: token on another line`);
    same(t.range.end.character - t.range.start.character, t.raw.length, () => `line ${i}: token range ≠ raw ${JSON.stringify(t.raw)}`);
    if (!t.quoted) same(t.value, t.raw, () => `line ${i}: unquoted token value ≠ raw`);
    pieces.push([t.range.start.character, t.raw]);
  }
}

/**
 * Prints an iptables document back from its parse: comments from their text, `*table`,
 * `:CHAIN POLICY [p:b]` and COMMIT from their fields, command and error lines from their
 * arguments (raw text, quotes included) and counters, the spaces/tabs between them, then
 * the end-of-line sequences. Words restore itself ignores (after a table name, after a
 * chain's counters) are copied. Throws where a non-blank character belongs to no node.
 */
export function printIptables(doc: IptablesDocument): string {
  const text = doc.text;
  const offs = lineOffsets(text);
  same(doc.lines.length, offs.length, () => 'one node per line');
  let out = '';
  doc.lines.forEach((n: IptLine, i) => {
    same(n.line, i, () => `line ${i}: node.line`);
    same(n.range.start.line, i, () => `line ${i}: range starts on another line`);
    same(n.range.start.character, 0, () => `line ${i}: range starts at column 0`);
    const start = offs[i];
    const src = text.slice(start, start + n.range.end.character);
    const next = i + 1 < offs.length ? offs[i + 1] : text.length;
    const eol = text.slice(start + n.range.end.character, next);
    check(i + 1 < offs.length ? EOLS.has(eol) : eol === '', () => `line ${i}: ${JSON.stringify(eol)} between lines is not one end-of-line`);
    const col0 = i === 0 && doc.bom ? 1 : 0;
    const pieces: Piece[] = col0 ? [[0, '\uFEFF']] : [];
    let tail: number | null = null;
    const field = (r: Range, s: string): void => {
      same(r.end.character - r.start.character, s.length, () => `line ${i}: field range ≠ ${JSON.stringify(s)}`);
      if (s.length) pieces.push([r.start.character, s]);
    };
    switch (n.kind) {
      case 'blank':
        break;
      case 'comment':
        pieces.push([col0, n.text]);
        break;
      case 'commit':
        pieces.push([col0, 'COMMIT']);
        break;
      case 'table':
        pieces.push([col0, '*']);
        if (n.name) field(n.nameRange, n.name);
        tail = n.name ? n.nameRange.end.character : col0 + 1;
        break;
      case 'chain':
        pieces.push([col0, ':']);
        field(n.nameRange, n.name);
        field(n.policyRange, n.policy);
        if (n.counters) {
          const r = n.counters.range;
          pieces.push([r.start.character, src.slice(r.start.character, r.end.character)]);
          tail = r.end.character;
        } else tail = n.policy ? n.policyRange.end.character : n.nameRange.end.character;
        break;
      case 'command': {
        tokenPieces(n.tokens, i, pieces);
        const c = n.counters?.range;
        if (c && !n.tokens.some((t) => t.range.start.character < c.end.character && c.start.character < t.range.end.character)) {
          same(c.start.character, col0, () => `line ${i}: counter prefix not at the line start`);
          const raw = src.slice(c.start.character, c.end.character);
          check(raw.startsWith('['), () => `line ${i}: counters ${JSON.stringify(raw)} do not start with [`);
          if (n.counters!.numeric) same(raw, `[${n.counters!.packets}:${n.counters!.bytes}]`, () => `line ${i}: counters ≠ AST`);
          // restore reads odd counters with strtok(), which can swallow the rest of the line
          // (`[:] -A X -s ::1` ends at the first `:` of the address): that text is the counters'.
          else tail = Math.max(c.end.character, ...n.tokens.map((t) => t.range.end.character));
          pieces.push([c.start.character, raw]);
        }
        break;
      }
      case 'error':
        // An error line is data as a whole; its arguments, when known, must account for it.
        if (n.tokens?.length) {
          tokenPieces(n.tokens, i, pieces);
          // A rejected line may hold text restore never splits into arguments (a broken
          // `[p:b]` prefix, what its strtok() cut off): before the first and after the last
          // argument it is copied as the error's own text.
          const first = Math.min(...n.tokens.map((t) => t.range.start.character));
          if (first > col0 && [...src.slice(col0, first)].some((ch) => !iptBlank(ch))) pieces.push([col0, src.slice(col0, first)]);
          tail = Math.max(...n.tokens.map((t) => t.range.end.character));
        } else if (src.length > col0) pieces.push([col0, src.slice(col0)]);
        break;
    }
    out += printLine(src, pieces, iptBlank, tail, `iptables line ${i} (${n.kind})`) + eol;
  });
  return out;
}

/** True when `r` lies on lines [from, to] (the end may be column 0 of the line after `to`, i.e. the line's end-of-line). */
export function onLines(r: Range, from: number, to: number): boolean {
  const endOk = r.end.line <= to || (r.end.line === to + 1 && r.end.character === 0);
  return r.start.line >= from && r.start.line <= to + 1 && endOk;
}

// ---------------------------------------------------------------- quick-fix properties

export interface FixStats {
  /** Actions for the whole document whose edits were applied and re-parsed. */
  actions: number;
  /** Quick-fixes asked for one finding, checked to edit only that finding's lines. */
  quickfixes: number;
  /** Documents where source.fixAll changed something (and a second run was checked). */
  fixAll: number;
  /** Codes whose fixes were seen. */
  codes: Set<string>;
}

export function newFixStats(): FixStats {
  return { actions: 0, quickfixes: 0, fixAll: 0, codes: new Set() };
}

/** Syntax errors the parse itself found (both languages keep them in `doc.errors`). */
function parseErrors(doc: unknown): number {
  const e = (doc as { errors?: unknown[] } | null)?.errors;
  return Array.isArray(e) ? e.length : 0;
}

function applyFixAll(service: AnyService, text: string, settings: Settings): string {
  const doc = service.parse(text);
  const findings = service.diagnose(doc, settings);
  const actions = service.codeActions(doc, fullRange(text), findings, settings, ['source.fixAll']);
  for (const a of actions) assert.ok(a.kind.startsWith('source.fixAll'), `only=source.fixAll returned ${a.kind}`);
  const a = actions.find((x) => x.edits.length);
  if (!a) return text;
  checkEdits(a.edits, editorLines(text), `fixAll "${a.title}"`);
  return applyEdits(text, a.edits);
}

/**
 * The quick-fix properties on one text, for every action the service offers (so fixes added
 * later are covered without touching this test):
 * - every action's edits lie inside the document and do not overlap; applying them gives a
 *   text that parses without throwing and with no more syntax errors than before;
 * - a quick-fix asked for one finding edits only that finding's lines (or the lines of its
 *   related information, e.g. the table a missing COMMIT belongs to);
 * - `source.fixAll` applied twice gives what applying it once gives.
 */
export function checkFixes(service: AnyService, text: string, settings: Settings, stats: FixStats): void {
  const doc = service.parse(text);
  const lines = editorLines(text);
  const findings: Finding[] = service.diagnose(doc, settings);
  const before = parseErrors(doc);
  for (const a of service.codeActions(doc, fullRange(text), findings, settings)) {
    checkEdits(a.edits, lines, `action "${a.title}"`);
    if (!a.edits.length) continue;
    const after = applyEdits(text, a.edits);
    const doc2 = service.parse(after);
    assert.ok(parseErrors(doc2) <= before, `action "${a.title}" (${a.kind}) adds syntax errors: ${before} → ${parseErrors(doc2)}\n--- after:\n${JSON.stringify(after)}`);
    for (const f of a.fixes ?? []) stats.codes.add(f.code);
    stats.actions++;
  }
  for (const f of findings) {
    const spans: [number, number][] = [[f.range.start.line, f.range.end.line], ...(f.related ?? []).map((r): [number, number] => [r.range.start.line, r.range.end.line])];
    for (const a of service.codeActions(doc, f.range, [f], settings, ['quickfix'])) {
      checkEdits(a.edits, lines, `quick-fix "${a.title}" for ${f.code}`);
      for (const e of a.edits) {
        assert.ok(spans.some(([s, t]) => onLines(e.range, s, t)), `quick-fix "${a.title}" for ${f.code} at line ${f.range.start.line + 1} edits ${JSON.stringify(e.range)}, outside the finding's lines`);
      }
      stats.quickfixes++;
      stats.codes.add(f.code);
    }
  }
  const once = applyFixAll(service, text, settings);
  if (once !== text) {
    assert.ok(parseErrors(service.parse(once)) <= before, 'source.fixAll adds syntax errors');
    const twice = applyFixAll(service, once, settings);
    assert.equal(twice, once, 'source.fixAll applied twice differs from once');
    stats.fixAll++;
  }
}

/**
 * Incremental re-analysis tells the same as a fresh one: after replacing `text[from, to)` with
 * `insert`, the diagnostics, symbols and semantic tokens of `reanalyze(old, new)` equal those
 * of `analyze(new)` (an incremental parser that drifts would show stale errors).
 */
function checkReanalyze(lang: LanguageId, text: string, from: number, to: number, insert: string): void {
  const analyze = (t: string): Analysis => core.analyze(lang, undefined, t)!;
  const diagnose = (a: Analysis): Finding[] => core.diagnose(a, core.DEFAULT_SETTINGS);
  const a = analyze(text);
  diagnose(a); // what the server has computed for the old version
  const next = text.slice(0, from) + insert + text.slice(to);
  const inc = core.reanalyze(a, next);
  const fresh = analyze(next);
  const view = (x: Analysis): unknown => ({
    findings: diagnose(x).map((f) => [f.code, f.severity, f.range, f.message]),
    symbols: JSON.parse(JSON.stringify(x.service.symbols(x.doc))),
    tokens: x.service.semanticTokens(x.doc).map((t) => [t.line, t.character, t.length, t.type]),
  });
  const want = view(fresh);
  assert.deepEqual(view(inc), want, `incremental ≠ fresh after replacing [${from}, ${to}) with ${JSON.stringify(insert)}`);
  // the same edit as an editor sends it (a range, here and there written end first), to a fresh
  // analysis (an offset between CR and LF is no editor position: such an edit is not sent)
  if (text[from - 1] === '\r' && text[from] === '\n') return;
  if (text[to - 1] === '\r' && text[to] === '\n') return;
  const b = analyze(text);
  diagnose(b);
  const range = { start: positionOf(text, from), end: positionOf(text, to) };
  const change = { range: (from + to) % 2 ? { start: range.end, end: range.start } : range, text: insert };
  const edited = core.reanalyze(b, [change]);
  assert.equal(edited.text, next, `the changes give another text than replacing [${from}, ${to}) with ${JSON.stringify(insert)}`);
  assert.deepEqual(view(edited), want, `re-analysis from the change ≠ fresh after replacing [${from}, ${to}) with ${JSON.stringify(insert)}`);
}

/** The editor position of offset `off` (LF, CRLF and lone CR end a line; inside a CRLF it is the end of the line). */
function positionOf(text: string, off: number): { line: number; character: number } {
  const lines = core.splitLines(text);
  let i = lines.length - 1;
  while (i > 0 && lines[i].offset > off) i--;
  return { line: i, character: Math.min(off - lines[i].offset, lines[i].text.length) };
}

/**
 * The property behind checkReanalyze: a generated file, any slice of it (up to 40 characters)
 * replaced by a generated line, a line with its end, or a fragment that changes the structure.
 */
export function reanalyzeProperty(lang: LanguageId, file: fc.Arbitrary<string>, line: fc.Arbitrary<string>, skip = 0) {
  const fragments = fc.constantFrom('', '\n', '\r\n', '\r', ' ', '"', '#', 'COMMIT\n', '*nat\n', '-A INPUT -j ACCEPT\n');
  return fc.property(file, fc.nat(), fc.nat(40), fc.oneof(line, line.map((l) => l + '\n'), fragments), (text, at, len, insert) => {
    // (`skip`: edits start at or after this offset, when there is text after it)
    const from = text.length > skip ? skip + (at % (text.length - skip + 1)) : text.length ? at % (text.length + 1) : 0;
    checkReanalyze(lang, text, from, Math.min(text.length, from + len), insert);
  });
}

/**
 * Several content changes in one notification (multi-cursor edits, a formatter's edits), each
 * relative to the text the previous ones left, re-analysed from the changes: the same as a
 * fresh analysis of the text they give. Positions are any line (from `firstLine`) and column
 * near the text (clamped as editors do), ranges mostly over a line or two and here and there
 * written end first.
 */
export function changesProperty(lang: LanguageId, file: fc.Arbitrary<string>, line: fc.Arbitrary<string>, firstLine = 0) {
  // (mostly within a line or two: edits that span many lines mostly take in a line the fast path leaves)
  const range = fc
    .tuple(fc.nat(firstLine ? 10 : 40), fc.nat(90), fc.oneof({ weight: 4, arbitrary: fc.nat(1) }, { weight: 1, arbitrary: fc.nat(40) }), fc.nat(90), fc.boolean())
    .map(([l, c, d, c2, flip]) => {
      const start = { line: l + firstLine, character: c };
      const end = { line: l + firstLine + d, character: c2 };
      return flip ? { start: end, end: start } : { start, end };
    });
  const change = fc.record({ range, text: fc.oneof(line, line.map((l) => l + '\n'), fc.constantFrom('', '\n', 'x')) });
  return fc.property(file, fc.array(change, { minLength: 1, maxLength: 4 }), (text, changes) => {
    const a = core.analyze(lang, undefined, text)!;
    core.diagnose(a, core.DEFAULT_SETTINGS);
    const next = core.applyChanges(text, changes);
    const edited = core.reanalyze(a, changes);
    const fresh = core.analyze(lang, undefined, next)!;
    assert.equal(edited.text, next);
    const view = (x: Analysis): unknown => ({
      findings: core.diagnose(x, core.DEFAULT_SETTINGS).map((f) => [f.code, f.severity, f.range, f.message]),
      tokens: x.service.semanticTokens(x.doc).map((t) => [t.line, t.character, t.length, t.type]),
    });
    assert.deepEqual(view(edited), view(fresh), `changes ${JSON.stringify(changes)}`);
  });
}
