// Conntrack arithmetic: pure functions that return their value together with the
// formula (real numbers filled in) and the assumptions behind it. See
// docs/knowledge-base.md for the sources (conntrack-facts.md §2, §3, §4, §7).

export type { Estimate, EstimateInput } from './types';
export {
  BUCKET_BYTES,
  BUCKET_ROUNDING,
  bucketsForTarget,
  chainLength,
  ENTRY_BYTES_CURRENT,
  ENTRY_BYTES_OLD,
  ENTRY_BYTES_SEED,
  entriesPerBucket,
  entryBytesFor,
  entrySizeRows,
  EXT_PREALLOC_BYTES,
  fullTableMemory,
  memoryShare,
  NF_CONN_OBJECT_BYTES,
  roundBuckets,
  TIMERLESS_ENTRY_KERNEL,
} from './memory';
export type { EntrySizeRow } from './memory';
export {
  autoMaxFactor,
  defaultBuckets,
  defaultExpectMax,
  defaultMax,
  FACTOR_ONE_KERNEL,
  HASHSIZE_MAX_FACTOR,
  kernelDefaults,
  recommendedSizes,
  resolveSizing,
  sizingEra,
  unknownRamAssumption,
} from './defaults';
export type { BucketOptions, KernelDefaults, RecommendedSizes, ResolvedSizing, SizeSuggestion, SizingEra, SizingInput, SizingValue } from './defaults';
export { DEFAULT_TIME_WAIT_SECONDS, steadyStateChain, steadyStateEntries, timeWaitEntries } from './rate';
