// Code actions for iptables documents: a list of providers. Each provider gets
// the document, the requested range and the findings the editor sent back, and
// returns actions (edits computed here, from `finding.data`; they change only
// what they must). To add fixes, append a provider to PROVIDERS.

import type { Settings } from '../settings';
import { overlaps, range as mkRange } from '../text';
import type { CodeAction, CodeActionKind, Finding, Range, TextEdit } from '../types';
import type { IptablesDocument } from './ast';
import { restoreFixes } from './restore';
import { conntrackActions } from './conntrack/fixes';
import { lineEol, lineStarts, lineText } from './util';

export type ActionProvider = (doc: IptablesDocument, range: Range, findings: Finding[], settings: Settings) => CodeAction[];

function action(title: string, edits: TextEdit[], f: Finding, preferred = true): CodeAction {
  return { title, kind: 'quickfix', edits, fixes: [f], isPreferred: preferred };
}

/** Quick-fixes for IPT001 (syntax errors with a mechanical repair). */
export const ipt001Fixes: ActionProvider = (doc, range, findings) => {
  const out: CodeAction[] = [];
  for (const f of findings) {
    if (f.code !== 'IPT001' || !overlaps(f.range, range)) continue;
    const fix = f.data?.fix;
    const line = f.range.start.line;
    const text = lineText(doc, line);
    switch (fix) {
      case 'remove-bom':
        if (doc.bom) out.push(action('Remove the byte order mark', [{ range: mkRange(0, 0, 1), newText: '' }], f));
        break;
      case 'line-endings': {
        // This line only: a quick-fix edits its own finding. The whole file is one
        // click in the editor (VS Code: the CRLF/LF switch in the status bar).
        const eol = lineEol(doc, line);
        if (eol === '\r\n' || eol === '\r') {
          out.push(action('Change this line ending to LF', [{ range: { start: { line, character: text.length }, end: { line: line + 1, character: 0 } }, newText: '\n' }], f));
        }
        break;
      }
      case 'trim-line':
        if (text.length && text.trim() === '') out.push(action('Remove the blanks on this line', [{ range: mkRange(line, 0, text.length), newText: '' }], f));
        break;
      case 'unindent': {
        const n = text.length - text.trimStart().length;
        if (n > 0) out.push(action('Move to column 1', [{ range: mkRange(line, 0, n), newText: '' }], f));
        break;
      }
      case 'insert-commit':
        out.push(action('Insert COMMIT before this table', [{ range: mkRange(line, 0, 0), newText: 'COMMIT\n' }], f));
        break;
      case 'append-commit': {
        const last = lineStarts(doc).length - 1;
        const lastText = lineText(doc, last);
        const edit = lastText.length
          ? { range: mkRange(last, lastText.length, lastText.length), newText: '\nCOMMIT\n' }
          : { range: mkRange(last, 0, 0), newText: 'COMMIT\n' };
        out.push(action('Add COMMIT at the end', [edit], f));
        break;
      }
      case 'move-negation': {
        const os = Number(f.data?.optionStart);
        const oe = Number(f.data?.optionEnd);
        const bangEnd = f.range.end.character;
        if (!(os >= 0 && oe > os && bangEnd > oe) || text[f.range.start.character] !== '!') break;
        const opt = text.slice(os, oe);
        out.push(action(`Write \`! ${opt} …\``, [{ range: mkRange(line, os, bangEnd), newText: `! ${opt}` }], f));
        break;
      }
      case 'split-attached': {
        const at = Number(f.data?.at);
        if (!(at > f.range.start.character && at <= f.range.end.character)) break;
        const edit = text[at - 1] === '=' ? { range: mkRange(line, at - 1, at), newText: ' ' } : { range: mkRange(line, at, at), newText: ' ' };
        out.push(action('Separate the option from its value', [edit], f));
        break;
      }
      default:
        break;
    }
  }
  return out;
};

export const PROVIDERS: ActionProvider[] = [ipt001Fixes, restoreFixes];
PROVIDERS.push(conntrackActions); // CT201–CT206 fixes, fix-all rewrites, "Stop tracking port P"

export function codeActions(doc: IptablesDocument, range: Range, findings: Finding[], settings: Settings, only?: CodeActionKind[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const p of PROVIDERS) for (const a of p(doc, range, findings, settings)) out.push(a); // no spread: huge results overflow the stack
  if (!only || !only.length) return out;
  return out.filter((a) => only.some((k) => a.kind === k || a.kind.startsWith(k + '.')));
}
