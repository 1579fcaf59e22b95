// sysctl inlay hints at the end of a line: the full-table memory after nf_conntrack_max,
// entries per bucket and chain length after nf_conntrack_buckets, human units after
// timeouts. Only lines inside `range` are looked at (editors ask for the visible window);
// the file-wide inputs (the effective max / buckets) come from the per-document facts,
// computed once per parse. Each hint's tooltip shows the formula.

import { formatCount, humanDuration } from '../kernel';
import { memoryShare } from '../estimates';
import type { Settings } from '../settings';
import type { InlayHint, Range } from '../types';
import type { SysctlAssignment, SysctlDocument } from './ast';
import { sysctlContext, type SysctlContext } from './context';
import { effectiveNumber, sysctlFacts, type SysctlFacts } from './facts';
import { existsOn } from './kb';
import { shortCount, tableSizing } from './sizing';

function hintAt(node: SysctlAssignment, label: string, tooltip: string): InlayHint {
  // After the value (an inline comment belongs to the value as sysctl writes it).
  return { position: node.valueRange.end, label, tooltip, paddingLeft: true };
}

function lines(xs: string[]): string {
  return xs.join('\n\n');
}

function memoryHint(ctx: SysctlContext, facts: SysctlFacts, node: SysctlAssignment, value: number): InlayHint {
  const s = tableSizing(ctx, facts, { max: { value, node } });
  if (s.unlimited) return hintAt(node, 'no limit', 'nf_conntrack_max = 0: the table is not limited; it grows until memory runs out.');
  const m = s.memory[0].estimate;
  let label = `≈ ${m.display} at full table`;
  const tip = [`Memory at a full table on ${ctx.kernelLabelLong}: \`${m.formula}\` = ${m.display}`];
  for (const row of s.memory.slice(1)) tip.push(`At ${formatCount(row.bytes)} B per entry (${row.label}): \`${row.estimate.formula}\` = ${row.estimate.display}`);
  if (ctx.ramBytes) {
    const share = memoryShare(m.value, ctx.ramBytes);
    label += ` (${share.display} of RAM)`;
    tip.push(`Share of hostMemory ${ctx.ramText}: \`${share.formula}\` = ${share.display}`);
  }
  tip.push(...s.assumptions);
  return hintAt(node, label, lines(tip));
}

function bucketsHint(ctx: SysctlContext, facts: SysctlFacts, node: SysctlAssignment, value: number): InlayHint {
  const s = tableSizing(ctx, facts, { buckets: { value, node } });
  if (s.unlimited) return hintAt(node, 'no limit on entries', 'nf_conntrack_max = 0: the table is not limited, so there is no full-table ratio.');
  const label = `${shortCount(s.perBucket.value)} entries/bucket · ${shortCount(s.chain.value)}-node chains`;
  const tip = [
    `Entries per bucket at a full table: \`${s.perBucket.formula}\` = ${s.perBucket.display}`,
    `Hash nodes per chain (each entry is linked twice): \`${s.chain.formula}\` = ${s.chain.display}`,
    ...s.assumptions,
    ctx.kernelLabelLong,
  ];
  return hintAt(node, label, lines(tip));
}

export function sysctlInlayHints(doc: SysctlDocument, range: Range, settings: Settings): InlayHint[] {
  const toggles = settings.inlayHints;
  if (!toggles.memory && !toggles.buckets && !toggles.timeouts) return [];
  const ctx = sysctlContext(settings);
  const out: InlayHint[] = [];
  let facts: SysctlFacts | undefined;
  const first = Math.max(0, range.start.line);
  const last = Math.min(doc.lines.length - 1, range.end.line);
  for (let l = first; l <= last; l++) {
    const node = doc.lines[l];
    if (node.kind !== 'assignment' || node.glob) continue;
    // Cheap pre-check before the knowledge-base lookup: only conntrack keys get hints.
    if (!node.key.includes('conntrack')) continue;
    facts ??= sysctlFacts(doc, ctx.kernel);
    const i = assignmentIndex(doc, node);
    const entry = i >= 0 ? facts.entries[i] : undefined;
    if (!entry?.role || !existsOn(entry, ctx.kernel)) continue;
    const value = effectiveNumber(node, entry, ctx.kernel);
    if (value === null) continue;
    if (entry.role === 'conntrack-max' && toggles.memory) out.push(memoryHint(ctx, facts, node, value));
    else if (entry.role === 'conntrack-buckets' && toggles.buckets) out.push(bucketsHint(ctx, facts, node, value));
    else if ((entry.role === 'timeout' || entry.role === 'time-wait-timeout') && toggles.timeouts && value >= 60) {
      out.push(hintAt(node, humanDuration(value), `\`${formatCount(value)} s\` = ${humanDuration(value)}`));
    }
  }
  return out;
}

/** Index of an assignment node in doc.assignments (binary search by line). */
function assignmentIndex(doc: SysctlDocument, node: SysctlAssignment): number {
  const a = doc.assignments;
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid].line === node.line) return mid;
    if (a[mid].line < node.line) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
