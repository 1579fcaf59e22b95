// The core's public façade: the only module the server and the CLI import.
// Text in, plain data out; no IO, no editor or LSP library.

import { applySeverityOverrides } from './codes';
import { detectLanguage } from './detect';
import { iptablesService } from './iptables/service';
import type { LanguageId, LanguageService } from './service';
import type { Settings } from './settings';
import { sysctlService } from './sysctl/service';
import { applyChanges, type TextChange } from './text';
import type { Finding, Range } from './types';

export * from './types';
export { CODES, codeInfo, docsUrl, SEVERITY_RANK } from './codes';
export type { CodeInfo } from './codes';
export { detectLanguage, languageFromContent, languageFromName } from './detect';
export type { LanguageId, LanguageService } from './service';
export { configurationContribution, DEFAULT_SETTINGS, resolveSettings, SETTINGS_PREFIX, SETTINGS_SCHEMA } from './settings';
export type { Settings } from './settings';
export { applyChanges, coord, splitLines } from './text';
export type { TextChange } from './text';

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
  /** The document's text (read from the document: after an edit it may be built only when asked for). */
  readonly text: string;
}

function bind(lang: LanguageId, service: AnyService, doc: unknown): Analysis {
  return {
    lang,
    service,
    doc,
    get text(): string {
      return (doc as { text: string }).text;
    },
  };
}

/** Parses `text` as the language the id, name or content says; null if neither language. */
export function analyze(languageId: string | undefined, uriOrPath: string | undefined, text: string): Analysis | null {
  const lang = detectLanguage(languageId, uriOrPath, text);
  if (!lang) return null;
  const service = SERVICES[lang];
  return bind(lang, service, service.parse(text));
}

/**
 * Re-analyses after an edit, reusing the previous parse where the language can: `next` is
 * the new text, or the editor's content changes to the previous one (applied in order).
 */
export function reanalyze(prev: Analysis, next: string | readonly TextChange[]): Analysis {
  const s = prev.service;
  if (typeof next !== 'string') {
    if (s.edit) return bind(prev.lang, s, s.edit(prev.doc, next));
    next = applyChanges(prev.text, next);
  }
  return bind(prev.lang, s, s.reparse ? s.reparse(prev.doc, next) : s.parse(next));
}

/** The number of lines of the analysed text (as an editor counts them: LF, CRLF and lone CR end a line). */
export function lineCount(a: Analysis): number {
  return (a.doc as { lines: unknown[] }).lines.length;
}

/** The length of line `n` (without its line break; 0 past the end). */
export function lineLength(a: Analysis, n: number): number {
  return (a.doc as { lines: { range: Range }[] }).lines[n]?.range.end.character ?? 0;
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
