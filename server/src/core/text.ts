// Line splitting and position helpers. LSP positions count UTF-16 code units,
// which is exactly what JavaScript string indices are, so a column is a string index.

import type { Position, Range } from './types';

export interface Line {
  /** Line text without its end-of-line sequence. */
  text: string;
  /** The end-of-line sequence that followed it: '\n', '\r\n', '\r' or '' (last line). */
  eol: string;
  /** Offset of the line's first character in the whole text. */
  offset: number;
}

/**
 * Splits text into lines the way editors do (LF, CRLF and lone CR all end a line).
 * A BOM at the start stays part of line 0's text: callers that care strip it with {@link bomLength}.
 * Joining `text + eol` of every line gives back the input exactly.
 */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */ || c === 13 /* \r */) {
      let eol = text[i];
      if (c === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10) eol = '\r\n';
      lines.push({ text: text.slice(start, i), eol, offset: start });
      i += eol.length - 1;
      start = i + 1;
    }
  }
  lines.push({ text: text.slice(start), eol: '', offset: start });
  return lines;
}

/** The offset where each line starts (LF, CRLF and lone CR end a line, as in {@link splitLines}). */
export function lineStartOffsets(text: string, lfOnly = !text.includes('\r')): number[] {
  const a = [0];
  if (lfOnly) {
    // no CR anywhere: the native search is much faster than a loop over every character
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) a.push(i + 1);
    return a;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) a.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      a.push(i + 1);
    }
  }
  return a;
}

/** A copy of `s` that shares no storage with the (large) string it may be a slice of. */
export function detach(s: string): string {
  // concatenation + slice makes V8 flatten into a new, small string
  return (s + ' ').slice(0, s.length);
}

/** 1 when the text starts with a UTF-8 BOM (U+FEFF), else 0. */
export function bomLength(text: string): number {
  return text.charCodeAt(0) === 0xfeff ? 1 : 0;
}

export function pos(line: number, character: number): Position {
  return { line, character };
}

