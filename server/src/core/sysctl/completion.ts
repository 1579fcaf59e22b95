// Completion for sysctl files: keys before `=`, values after it.
// Key candidates come from KEY_SOURCES (the keys already used in the file, and a small
// built-in list); a richer source (the knowledge base) replaces or joins BUILTIN_KEYS.
// Every item carries `range` = the word being typed, so accepting it replaces that word.

import type { Settings } from '../settings';
import type { CompletionItem, Position, Range } from '../types';
import type { SysctlDocument } from './ast';
import { isBlank, lineText } from './parse';

export interface KeyCandidate {
  key: string;
  detail: string;
  documentation?: string;
  /** Lower sorts first. */
  rank: number;
}

export type KeySource = (doc: SysctlDocument, exceptLine: number, settings: Settings) => KeyCandidate[];

/** A few keys people set most often around connection tracking. */
export const BUILTIN_KEYS: ReadonlyArray<{ key: string; detail: string }> = [
  { key: 'net.netfilter.nf_conntrack_max', detail: 'Maximum number of tracked connections' },
  { key: 'net.netfilter.nf_conntrack_buckets', detail: 'Size of the conntrack hash table' },
  { key: 'net.netfilter.nf_conntrack_tcp_timeout_established', detail: 'Idle timeout of established TCP connections (seconds)' },
  { key: 'net.netfilter.nf_conntrack_tcp_timeout_time_wait', detail: 'Timeout of TCP connections in TIME_WAIT (seconds)' },
  { key: 'net.netfilter.nf_conntrack_udp_timeout', detail: 'Timeout of unreplied UDP flows (seconds)' },
  { key: 'net.ipv4.ip_forward', detail: 'Route IPv4 packets between interfaces (0/1)' },
  { key: 'net.ipv4.ip_local_port_range', detail: 'Ephemeral port range (two numbers)' },
  { key: 'net.ipv4.tcp_tw_reuse', detail: 'Reuse TIME_WAIT sockets for new outgoing connections' },
  { key: 'net.ipv4.tcp_fin_timeout', detail: 'Time an orphaned connection stays in FIN_WAIT_2 (seconds)' },
  { key: 'net.core.somaxconn', detail: 'Upper limit of a listen() backlog' },
  { key: 'net.bridge.bridge-nf-call-iptables', detail: 'Pass bridged IPv4 traffic through iptables (0/1)' },
  { key: 'fs.file-max', detail: 'System-wide limit of open files' },
];

/** Keys already assigned elsewhere in the file (first occurrence each). */
export const fileKeys: KeySource = (doc, exceptLine) => {
  const seen = new Map<string, KeyCandidate>();
  for (const a of doc.assignments) {
    if (a.line === exceptLine || seen.has(a.key)) continue;
    seen.set(a.key, { key: a.key, detail: `used on line ${a.line + 1}`, rank: 0 });
  }
  return [...seen.values()];
};

export const builtinKeys: KeySource = () => BUILTIN_KEYS.map((k) => ({ key: k.key, detail: k.detail, rank: 1 }));

export const KEY_SOURCES: KeySource[] = [fileKeys, builtinKeys];

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
      const item: CompletionItem = { label: k.key, kind: 'property', detail: k.detail, range: r, sortText: `${k.rank}${k.key}` };
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
  const current = new Set<string>([node.bareValue]);
  for (const a of doc.assignments) if (a.key === node.key) current.add(a.bareValue);
  if (!current.has('0') && !current.has('1')) return [];
  return [
    { label: '0', kind: 'value', range: r, sortText: '0' },
    { label: '1', kind: 'value', range: r, sortText: '1' },
  ];
}
