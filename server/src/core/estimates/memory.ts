// Per-entry size, bucket rounding, full-table memory and hash-chain arithmetic.
// Every constant cites the section of conntrack-facts.md it comes from.

import { formatBytes, formatCount, kernelAtLeast, PAGE_SIZE, POINTER_BYTES, type KernelVersion } from '../kernel';
import type { Estimate } from './types';

/** `struct nf_conn` slab object on ≥4.9 x86_64: 248 B padded to 256 B (§4a [live-6.18]). */
export const NF_CONN_OBJECT_BYTES = 256;
/** First extension allocation, NF_CT_EXT_PREALLOC = 128 B, attached to almost every entry (§4b). */
export const EXT_PREALLOC_BYTES = 128;
/** ≥4.9: 256 B object + 128 B extension area (§4a, §4b, §4d). */
export const ENTRY_BYTES_CURRENT = NF_CONN_OBJECT_BYTES + EXT_PREALLOC_BYTES; // 384
/**
 * ≤4.8: the object still embedded a timer_list (removed by f330a7fdbe16, ≈4.9, §4c) and was
 * 312–320 B in slabinfo dumps; 320 + 128 = 448, inside the 440–450 B band of §4d.
 */
export const OLD_NF_CONN_OBJECT_BYTES = 320;
export const ENTRY_BYTES_OLD = OLD_NF_CONN_OBJECT_BYTES + EXT_PREALLOC_BYTES; // 448
/** The "≈300 bytes per entry" rule of thumb (seed story 000; §4c "popular guidance"). */
export const ENTRY_BYTES_SEED = 300;
/** Kernel where the per-entry timer disappeared (f330a7fdbe16, §4c). */
export const TIMERLESS_ENTRY_KERNEL = '4.9';

/** Bytes per hash bucket: one `hlist_nulls_head` pointer on 64-bit (§4a). */
export const BUCKET_BYTES = POINTER_BYTES;

/**
 * Buckets per rounding step: nf_ct_alloc_hashtable() rounds the count up to a multiple of
 * PAGE_SIZE / sizeof(hlist_nulls_head) = 4096 / 8 = 512 on x86_64 (§2a step 3).
 */
export const BUCKET_ROUNDING = PAGE_SIZE / BUCKET_BYTES; // 512

/** Rounds a bucket count up to the kernel's allocation step (512 on x86_64, §2a step 3). */
export function roundBuckets(n: number, step: number = BUCKET_ROUNDING): number {
  if (!Number.isFinite(n) || n <= 0) return 0;
  return Math.ceil(n / step) * step;
}

/** One row of a "memory at N bytes per entry" table. */
export interface EntrySizeRow {
  bytes: number;
  label: string;
  /** Which row the other estimates use by default. */
  primary: boolean;
}

/**
 * Bytes per conntrack entry for a kernel: 384 on ≥4.9, 448 on ≤4.8; `override`
 * (the `conntrackLens.entryBytes` setting, when > 0) wins.
 */
export function entryBytesFor(kernel: KernelVersion, override?: number): Estimate {
  if (override !== undefined && Number.isFinite(override) && override > 0) {
    return {
      value: override,
      display: `${formatCount(override)} B`,
      formula: `${formatCount(override)} B (conntrackLens.entryBytes)`,
      inputs: { kernel: kernel.text, override },
      assumptions: [`${formatCount(override)} B per entry, as set in conntrackLens.entryBytes`],
      sources: ['§4d'],
    };
  }
  if (kernelAtLeast(kernel, TIMERLESS_ENTRY_KERNEL)) {
    return {
      value: ENTRY_BYTES_CURRENT,
      display: `${ENTRY_BYTES_CURRENT} B`,
      formula: `${NF_CONN_OBJECT_BYTES} B object + ${EXT_PREALLOC_BYTES} B extension area`,
      inputs: { kernel: kernel.text, override: null },
      assumptions: [
        `${ENTRY_BYTES_CURRENT} B per entry on kernel ${kernel.text}: ${NF_CONN_OBJECT_BYTES} B nf_conn object plus the ${EXT_PREALLOC_BYTES} B extension area most entries carry (x86_64)`,
      ],
      sources: ['§4a', '§4b', '§4d'],
    };
  }
  return {
    value: ENTRY_BYTES_OLD,
    display: `${ENTRY_BYTES_OLD} B`,
    formula: `≈${OLD_NF_CONN_OBJECT_BYTES} B object (with its timer) + ${EXT_PREALLOC_BYTES} B extension area`,
    inputs: { kernel: kernel.text, override: null },
    assumptions: [
      `${ENTRY_BYTES_OLD} B per entry on kernel ${kernel.text}: before 4.9 each nf_conn embedded a timer (≈${OLD_NF_CONN_OBJECT_BYTES} B object) plus the ${EXT_PREALLOC_BYTES} B extension area (x86_64)`,
    ],
    sources: ['§4c', '§4d'],
  };
}

/**
 * The entry sizes hover shows side by side: the one in use (override or kernel-derived)
 * first, then the seed's 300 B rule of thumb when it differs.
 */