export function range(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

export function lineRange(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

export function comparePos(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** True when `p` lies within `r` (end inclusive, as hovering at a word's end should still hit it). */
export function contains(r: Range, p: Position): boolean {
  return comparePos(r.start, p) <= 0 && comparePos(p, r.end) <= 0;
}

export function overlaps(a: Range, b: Range): boolean {
  return comparePos(a.start, b.end) <= 0 && comparePos(b.start, a.end) <= 0;
}

/**
 * Binary search over a sorted sequence: the first index `i` in [0, n) with `key(i) >= target`,
 * or `n` when there is none. `key` must not decrease with `i` (lines of nodes in file order …).
 */
export function firstAtOrAfter(n: number, key: (i: number) => number, target: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The line holding offset `off`, given each line's start offset (`starts[0]` is 0): the last
 * index `i <= last` with `starts[i] <= off`. `last` leaves out a trailing end-of-text entry.
 */
export function lineOfOffset(starts: ArrayLike<number>, off: number, last = starts.length - 1): number {
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= off) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ------------------------------------------------------------------ edits

/** One content change as LSP sends it: `range` replaced by `text`, or (no range) the whole new text. */
export interface TextChange {
  range?: Range;
  text: string;
}

/** A coordinate from a client: an integer, or 0 for anything else (NaN, strings …). */
export function coord(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? Math.floor(x) : 0;
}

/**
 * The change's range with its ends in order and as integers (an editor may send the end
 * first; vscode-languageserver-textdocument reads such a range forwards too).
 */
export function wellFormed(r: Range): Range {
  const s = { line: coord(r?.start?.line), character: coord(r?.start?.character) };
  const e = { line: coord(r?.end?.line), character: coord(r?.end?.character) };
  return comparePos(s, e) <= 0 ? { start: s, end: e } : { start: e, end: s };
}

/**
 * Offset of `p` in a text of `length` characters whose lines start at `starts`, clamped as
 * editors expect (vscode-languageserver-textdocument's offsetAt): a line past the end is the
 * end of the text, a column past the end of its line is the line's end before its line break.
 * `isEol(i)`: the character at offset `i` is CR or LF.
 */
export function clampedOffset(starts: ArrayLike<number>, lineCount: number, length: number, p: Position, isEol: (i: number) => boolean): number {
  if (p.line >= lineCount) return length;
  if (p.line < 0) return 0;
  const ls = starts[p.line];
  if (p.character <= 0) return ls;
  const next = p.line + 1 < lineCount ? starts[p.line + 1] : length;
  let off = Math.min(ls + p.character, next);
  while (off > ls && isEol(off - 1)) off--;
  return off;
}

/** `text` after the changes, applied in order as editors send them (positions clamped, see {@link clampedOffset}). */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  for (const c of changes) {
    if (!c.range) {
      text = c.text;
      continue;
    }
    const starts = lineStartOffsets(text);
    const isEol = (i: number): boolean => text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13;
    const r = wellFormed(c.range);
    const from = clampedOffset(starts, starts.length, text.length, r.start, isEol);
    const to = clampedOffset(starts, starts.length, text.length, r.end, isEol);
    text = text.slice(0, from) + c.text + text.slice(Math.max(from, to));
  }
  return text;
}

/**
 * A text kept as pieces of other strings (a slice of a long string shares its storage), so
 * that an edit of a huge document makes no copy of the whole text. `toString()` builds the
 * flat string once, when something asks for all of it.
 */
export class PieceText {
  /** Past this many pieces an edit flattens the text (keeps slicing cheap). */
  static readonly MAX_PIECES = 512;
  readonly length: number;
  readonly #parts: readonly string[];
  /** End offset of each piece. */
  readonly #ends: readonly number[];
  #flat: string | undefined;

  private constructor(parts: readonly string[], ends: readonly number[], flat?: string) {
    this.#parts = parts;
    this.#ends = ends;
    this.length = ends.length ? ends[ends.length - 1] : 0;
    this.#flat = flat;
  }

  static of(s: string): PieceText {
    return s ? new PieceText([s], [s.length], s) : new PieceText([], [], '');
  }

  /** Index of the piece holding offset `off` (the last piece for the end of the text). */
  #at(off: number): number {
    return Math.min(this.#parts.length - 1, firstAtOrAfter(this.#ends.length, (i) => this.#ends[i], off + 1));
  }

  /** The characters [from, to) (clamped to the text). */
  slice(from: number, to: number): string {
    from = Math.max(0, from);
    to = Math.min(this.length, to);
    if (to <= from) return '';
    if (this.#flat !== undefined) return this.#flat.slice(from, to);
    let i = this.#at(from);
    let out = '';
    for (let at = from; at < to; i++) {
      const start = this.#ends[i] - this.#parts[i].length;
      const end = Math.min(to, this.#ends[i]);
      out += this.#parts[i].slice(at - start, end - start);
      at = end;
    }
    return out;
  }

  /** The text with [from, to) replaced by `insert` (offsets clamped); this one is unchanged. */
  replace(from: number, to: number, insert: string): PieceText {
    from = Math.min(Math.max(0, from), this.length);
    to = Math.min(Math.max(from, to), this.length);
    const parts: string[] = [];
    const ends: number[] = [];
    const push = (s: string): void => {
      if (!s) return;
      parts.push(s);
      ends.push((ends.length ? ends[ends.length - 1] : 0) + s.length);
    };
    const n = this.#parts.length;
    let i = 0;
    for (; i < n && this.#ends[i] <= from; i++) push(this.#parts[i]);
    if (i < n) push(this.#parts[i].slice(0, from - (this.#ends[i] - this.#parts[i].length)));
    push(insert);
    let j = i;
    while (j < n && this.#ends[j] <= to) j++;
    if (j < n) {
      push(this.#parts[j].slice(to - (this.#ends[j] - this.#parts[j].length)));
      j++;
    }
    for (; j < n; j++) push(this.#parts[j]);
    const next = new PieceText(parts, ends);
    return parts.length > PieceText.MAX_PIECES ? PieceText.of(next.toString()) : next;
  }

  toString(): string {
    if (this.#flat === undefined) this.#flat = this.#parts.join('');
    return this.#flat;
  }
}
