// iptables diagnostics: a list of rule functions, each `(doc, settings) => Finding[]`.
// To add a check, write a rule function (in its own module) and append it to RULES.

import { finding } from '../codes';
import type { Settings } from '../settings';
import type { Finding } from '../types';
import type { IptablesDocument } from './ast';
import { RESTORE_RULES } from './restore';
import { conntrackDiagnostics } from './conntrack/rules';

export type DiagnosticRule = (doc: IptablesDocument, settings: Settings) => Finding[];

/** IPT001: what iptables-restore rejects while reading the file (from the parser). */
export const ipt001: DiagnosticRule = (doc) =>
  doc.errors.map((e) => {
    const extra: Parameters<typeof finding>[3] = {};
    if (e.data) extra.data = e.data;
    if (e.related) extra.related = e.related;
    return finding('IPT001', e.range, e.message, extra);
  });

export const RULES: DiagnosticRule[] = [ipt001, ...RESTORE_RULES];
RULES.push(conntrackDiagnostics); // CT201–CT206 (conntrack-aware analysis)

export function diagnose(doc: IptablesDocument, settings: Settings): Finding[] {
  const out: Finding[] = [];
  // One push per finding: spreading a rule's result overflows the stack on huge dumps.
  for (const rule of RULES) for (const f of rule(doc, settings)) out.push(f);
  return out;
}
