// The shape every estimate returns: the number, the arithmetic that produced it (with the
// real numbers filled in, so hover can show it), and the assumptions behind it.

export type EstimateInput = number | string | boolean | null;

export interface Estimate<T = number> {
  value: T;
  /** Value formatted for display, e.g. "4.4 GiB", "748.4", "262,144". */
  display: string;
  /** The arithmetic with the actual numbers, e.g. "12,262,144 × 384 B + 16,384 × 8 B". */
  formula: string;
  /** Named inputs, for tests and for hover tables. */
  inputs: Record<string, EstimateInput>;
  /** Plain sentences: what was assumed (kernel, RAM tier, rounding, HZ …). Empty when nothing was. */
  assumptions: string[];
  /** Fact-sheet sections (conntrack-facts.md) the constants come from, e.g. ["§2a", "§4d"]. */
  sources: string[];
}
