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
  max?: SizingLine;
  buckets?: SizingLine;
  timeWait?: SizingLine;
}

const BY_KEY: ReadonlyMap<string, KbEntry> = new Map(KB_ENTRIES.map((e) => [e.key, e]));

/** The entry for a parsed key (already normalised to dotted form; globs never have one). */
export function entryOf(node: { key: string; glob: boolean }): KbEntry | undefined {
  return node.glob ? undefined : BY_KEY.get(node.key);
}

/** True when a parsed (dotted) key lies in a namespace the knowledge base covers fully. */
export function inCoveredNamespace(key: string): boolean {
  if (!key.startsWith('net.')) return false;
  for (const p of COVERED_NAMESPACES) if (key.startsWith(p)) return true;
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
  const facts: SysctlFacts = { entries: new Array(doc.assignments.length) };
  for (let i = 0; i < doc.assignments.length; i++) {
    const node = doc.assignments[i];
    const entry = entryOf(node);
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
