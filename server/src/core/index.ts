// The core's public façade: the only module the server and the CLI import.
// Text in, plain data out; no IO, no editor or LSP library.

import { applySeverityOverrides } from './codes';
import { detectLanguage } from './detect';
import { iptablesService } from './iptables/service';
import type { LanguageId, LanguageService } from './service';
import type { Settings } from './settings';
import { sysctlService } from './sysctl/service';
import type { Finding } from './types';

export * from './types';
export { CODES, codeInfo, docsUrl, SEVERITY_RANK } from './codes';
export type { CodeInfo } from './codes';
export { detectLanguage, languageFromContent, languageFromName } from './detect';
export type { LanguageId, LanguageService } from './service';
export { configurationContribution, DEFAULT_SETTINGS, resolveSettings, SETTINGS_PREFIX, SETTINGS_SCHEMA } from './settings';
export type { Settings } from './settings';
export { splitLines } from './text';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyService = LanguageService<any>;

export const SERVICES: Record<LanguageId, AnyService> = {
  sysctl: sysctlService,
  iptables: iptablesService,
};

/** A parsed document bound to its language service. */
export interface Analysis {
  lang: LanguageId;
  service: AnyService;
  doc: unknown;
  text: string;
}

/** Parses `text` as the language the id, name or content says; null if neither language. */
export function analyze(languageId: string | undefined, uriOrPath: string | undefined, text: string): Analysis | null {
  const lang = detectLanguage(languageId, uriOrPath, text);
  if (!lang) return null;
  const service = SERVICES[lang];
  return { lang, service, doc: service.parse(text), text };
}

/** Re-analyses after an edit, reusing the previous parse where the language can. */
export function reanalyze(prev: Analysis, newText: string): Analysis {
  const doc = prev.service.reparse ? prev.service.reparse(prev.doc, newText) : prev.service.parse(newText);
  return { ...prev, doc, text: newText };
}

/**
 * Call once the document's diagnostics are published: the previous version the
 * incremental re-parse kept (to patch analyses from) is let go, with its text.
 */
export function settle(a: Analysis): void {
  a.service.settle?.(a.doc);
}

/** Findings with the user's severity overrides applied, sorted by position. */
export function diagnose(a: Analysis, settings: Settings): Finding[] {
  const findings = applySeverityOverrides(a.service.diagnose(a.doc, settings), settings.severity);
  return findings.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
}
