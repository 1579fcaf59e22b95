// sysctl diagnostics: a list of rules, each `(doc, settings) => Finding[]`. Append new rules
// to SYSCTL_RULES; `diagnoseSysctl` runs them all in order. Rules are pure and linear in
// the document (index lookups, no per-line rescans of the whole file).

import { finding } from '../codes';
import type { Settings } from '../settings';
import type { Finding } from '../types';
import type { SysctlDocument } from './ast';
import { BOM_MESSAGE } from './parse';

export type SysctlRule = (doc: SysctlDocument, settings: Settings) => Finding[];

/** SYS004: a line sysctl rejects (no `=`, or nothing before it). */
export const syntaxErrors: SysctlRule = (doc) =>
  doc.errors.map((e) => finding('SYS004', e.textRange, e.message, { data: { reason: e.reason } }));

/**
 * SYS004 on line 1 of a file that starts with a BOM: sysctl reads the BOM as part of that
 * line (see parse.ts), so it is invalid syntax or sets a key that does not exist.
 */
export const byteOrderMark: SysctlRule = (doc) => {
  const first = doc.lines[0];
  if (!doc.bom || first.kind === 'error') return [];
  let end = 1;
  if (first.kind === 'comment') end = first.textRange.end.character;
  else if (first.kind === 'assignment' || first.kind === 'exclude') end = first.keyRange.end.character;
  const effect =
    first.kind === 'assignment'
      ? 'the key it looks up starts with U+FEFF and does not exist, so it is not set'
      : 'the line becomes invalid syntax';
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: end } };
  return [finding('SYS004', range, `${BOM_MESSAGE}; ${effect}`, { data: { reason: 'bom' } })];
};

export const SYSCTL_RULES: SysctlRule[] = [syntaxErrors, byteOrderMark];

export function diagnoseSysctl(doc: SysctlDocument, settings: Settings): Finding[] {
  const out: Finding[] = [];
  for (const rule of SYSCTL_RULES) for (const f of rule(doc, settings)) out.push(f);
  return out;
}
