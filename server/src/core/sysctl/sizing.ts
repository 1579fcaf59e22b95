// The conntrack table a sysctl file leads to: nf_conntrack_max and nf_conntrack_buckets
// (from the file, or the kernel's boot-time default for the one it does not set), and the
// estimates hover, inlay hints and CT101–CT103 show: memory at a full table, entries per
// bucket, hash-chain length, steady state at a connection rate, recommended sizes.
// Arithmetic lives in core/estimates (conntrack-facts.md §2, §3, §4, §7); this module
// only picks the inputs and renders the results.

import {
  chainLength,
  entriesPerBucket,
  entrySizeRows,
  fullTableMemory,
  memoryShare,
  recommendedSizes,
  resolveSizing,
  roundBuckets,
  timeWaitEntries,
  DEFAULT_TIME_WAIT_SECONDS,
  type Estimate,
} from '../estimates';
import { formatCount, humanDuration } from '../kernel';
import type { SysctlAssignment } from './ast';
import type { SysctlContext } from './context';
import type { SysctlFacts } from './facts';

export interface MemoryRow {
  bytes: number;
  label: string;
  primary: boolean;
  estimate: Estimate;
}

export interface TableSizing {
  max: number;
  maxSource: 'file' | 'kernel-default';
  maxNode?: SysctlAssignment;
  /** As the file writes it (before rounding), or the kernel default. */
  bucketsRaw: number;
  /** Rounded up to a multiple of 512, as the kernel allocates it (§2a). */
  buckets: number;
  bucketsSource: 'file' | 'kernel-default';
  bucketsNode?: SysctlAssignment;
  /** max = 0: no limit, so there is no "full table". */
  unlimited: boolean;
  /** Memory at a full table: the entry size in use first, then the 300 B rule of thumb. */
  memory: MemoryRow[];
  perBucket: Estimate;
  chain: Estimate;
  /** Sentences: where each input comes from, and what was assumed. */
  assumptions: string[];
  /** The kernel's boot-time values used for what the file does not set. */
  defaultMax?: Estimate;
  defaultBuckets?: Estimate;
  /** Set when a default came from the largest RAM tier because hostMemory is unknown. */
  unknownRam?: string;
}

export interface SizingInput {
  /** Use this max (and line) instead of the file's effective one. */
  max?: { value: number; node?: SysctlAssignment };
  buckets?: { value: number; node?: SysctlAssignment };
}

/** The table size the file leads to (explicit inputs override the file's effective lines). */
export function tableSizing(ctx: SysctlContext, facts: SysctlFacts, input: SizingInput = {}): TableSizing {
  const maxIn = input.max ?? (facts.max ? { value: facts.max.value, node: facts.max.node } : undefined);
  const bucketsIn = input.buckets ?? (facts.buckets ? { value: facts.buckets.value, node: facts.buckets.node } : undefined);
  const resolved = resolveSizing({ kernel: ctx.kernel, ramBytes: ctx.ramBytes, max: maxIn?.value, buckets: bucketsIn?.value });
  const max = resolved.max.value;
  const buckets = resolved.buckets.value;
  const bucketsRaw = bucketsIn ? bucketsIn.value : buckets;
  const assumptions: string[] = [];
  const from = (what: string, value: number, node?: SysctlAssignment) =>
    `${what} ${formatCount(value)}${node ? ` from line ${node.line + 1}` : ''}`;
  if (maxIn && bucketsIn) {
    assumptions.push(`${from('nf_conntrack_max', maxIn.value, maxIn.node)}, ${from('nf_conntrack_buckets', bucketsIn.value, bucketsIn.node)}`);
  } else if (maxIn) {
    assumptions.push(from('nf_conntrack_max', maxIn.value, maxIn.node));
  } else if (bucketsIn) {
    assumptions.push(from('nf_conntrack_buckets', bucketsIn.value, bucketsIn.node));
  }
  assumptions.push(...resolved.assumptions);
  const unlimited = max === 0;
  const memory: MemoryRow[] = entrySizeRows(ctx.kernel, ctx.settings.entryBytes > 0 ? ctx.settings.entryBytes : undefined).map((row) => ({
    ...row,
    estimate: fullTableMemory(max, buckets, row.bytes),
  }));
  const perBucket = entriesPerBucket(max, buckets);
  const chain = chainLength(max, buckets);
  if (bucketsRaw !== buckets && bucketsIn) {
    assumptions.push(`${formatCount(bucketsRaw)} buckets are rounded up to ${formatCount(buckets)} (a multiple of 512), as the kernel allocates them`);
  }
  return {
    max,
    maxSource: resolved.max.source,
    maxNode: maxIn?.node,
    bucketsRaw,
    buckets,
    bucketsSource: resolved.buckets.source,
    bucketsNode: bucketsIn?.node,
    unlimited,
    memory,
    perBucket,
    chain,
    assumptions,
    defaultMax: resolved.max.source === 'kernel-default' ? resolved.max.estimate : undefined,
    defaultBuckets: resolved.buckets.source === 'kernel-default' ? resolved.buckets.estimate : undefined,
    unknownRam: resolved.assumptions.find((a) => a.startsWith('unknown RAM')),
  };
}

