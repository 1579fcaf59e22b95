// sysctl code actions, computed from `finding.data` and the current document. Every edit
// changes only what it must: a rename replaces the key and nothing else (the `-` prefix,
// spacing, value and inline comment stay byte for byte); a bucket fix replaces the value
// of an existing nf_conntrack_buckets line or inserts one line after nf_conntrack_max,
// written in that line's key style (dots or slashes), spacing and line ending.
//
// Data from the editor may be stale (it comes back with the diagnostics): each fix checks
// that the line still says what the finding was about, and offers nothing otherwise.
//
// source.fixAll applies the safe fixes in one edit set: CT105 renames, and SYS001 renames
// with exactly one did-you-mean. Its edits remove their own findings, so a second run finds
// nothing to do (idempotent).

import { formatCount } from '../kernel';
import type { Settings } from '../settings';
import { overlaps } from '../text';
import type { CodeAction, CodeActionKind, Finding, Range, TextEdit } from '../types';
import type { SysctlAssignment, SysctlDocument } from './ast';
import { CT_BUCKETS, keyChecks } from './diagnostics';
import { entryOf } from './facts';
import { splitSysctlKey } from './parse';

function wants(kind: CodeActionKind, only?: CodeActionKind[]): boolean {
  if (!only || only.length === 0) return kind !== 'source.fixAll';
  return only.some((o) => kind === o || kind.startsWith(o + '.'));
}

/** A known dotted key written in the style of `rawKey` (slash-separated keys stay slash-separated). */
export function styledKey(dotted: string, rawKey: string): string {
  if (splitSysctlKey(rawKey).separator !== '/') return dotted;
  return (rawKey.startsWith('/') ? '/' : '') + dotted.replace(/\./g, '/');
}

function assignmentAt(doc: SysctlDocument, line: unknown): SysctlAssignment | null {
  if (typeof line !== 'number') return null;
  const n = doc.lines[line];
  return n && n.kind === 'assignment' ? n : null;
}

function renameEdit(node: SysctlAssignment, to: string): TextEdit {
  return { range: node.keyRange, newText: styledKey(to, node.rawKey) };
}

/** The end-of-line sequence after line `l` ('' for the last line). */
function eolAfter(doc: SysctlDocument, l: number): string {
  if (l + 1 >= doc.lineStarts.length) return '';
  const end = doc.lineStarts[l] + doc.lines[l].range.end.character;
  return doc.text.slice(end, doc.lineStarts[l + 1]);
}

/** The file's line ending: that of the first line that has one, else LF. */
function fileEol(doc: SysctlDocument): string {
  for (let l = 0; l + 1 < doc.lines.length; l++) {
    const e = eolAfter(doc, l);
    if (e) return e;
  }
  return '\n';
}

function lineTextOf(doc: SysctlDocument, l: number): string {
  return doc.text.slice(doc.lineStarts[l], doc.lineStarts[l] + doc.lines[l].range.end.character);
}

/** Edit that makes nf_conntrack_buckets `value`: on the existing line, or a new line after the max line. */
function bucketsEdit(doc: SysctlDocument, data: Record<string, unknown>, value: number): TextEdit | null {
  const existing = assignmentAt(doc, data.bucketsLine);
  if (existing && entryOf(existing)?.key === CT_BUCKETS) {
    const v = String(value);
    if (existing.value === '') return { range: existing.valueRange, newText: ' ' + v };
    if (existing.bareValue === '') return { range: existing.bareValueRange, newText: v + ' ' };
    return { range: existing.bareValueRange, newText: v };
  }
  if (data.bucketsLine !== null && data.bucketsLine !== undefined) return null; // stale: that line changed
  const max = assignmentAt(doc, data.maxLine);
  if (!max || entryOf(max)?.role !== 'conntrack-max') return null;
  const text = lineTextOf(doc, max.line);
  const lineStart = max.range.start.character;
  const indent = text.slice(lineStart, (max.ignoreRange ?? max.keyRange).start.character);
  const sep = text.slice(max.keyRange.end.character, max.valueRange.start.character) || '=';
  const eol = eolAfter(doc, max.line) || fileEol(doc);
  const at = max.range.end;
  return { range: { start: at, end: at }, newText: `${eol}${indent}${styledKey(CT_BUCKETS, max.rawKey)}${sep}${value}` };
}

