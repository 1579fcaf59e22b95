// Steady-state estimates from a connection rate: how many entries a timeout keeps alive.

import { formatCount, humanDuration } from '../kernel';
import { chainLength } from './memory';
import type { Estimate } from './types';

/** Default nf_conntrack_tcp_timeout_time_wait in seconds (§1b). */
export const DEFAULT_TIME_WAIT_SECONDS = 120;

/**
 * Entries alive at steady state when `ratePerSecond` new flows arrive and each stays for
 * `timeoutSeconds` (Little's law: entries ≈ rate × timeout). With `max`, says when the
 * result would not fit: then the table is full and new flows are dropped.
 */
export function steadyStateEntries(ratePerSecond: number, timeoutSeconds: number, max?: number, label = 'entries'): Estimate {
  const value = Math.max(0, ratePerSecond) * Math.max(0, timeoutSeconds);
  const assumptions = [
    `${formatCount(ratePerSecond, 1)} new connections per second (conntrackLens.connectionRate), each kept ${humanDuration(timeoutSeconds)} after its last packet`,
  ];
  if (max !== undefined && value > max) {
    assumptions.push(`more than nf_conntrack_max (${formatCount(max)}): the table would be full and new connections dropped`);
  }
  return {
    value,
    display: formatCount(value),
    formula: `${formatCount(ratePerSecond, 1)}/s × ${formatCount(timeoutSeconds)} s`,
    inputs: { ratePerSecond, timeoutSeconds, max: max ?? null, label },
    assumptions,
    sources: ['§1b', '§3'],
  };
}

/** TIME_WAIT entries ≈ connectionRate × nf_conntrack_tcp_timeout_time_wait (120 s by default, §1b). */
export function timeWaitEntries(ratePerSecond: number, timeWaitSeconds: number = DEFAULT_TIME_WAIT_SECONDS, max?: number): Estimate {
  const e = steadyStateEntries(ratePerSecond, timeWaitSeconds, max, 'TIME_WAIT entries');
  e.assumptions.push('every connection closes normally and passes through TIME_WAIT');
  return e;
}

/** Average chain length at the steady state: 2 × (rate × timeout) / buckets (§3). */
export function steadyStateChain(ratePerSecond: number, timeoutSeconds: number, buckets: number): Estimate {
  const entries = steadyStateEntries(ratePerSecond, timeoutSeconds);
  const chain = chainLength(entries.value, buckets);
  chain.assumptions.unshift(...entries.assumptions);
  chain.formula = `2 × (${entries.formula}) / ${formatCount(chain.inputs.roundedBuckets as number)}`;
  return chain;
}
