// Markdown documentation of one key for one kernel (hover, completion details).

import { formatCount, humanDuration, INT_MAX, type KernelVersion } from '../../kernel';
import { defaultFor, isReadOnly, keyStatus } from './status';
import type { KbEntry, Scope, ValueType, VersionMark } from './types';
import { DEFAULT_HZ, typeFor } from './validate';

/** A short human description of a value type: "boolean: 0 or 1", "integer 0–255" … */
export function describeType(t: ValueType): string {
  const range = (min?: number, max?: number) =>
    min !== undefined && max !== undefined
      ? ` ${formatCount(min)}–${formatCount(max)}`
      : min !== undefined
        ? ` ≥ ${formatCount(min)}`
        : max !== undefined
          ? ` ≤ ${formatCount(max)}`
          : '';
  switch (t.kind) {
    case 'int':
      return (
        `integer${range(t.min, t.max ?? (t.min !== undefined ? INT_MAX : undefined))}` +
        (t.negativeMeans ? ` (a negative value is accepted and becomes ${t.negativeMeans})` : '')
      );
    case 'uint':
      return `unsigned integer${range(t.min, t.max)}`;
    case 'ulong':
      return `unsigned 64-bit integer${t.max !== undefined ? ` ≤ ${t.max.toString()}` : ''}`;
    case 'bool':
      return 'boolean: 0 or 1 (other values are rejected)';
    case 'loose-bool':
      return 'boolean: 0 = off, 1 = on (any non-zero integer counts as on)';
    case 'u8':
      return `integer ${t.min}–${t.max}`;
    case 'enum':
      return t.values.map((v) => `${v.value} = ${v.label}`).join(', ');
    case 'seconds': {
      const limit = Math.floor(INT_MAX / DEFAULT_HZ);
      return `seconds, at most INT_MAX / HZ (${formatCount(limit)} s, ${humanDuration(limit)}, at HZ=${DEFAULT_HZ})`;
    }
    case 'pair':
      return `two integers \`low high\`, each ${formatCount(t.min)}–${formatCount(t.max)}${t.ascending ? ', low ≤ high' : ''}`;
    case 'bytes':
      return 'bytes, as a plain integer (no unit suffix)';
  }
}

const SCOPE_TEXT: Record<Scope, string> = {
  'per-netns': 'per network namespace: each namespace (container) has its own value, starting from the built-in default, not the host\'s',
  'init-netns-only': 'one host-wide value, writable only in the initial network namespace (read-only inside containers)',
  'init-netns-registered': 'exists only in the initial network namespace',
  system: 'one value for the whole machine (not namespaced)',
};

function mark(m: VersionMark): string {
  return `${m.certain ? '' : '≈'}${m.version}${m.ref ? ` (${m.ref})` : ''}`;
}

function versionsLine(entry: KbEntry): string | null {
  const parts: string[] = [];
  if (entry.since) parts.push(`added in ${mark(entry.since)}`);
  if (entry.removedIn) parts.push(`removed in ${mark(entry.removedIn)}`);
  if (entry.writableSince) parts.push(`read-only before ${mark(entry.writableSince)}`);
  for (const h of entry.default.history ?? []) {
    parts.push(`default ${h.value}${h.note ? ` (${h.note})` : ''} before ${mark(h.until)}`);
  }
  for (const t of entry.typeHistory ?? []) parts.push(`before ${mark(t.before)}: ${describeType(t.type)}`);
  return parts.length ? parts.join('; ') : null;
}

