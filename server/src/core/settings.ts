// The one settings schema. package.json `contributes.configuration` must equal
// what `configurationContribution()` produces (a test checks it), and the server
// reads user settings through `resolveSettings()`.

import type { SeverityOverride } from './types';

export const SETTINGS_PREFIX = 'conntrackLens';

export interface Settings {
  /** Kernel whose behaviour to assume, e.g. "6.12" or "4.19". Empty = newest known. */
  kernelVersion: string;
  /** Host RAM, e.g. "64GiB". Empty = unknown (RAM-based judgements stay silent). */
  hostMemory: string;
  /** Override of bytes per conntrack entry; 0 = derive from kernelVersion. */
  entryBytes: number;
  maxEntriesPerBucket: number;
  /** Share of hostMemory the full conntrack table may take, in percent. */
  maxMemoryShare: number;
  /** New connections per second, for TIME_WAIT / steady-state estimates; 0 = unknown. */
  connectionRate: number;
  inlayHints: { memory: boolean; buckets: boolean; timeouts: boolean; chains: boolean };
  /** Per-code severity override, e.g. { "CT101": "error", "SYS001": "off" }. */
  severity: Record<string, SeverityOverride>;
}

interface SettingSpec {
  key: string; // without prefix, dotted for nested objects
  type: 'string' | 'number' | 'boolean' | 'object';
  default: unknown;
  description: string;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  additionalProperties?: unknown;
}

export const SEVERITY_OVERRIDES: SeverityOverride[] = ['off', 'hint', 'info', 'warning', 'error'];

export const SETTINGS_SCHEMA: SettingSpec[] = [
  {
    key: 'kernelVersion',
    type: 'string',
    default: '',
    pattern: '^$|^[0-9]+\\.[0-9]+(\\.[0-9]+)?$',
    description:
      'Kernel version whose behaviour to assume (for example "6.12" or "4.19"): defaults, entry size, removed keys. Empty means the newest behaviour known.',
  },
  {
    key: 'hostMemory',
    type: 'string',
    default: '',
    pattern: '^$|^[0-9]+(\\.[0-9]+)?\\s*([KMGT]i?B?)?$',
    description: 'RAM of the host the files are for, for example "64GiB". Empty means unknown: memory-share checks stay silent.',
  },
  {
    key: 'entryBytes',
    type: 'number',
    default: 0,
    minimum: 0,
    description: 'Bytes per conntrack entry used in memory estimates. 0 derives it from the kernel version (384 on 4.9 and later).',
  },
  {
    key: 'maxEntriesPerBucket',
    type: 'number',
    default: 8,
    minimum: 1,
    description: 'Warn (CT101) when nf_conntrack_max / nf_conntrack_buckets exceeds this.',
  },
  {
    key: 'maxMemoryShare',
    type: 'number',
    default: 10,
    minimum: 0,
    maximum: 100,
    description: 'Warn (CT102) when a full conntrack table would take more than this percentage of hostMemory.',
  },
  {
    key: 'connectionRate',
    type: 'number',
    default: 0,
    minimum: 0,
    description: 'New connections per second on the host, for steady-state and TIME_WAIT estimates. 0 means unknown.',
  },
  { key: 'inlayHints.memory', type: 'boolean', default: true, description: 'Show the full-table memory estimate after nf_conntrack_max.' },
  { key: 'inlayHints.buckets', type: 'boolean', default: true, description: 'Show entries per bucket and chain length after nf_conntrack_buckets.' },
  { key: 'inlayHints.timeouts', type: 'boolean', default: true, description: 'Show timeouts in human units (432000 → 5 days).' },
  { key: 'inlayHints.chains', type: 'boolean', default: true, description: 'Show rule counts and worst-case evaluations on iptables chains and tables.' },
  {
    key: 'severity',
    type: 'object',
    default: {},
    additionalProperties: { type: 'string', enum: SEVERITY_OVERRIDES },
    description: 'Severity per diagnostic code, for example {"CT101": "error", "SYS001": "off"}. Allowed: off, hint, info, warning, error.',
  },
];

export const DEFAULT_SETTINGS: Settings = resolveSettings(undefined);

/** The `contributes.configuration` object package.json must carry. */
export function configurationContribution(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const s of SETTINGS_SCHEMA) {
    const p: Record<string, unknown> = { type: s.type, default: s.default, description: s.description };
    if (s.minimum !== undefined) p.minimum = s.minimum;
    if (s.maximum !== undefined) p.maximum = s.maximum;
    if (s.pattern !== undefined) p.pattern = s.pattern;
    if (s.additionalProperties !== undefined) p.additionalProperties = s.additionalProperties;
    properties[`${SETTINGS_PREFIX}.${s.key}`] = p;
  }
  return { title: 'Conntrack Lens', properties };
}

function getPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * Turns whatever the client sent (the `conntrackLens` section, possibly partial or
 * of the wrong types) into complete Settings. Invalid values fall back to defaults.
 */
export function resolveSettings(raw: unknown): Settings {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS_SCHEMA) {
    const v = getPath(raw, s.key);
    let value: unknown = s.default;
    if (s.type === 'number' && typeof v === 'number' && Number.isFinite(v)) {
      if ((s.minimum === undefined || v >= s.minimum) && (s.maximum === undefined || v <= s.maximum)) value = v;
    } else if (s.type === 'string' && typeof v === 'string') {
      if (!s.pattern || new RegExp(s.pattern).test(v.trim())) value = v.trim();
    } else if (s.type === 'boolean' && typeof v === 'boolean') {
      value = v;
    } else if (s.type === 'object' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const clean: Record<string, SeverityOverride> = {};
      for (const [k, lvl] of Object.entries(v as Record<string, unknown>)) {
        if (typeof lvl === 'string' && (SEVERITY_OVERRIDES as string[]).includes(lvl)) clean[k] = lvl as SeverityOverride;
      }
      value = clean;
    }
    const parts = s.key.split('.');
    let target = out;
    for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Record<string, unknown>;
    target[parts[parts.length - 1]] = value;
  }
  return out as unknown as Settings;
}
