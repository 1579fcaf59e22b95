// Text helpers for the conntrack fixes: a rule's conditions as text (copied
// byte for byte from the line), the mirrored conditions for the reply
// direction, and where a new line may go so that iptables-restore puts the
// rule where we mean it.

import type { CommandLine, IptablesDocument, MatchNode, OptionNode, TableBlock } from '../ast';
import type { TableGraph } from '../chains';
import { findOption, getModule } from '../modules';
import { peekCommand } from '../parse';
import type { Range, TextEdit } from '../../types';
import { lineEol, lineText } from '../util';
import { genericLetter } from './conds';

function slice(doc: IptablesDocument, r: Range): string {
  return lineText(doc, r.start.line).slice(r.start.character, r.end.character);
}

/** Matches that are not conditions on the class (state tests, notes). */
const NOT_COPIED = new Set(['state', 'conntrack', 'comment']);

/**
 * The rule's conditions as written (generic options first, then each match),
 * leaving out state/conntrack tests and comments. Undefined when the rule has
 * options the parser could not place.
 */
export function conditionText(doc: IptablesDocument, cmd: CommandLine): string | undefined {
  const rule = peekCommand(cmd).rule;
  if (!rule || rule.stray.length || repeatsGeneric(rule.generic)) return undefined;
  const parts: string[] = [];
  for (const g of rule.generic) parts.push(slice(doc, g.range));
  for (const m of rule.matches) {
    if (NOT_COPIED.has(m.name)) continue;
    const opts = m.options.map((o) => slice(doc, o.range));
    parts.push([...(m.implicit ? [] : ['-m', m.name]), ...opts].join(' '));
  }
  return parts.filter(Boolean).join(' ');
}

const SWAP_GENERIC: Readonly<Record<string, string>> = { s: '-d', d: '-s', i: '-o', o: '-i', p: '-p' };
const SWAP_PORT: Readonly<Record<string, string>> = { '--sport': '--dport', '--dport': '--sport' };
const SWAP_MULTI: Readonly<Record<string, string>> = { '--sports': '--dports', '--dports': '--sports', '--ports': '--ports' };
const SWAP_RANGE: Readonly<Record<string, string>> = { '--src-range': '--dst-range', '--dst-range': '--src-range' };

/**
 * True when a generic option (-p, -s, -d, -i, -o, -f) is given twice. iptables rejects such a
 * rule, so a fix that copies its conditions would copy the error.
 */
function repeatsGeneric(generic: OptionNode[]): boolean {
  const seen = new Set<string>();
  for (const g of generic) {
    const l = genericLetter(g.name) ?? g.name;
    if (seen.has(l)) return true;
    seen.add(l);
  }
  return false;
}

function optWith(doc: IptablesDocument, o: OptionNode, name: string): string {
  const vals = o.values.map((v) => v.raw).join(' ');
  return `${o.negated ? '! ' : ''}${name}${vals ? ' ' + vals : ''}`;
}

function mirrorMatch(doc: IptablesDocument, m: MatchNode): string | undefined {
  const table = m.name === 'multiport' ? SWAP_MULTI : m.name === 'iprange' ? SWAP_RANGE : m.name === 'tcp' || m.name === 'udp' ? SWAP_PORT : undefined;
  const spec = getModule(m.name);
  if (!table || !spec) return undefined;
  const out: string[] = m.implicit ? [] : ['-m', m.name];
  for (const o of m.options) {
    const can = findOption(spec, o.name)?.name;
    const to = can ? table[can] : undefined;
    if (!to) return undefined;
    out.push(optWith(doc, o, to));
  }
  return out.join(' ');
}

/**
 * The conditions of the reply direction: source and destination swapped
 * (addresses, ports, interfaces). Undefined when a condition cannot be
 * mirrored with confidence (an unknown or direction-less match).
 */
