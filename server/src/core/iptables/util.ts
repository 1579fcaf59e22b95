// Small text helpers over a parsed iptables document.

import { lineStartOffsets } from '../text';
import type { Position } from '../types';
import type { IptablesDocument, IptLine } from './ast';
import { knownLineStartOffsets, textLength, textRange } from './incremental';
import { LazyCommand } from './parse';

const starts = new WeakMap<IptablesDocument, ArrayLike<number>>();

/** Offsets of every line start (computed once per document; read only). */
export function lineStarts(doc: IptablesDocument): ArrayLike<number> {
  let s = starts.get(doc);
  if (s) return s;
  // an incremental re-parse keeps them up to date: a view of its offsets (without the sentinel), not a copy
  const known = knownLineStartOffsets(doc);
  s = known ? known.subarray(0, known.length - 1) : lineStartOffsets(doc.text, doc.eol === 'lf' || doc.eol === 'none');
  starts.set(doc, s);
  return s;
}

/** The text of line `n` without its end-of-line sequence ('' past the end). */
export function lineText(doc: IptablesDocument, n: number): string {
  const s = lineStarts(doc);
  if (n < 0 || n >= s.length) return '';
  const line = doc.lines[n];
  if (line instanceof LazyCommand) return line.text;
  if (line?.kind === 'comment' && !doc.bom) return line.text;
  // (an edited document reads the line from its pieces: its whole text is not built)
  const t = textRange(doc, s[n], n + 1 < s.length ? s[n + 1] : textLength(doc));
  let end = t.length;
  if (end > 0 && t.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && t.charCodeAt(end - 1) === 13) end--;
  return t.slice(0, end);
}

/** The end-of-line sequence after line `n`: '\n', '\r\n', '\r' or ''. */
export function lineEol(doc: IptablesDocument, n: number): string {
  const s = lineStarts(doc);
  if (n + 1 >= s.length) return '';
  if (doc.eol === 'lf') return '\n';
  const t = doc.text;
  const end = s[n + 1];
  if (t.charCodeAt(end - 1) === 10) return t.charCodeAt(end - 2) === 13 ? '\r\n' : '\n';
  return '\r';
}

/** The parsed line at `line` (undefined past the end). */
export function lineAt(doc: IptablesDocument, line: number): IptLine | undefined {
  return doc.lines[line];
}

export function offsetAt(doc: IptablesDocument, p: Position): number {
  const s = lineStarts(doc);
  return (s[p.line] ?? textLength(doc)) + p.character;
}
