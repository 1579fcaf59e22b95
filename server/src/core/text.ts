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