/** Keys whose write has side effects beyond the value (ip_forward resets per-interface settings). */
function removalIsSafe(node: SysctlAssignment): boolean {
  return !/(^|\.)(ip_forward|forwarding)$/.test(node.key) && !node.glob;
}

function quickFixes(doc: SysctlDocument, f: Finding): CodeAction[] {
  const data = f.data ?? {};
  const node = assignmentAt(doc, f.range.start.line);
  const out: CodeAction[] = [];
  switch (f.code) {
    case 'CT105': {
      const to = data.renamedTo;
      if (!node || typeof to !== 'string' || entryOf(node)?.renamedTo !== to) break;
      out.push({ title: `Rename to ${to}`, kind: 'quickfix', edits: [renameEdit(node, to)], fixes: [f], isPreferred: true });
      break;
    }
    case 'SYS001': {
      const list = Array.isArray(data.suggestions) ? data.suggestions.filter((s): s is string => typeof s === 'string') : [];
      if (!node || node.key !== data.key) break;
      for (const to of list) {
        out.push({ title: `Change to ${to}`, kind: 'quickfix', edits: [renameEdit(node, to)], fixes: [f], isPreferred: list.length === 1 });
      }
      break;
    }
    case 'CT101': {
      const targets = Array.isArray(data.targets) ? data.targets : [];
      if (typeof data.max !== 'number') break;
      for (const t of targets as Array<{ perBucket?: unknown; buckets?: unknown }>) {
        if (typeof t.buckets !== 'number' || typeof t.perBucket !== 'number') continue;
        const edit = bucketsEdit(doc, data, t.buckets);
        if (!edit) continue;
        const why = t.perBucket === 1 ? '1 entry per bucket, as kernels ≥5.15 size it' : `${t.perBucket} entries per bucket, the classic advice`;
        out.push({
          title: `Set nf_conntrack_buckets to ${formatCount(t.buckets)} (${why})`,
          kind: 'quickfix',
          edits: [edit],
          fixes: [f],
          isPreferred: t.perBucket === 1,
        });
      }
      break;
    }
    case 'SYS003': {
      const winner = assignmentAt(doc, data.winnerLine);
      if (!node || !winner || winner.line <= node.line || node.key !== data.key || !removalIsSafe(node)) break;
      const start = node.range.start;
      const end = node.line + 1 < doc.lines.length ? { line: node.line + 1, character: 0 } : node.range.end;
      out.push({
        title: `Remove this line (line ${winner.line + 1} sets ${node.key} again)`,
        kind: 'quickfix',
        edits: [{ range: { start, end }, newText: '' }],
        fixes: [f],
      });
      break;
    }
    default:
      break;
  }
  return out;
}

/** The safe edits for the whole document: CT105 renames and single-suggestion SYS001 renames. */
export function fixAllEdits(doc: SysctlDocument, settings: Settings): { edits: TextEdit[]; fixes: Finding[] } {
  const edits: TextEdit[] = [];
  const fixes: Finding[] = [];
  for (const f of keyChecks(doc, settings)) {
    if (settings.severity[f.code] === 'off') continue;
    const node = assignmentAt(doc, f.range.start.line);
    if (!node) continue;
    if (f.code === 'CT105' && typeof f.data?.renamedTo === 'string') {
      edits.push(renameEdit(node, f.data.renamedTo));
      fixes.push(f);
    } else if (f.code === 'SYS001' && Array.isArray(f.data?.suggestions) && f.data.suggestions.length === 1) {
      edits.push(renameEdit(node, String(f.data.suggestions[0])));
      fixes.push(f);
    }
  }
  return { edits, fixes };
}

export function sysctlCodeActions(
  doc: SysctlDocument,
  range: Range,
  findings: Finding[],
  settings: Settings,
  only?: CodeActionKind[],
): CodeAction[] {
  const out: CodeAction[] = [];
  if (wants('quickfix', only)) {
    for (const f of findings) {
      if (!overlaps(f.range, range)) continue;
      out.push(...quickFixes(doc, f));
    }
  }
  if (wants('source.fixAll', only)) {
    const { edits, fixes } = fixAllEdits(doc, settings);
    if (edits.length) {
      out.push({
        title: `Fix all safe sysctl problems (${edits.length} rename${edits.length === 1 ? '' : 's'})`,
        kind: 'source.fixAll',
        edits,
        fixes,
      });
    }
  }
  return out;
}
