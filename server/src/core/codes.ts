// The registry of diagnostic codes: the single place that knows each code's default
// severity, tags, title and docs page. Codes are stable strings: never renumber,
// never reuse a retired code (mark it `retired: true` instead of deleting it).
//
// Each language keeps its own table (sysctl/codes.ts, iptables/codes.ts, …) so work
// on one language does not touch the other; this file merges them and is what
// everything else (server, CLI, docs test) reads.

import type { Finding, FindingTag, Range, RelatedInfo, Severity, SeverityOverride } from './types';
import { SYSCTL_CODES } from './sysctl/codes';
import { IPTABLES_CODES } from './iptables/codes';

export interface CodeInfo {
  code: string;
  severity: Severity;
  /** Short title for docs tables and SARIF rule names. */
  title: string;
  tags?: FindingTag[];
  /** True when a quick-fix exists (the docs page must describe it). */
  fixable?: boolean;
  retired?: boolean;
}

export const DOCS_BASE_URL = 'https://github.com/conntrack-lens/conntrack-lens/blob/main/docs/diagnostics/';

export const CODES: ReadonlyMap<string, CodeInfo> = (() => {
  const m = new Map<string, CodeInfo>();
  for (const c of [...SYSCTL_CODES, ...IPTABLES_CODES]) {
    if (m.has(c.code)) throw new Error(`duplicate diagnostic code ${c.code}`);
    m.set(c.code, c);
  }
  return m;
})();

export function codeInfo(code: string): CodeInfo {
  const c = CODES.get(code);
  if (!c) throw new Error(`unregistered diagnostic code ${code}`);
  return c;
}

export function docsUrl(code: string): string {
  return `${DOCS_BASE_URL}${code}.md`;
}

/** Builds a finding with the registry's severity and tags. */
export function finding(
  code: string,
  range: Range,
  message: string,
  extra?: { data?: Record<string, unknown>; related?: RelatedInfo[]; tags?: FindingTag[] },
): Finding {
  const info = codeInfo(code);
  const f: Finding = { code, severity: info.severity, range, message };
  const tags = extra?.tags ?? info.tags;
  if (tags && tags.length) f.tags = [...tags];
  if (extra?.related?.length) f.related = extra.related;
  if (extra?.data) f.data = extra.data;
  return f;
}

/** Applies the user's per-code overrides; `off` removes the finding. */
export function applySeverityOverrides(findings: Finding[], overrides: Record<string, SeverityOverride>): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const o = overrides[f.code];
    if (o === 'off') continue;
    out.push(o ? { ...f, severity: o } : f);
  }
  return out;
}

export const SEVERITY_RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };
