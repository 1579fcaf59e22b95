// Completion for sysctl files: keys before `=`, values after it.
// Key candidates come from KEY_SOURCES: the keys already used in the file, and every key of
// the knowledge base that exists on the configured kernel (with its documentation). They
// are filtered by what has been typed (a prefix of the key, or of one of its trailing
// component runs: `nf_conntrack_ma` finds `net.netfilter.nf_conntrack_max`) and written in
// the style being typed (`net/netfilter/…` when the first separator typed is a slash).
// Every item carries `range` = the word being typed, so accepting it replaces that word.
// Values: 0/1 for booleans, the named values of enums, and the default of known keys.

import { formatCount } from '../kernel';
import type { Settings } from '../settings';
import type { CompletionItem, Position, Range } from '../types';
import type { SysctlDocument } from './ast';
import { sysctlContext } from './context';
import { entryOf } from './facts';
import { defaultFor, describeType, KB_ENTRIES, keyStatus, renderKeyDocs, typeFor, type KbEntry } from './kb';
import { isBlank, lineText, splitSysctlKey } from './parse';

export interface KeyCandidate {
  key: string;
  detail: string;
  documentation?: string;
  /** Lower sorts first. */
  rank: number;
}

export type KeySource = (doc: SysctlDocument, exceptLine: number, settings: Settings) => KeyCandidate[];

/** Keys already assigned elsewhere in the file (first occurrence each). */
export const fileKeys: KeySource = (doc, exceptLine) => {
  const seen = new Map<string, KeyCandidate>();
  for (const a of doc.assignments) {
    if (a.line === exceptLine || seen.has(a.key) || a.glob) continue;
    seen.set(a.key, { key: a.key, detail: `used on line ${a.line + 1}`, rank: 0 });
  }
  return [...seen.values()];
};

/** Short detail for a knowledge-base key: its type and default on the configured kernel. */
function kbDetail(entry: KbEntry, settings: Settings): string {
  const ctx = sysctlContext(settings);
  const def = defaultFor(entry, ctx.kernel, ctx.ramBytes);
  const full = describeType(typeFor(entry, ctx.kernel));
  const cut = full.indexOf(' (');
  const type = cut > 0 ? full.slice(0, cut) : full;
  return def.value !== null ? `${type} · default ${def.value.split(/\s+/).map((p) => (/^\d+$/.test(p) ? formatCount(Number(p)) : p)).join(' ')}` : type;
}

const KB_CANDIDATES = new Map<string, KeyCandidate[]>();

/**
 * Every knowledge-base key that exists on the configured kernel (legacy names and keys
 * the kernel does not have are left out; vendor keys sort last). Cached per kernel/RAM.
 */
export const kbKeys: KeySource = (_doc, _line, settings) => {
  const ctx = sysctlContext(settings);
  const cacheKey = `${ctx.kernelLabelLong} ${ctx.ramBytes ?? ''}`;
  let list = KB_CANDIDATES.get(cacheKey);
  if (!list) {
    list = [];
    for (const e of KB_ENTRIES) {
      const st = keyStatus(e, ctx.kernel);
      if (st.kind === 'legacy' || ((st.kind === 'removed' || st.kind === 'not-yet-added') && st.certain) || (st.kind === 'present' && e.readOnly)) continue;
      list.push({
        key: e.key,
        detail: kbDetail(e, settings),
        documentation: renderKeyDocs(e, ctx.kernel, { ramBytes: ctx.ramBytes, kernelLabel: ctx.kernelLabelLong }),
        rank: e.origin === 'vendor' || st.kind === 'removed' ? 3 : 1,
      });
    }
    if (KB_CANDIDATES.size > 16) KB_CANDIDATES.clear();
    KB_CANDIDATES.set(cacheKey, list);
  }
  return list.map((c) => ({ ...c }));
};

export const KEY_SOURCES: KeySource[] = [fileKeys, kbKeys];

/** True when `typed` (dotted, lower case) starts the key or one of its trailing component runs. */
export function keyMatches(key: string, typed: string): boolean {
  if (!typed) return true;
  const k = key.toLowerCase();
  if (k.startsWith(typed)) return true;
  for (let i = k.indexOf('.'); i >= 0; i = k.indexOf('.', i + 1)) {
    if (k.startsWith(typed, i + 1)) return true;
  }
  return false;
}

const CH_EQ = 61;
const CH_HASH = 35;
const CH_SEMI = 59;
const CH_DASH = 45;

function range(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** The run of non-blank characters around `col`, not crossing `=` or leaving [lo, hi). */
function wordAt(text: string, col: number, lo: number, hi: number): [number, number] {
  const stop = (c: number): boolean => isBlank(c) || c === CH_EQ;
  let s = col;
  while (s > lo && !stop(text.charCodeAt(s - 1))) s--;
  let e = col;
  while (e < hi && !stop(text.charCodeAt(e))) e++;
  return [s, e];
}

export function completeSysctl(doc: SysctlDocument, at: Position, settings: Settings): CompletionItem[] {
  const node = doc.lines[at.line];
  if (!node) return [];
  const text = lineText(doc, at.line);
  const col = Math.max(0, Math.min(at.character, text.length));
  let first = at.line === 0 && doc.bom ? 1 : 0;
  while (first < text.length && isBlank(text.charCodeAt(first))) first++;
  const c0 = text.charCodeAt(first);
  if (c0 === CH_HASH || c0 === CH_SEMI) return [];
  let eq = first;
  while (eq < text.length && text.charCodeAt(eq) !== CH_EQ) eq++;

  if (eq >= text.length || col <= eq) {
    // Key position: after the optional `-` prefix and blanks, before `=`.
    let keyStart = first;
    if (c0 === CH_DASH) {
      keyStart++;
      while (keyStart < eq && isBlank(text.charCodeAt(keyStart))) keyStart++;
    }
    if (col < keyStart) return [];
    const [ws, we] = wordAt(text, col, keyStart, eq);
    const r = range(at.line, ws, we);
    const typedRaw = text.slice(ws, col);
    const slash = splitSysctlKey(typedRaw).separator === '/';
    const typed = typedRaw.replace(/\//g, '.').replace(/^\.+/, '').toLowerCase();
    const byKey = new Map<string, KeyCandidate>();
    for (const source of KEY_SOURCES) {
      for (const k of source(doc, at.line, settings)) {
        const prev = byKey.get(k.key);
        if (!prev) byKey.set(k.key, k);
        else if (!prev.documentation && k.documentation) prev.documentation = k.documentation;
      }
    }
    const items: CompletionItem[] = [];
    for (const k of byKey.values()) {
      if (!keyMatches(k.key, typed)) continue;
      const label = slash && !k.key.includes('/') ? k.key.replace(/\./g, '/') : k.key;
      const item: CompletionItem = { label, kind: 'property', detail: k.detail, range: r, sortText: `${k.rank}${k.key}` };
      if (k.documentation) item.documentation = k.documentation;
      items.push(item);
    }
    return items;
  }

  // Value position.
  if (node.kind !== 'assignment') return [];
  let valueStart = eq + 1;
  while (valueStart < col && isBlank(text.charCodeAt(valueStart))) valueStart++;
  const [ws, we] = wordAt(text, col, valueStart, text.length);
  const r = range(at.line, ws, we);
  const entry = entryOf(node);
  if (entry) return knownValues(entry, r, settings);
  const current = new Set<string>([node.bareValue]);
  for (const a of doc.assignments) if (a.key === node.key) current.add(a.bareValue);
  if (!current.has('0') && !current.has('1')) return [];
  return [
    { label: '0', kind: 'value', range: r, sortText: '0' },
    { label: '1', kind: 'value', range: r, sortText: '1' },
  ];
}

/** Values of a known key: 0/1 for booleans, named values for enums, and its default. */
function knownValues(entry: KbEntry, r: Range, settings: Settings): CompletionItem[] {
  const ctx = sysctlContext(settings);
  const t = typeFor(entry, ctx.kernel);
  const def = defaultFor(entry, ctx.kernel, ctx.ramBytes);
  const items: CompletionItem[] = [];
  const isDefault = (v: string) => def.value !== null && def.value === v;
  const add = (value: string, detail: string) =>
    items.push({ label: value, kind: 'value', detail: isDefault(value) ? `${detail} (default)` : detail, range: r, sortText: String(items.length).padStart(2, '0') });
  if (t.kind === 'bool' || t.kind === 'loose-bool') {
    add('0', 'off');
    add('1', 'on');
  } else if (t.kind === 'enum') {
    for (const v of t.values) add(String(v.value), v.label);
  } else if (def.value !== null && !entry.readOnly) {
    items.push({
      label: def.value.replace(/\s+/g, ' '),
      kind: 'value',
      detail: `default on ${ctx.kernelLabel}`,
      documentation: def.text,
      range: r,
      sortText: '00',
    });
  }
  return items;
}
