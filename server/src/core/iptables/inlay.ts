// Chain estimates after each `:CHAIN` line (inlay hint and code lens) and the
// rule count after each `*table` line. Numbers come from chains.ts; only the
// lines inside the requested range are looked at.
//
// Code lenses have no range in LSP: the editor asks for the whole document, then
// resolves the lenses it shows. So the whole-document answer is positions only
// (`codeLensRanges`), and a title is computed when one lens is resolved
// (`codeLensTitle`, which looks at that one line).

import type { Settings } from '../settings';
import type { CodeLens, InlayHint, Range } from '../types';
import type { IptablesDocument } from './ast';
import { chainExplanation, chainGraph, chainLabel, fmt } from './chains';
import { firstAtOrAfter } from '../text';

interface Estimate {
  line: number;
  /** Column where the hint goes (end of the line). */
  end: number;
  /** Built on demand (the whole-document lens request needs positions only). */
  label: () => string;
  /** Built only for inlay hints (code lenses show no tooltip). */
  tooltip: () => string;
}

/** Calls `each` for every estimate on lines `from`..`to`, in line order. */
function estimates(doc: IptablesDocument, from: number, to: number, each: (e: Estimate) => void): void {
  for (const tg of chainGraph(doc).tables) {
    const t = tg.table;
    if (t.endLine < from || t.startLine > to) continue;
    if (t.startLine >= from && t.startLine <= to) {
      each({
        line: t.startLine,
        end: t.header.range.end.character,
        label: () => `${fmt(tg.ruleCount)} rule${tg.ruleCount === 1 ? '' : 's'}`,
        tooltip: () => `${fmt(tg.ruleCount)} rules in table \`${t.name}\` after iptables-restore runs it (${fmt(tg.chains.size)} chains).`,
      });
    }
    // chains are in line order: start at the first one inside the range
    const cs = t.chains;
    for (let i = firstAtOrAfter(cs.length, (k) => cs[k].line, from); i < cs.length && cs[i].line <= to; i++) {
      const d = cs[i];
      if (d.fromCommand) continue;
      const c = tg.chains.get(d.name);
      if (!c) continue;
      each({ line: d.line, end: d.range.end.character, label: () => chainLabel(tg, c), tooltip: () => chainExplanation(tg, c) });
    }
  }
}

function collect(doc: IptablesDocument, range: Range | undefined): Estimate[] {
  const out: Estimate[] = [];
  estimates(doc, range ? range.start.line : 0, range ? range.end.line : doc.lines.length - 1, (e) => out.push(e));
  // tables are in line order and so are their chains: only a table that starts
  // after a chain of an earlier one (never in a parsed document) would need the sort
  for (let i = 1; i < out.length; i++) if (out[i].line < out[i - 1].line) return out.sort((a, b) => a.line - b.line);
  return out;
}

export function inlayHints(doc: IptablesDocument, range: Range, settings: Settings): InlayHint[] {
  if (!settings.inlayHints.chains) return [];
  return collect(doc, range).map((e) => ({ position: { line: e.line, character: e.end }, label: e.label(), tooltip: e.tooltip(), paddingLeft: true }));
}

const lensRange = (e: Estimate): Range => ({ start: { line: e.line, character: 0 }, end: { line: e.line, character: e.end } });

export function codeLenses(doc: IptablesDocument, range: Range | undefined, settings: Settings): CodeLens[] {
  if (!settings.inlayHints.chains) return [];
  return collect(doc, range).map((e) => ({ range: lensRange(e), title: e.label() }));
}

/** The ranges of `codeLenses(doc, undefined, settings)`, in the same order, without computing a title. */
export function codeLensRanges(doc: IptablesDocument, settings: Settings): Range[] {
  if (!settings.inlayHints.chains) return [];
  // the loop of `estimates` over the whole document, without an object per estimate
  const out: Range[] = [];
  const span = (line: number, end: number): Range => ({ start: { line, character: 0 }, end: { line, character: end } });
  let sorted = true;
  let last = -1;
  for (const tg of chainGraph(doc).tables) {
    const t = tg.table;
    if (t.startLine < last) sorted = false;
    out.push(span(t.startLine, t.header.range.end.character));
    last = t.startLine;
    for (const d of t.chains) {
      if (d.fromCommand || !tg.chains.has(d.name)) continue;
      if (d.line < last) sorted = false;
      const r = d.range; // the whole line (built on each read), which is the lens's range
      out.push(r.start.character === 0 && r.start.line === r.end.line ? r : span(d.line, r.end.character));
      last = d.line;
    }
  }
  return sorted ? out : out.sort((a, b) => a.start.line - b.start.line);
}

/** The title of the code lens on `line` (as `codeLenses` gives it), or null when that line has none. */
export function codeLensTitle(doc: IptablesDocument, line: number, settings: Settings): string | null {
  if (!settings.inlayHints.chains) return null;
  let found: Estimate | undefined;
  estimates(doc, line, line, (e) => (found ??= e));
  return found ? found.label() : null;
}
