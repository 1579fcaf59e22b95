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

/**
 * Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`.
 * Common prefixes and suffixes are skipped first (they never change the distance) and
 * with a finite limit only the diagonal band |i − j| ≤ limit is computed, so comparing
 * two long keys that differ in a few characters costs little.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > limit) return limit + 1;
  let s = 0;
  while (s < la && s < lb && a.charCodeAt(s) === b.charCodeAt(s)) s++;
  let ea = la;
  let eb = lb;
  while (ea > s && eb > s && a.charCodeAt(ea - 1) === b.charCodeAt(eb - 1)) {
    ea--;
    eb--;
  }
  const n = ea - s;
  const m = eb - s;
  if (Math.abs(n - m) > limit) return limit + 1;
  if (n === 0 || m === 0) return Math.max(n, m);
  const k = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : Math.max(n, m);
  const big = k + 1;
  if (rowA.length < m + 2) {
    rowA = new Int32Array(m + 2);
    rowB = new Int32Array(m + 2);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= m + 1; j++) prev[j] = j <= k ? j : big;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(m, i + k);
    cur[lo - 1] = lo === 1 ? Math.min(i, big) : big;
    let rowMin = cur[lo - 1];
    const ca = a.charCodeAt(s + i - 1);
    for (let j = lo; j <= hi; j++) {
      let v = prev[j - 1] + (ca === b.charCodeAt(s + j - 1) ? 0 : 1);
      const up = prev[j] + 1;
      if (up < v) v = up;
      const left = cur[j - 1] + 1;
      if (left < v) v = left;
      if (v > big) v = big;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < m) cur[hi + 1] = big;
    if (rowMin > k) return limit + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[m];
  return d > k ? limit + 1 : d;
}

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

interface Candidate {
  key: string;
  last: string;
  /** The key without its last component ('' for a one-component key). */
  ns: string;
  target: string;
  /** Prefer modern mainline keys that still exist; legacy/vendor/removed ones last. */
  rank: number;
}

const CANDIDATES: readonly Candidate[] = KB_ENTRIES.map((e) => {
  const key = e.key.toLowerCase();
  const last = lastComponent(key);
  return { key, last, ns: key.slice(0, key.length - last.length), target: e.renamedTo ?? e.key, rank: e.renamedTo ? 2 : e.origin === 'vendor' ? 3 : e.removedIn ? 1 : 0 };
});

/** Recent answers: editors ask again for the same unknown key on every keystroke elsewhere. */
const SUGGEST_CACHE = new Map<string, string[]>();
const SUGGEST_CACHE_SIZE = 512;

/**
 * Did-you-mean for an unknown key: known keys whose last component or full name is within
 * a small edit distance (about a quarter of the name, 1 to 4 edits). Legacy names are
 * replaced by the modern key they map to. Best first; [] when nothing is close or the key
 * is known. `nf_conntrack_maxx` → [`net.netfilter.nf_conntrack_max`, …].
 */
export function suggestKeys(unknownKey: string, limit = 3): string[] {
  const input = normaliseKey(unknownKey).toLowerCase();
  if (!input || BY_KEY.has(input)) return [];
  const cacheKey = `${limit} ${input}`;
  const cached = SUGGEST_CACHE.get(cacheKey);
  if (cached) return cached.slice();
  const inputLast = lastComponent(input);
  const inputNs = input.slice(0, input.length - inputLast.length);
  const threshold = Math.max(1, Math.min(4, Math.floor(inputLast.length / 4)));
  const best = new Map<string, { d: number; rank: number }>();
  for (const c of CANDIDATES) {
    let d = editDistance(inputLast, c.last, threshold);
    // Same namespace: the full names differ exactly where the last components do.
    if (d > 0 && c.ns !== inputNs) d = Math.min(d, editDistance(input, c.key, Math.min(threshold, d)));
    if (d > threshold) continue;
    const prev = best.get(c.target);
    if (!prev || d < prev.d || (d === prev.d && c.rank < prev.rank)) best.set(c.target, { d, rank: c.rank });
  }
  const out = [...best.entries()]
    .sort((x, y) => x[1].d - y[1].d || x[1].rank - y[1].rank || x[0].localeCompare(y[0]))
    .slice(0, limit)
    .map(([key]) => key);
  if (SUGGEST_CACHE.size >= SUGGEST_CACHE_SIZE) SUGGEST_CACHE.delete(SUGGEST_CACHE.keys().next().value as string);
  SUGGEST_CACHE.set(cacheKey, out);
  return out.slice();
}
