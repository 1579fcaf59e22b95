// The kernel's own default table size and limit, by era (conntrack-facts.md §2, §7),
// the "only one of max/buckets is set" resolution, and the recommended sizes table.

import { formatBytes, formatCount, kernelAtLeast, PAGE_SIZE, type KernelVersion } from '../kernel';
import { chainLength, roundBuckets } from './memory';
import type { Estimate } from './types';

const GIB = 1024 ** 3;

/** The defaults eras the code distinguishes. */
export type SizingEra = 'v5.15+' | 'v4.0-5.14' | 'v2.6.20-3.x' | 'ip_conntrack';

/** d532bcd0b269 "sanitize table size default settings": factor 1 and new tiers (§2a). */
export const FACTOR_ONE_KERNEL = '5.15';
/**
 * The ">4 GiB → 65536 buckets" tier appeared between 3.15 and 4.7 (§2b, exact commit
 * unverified); we assume it from 4.0.
 */
export const FOUR_GIB_TIER_KERNEL = '4.0';
/** nf_conntrack as the usual tracker (§2c, §5a); before it, ip_conntrack's rules (§2d). */
export const NF_CONNTRACK_KERNEL = '2.6.20';
/** From ≈4.7 the single host-wide table exists and max is computed after rounding (§2b). */
export const MAX_AFTER_ROUNDING_KERNEL = '4.7';

/** Which defaults code a kernel runs. */
export function sizingEra(kernel: KernelVersion): SizingEra {
  if (kernelAtLeast(kernel, FACTOR_ONE_KERNEL)) return 'v5.15+';
  if (kernelAtLeast(kernel, FOUR_GIB_TIER_KERNEL)) return 'v4.0-5.14';
  if (kernelAtLeast(kernel, NF_CONNTRACK_KERNEL)) return 'v2.6.20-3.x';
  return 'ip_conntrack';
}

const ERA_TEXT: Record<SizingEra, string> = {
  'v5.15+': 'kernels 5.15 and later',
  'v4.0-5.14': 'kernels before 5.15',
  'v2.6.20-3.x': 'early nf_conntrack kernels (2.6.20 to 3.x)',
  ip_conntrack: 'ip_conntrack kernels (before 2.6.20)',
};

/** Auto max = factor × buckets: 1 on ≥5.15 (§2a), 4 on 2.6.20–5.14 (§2b/§2c), 8 for ip_conntrack (§2d). */
export function autoMaxFactor(kernel: KernelVersion): number {
  const era = sizingEra(kernel);
  return era === 'v5.15+' ? 1 : era === 'ip_conntrack' ? 8 : 4;
}

/** Explicit `hashsize=` at module load keeps the old factor 8 in every era (§2a, §2e, §7). */
export const HASHSIZE_MAX_FACTOR = 8;

/** Text used whenever RAM is unknown and the largest 64-bit tier is assumed. */
export function unknownRamAssumption(kernel: KernelVersion): string {
  const era = sizingEra(kernel);
  const tier =
    era === 'v5.15+'
      ? '262,144-bucket'
      : era === 'v4.0-5.14'
        ? '65,536-bucket'
        : era === 'v2.6.20-3.x'
          ? '16,384-bucket'
          : '8,192-bucket';
  return `unknown RAM (conntrackLens.hostMemory not set): assuming a 64-bit host with more than 4 GiB, the ${tier} tier of ${ERA_TEXT[era]}`;
}

export interface BucketOptions {
  /** `hashsize=` given to the module (modprobe.d or kernel command line). */
  hashsize?: number;
  /** 8 on 64-bit (default), 4 on 32-bit kernels: bucket size, RAM divisor and rounding step follow it (§2a). */
  pointerBytes?: 4 | 8;
}

