// Key lookup, covered namespaces and did-you-mean suggestions.

import { KB_ENTRIES } from './table';
import type { KbEntry } from './types';

const BY_KEY: ReadonlyMap<string, KbEntry> = new Map(KB_ENTRIES.map((e) => [e.key, e]));

/**
 * Trims, drops systemd-sysctl's leading `-` and turns `/` separators into dots
 * (`net/netfilter/nf_conntrack_max` → `net.netfilter.nf_conntrack_max`).
 */
export function normaliseKey(key: string): string {
  let k = key.trim();
  if (k.startsWith('-')) k = k.slice(1).trimStart();
  return k.includes('/') ? k.replace(/^\/+/, '').replace(/\//g, '.') : k;
}

/** The entry for a (normalised, dotted) key, or undefined. */
export function lookupKey(key: string): KbEntry | undefined {
  return BY_KEY.get(key) ?? (key.includes('/') || key.startsWith('-') || key !== key.trim() ? BY_KEY.get(normaliseKey(key)) : undefined);
}

/** Every key the knowledge base knows, table order (modern first, legacy last). */
export function allKeys(): string[] {
  return KB_ENTRIES.map((e) => e.key);
}

/**
 * Key prefixes the knowledge base covers completely: a key under one of them that is not
 * in the table is unknown to the kernel too (SYS001). Keys outside are never flagged.
 */
export const COVERED_NAMESPACES: readonly string[] = [
  'net.netfilter.nf_conntrack_',
  'net.netfilter.nf_flowtable_',
  'net.nf_conntrack_',
  'net.ipv4.netfilter.ip_conntrack_',
  'net.ipv4.ip_conntrack_',
];

/** True when `key` lies in a namespace the table covers fully. */
export function isCoveredNamespace(key: string): boolean {
  const k = normaliseKey(key);
  return COVERED_NAMESPACES.some((p) => k.startsWith(p));
}

function lastComponent(key: string): string {
  const i = key.lastIndexOf('.');
  return i < 0 ? key : key.slice(i + 1);
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > limit) return limit + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/**
 * Did-you-mean for an unknown key: known keys whose last component or full name is within
 * a small edit distance (about a quarter of the name, 1 to 4 edits). Legacy names are
 * replaced by the modern key they map to. Best first; [] when nothing is close or the key
 * is known. `nf_conntrack_maxx` → [`net.netfilter.nf_conntrack_max`, …].
 */
export function suggestKeys(unknownKey: string, limit = 3): string[] {
  const input = normaliseKey(unknownKey).toLowerCase();
  if (!input || BY_KEY.has(input)) return [];
  const inputLast = lastComponent(input);
  const threshold = Math.max(1, Math.min(4, Math.floor(inputLast.length / 4)));
  const best = new Map<string, { d: number; rank: number }>();
  for (const e of KB_ENTRIES) {
    const key = e.key.toLowerCase();
    const d = Math.min(editDistance(inputLast, lastComponent(key), threshold), editDistance(input, key, threshold));
    if (d > threshold) continue;
    const target = e.renamedTo ?? e.key;
    // Prefer modern mainline keys that still exist; legacy/vendor/removed ones last.
    const rank = e.renamedTo ? 2 : e.origin === 'vendor' ? 3 : e.removedIn ? 1 : 0;
    const prev = best.get(target);
    if (!prev || d < prev.d || (d === prev.d && rank < prev.rank)) best.set(target, { d, rank });
  }
  return [...best.entries()]
    .sort((x, y) => x[1].d - y[1].d || x[1].rank - y[1].rank || x[0].localeCompare(y[0]))
    .slice(0, limit)
    .map(([key]) => key);
}
