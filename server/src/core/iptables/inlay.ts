// Chain estimates after each `:CHAIN` line (inlay hint and code lens) and the
// rule count after each `*table` line. Numbers come from chains.ts; only the
// lines inside the requested range are looked at.

import type { Settings } from '../settings';
import type { CodeLens, InlayHint, Range } from '../types';
import type { IptablesDocument } from './ast';
import { chainExplanation, chainGraph, chainLabel, fmt } from './chains';

interface Estimate {
  line: number;
  /** Column where the hint goes (end of the line). */
  end: number;
  label: string;
  /** Built only for inlay hints (code lenses show no tooltip). */
  tooltip: () => string;
}

function estimates(doc: IptablesDocument, range: Range | undefined): Estimate[] {
  const from = range ? range.start.line : 0;
  const to = range ? range.end.line : doc.lines.length - 1;
  const out: Estimate[] = [];
  for (const tg of chainGraph(doc).tables) {
    const t = tg.table;
    if (t.endLine < from || t.startLine > to) continue;
    if (t.startLine >= from && t.startLine <= to) {
      out.push({
        line: t.startLine,
        end: t.header.range.end.character,
        label: `${fmt(tg.ruleCount)} rule${tg.ruleCount === 1 ? '' : 's'}`,
        tooltip: () => `${fmt(tg.ruleCount)} rules in table \`${t.name}\` after iptables-restore runs it (${fmt(tg.chains.size)} chains).`,
      });
    }
    // chains are in line order: start at the first one inside the range
    const cs = t.chains;
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cs[mid].line < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < cs.length && cs[i].line <= to; i++) {
      const d = cs[i];
      if (d.fromCommand) continue;
      const c = tg.chains.get(d.name);
      if (!c) continue;
      out.push({ line: d.line, end: d.range.end.character, label: chainLabel(tg, c), tooltip: () => chainExplanation(tg, c) });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

export function inlayHints(doc: IptablesDocument, range: Range, settings: Settings): InlayHint[] {
  if (!settings.inlayHints.chains) return [];
  return estimates(doc, range).map((e) => ({ position: { line: e.line, character: e.end }, label: e.label, tooltip: e.tooltip(), paddingLeft: true }));
}

export function codeLenses(doc: IptablesDocument, range: Range | undefined, settings: Settings): CodeLens[] {
  if (!settings.inlayHints.chains) return [];
  return estimates(doc, range).map((e) => ({ range: { start: { line: e.line, character: 0 }, end: { line: e.line, character: e.end } }, title: e.label }));
}
