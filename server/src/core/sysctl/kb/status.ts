// Version status, read-only state and defaults of a key on a given kernel.

import { kernelDefaults } from '../../estimates/defaults';
import type { Estimate } from '../../estimates/types';
import { compareKernel, formatCount, humanDuration, type KernelVersion } from '../../kernel';
import type { KbEntry, KeyStatus } from './types';

const before = (kernel: KernelVersion, version: string) => compareKernel(kernel, version) < 0;

/**
 * Whether the key exists on `kernel`:
 * - `legacy` for old ip_conntrack names (with the modern key to use),
 * - `vendor` for keys only patched kernels have,
 * - `not-yet-added` / `removed` from the entry's since / removedIn (check `certain`
 *   before raising a finding on an approximate boundary),
 * - `present` otherwise (with `readOnly` for that kernel).
 */
export function keyStatus(entry: KbEntry, kernel: KernelVersion): KeyStatus {
  if (entry.renamedTo) {
    const maybe = entry.removedIn !== undefined && before(kernel, entry.removedIn.version);
    return { kind: 'legacy', label: `legacy(${entry.renamedTo})`, renamedTo: entry.renamedTo, existsOnKernel: maybe ? 'maybe' : 'no' };
  }
  if (entry.origin === 'vendor') {
    return { kind: 'vendor', label: 'vendor', note: 'exists only on kernels carrying a vendor patch; mainline Linux does not have it' };
  }
  if (entry.since && before(kernel, entry.since.version)) {
    return { kind: 'not-yet-added', label: 'not-yet-added', since: entry.since.version, certain: entry.since.certain };
  }
  if (entry.removedIn && !before(kernel, entry.removedIn.version)) {
    return { kind: 'removed', label: `removed-in-${entry.removedIn.version}`, removedIn: entry.removedIn.version, certain: entry.removedIn.certain };
  }
  return { kind: 'present', label: 'present', readOnly: isReadOnly(entry, kernel) };
}

/** True when writing the key fails on `kernel` (always read-only, or read-only before `writableSince`). */
export function isReadOnly(entry: KbEntry, kernel: KernelVersion): boolean {
  if (entry.readOnly) return true;
  return entry.writableSince !== undefined && before(kernel, entry.writableSince.version);
}

export interface DefaultValue {
  /** The default as sysctl would print it, or null when it cannot be known (needs RAM, …). */
  value: string | null;
  /** One line for hover: the value and how it comes about on this kernel. */
  text: string;
  /** For computed conntrack defaults: the estimate with formula and assumptions. */
  estimate?: Estimate;
}

/**
 * The key's default on `kernel`. Conntrack sizes (max, buckets, expect_max) are computed
 * with the kernel's own rules from `ramBytes` (unknown RAM: the largest tier, said in the
 * estimate's assumptions).
 */
export function defaultFor(entry: KbEntry, kernel: KernelVersion, ramBytes?: number): DefaultValue {
  const d = entry.default;
  if (d.computed === 'conntrack-max' || d.computed === 'conntrack-buckets' || d.computed === 'expect-max') {
    const all = kernelDefaults(kernel, ramBytes);
    const estimate = d.computed === 'conntrack-max' ? all.max : d.computed === 'conntrack-buckets' ? all.buckets : all.expectMax;
    const basis = d.computed === 'conntrack-max' ? `${estimate.formula} buckets; buckets: ${all.buckets.formula}` : estimate.formula;
    return { value: String(estimate.value), text: `${estimate.display} on kernel ${kernel.text} = ${basis}`, estimate };
  }
  if (d.computed) return { value: null, text: d.how ?? 'computed at boot' };
  if (d.value === undefined) return { value: null, text: 'none (not a setting)' };
  let value = d.value;
  if (d.history) {
    const eras = [...d.history].sort((a, b) => compareKernel(a.until.version, b.until.version));
    const era = eras.find((h) => before(kernel, h.until.version));
    if (era) value = era.value;
  }
  return { value, text: `${displayValue(value)}${describeSeconds(entry, value)} on kernel ${kernel.text}` };
}

function displayValue(value: string): string {
  return value
    .split(/\s+/)
    .map((p) => (/^\d+$/.test(p) ? formatCount(Number(p)) : p))
    .join(' ');
}

function describeSeconds(entry: KbEntry, value: string): string {
  if (entry.type.kind !== 'seconds' || !/^\d+$/.test(value)) return '';
  const n = Number(value);
  return n >= 60 ? ` s (${humanDuration(n)})` : ' s';
}