/**
 * Buckets the kernel allocates at module load (what nf_conntrack_buckets then shows):
 * - ≥5.15: RAM/131072, >4 GiB → 262144, >1 GiB → 65536, at least 1024 (§2a);
 * - 4.0–5.14: RAM/131072, >4 GiB → 65536, >1 GiB → 16384, at least 32 (§2b);
 * - 2.6.20–3.x: RAM/131072, >1 GiB → 16384, at least 32 (§2c);
 * - ip_conntrack: RAM/262144, >1 GiB → 8192, at least 16 (§2d);
 * then rounded up to a multiple of 512 (nf_conntrack eras, §2a step 3). `hashsize` replaces
 * the RAM rule. `ramBytes` is taken as the kernel's totalram (a little below installed RAM).
 */
export function defaultBuckets(kernel: KernelVersion, ramBytes?: number, options: BucketOptions = {}): Estimate {
  const era = sizingEra(kernel);
  const ptr = options.pointerBytes ?? 8;
  const step = PAGE_SIZE / ptr;
  const assumptions: string[] = [];
  const inputs: Estimate['inputs'] = { kernel: kernel.text, era, ramBytes: ramBytes ?? null, hashsize: options.hashsize ?? null, pointerBytes: ptr };
  let raw: number;
  let formula: string;
  if (options.hashsize !== undefined && options.hashsize > 0) {
    raw = Math.floor(options.hashsize);
    formula = `hashsize=${formatCount(raw)}`;
    assumptions.push(`buckets come from the hashsize=${formatCount(raw)} module parameter, not from RAM`);
  } else {
    const known = ramBytes !== undefined && Number.isFinite(ramBytes) && ramBytes > 0;
    const ram = known ? ramBytes : 5 * GIB; // any size above 4 GiB selects the top tier
    if (!known) assumptions.push(unknownRamAssumption(kernel));
    // RAM / 16384 / sizeof(struct hlist_head) = RAM / 131072 on 64-bit (§2a); ip_conntrack
    // divided by sizeof(struct list_head), two pointers = 16 B on 64-bit (§2d).
    const perBucket = era === 'ip_conntrack' ? 16384 * 2 * ptr : 16384 * ptr;
    const proportional = Math.floor(ram / perBucket);
    const tiers: Record<SizingEra, { over4?: number; over1: number; floor: number }> = {
      'v5.15+': { over4: 262144, over1: 65536, floor: 1024 }, // §2a
      'v4.0-5.14': { over4: 65536, over1: 16384, floor: 32 }, // §2b
      'v2.6.20-3.x': { over1: 16384, floor: 32 }, // §2c
      ip_conntrack: { over1: 8192, floor: 16 }, // §2d
    };
    const t = tiers[era];
    // On ≥5.15 the 262144 tier needs a 64-bit kernel (BITS_PER_LONG >= 64, §2a).
    const over4 = era === 'v5.15+' && ptr !== 8 ? undefined : t.over4;
    if (over4 !== undefined && ram > 4 * GIB) {
      raw = over4;
      formula = `RAM ${known ? formatBytes(ram) + ' ' : ''}> 4 GiB → ${formatCount(raw)}`;
    } else if (ram > GIB) {
      raw = t.over1;
      formula = `RAM ${known ? formatBytes(ram) + ' ' : ''}> 1 GiB → ${formatCount(raw)}`;
    } else {
      raw = proportional;
      formula = `${formatCount(ram)} B / ${formatCount(perBucket)} = ${formatCount(raw)}`;
      if (raw < t.floor) {
        raw = t.floor;
        formula += ` → minimum ${formatCount(t.floor)}`;
      }
    }
  }
  let value = raw;
  if (era !== 'ip_conntrack') {
    value = roundBuckets(raw, step);
    if (value !== raw) {
      formula += ` → rounded up to ${formatCount(value)}`;
      assumptions.push(`rounded up to a multiple of ${step} buckets (${ptr === 8 ? 'x86_64' : '32-bit'}, 4 KiB pages)`);
    }
  }
  inputs.rawBuckets = raw;
  return { value, display: formatCount(value), formula, inputs, assumptions, sources: [era === 'v5.15+' ? '§2a' : era === 'ip_conntrack' ? '§2d' : era === 'v4.0-5.14' ? '§2b' : '§2c'] };
}