function statusLine(entry: KbEntry, kernel: KernelVersion, kernelLabel: string): string {
  const s = keyStatus(entry, kernel);
  switch (s.kind) {
    case 'present':
      return s.readOnly ? `read-only on ${kernelLabel}: a line setting it fails` : `present on ${kernelLabel}`;
    case 'removed':
      return `**removed** on ${kernelLabel} (gone since ${s.certain ? '' : '≈'}${s.removedIn}): the line fails with "unknown key"`;
    case 'not-yet-added':
      return `**not yet** in ${kernelLabel} (added in ${s.certain ? '' : '≈'}${s.since}): the line fails with "unknown key"`;
    case 'legacy':
      return s.existsOnKernel === 'no'
        ? `**legacy name**, unknown on ${kernelLabel}: use \`${s.renamedTo}\``
        : `**legacy name**: ${kernelLabel} knows it only with CONFIG_NF_CONNTRACK_PROC_COMPAT; use \`${s.renamedTo}\``;
    case 'vendor':
      return `**not in mainline Linux**: ${s.note}`;
  }
}

export interface RenderOptions {
  /** Host RAM for computed defaults (max/buckets); unknown → the largest tier, said so. */
  ramBytes?: number;
  /** How to name the kernel in the text, e.g. "kernel 6.18 (newest known behaviour)". */
  kernelLabel?: string;
}

/**
 * Markdown for hover / completion: meaning, pitfall, type and range, default on this
 * kernel (and how it is computed), versions, status on this kernel, namespace and
 * read-only notes, module, related keys, documentation link.
 */
export function renderKeyDocs(entry: KbEntry, kernel: KernelVersion, opts: RenderOptions = {}): string {
  const kernelLabel = opts.kernelLabel ?? `kernel ${kernel.text}`;
  const out: string[] = [`**\`${entry.key}\`**`, '', entry.summary];
  if (entry.pitfall) out.push('', `**Pitfall:** ${entry.pitfall}`);
  out.push('');
  const bullets: string[] = [];
  bullets.push(`**Type:** ${describeType(typeFor(entry, kernel))}${entry.unit !== 'flag' && entry.unit !== 'mode' && entry.unit !== 'seconds' ? ` (${entry.unit})` : ''}`);
  const def = defaultFor(entry, kernel, opts.ramBytes);
  let defText = def.text;
  if (def.estimate) {
    const ram = def.estimate.assumptions.filter((a) => a.startsWith('unknown RAM'));
    if (ram.length) defText += ` (${ram.join('; ')})`;
    if (entry.default.how) defText += `. ${entry.default.how}`;
  } else if (def.value !== null && entry.default.how) {
    defText += ` — ${entry.default.how}`;
  }
  bullets.push(`**Default:** ${defText}`);
  const versions = versionsLine(entry);
  if (versions) bullets.push(`**Versions:** ${versions}`);
  bullets.push(`**Status:** ${statusLine(entry, kernel, kernelLabel)}`);
  if (!entry.readOnly) {
    bullets.push(`**Namespaces:** ${SCOPE_TEXT[entry.scope]}${entry.scopeNote ? `. ${entry.scopeNote}` : ''}`);
  }
  let module = `**Module:** \`${entry.module}\`${entry.config ? ` (${entry.config})` : ''}`;
  if (/^(nf_|br_|ip_conntrack)/.test(entry.module)) {
    module += ' — the key exists only once this module is loaded';
  }
  bullets.push(module);
  if (entry.writableSince && isReadOnly(entry, kernel)) {
    bullets.push(`**Read-only** on ${kernelLabel}: writable from ${mark(entry.writableSince)}`);
  }
  if (entry.related.length) bullets.push(`**Related:** ${entry.related.map((k) => `\`${k}\``).join(', ')}`);
  if (entry.unverified?.length) bullets.push(`**Not verified:** ${entry.unverified.join('; ')}`);
  out.push(...bullets.map((b) => `- ${b}`));
  out.push('', `[Kernel documentation](${entry.docs})`);
  return out.join('\n');
}

/** True when the key can be set on `kernel` (present, or a legacy name the kernel may still know). */
export function existsOn(entry: KbEntry, kernel: KernelVersion): boolean {
  const s = keyStatus(entry, kernel);
  return s.kind === 'present' || (s.kind === 'legacy' && s.existsOnKernel === 'maybe');
}