export function entrySizeRows(kernel: KernelVersion, override?: number): EntrySizeRow[] {
  const main = entryBytesFor(kernel, override);
  const rows: EntrySizeRow[] = [
    {
      bytes: main.value,
      label: main.inputs.override ? 'conntrackLens.entryBytes' : `kernel ${kernel.text} estimate`,
      primary: true,
    },
  ];
  if (main.value !== ENTRY_BYTES_SEED) rows.push({ bytes: ENTRY_BYTES_SEED, label: 'the common ≈300 B rule of thumb', primary: false });
  return rows;
}

function roundingNote(buckets: number, rounded: number): string[] {
  return rounded !== buckets
    ? [`${formatCount(buckets)} buckets are rounded up to ${formatCount(rounded)} (a multiple of ${BUCKET_ROUNDING}), as the kernel allocates them`]
    : [];
}

/**
 * Memory a completely full table takes: max × entryBytes + roundedBuckets × 8 B (§4d
 * planning formula; hash array rounding §2a). Entries are only allocated as they exist;
 * the bucket array is allocated up front.
 */
export function fullTableMemory(max: number, buckets: number, entryBytes: number): Estimate {
  const rounded = roundBuckets(buckets);
  const value = max * entryBytes + rounded * BUCKET_BYTES;
  return {
    value,
    display: formatBytes(value),
    formula: `${formatCount(max)} × ${formatCount(entryBytes)} B + ${formatCount(rounded)} × ${BUCKET_BYTES} B`,
    inputs: { max, buckets, roundedBuckets: rounded, entryBytes, bucketBytes: BUCKET_BYTES },
    assumptions: [
      ...roundingNote(buckets, rounded),
      `each bucket is one ${BUCKET_BYTES}-byte pointer (64-bit); a NAT bysource table of the same size adds ${formatBytes(rounded * BUCKET_BYTES)} more when nf_nat is loaded`,
    ],
    sources: ['§2a', '§4a', '§4d'],
  };
}

function perBucket(entries: number, buckets: number, factor: 1 | 2, what: string): Estimate {
  const rounded = roundBuckets(buckets);
  if (rounded === 0 || !Number.isFinite(entries)) {
    return {
      value: Number.NaN,
      display: 'n/a',
      formula: `${factor === 2 ? '2 × ' : ''}${formatCount(entries)} / ${formatCount(buckets)}`,
      inputs: { entries, buckets, roundedBuckets: rounded },
      assumptions: ['the bucket count must be a positive number'],
      sources: ['§3'],
    };
  }
  const value = (factor * entries) / rounded;
  return {
    value,
    display: formatCount(value, 1),
    formula: `${factor === 2 ? '2 × ' : ''}${formatCount(entries)} / ${formatCount(rounded)}`,
    inputs: { entries, buckets, roundedBuckets: rounded },
    assumptions: [
      ...roundingNote(buckets, rounded),
      ...(factor === 2 ? ['every entry is linked into the table twice, once for the original and once for the reply direction'] : []),
      what,
    ],
    sources: factor === 2 ? ['§3'] : ['§3', '§2a'],
  };
}

/** Entries per bucket = entries / buckets (buckets rounded as the kernel does). */
export function entriesPerBucket(entries: number, buckets: number): Estimate {
  return perBucket(entries, buckets, 1, 'entries counted once per bucket (the usual "entries per bucket" figure)');
}

/**
 * Average hash-chain length = 2 × entries / buckets: each connection sits in the table
 * under its original and its reply tuple (§3). At a full table, entries = nf_conntrack_max.
 */
export function chainLength(entries: number, buckets: number): Estimate {
  return perBucket(entries, buckets, 2, 'average nodes walked per lookup chain; the table is shared by all network namespaces');
}

/**
 * Buckets needed for a target number of entries per bucket at a full table:
 * roundBuckets(ceil(max / target)). Target 1 is what kernels ≥5.15 choose by default
 * (chains of 2, §2a/§3); 4 is the classic advice (chains of 8).
 */
export function bucketsForTarget(max: number, targetEntriesPerBucket: number): Estimate {
  const target = targetEntriesPerBucket > 0 ? targetEntriesPerBucket : 1;
  const raw = Math.ceil(Math.max(0, max) / target);
  const value = roundBuckets(raw);
  return {
    value,
    display: formatCount(value),
    formula: `${formatCount(max)} / ${formatCount(target, 2)}` + (value !== raw ? ` → rounded up to ${formatCount(value)}` : ''),
    inputs: { max, targetEntriesPerBucket: target },
    assumptions: [
      `${formatCount(target, 2)} entr${target === 1 ? 'y' : 'ies'} per bucket at a full table, i.e. chains of about ${formatCount(2 * target, 2)} nodes`,
      ...(value !== raw ? [`rounded up to a multiple of ${BUCKET_ROUNDING}, as the kernel would`] : []),
    ],
    sources: ['§2a', '§3'],
  };
}

/** Share of host RAM a full table takes, in percent (CT102 compares it with maxMemoryShare). */
export function memoryShare(tableBytes: number, ramBytes: number): Estimate {
  const value = ramBytes > 0 ? (tableBytes / ramBytes) * 100 : Number.NaN;
  return {
    value,
    display: Number.isFinite(value) ? `${formatCount(value, 1)} %` : 'n/a',
    formula: `${formatBytes(tableBytes)} / ${formatBytes(ramBytes)}`,
    inputs: { tableBytes, ramBytes },
    assumptions: ramBytes > 0 ? [] : ['host memory unknown'],
    sources: ['§4d'],
  };
}
