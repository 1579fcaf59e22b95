// Document symbols, folding ranges and semantic tokens for sysctl files.
//
// Keys are grouped by their leading components: the first two (`net.netfilter`,
// `net.ipv4`), or just the first when the key has only two (`vm`, `kernel`, `fs`).

import type { DocSymbol, FoldRange, Range, SemanticToken, SemanticTokenType } from '../types';
import type { SysctlAssignment, SysctlDocument, SysctlExclude } from './ast';
import { isBlank } from './parse';

/** Number of leading components that name a key's group (0 for a one-component key). */
export function groupSize(componentCount: number): number {
  return Math.min(2, componentCount - 1);
}

/** The group a key belongs to (`net.netfilter`), or '' for one-component keys. */
export function keyGroup(components: readonly string[]): string {
  const g = groupSize(components.length);
  return g > 0 ? components.slice(0, g).join('.') : '';
}

/** True when two keys belong to the same (non-empty) group. */
export function sameGroup(a: readonly string[], b: readonly string[]): boolean {
  const g = groupSize(a.length);
  if (g <= 0 || groupSize(b.length) !== g) return false;
  for (let i = 0; i < g; i++) if (a[i] !== b[i]) return false;
  return true;
}

type KeyNode = SysctlAssignment | SysctlExclude;

function keyDetail(n: KeyNode): string {
  if (n.kind === 'exclude') return 'excluded from globs';
  const v = n.value === '' ? '(empty)' : n.value;
  return n.ignoreFailure ? `${v} (failure ignored)` : v;
}

/**
 * Groups (namespace) → keys (property). A group is a run of keys of the same group with no
 * key of another group in between (comments and blank lines do not break it), so group
 * ranges never overlap: a file that interleaves `net.netfilter`, `net.ipv4`,
 * `net.netfilter` shows three groups, in file order, each spanning only its own lines.
 */
export function sysctlSymbols(doc: SysctlDocument): DocSymbol[] {
  const out: DocSymbol[] = [];
  let group: DocSymbol | null = null;
  let groupComponents: readonly string[] = [];
  for (const n of doc.lines) {
    if (n.kind !== 'assignment' && n.kind !== 'exclude') continue;
    const c = n.components;
    if (c.length === 0) continue;
    const sym: DocSymbol = { name: n.key, detail: keyDetail(n), kind: 'property', range: n.range, selectionRange: n.keyRange };
    if (c.length === 1) {
      group = null;
      out.push(sym);
      continue;
    }
    if (!group || !sameGroup(groupComponents, c)) {
      group = { name: keyGroup(c), kind: 'namespace', range: n.range, selectionRange: n.keyRange, children: [] };
      groupComponents = c;
      out.push(group);
    }
    group.children!.push(sym);
    group.range = { start: group.range.start, end: n.range.end };
  }
  for (const g of out) {
    if (g.children?.length) g.detail = `${g.children.length} key${g.children.length === 1 ? '' : 's'}`;
  }
  return out;
}

/** Comment blocks of two or more lines, and runs of two or more adjacent keys of one group. */
export function sysctlFolding(doc: SysctlDocument): FoldRange[] {
  const out: FoldRange[] = [];
  const lines = doc.lines;
  let i = 0;
  while (i < lines.length) {
    const n = lines[i];
    let j = i + 1;
    if (n.kind === 'comment') {
      while (j < lines.length && lines[j].kind === 'comment') j++;
      if (j - i >= 2) out.push({ startLine: i, endLine: j - 1, kind: 'comment' });
    } else if ((n.kind === 'assignment' || n.kind === 'exclude') && n.components.length > 1) {
      while (j < lines.length) {
        const m = lines[j];
        if ((m.kind !== 'assignment' && m.kind !== 'exclude') || !sameGroup(n.components, m.components)) break;
        j++;
      }
      if (j - i >= 2) out.push({ startLine: i, endLine: j - 1 });
    }
    i = j;
  }
  return out;
}

const NUMBER_WORD = /^[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+)$/;

