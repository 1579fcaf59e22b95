// Per-document facts the conntrack features share: the knowledge-base entry of every
// assignment, and which lines set nf_conntrack_max, nf_conntrack_buckets and the TIME_WAIT
// timeout effectively (the last line the kernel accepts wins, as with sysctl -p and
// systemd-sysctl). Computed once per parsed document and kernel (documents are immutable;
// a reparse makes a new one), in one pass over the assignments.

import type { KernelVersion } from '../kernel';
import { COVERED_NAMESPACES, existsOn, isReadOnly, KB_ENTRIES, parseSysctlInteger, validateValue, type KbEntry } from './kb';
import type { SysctlAssignment, SysctlDocument } from './ast';

export interface SizingLine {
  node: SysctlAssignment;
  entry: KbEntry;
  /** The number the kernel ends up with (a negative limit accepted before 6.15 counts as 0, no limit). */
  value: number;
}

export interface SysctlFacts {
  /** Knowledge-base entry of each assignment (same order as doc.assignments); undefined for unknown keys and globs. */
  entries: Array<KbEntry | undefined>;
  /** keyHash() of each assignment's key (same order): duplicate detection reuses it. */
  hashes: Int32Array;
  max?: SizingLine;
  buckets?: SizingLine;
  timeWait?: SizingLine;
}

/**
 * FNV-1a over the key's UTF-16 code units, folded to 30 bits so it stays a small integer.
 * Keys are slices of the document text; hashing them ourselves once and looking up numbers
 * is several times cheaper than using them as Map keys on files of 100k+ lines.
 */
export function keyHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 30)) & 0x3fffffff;
}

/** Knowledge-base entries by key hash (a list only where two keys share a hash). */
const BY_HASH: ReadonlyMap<number, KbEntry | KbEntry[]> = (() => {
  const m = new Map<number, KbEntry | KbEntry[]>();
  for (const e of KB_ENTRIES) {
    const h = keyHash(e.key);
    const prev = m.get(h);
    m.set(h, prev === undefined ? e : Array.isArray(prev) ? [...prev, e] : [prev, e]);
  }
  return m;
})();

function lookupHashed(key: string, h: number): KbEntry | undefined {
  const hit = BY_HASH.get(h);
  if (hit === undefined) return undefined;
  if (!Array.isArray(hit)) return hit.key === key ? hit : undefined;
  return hit.find((e) => e.key === key);
}

/** The entry for a parsed key (already normalised to dotted form; globs never have one). */
export function entryOf(node: { key: string; glob: boolean }): KbEntry | undefined {
  return node.glob ? undefined : lookupHashed(node.key, keyHash(node.key));
}

const PREFIXES: readonly string[] = [...COVERED_NAMESPACES];

/** Each knowledge-base key split into its components (for glob matching), table order. */
export const KB_KEY_COMPONENTS: ReadonlyArray<{ entry: KbEntry; components: readonly string[] }> = KB_ENTRIES.map((entry) => ({
  entry,
  components: entry.key.split('.'),
}));

/** True when a parsed (dotted) key lies in a namespace the knowledge base covers fully. */
export function inCoveredNamespace(key: string): boolean {
  // Every covered prefix starts with `net.n` or `net.i`.
  if (key.length < 6 || key.charCodeAt(0) !== 110 || key.charCodeAt(3) !== 46) return false;
  const c4 = key.charCodeAt(4);
  if (c4 !== 110 && c4 !== 105) return false;
  for (let i = 0; i < PREFIXES.length; i++) if (key.startsWith(PREFIXES[i])) return true;
  return false;
}

/**
 * The number a line really sets, or null when the write does not take effect on `kernel`:
 * the key does not exist there, is read-only, or the kernel rejects the value.
 */
export function effectiveNumber(node: SysctlAssignment, entry: KbEntry, kernel: KernelVersion): number | null {
  if (!existsOn(entry, kernel)) return null;
  // Read-only before an approximate release (buckets before ≈4.7): given the benefit of the doubt.
  if (isReadOnly(entry, kernel) && (entry.readOnly || entry.writableSince?.certain)) return null;
  const problem = validateValue(entry, node.bareValue, kernel);
  if (problem && problem.kernelRejects === 'yes') return null;
  const first = node.bareValue.split(/[ \t\v\f]+/, 1)[0];
  const n = parseSysctlInteger(first);
  if (n === null) return null;
  return n < 0n ? 0 : Number(n);
}

const CACHE = new WeakMap<SysctlDocument, { kernel: string; facts: SysctlFacts }>();

export function sysctlFacts(doc: SysctlDocument, kernel: KernelVersion): SysctlFacts {
  const hit = CACHE.get(doc);
  if (hit && hit.kernel === kernel.text) return hit.facts;
  const n = doc.assignments.length;
  const facts: SysctlFacts = { entries: new Array(n), hashes: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const node = doc.assignments[i];
    const h = keyHash(node.key);
    facts.hashes[i] = h;
    const entry = node.glob ? undefined : lookupHashed(node.key, h);
    facts.entries[i] = entry;
    if (!entry || !entry.role) continue;
    const slot = entry.role === 'conntrack-max' ? 'max' : entry.role === 'conntrack-buckets' ? 'buckets' : entry.role === 'time-wait-timeout' ? 'timeWait' : null;
    if (!slot) continue;
    const value = effectiveNumber(node, entry, kernel);
    if (value !== null) facts[slot] = { node, entry, value };
  }
  CACHE.set(doc, { kernel: kernel.text, facts });
  return facts;
}
