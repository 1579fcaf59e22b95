// Helpers for the conntrack tests: apply edits, run the service, find actions.

import { readdirSync } from 'node:fs';
import { iptablesService as svc } from '../../../../server/src/core/iptables/service';
import type { IptablesDocument } from '../../../../server/src/core/iptables/ast';
import { DEFAULT_SETTINGS } from '../../../../server/src/core/settings';
import type { CodeAction, CodeActionKind, Finding, Range, TextEdit } from '../../../../server/src/core/types';

export { svc };

/** Applies LSP-style edits (non-overlapping; inserts at one position keep their order). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  const off = (p: { line: number; character: number }): number => (p.line < starts.length ? starts[p.line] + p.character : text.length);
  const list = edits.map((e, i) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText, i }));
  list.sort((a, b) => b.s - a.s || b.i - a.i);
  let out = text;
  for (const x of list) out = out.slice(0, x.s) + x.t + out.slice(x.e);
  return out;
}

export function parse(text: string): IptablesDocument {
  return svc.parse(text);
}

export function diagnose(text: string, codePrefix = 'CT2'): Finding[] {
  return svc.diagnose(parse(text), DEFAULT_SETTINGS).filter((f) => f.code.startsWith(codePrefix));
}

export const WHOLE: Range = { start: { line: 0, character: 0 }, end: { line: 1_000_000, character: 0 } };

export function lineRange(line: number): Range {
  return { start: { line, character: 0 }, end: { line, character: 10_000 } };
}

/** Code actions at a 0-based line, with the document's own findings sent back (as an editor does). */
export function actionsAt(text: string, line: number, only?: CodeActionKind[]): CodeAction[] {
  const doc = parse(text);
  const findings = svc.diagnose(doc, DEFAULT_SETTINGS);
  return svc.codeActions(doc, lineRange(line), findings, DEFAULT_SETTINGS, only);
}

export function listFiles(dir: string, ext: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .sort();
  } catch {
    return [];
  }
}

/** 1-based line of the first line containing `needle` → 0-based index. */
export function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle) && ++seen === nth) return i;
  throw new Error(`no line with ${needle}`);
}