/** True when `s` is a number the kernel's integer parser reads (decimal, hex or octal). */
export function isNumberWord(s: string): boolean {
  return NUMBER_WORD.test(s);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** `isNumberWord(text.slice(s, e))` without the slice. */
function isNumberAt(text: string, s: number, e: number): boolean {
  let i = s;
  const c0 = text.charCodeAt(i);
  if (c0 === 43 || c0 === 45) i++; // + -
  if (i >= e) return false;
  if (e - i > 2 && text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 32) === 120) {
    for (let j = i + 2; j < e; j++) if (!isHexDigit(text.charCodeAt(j))) return false;
    return true;
  }
  for (let j = i; j < e; j++) if (!isDigit(text.charCodeAt(j))) return false;
  return true;
}

function push(out: SemanticToken[], range: Range, type: SemanticTokenType, from = range.start.character, to = range.end.character): void {
  if (to > from) out.push({ line: range.start.line, character: from, length: to - from, type });
}

/** Offsets in `rawKey` of the end of component `g - 1` and the start of component `g`. */
function groupSplit(rawKey: string, g: number): [number, number] {
  const slash = firstSeparatorIsSlash(rawKey);
  let count = 0;
  let inComp = false;
  let groupEnd = -1;
  for (let i = 0; i < rawKey.length; i++) {
    const c = rawKey.charCodeAt(i);
    const sep = slash ? c === 47 : c === 46;
    if (sep) {
      if (inComp) {
        count++;
        if (count === g) groupEnd = i;
      }
      inComp = false;
    } else if (!inComp) {
      if (count === g) return [groupEnd, i];
      inComp = true;
    }
  }
  return [-1, -1];
}

function firstSeparatorIsSlash(rawKey: string): boolean {
  for (let i = 0; i < rawKey.length; i++) {
    const c = rawKey.charCodeAt(i);
    if (c === 46) return false;
    if (c === 47) return true;
  }
  return false;
}

function keyTokens(out: SemanticToken[], n: KeyNode): void {
  const base = n.keyRange.start.character;
  const g = groupSize(n.components.length);
  const [groupEnd, rest] = g > 0 ? groupSplit(n.rawKey, g) : [-1, -1];
  if (groupEnd > 0) {
    push(out, n.keyRange, 'namespace', base, base + groupEnd);
    push(out, n.keyRange, 'property', base + rest, n.keyRange.end.character);
  } else {
    push(out, n.keyRange, 'property');
  }
}

/** One `number` token per word when every word of the value is a number, else one `parameter`. */
function valueTokens(out: SemanticToken[], doc: SysctlDocument, n: SysctlAssignment): void {
  const line = n.bareValueRange.start.line;
  const col0 = doc.lineStarts[line];
  const text = doc.text;
  const from = col0 + n.bareValueRange.start.character;
  const to = col0 + n.bareValueRange.end.character;
  if (from === to) return;
  let numeric = true;
  for (let i = from; i < to && numeric; ) {
    while (i < to && isBlank(text.charCodeAt(i))) i++;
    const s = i;
    while (i < to && !isBlank(text.charCodeAt(i))) i++;
    if (i > s && !isNumberAt(text, s, i)) numeric = false;
  }
  if (!numeric) {
    push(out, n.bareValueRange, 'parameter');
    return;
  }
  for (let i = from; i < to; ) {
    while (i < to && isBlank(text.charCodeAt(i))) i++;
    const s = i;
    while (i < to && !isBlank(text.charCodeAt(i))) i++;
    if (i > s) out.push({ line, character: s - col0, length: i - s, type: 'number' });
  }
}

/** Tokens in document order, one line each. */
export function sysctlSemanticTokens(doc: SysctlDocument): SemanticToken[] {
  const out: SemanticToken[] = [];
  for (const n of doc.lines) {
    switch (n.kind) {
      case 'comment':
        push(out, n.textRange, 'comment');
        break;
      case 'exclude':
        push(out, n.ignoreRange, 'operator');
        keyTokens(out, n);
        break;
      case 'assignment': {
        if (n.ignoreRange) push(out, n.ignoreRange, 'operator');
        keyTokens(out, n);
        push(out, n.equalsRange, 'operator');
        valueTokens(out, doc, n);
        if (n.comment) push(out, n.comment.range, 'comment');
        break;
      }
      default:
        break;
    }
  }
  return out;
}