/**
 * One sentence for messages when the file sets only one of max / buckets: which kernel
 * default stands in for the other, how the kernel computes it, and the RAM assumption.
 */
export function defaultsSentence(ctx: SysctlContext, s: TableSizing, ineffective: { buckets?: boolean; max?: boolean } = {}): string {
  const parts: string[] = [];
  const notSet = (key: string, lineThere?: boolean) => (lineThere ? `${key} in this file does not take effect` : `${key} is not set in this file`);
  if (s.defaultBuckets) {
    parts.push(
      `${notSet('nf_conntrack_buckets', ineffective.buckets)}, so the default of ${ctx.kernelLabel} applies: ` +
        `${s.defaultBuckets.display} buckets (${s.defaultBuckets.formula}; \`options nf_conntrack hashsize=\` changes it)`,
    );
  }
  if (s.defaultMax) {
    parts.push(
      `${notSet('nf_conntrack_max', ineffective.max)}, so the default of ${ctx.kernelLabel} applies: ` +
        `${s.defaultMax.display} (${s.defaultMax.formula}, fixed when the module loads; writing nf_conntrack_buckets does not change it)`,
    );
  }
  if (!parts.length) return '';
  if (s.unknownRam) parts.push(s.unknownRam.charAt(0).toUpperCase() + s.unknownRam.slice(1));
  return parts.join('. ') + '.';
}

/** Entries per bucket / chain nodes as the inlay shows them: whole numbers from 10 on, one decimal below. */
export function shortCount(n: number): string {
  if (n > 0 && n < 0.05) return '<0.1';
  return formatCount(n, Math.abs(n) < 10 ? 1 : 0);
}

function code(s: string): string {
  return '`' + s + '`';
}

/** The time-wait timeout in effect for the file (its line, or the kernel default 120 s). */
export function timeWaitSeconds(facts: SysctlFacts): { seconds: number; node?: SysctlAssignment } {
  return facts.timeWait ? { seconds: facts.timeWait.value, node: facts.timeWait.node } : { seconds: DEFAULT_TIME_WAIT_SECONDS };
}

