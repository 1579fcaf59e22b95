// Quick-fixes for CT201–CT206, `source.fixAll` for the rewrites (CT203,
// CT204) and the "Stop tracking port P" refactor. Edits are computed from
// `finding.data` and the current text; each checks that the text still says
// what the finding saw (data may come back stale from the editor) and offers
// nothing otherwise. Every other byte of the file is kept.

import type { Settings } from '../../settings';
import { overlaps } from '../../text';
import type { CodeAction, Finding, Range, TextEdit } from '../../types';
import type { IptablesDocument } from '../ast';
import type { ActionProvider } from '../actions';
import { lineText } from '../util';
import { rewriteFindings, type AddStateData, type InsertData } from './rules';
import { stopTrackingActions } from './refactor';
import { insertEdit } from './text';

const CODES = new Set(['CT201', 'CT202', 'CT203', 'CT204', 'CT206']);

function rng(line: number, a: number, b: number): Range {
  return { start: { line, character: a }, end: { line, character: b } };
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

/** `,UNTRACKED` appended to a state list, if the list is still there as it was. */
export function addStateEdit(doc: IptablesDocument, d: unknown): TextEdit | undefined {
  if (!isObj(d)) return undefined;
  const { line, character, start, expect } = d as unknown as AddStateData;
  if (typeof line !== 'number' || typeof character !== 'number' || typeof start !== 'number' || typeof expect !== 'string') return undefined;
  const text = lineText(doc, line);
  if (text.slice(start, start + expect.length) !== expect || character < start || character > start + expect.length) return undefined;
  if (/(^|[",])UNTRACKED([",]|$)/i.test(expect)) return undefined;
  return { range: rng(line, character, character), newText: ',UNTRACKED' };
}

/** A new line before `data.line`, if that line still reads `data.anchor`. */
export function insertLineEdit(doc: IptablesDocument, d: unknown): TextEdit | undefined {
  if (!isObj(d)) return undefined;
  const { line, anchor, text } = d as unknown as InsertData;
  if (typeof line !== 'number' || typeof anchor !== 'string' || typeof text !== 'string') return undefined;
  if (lineText(doc, line) !== anchor) return undefined;
  return insertEdit(doc, { line, anchor }, [text]);
}

/** CT203: `NOTRACK` → `CT --notrack`. */
function notrackEdit(doc: IptablesDocument, d: unknown): TextEdit | undefined {
  if (!isObj(d) || typeof d.line !== 'number' || typeof d.start !== 'number' || typeof d.end !== 'number') return undefined;
  if (lineText(doc, d.line).slice(d.start, d.end) !== 'NOTRACK') return undefined;
  return { range: rng(d.line, d.start, d.end), newText: 'CT --notrack' };
}

/** CT204: `state` → `conntrack` and `--state` → `--ctstate`. */
function stateEdits(doc: IptablesDocument, d: unknown): TextEdit[] | undefined {
  if (!isObj(d) || typeof d.line !== 'number' || !Array.isArray(d.name) || !Array.isArray(d.option)) return undefined;
  const [ns, ne] = d.name as number[];
  const [os, oe] = d.option as number[];
  const text = lineText(doc, d.line);
  if (text.slice(ns, ne) !== 'state' || !/^--s(t(a(t(e)?)?)?)?$/.test(text.slice(os, oe))) return undefined;
  return [
    { range: rng(d.line, ns, ne), newText: 'conntrack' },
    { range: rng(d.line, os, oe), newText: '--ctstate' },
  ];
}

function quickfix(title: string, edits: TextEdit[], f: Finding, preferred = false): CodeAction {
  return { title, kind: 'quickfix', edits, fixes: [f], isPreferred: preferred };
}

function fixesFor(doc: IptablesDocument, f: Finding): CodeAction[] {
  const d = f.data ?? {};
  const out: CodeAction[] = [];
  switch (f.code) {
    case 'CT201': {
      const a = addStateEdit(doc, d.addState);
      if (a) {
        const line = (d.addState as AddStateData).line;
        out.push(quickfix(`Add UNTRACKED to the state accept on line ${line + 1}`, [a], f, true));
      }
      const b = insertLineEdit(doc, d.insert);
      if (b) out.push(quickfix(`Accept these untracked packets in ${String(d.chain ?? 'the chain')}: insert \`${(d.insert as InsertData).text}\``, [b], f, !a));
      break;
    }
    case 'CT202': {
      const a = addStateEdit(doc, d.addState);
      if (a) out.push(quickfix('Add UNTRACKED to this rule’s state list', [a], f, true));
      break;
    }
    case 'CT203': {
      const e = notrackEdit(doc, d);
      if (e) out.push(quickfix('Write `-j CT --notrack`', [e], f, true));
      break;
    }
    case 'CT204': {
      const e = stateEdits(doc, d);
      if (e) out.push(quickfix('Use `-m conntrack --ctstate`', e, f, true));
      break;
    }
    case 'CT206': {
      const e = insertLineEdit(doc, d.insert);
      if (e) out.push(quickfix(`Untrack the replies too: add \`${(d.insert as InsertData).text}\``, [e], f, true));
      break;
    }
    default:
      break;
  }
  return out;
}

/** Every CT203/CT204 rewrite of the document (codes set to `off` are left alone). */
export function fixAllEdits(doc: IptablesDocument, settings: Settings): { edits: TextEdit[]; fixes: Finding[] } {
  const edits: TextEdit[] = [];
  const fixes: Finding[] = [];
  const off = settings.severity ?? {};
  for (const f of rewriteFindings(doc)) {
    if (off[f.code] === 'off') continue;
    const e = f.code === 'CT203' ? [notrackEdit(doc, f.data)].filter((x): x is TextEdit => !!x) : f.code === 'CT204' ? stateEdits(doc, f.data) ?? [] : [];
    if (!e.length) continue;
    edits.push(...e);
    fixes.push(f);
  }
  return { edits, fixes };
}

/** The conntrack code actions: quick-fixes for the findings in range, fix-all, and the refactor. */
export const conntrackActions: ActionProvider = (doc, range, findings, settings) => {
  const out: CodeAction[] = [];
  for (const f of findings) {
    if (CODES.has(f.code) && overlaps(f.range, range)) out.push(...fixesFor(doc, f));
  }
  const all = fixAllEdits(doc, settings);
  if (all.edits.length) {
    out.push({
      title: `Modernise NOTRACK and state matches (${all.fixes.length} change${all.fixes.length === 1 ? '' : 's'})`,
      kind: 'source.fixAll',
      edits: all.edits,
      fixes: all.fixes,
    });
  }
  out.push(...stopTrackingActions(doc, range));
  return out;
};
