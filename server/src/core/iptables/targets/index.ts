// Target table API: lookup, terminal verdicts, placement rules.

import type { RuleFamily, TargetSpec, Placement } from '../modules/types';
import { TARGETS } from './data';

export { TARGETS };
export type { TargetSpec, Placement };

const BY_NAME: ReadonlyMap<string, TargetSpec> = new Map(TARGETS.map((t) => [t.name, t]));

function familyOk(spec: { family: string }, family: RuleFamily | undefined): boolean {
  return !family || family === 'unknown' || spec.family === 'both' || spec.family === family;
}

/**
 * The target called `name` (case-sensitive, as iptables loads them), or undefined
 * when there is none for this family — then `-j name` must be a user chain.
 */
export function getTarget(name: string, family?: RuleFamily): TargetSpec | undefined {
  const t = BY_NAME.get(name);
  return t && familyOk(t, family) ? t : undefined;
}

/** Every target, optionally only those available for one family. */
export function listTargets(family?: RuleFamily): readonly TargetSpec[] {
  return family && family !== 'unknown' ? TARGETS.filter((t) => familyOk(t, family)) : TARGETS;
}

/**
 * True when `-j name` ends the packet's walk through the chain (ACCEPT, DROP,
 * REJECT, DNAT, NFQUEUE …). False for targets that continue with the next rule
 * (LOG, MARK, CT, NOTRACK …) and for names that are not targets (user chains,
 * which may RETURN).
 */
export function isTerminalTarget(name: string): boolean {
  return BY_NAME.get(name)?.terminal ?? false;
}

/**
 * Tables and built-in chains where the kernel accepts the target, or null when
 * it has no restriction (or `name` is not a known target). `optionNames` (long
 * names as written) narrow it for options with their own restriction
 * (TCPMSS --clamp-mss-to-pmtu).
 */
export function targetPlacement(name: string, optionNames: readonly string[] = []): Placement | null {
  const t = BY_NAME.get(name);
  if (!t) return null;
  let p: Placement | null = t.placement;
  for (const n of optionNames) {
    const o = t.options.find((x) => x.name === n || x.aliases?.includes(n));
    if (!o?.placement) continue;
    p = p
      ? {
          tables: p.tables.filter((x) => o.placement!.tables.includes(x)),
          chains: p.chains.filter((x) => o.placement!.chains.includes(x)),
          legacyOnly: p.legacyOnly && o.placement.legacyOnly,
          verified: p.verified,
        }
      : o.placement;
  }
  return p;
}

/**
 * Whether the target may be used in `table` from built-in chain `chain`:
 * true/false, or undefined when `chain` is not a built-in chain of a known hook
 * (for user chains the caller has to look at the chains that jump to it).
 * Restrictions only the legacy backend enforces (TRACE) count as allowed.
 */
export function isTargetAllowed(name: string, table: string, chain: string, optionNames: readonly string[] = []): boolean | undefined {
  if (!['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'].includes(chain)) return undefined;
  const p = targetPlacement(name, optionNames);
  if (!p || p.legacyOnly) return true;
  return (p.tables as readonly string[]).includes(table) && (p.chains as readonly string[]).includes(chain);
}
