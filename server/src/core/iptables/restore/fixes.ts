// Quick-fixes for IPT002 (jump to a missing chain) and IPT003 (command on a
// missing chain), computed from `finding.data` (declarations.ts):
//  - declare the chain: insert `:NAME - [0:0]` after the last chain declaration
//    before the line (or after `*table`); when the chain is declared further
//    down, move that declaration line up instead (a second one would empty it);
//  - did-you-mean: replace the name with the declared chain (or target) it is
//    closest to.
// Only the inserted line and the replaced name change; every other byte stays.

import { overlaps, range as mkRange } from '../../text';
import type { CodeAction, Finding, Range, TextEdit } from '../../types';
import type { IptablesDocument } from '../ast';
import { lineEol, lineStarts, lineText } from '../util';

/** The dominant line ending of the document (LF unless it is CRLF throughout). */
function eolOf(doc: IptablesDocument): string {
  return doc.eol === 'crlf' ? '\r\n' : '\n';
}

/** Inserts `text` as a new line after line `after`. */
function insertAfter(doc: IptablesDocument, after: number, text: string): TextEdit {
  const eol = lineEol(doc, after);
  if (eol) return { range: mkRange(after + 1, 0, 0), newText: text + eol };
  const len = lineText(doc, after).length;
  return { range: mkRange(after, len, len), newText: eolOf(doc) + text };
}

/** Removes line `n` with its line ending (only its text when it is the last line). */
function deleteLine(doc: IptablesDocument, n: number): TextEdit {
  if (lineEol(doc, n)) return { range: { start: { line: n, character: 0 }, end: { line: n + 1, character: 0 } }, newText: '' };
  // the last line, without a line ending: empty it (the line before keeps its ending)
  return { range: mkRange(n, 0, lineText(doc, n).length), newText: '' };
}

export function chainFixes(doc: IptablesDocument, range: Range, findings: Finding[]): CodeAction[] {
  const out: CodeAction[] = [];
  const last = lineStarts(doc).length - 1;
  for (const f of findings) {
    if ((f.code !== 'IPT002' && f.code !== 'IPT003') || !overlaps(f.range, range) || !f.data) continue;
    const chain = typeof f.data.chain === 'string' ? f.data.chain : undefined;
    const suggestion = typeof f.data.suggestion === 'string' ? f.data.suggestion : undefined;
    // A name that starts with `-` or `!` would be read as an option, not a chain: never offer it.
    if (suggestion && !/^[-!]/.test(suggestion)) {
      out.push({ title: `Change to \`${suggestion}\``, kind: 'quickfix', edits: [{ range: f.range, newText: suggestion }], fixes: [f], isPreferred: true });
    }
    if (f.data.fix !== 'declare' || !chain) continue;
    const after = Number(f.data.after);
    if (!Number.isInteger(after) || after < 0 || after > last) continue;
    const move = f.data.move === undefined ? undefined : Number(f.data.move);
    if (move !== undefined && Number.isInteger(move) && move > after && move <= last) {
      const text = lineText(doc, move);
      out.push({
        title: `Move the declaration of \`${chain}\` up (from line ${move + 1})`,
        kind: 'quickfix',
        edits: [insertAfter(doc, after, text), deleteLine(doc, move)],
        fixes: [f],
        isPreferred: !suggestion,
      });
      continue;
    }
    out.push({ title: `Declare chain \`${chain}\``, kind: 'quickfix', edits: [insertAfter(doc, after, `:${chain} - [0:0]`)], fixes: [f], isPreferred: !suggestion });
  }
  return out;
}
