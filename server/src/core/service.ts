// What each language provides. The server calls these through core/index.ts;
// every method is pure: a parsed document (and settings) in, plain data out.

import type { Settings } from './settings';
import type {
  CodeAction,
  CodeActionKind,
  CodeLens,
  CompletionItem,
  DocSymbol,
  Finding,
  FoldRange,
  Hover,
  InlayHint,
  Location,
  Position,
  Range,
  SemanticToken,
  TextEdit,
} from './types';

export type LanguageId = 'sysctl' | 'iptables';

export interface LanguageService<D> {
  readonly id: LanguageId;
  /** Total: never throws; every line of the input becomes a node. */
  parse(text: string): D;
  /**
   * Re-parse after an edit. May reuse the previous tree (incremental); must return
   * exactly what `parse(newText)` would. The default implementation is a full parse.
   */
  reparse?(prev: D, newText: string): D;
  /** Findings with registry severities (overrides are applied by core/index.ts). */
  diagnose(doc: D, settings: Settings): Finding[];
  hover(doc: D, at: Position, settings: Settings): Hover | null;
  symbols(doc: D): DocSymbol[];
  folding(doc: D): FoldRange[];
  /** Sorted by position. */
  semanticTokens(doc: D): SemanticToken[];
  completion(doc: D, at: Position, settings: Settings): CompletionItem[];
  /** Only for lines inside `range` (editors ask for the visible window). */
  inlayHints(doc: D, range: Range, settings: Settings): InlayHint[];
  codeLenses?(doc: D, range: Range | undefined, settings: Settings): CodeLens[];
  /**
   * Actions for `range`. `findings` are the diagnostics the editor sent back
   * (their `data` is what the fixes need). `only` filters by kind prefix.
   */
  codeActions(doc: D, range: Range, findings: Finding[], settings: Settings, only?: CodeActionKind[]): CodeAction[];
  definition?(doc: D, at: Position): Location[];
  references?(doc: D, at: Position, includeDeclaration: boolean): Location[];
  prepareRename?(doc: D, at: Position): { range: Range; placeholder: string } | null;
  rename?(doc: D, at: Position, newName: string): TextEdit[] | null;
}
