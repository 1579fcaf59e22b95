// Helpers for the restore-level tests.

import type { TextEdit } from '../../../../server/src/core/types';

/** Applies LSP-style edits (non-overlapping) to `text`; lines end at LF, CRLF or CR. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') starts.push(i + 1);
    else if (c === '\r') {
      if (text[i + 1] === '\n') i++;
      starts.push(i + 1);
    }
  }
  const offset = (p: { line: number; character: number }) => (p.line < starts.length ? starts[p.line] : text.length) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