export function mirrorText(doc: IptablesDocument, cmd: CommandLine): string | undefined {
  const rule = peekCommand(cmd).rule;
  if (!rule || rule.stray.length) return undefined;
  if (repeatsGeneric(rule.generic)) return undefined;
  const parts: string[] = [];
  for (const g of rule.generic) {
    const l = genericLetter(g.name);
    const to = l ? SWAP_GENERIC[l] : undefined;
    if (!to) return undefined;
    parts.push(optWith(doc, g, to));
  }
  for (const m of rule.matches) {
    if (m.name === 'comment') continue;
    const t = mirrorMatch(doc, m);
    if (t === undefined) return undefined;
    parts.push(t);
  }
  return parts.join(' ');
}

/** The target part of a rule as written (`-j CT --notrack`, `-j NOTRACK`). */
export function targetText(doc: IptablesDocument, cmd: CommandLine): string | undefined {
  const t = peekCommand(cmd).rule?.target;
  return t ? slice(doc, t.range) : undefined;
}

/** The document's line ending (of the first line that has one). */
export function docEol(doc: IptablesDocument, near?: number): string {
  if (near !== undefined) {
    const e = lineEol(doc, near) || lineEol(doc, near - 1);
    if (e) return e;
  }
  return doc.eol === 'crlf' ? '\r\n' : doc.eol === 'cr' ? '\r' : '\n';
}

/**
 * True when iptables-restore builds `chain` in file order: the table only
 * appends to it (`-A`), nothing flushes, inserts, replaces or deletes there.
 */
export function appendOnly(t: TableBlock, chain: string): boolean {
  for (const c of t.commands) {
    if (c.command === 'A' || c.command === 'P' || c.command === 'Z' || c.command === 'C' || c.command === 'L' || c.command === 'S' || c.command === 'N') continue;
    if (c.command === 'F' && c.chainName === undefined) return false;
    if (c.chainName === chain) return false;
    if (c.command === 'E' && c.arg?.value === chain) return false;
  }
  return true;
}

/** Where to insert: before `line` (column 0), with a text line (the end of line is added here). */
export interface Insertion {
  /** Insert before this line. */
  line: number;
  /** The line's current text (the fix checks it is unchanged). */
  anchor: string;
}

/** The insertion point for a new last rule of `chain` (`-A` lines only: after its last rule, else before COMMIT). */
export function appendPoint(doc: IptablesDocument, g: TableGraph, chain: string): Insertion | undefined {
  const t = g.table;
  const c = g.chains.get(chain);
  if (c && c.rules.length && appendOnly(t, chain)) {
    const last = c.rules[c.rules.length - 1].line;
    if (last + 1 <= t.endLine) return { line: last + 1, anchor: lineText(doc, last + 1) };
  }
  if (t.commitLine === undefined) return undefined;
  return { line: t.commitLine, anchor: lineText(doc, t.commitLine) };
}

/** The insertion point that makes a new rule the `index`-th of `chain` (0-based), or undefined when we cannot tell. */
export function indexPoint(doc: IptablesDocument, g: TableGraph, chain: string, index: number): Insertion | undefined {
  const c = g.chains.get(chain);
  if (!c || !appendOnly(g.table, chain)) return undefined;
  if (index >= c.rules.length) return appendPoint(doc, g, chain);
  const line = c.rules[index].line;
  return { line, anchor: lineText(doc, line) };
}

/** The edit for an insertion (one or more lines of text, each ended with the document's line ending). */
export function insertEdit(doc: IptablesDocument, at: Insertion, lines: string[]): TextEdit {
  const eol = docEol(doc, at.line);
  return { range: { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } }, newText: lines.map((l) => l + eol).join('') };
}

/** Joins edits that insert at the same position (their order kept), so the result does not depend on the editor. */
export function mergeEdits(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = out.find(
      (o) =>
        o.range.start.line === e.range.start.line &&
        o.range.start.character === e.range.start.character &&
        o.range.end.line === o.range.start.line &&
        o.range.end.character === o.range.start.character &&
        e.range.end.line === e.range.start.line &&
        e.range.end.character === e.range.start.character,
    );
    if (same) same.newText += e.newText;
    else out.push({ ...e });
  }
  return out;
}