/** Markdown: the estimates table for a max / buckets line. */
export function renderSizing(ctx: SysctlContext, facts: SysctlFacts, s: TableSizing): string {
  const out: string[] = [`**Conntrack table** · ${ctx.kernelLabelLong}`, ''];
  if (s.unlimited) {
    out.push(
      'nf_conntrack_max is 0: **no limit**. The table grows until memory runs out; there is no "full table" to estimate. ' +
        `Hash chains at N entries are 2 × N / ${formatCount(s.buckets)} nodes long.`,
    );
    return out.join('\n');
  }
  out.push('| | estimate | formula |', '|---|---|---|');
  s.memory.forEach((m, i) => {
    const label = `at ${formatCount(m.bytes)} B per entry (${m.label})`;
    out.push(`| ${i === 0 ? 'Memory at a full table' : ''} | ${m.primary ? '**' : ''}≈ ${m.estimate.display}${m.primary ? '**' : ''} ${label} | ${code(m.estimate.formula)} |`);
  });
  out.push(`| Entries per bucket | **${s.perBucket.display}** | ${code(s.perBucket.formula)} |`);
  out.push(`| Hash nodes per chain at a full table | **${s.chain.display}** | ${code(s.chain.formula)} |`);
  const rate = ctx.settings.connectionRate;
  if (rate > 0) {
    const tw = timeWaitSeconds(facts);
    const e = timeWaitEntries(rate, tw.seconds, s.max);
    const c = chainLength(e.value, s.buckets);
    out.push(
      `| Steady state at ${formatCount(rate, 1)} new connections/s | ≈ ${e.display} entries in TIME_WAIT, chains of ${c.display} nodes | ${code(e.formula)}; ${code(c.formula)} |`,
    );
  }
  if (ctx.ramBytes) {
    const share = memoryShare(s.memory[0].estimate.value, ctx.ramBytes);
    out.push(`| Share of host memory | ${share.display} of ${ctx.ramText} | ${code(share.formula)} |`);
  }
  out.push('');
  const notes = [
    ...s.assumptions,
    ...s.memory[0].estimate.assumptions,
    ...s.memory.filter((m) => m.primary).flatMap(() => ctx.entryBytes.assumptions),
    'every entry is linked into the hash table twice (original and reply direction), so a lookup walks about 2 × entries / buckets nodes',
  ];
  out.push(...dedupe(notes).map((n) => `- ${n}`));
  if (ctx.ramBytes) {
    out.push('', renderRecommended(ctx));
  }
  return out.join('\n');
}

/** Markdown: the kernel default and RAM / 16384 / (bits / 32) side by side (§2, §7). */
export function renderRecommended(ctx: SysctlContext): string {
  const r = recommendedSizes(ctx.kernel, ctx.ramBytes!);
  const row = (label: string, max: Estimate, buckets: Estimate, chain: Estimate) =>
    `| ${label} | ${max.display} | ${buckets.display} | ${chain.display} | ${code(max.formula)}; buckets ${code(buckets.formula)} |`;
  return [
    `**Sizes for a ${ctx.ramText} host**`,
    '',
    '| | nf_conntrack_max | nf_conntrack_buckets | chain at a full table | formula |',
    '|---|---|---|---|---|',
    row(`kernel ${ctx.kernel.text} default`, r.kernelDefault.max, r.kernelDefault.buckets, r.kernelDefault.chainAtFull),
    row('RAM / 16384 / (64 / 32)', r.eychenne.max, r.eychenne.buckets, r.eychenne.chainAtFull),
    '',
    `- ${r.assumptions.join('; ')}`,
    ...r.eychenne.max.assumptions.map((a) => `- ${a}`),
    ...r.eychenne.buckets.assumptions.map((a) => `- ${a}`),
  ].join('\n');
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Markdown for a timeout line: human units, and the TIME_WAIT estimate at the connection rate. */
export function renderTimeout(ctx: SysctlContext, facts: SysctlFacts, seconds: number, isTimeWait: boolean): string {
  const out = [`**${formatCount(seconds)} s = ${humanDuration(seconds)}**`];
  const rate = ctx.settings.connectionRate;
  if (isTimeWait && rate > 0) {
    const sizing = tableSizing(ctx, facts);
    const e = timeWaitEntries(rate, seconds, sizing.unlimited ? undefined : sizing.max);
    out.push(
      '',
      `At ${formatCount(rate, 1)} new connections/s (conntrackLens.connectionRate), about **${e.display} entries** sit in TIME_WAIT: ${code(e.formula)}` +
        (sizing.unlimited ? '.' : ` — ${formatCount((e.value / sizing.max) * 100, 1)} % of nf_conntrack_max ${formatCount(sizing.max)}${sizing.maxSource === 'kernel-default' ? ' (kernel default)' : ''}.`),
      '',
      ...e.assumptions.map((a) => `- ${a}`),
    );
  }
  return out.join('\n');
}

/** Rounds a buckets value the way the kernel does (re-exported for fixes and messages). */
export { roundBuckets };