/**
 * The nf_conntrack_max the kernel sets at module load from its boot-time bucket count:
 * factor × buckets with factor 1 (≥5.15), 4 (2.6.20–5.14) or 8 (ip_conntrack, or whenever
 * `hashsize=` was passed). From 4.7 the rounded bucket count is used (§2a step 4, §2b).
 */
export function defaultMax(kernel: KernelVersion, buckets: number, hashsizeGiven = false, pointerBytes: 4 | 8 = 8): Estimate {
  const factor = hashsizeGiven ? HASHSIZE_MAX_FACTOR : autoMaxFactor(kernel);
  const afterRounding = kernelAtLeast(kernel, MAX_AFTER_ROUNDING_KERNEL);
  const base = afterRounding ? roundBuckets(buckets, PAGE_SIZE / pointerBytes) : Math.max(0, Math.floor(buckets));
  const value = factor * base;
  const assumptions = [
    hashsizeGiven
      ? `hashsize= was given at module load, so the kernel keeps factor ${HASHSIZE_MAX_FACTOR}`
      : `${ERA_TEXT[sizingEra(kernel)]} set nf_conntrack_max = ${factor} × buckets`,
  ];
  if (afterRounding && base !== buckets) assumptions.push(`buckets rounded up to ${formatCount(base)} first`);
  return {
    value,
    display: formatCount(value),
    formula: `${factor} × ${formatCount(base)}`,
    inputs: { kernel: kernel.text, buckets, factor, hashsizeGiven },
    assumptions,
    sources: hashsizeGiven ? ['§2a', '§2e'] : [sizingEra(kernel) === 'v5.15+' ? '§2a' : '§2b'],
  };
}

/**
 * nf_conntrack_expect_max default: 4 × expect_hashsize, expect_hashsize = buckets / 256
 * (at least 1), i.e. ≈ buckets / 64 — the kernel documentation's buckets/256 is wrong (§1a).
 */
export function defaultExpectMax(buckets: number): Estimate {
  const rounded = roundBuckets(buckets);
  const hsize = Math.max(1, Math.floor(rounded / 256));
  const value = 4 * hsize;
  return {
    value,
    display: formatCount(value),
    formula: `4 × max(1, ${formatCount(rounded)} / 256)`,
    inputs: { buckets, expectHashsize: hsize },
    assumptions: ['expect_hashsize = buckets / 256 (the kernel documentation says the limit is buckets / 256; the code gives buckets / 64)'],
    sources: ['§1a'],
  };
}

export interface KernelDefaults {
  buckets: Estimate;
  max: Estimate;
  expectMax: Estimate;
}

/** Boot-time buckets, max and expect_max for a kernel and (optionally) RAM, hashsize, pointer size. */
export function kernelDefaults(kernel: KernelVersion, ramBytes?: number, options: BucketOptions = {}): KernelDefaults {
  const buckets = defaultBuckets(kernel, ramBytes, options);
  const hashsize = options.hashsize;
  const max = defaultMax(kernel, buckets.inputs.rawBuckets as number, hashsize !== undefined && hashsize > 0, options.pointerBytes ?? 8);
  max.assumptions.unshift(...buckets.assumptions.filter((a) => a.startsWith('unknown RAM')));
  return { buckets, max, expectMax: defaultExpectMax(buckets.value) };
}

export interface SizingValue {
  value: number;
  /** `file`: set in the document; `kernel-default`: what the kernel sets at boot. */
  source: 'file' | 'kernel-default';
  estimate?: Estimate;
}

export interface ResolvedSizing {
  max: SizingValue;
  /** Rounded as the kernel allocates it. */
  buckets: SizingValue;
  assumptions: string[];
}

export interface SizingInput {
  kernel: KernelVersion;
  ramBytes?: number;
  /** nf_conntrack_max (or a legacy alias) as set in the file. */
  max?: number;
  /** nf_conntrack_buckets as set in the file. */
  buckets?: number;
  hashsize?: number;
}

/**
 * The max/buckets pair a file leads to. A value the file does not set is the kernel's
 * boot-time default — and that default does NOT follow the other key: writing
 * nf_conntrack_buckets leaves nf_conntrack_max at its boot value (§1a, §2e).
 */
export function resolveSizing(input: SizingInput): ResolvedSizing {
  const defaults = kernelDefaults(input.kernel, input.ramBytes, { hashsize: input.hashsize });
  const assumptions: string[] = [];
  let max: SizingValue;
  let buckets: SizingValue;
  if (input.buckets !== undefined) {
    buckets = { value: roundBuckets(input.buckets), source: 'file' };
  } else {
    buckets = { value: defaults.buckets.value, source: 'kernel-default', estimate: defaults.buckets };
    assumptions.push(`nf_conntrack_buckets is not set here: using the kernel default ${defaults.buckets.display} (${defaults.buckets.formula})`);
  }
  if (input.max !== undefined) {
    max = { value: input.max, source: 'file' };
  } else {
    max = { value: defaults.max.value, source: 'kernel-default', estimate: defaults.max };
    assumptions.push(
      `nf_conntrack_max is not set here: using the kernel default ${defaults.max.display} (${defaults.max.formula})` +
        (input.buckets !== undefined ? '; setting nf_conntrack_buckets does not raise it' : ''),
    );
  }
  const unknownRam = defaults.buckets.assumptions.find((a) => a.startsWith('unknown RAM'));
  if (unknownRam && (max.source === 'kernel-default' || buckets.source === 'kernel-default')) assumptions.push(unknownRam);
  return { max, buckets, assumptions };
}

export interface SizeSuggestion {
  max: Estimate;
  buckets: Estimate;
  /** 2 × max / buckets at a full table. */
  chainAtFull: Estimate;
}

export interface RecommendedSizes {
  /** What the kernel itself picks for this RAM (§2). */
  kernelDefault: SizeSuggestion;
  /** Eychenne's RAM / 16384 / (bits / 32), buckets = max / 8 (§7). */
  eychenne: SizeSuggestion;
  assumptions: string[];
}

/**
 * The two sizes worth comparing for a host: the kernel's own default and the classic
 * CONNTRACK_MAX = RAMSIZE / 16384 / (x / 32) with HASHSIZE = CONNTRACK_MAX / 8 (§7).
 * For 64 GiB on 64-bit that is 2,097,152 entries and 262,144 buckets.
 */
export function recommendedSizes(kernel: KernelVersion, ramBytes: number, pointerBits: 32 | 64 = 64): RecommendedSizes {
  const d = kernelDefaults(kernel, ramBytes);
  const kernelDefault: SizeSuggestion = { max: d.max, buckets: d.buckets, chainAtFull: chainLength(d.max.value, d.buckets.value) };
  const ram = Math.max(0, Math.floor(ramBytes));
  const maxValue = Math.floor(ram / 16384 / (pointerBits / 32));
  const max: Estimate = {
    value: maxValue,
    display: formatCount(maxValue),
    formula: `${formatCount(ram)} / 16,384 / (${pointerBits} / 32)`,
    inputs: { ramBytes: ram, pointerBits },
    assumptions: [
      `Eychenne's CONNTRACK_MAX = RAMSIZE / 16384 / (x / 32) with x = ${pointerBits}-bit pointers, without the old 65,536 cap`,
    ],
    sources: ['§7'],
  };
  const bucketsRaw = Math.floor(maxValue / 8);
  const bucketsValue = roundBuckets(bucketsRaw);
  const buckets: Estimate = {
    value: bucketsValue,
    display: formatCount(bucketsValue),
    formula: `${formatCount(maxValue)} / 8` + (bucketsValue !== bucketsRaw ? ` → rounded up to ${formatCount(bucketsValue)}` : ''),
    inputs: { max: maxValue },
    assumptions: ['HASHSIZE = CONNTRACK_MAX / 8: about 8 entries per bucket when full (chains of 16 nodes, since every entry is hashed twice)'],
    sources: ['§7', '§3'],
  };
  return {
    kernelDefault,
    eychenne: { max, buckets, chainAtFull: chainLength(maxValue, bucketsValue) },
    assumptions: [`host RAM ${formatBytes(ram)} taken as the kernel's totalram; kernel ${kernel.text}`],
  };
}

