// What each language provides. The server calls these through core/index.ts;
// every method is pure: a parsed document (and settings) in, plain data out.

import type { Settings } from './settings';
import type { TextChange } from './text';
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

/** Semantic tokens as LSP sends them, and where the last one starts (to append more). */
export interface EncodedTokens {
  data: number[];
  /** Line and column of the last token (0, 0 when there is none). */
  line: number;
  character: number;
}

export interface LanguageService<D> {
  readonly id: LanguageId;
  /** Total: never throws; every line of the input becomes a node. */
  parse(text: string): D;
  /**
   * Re-parse after an edit. May reuse the previous tree (incremental); must return
   * exactly what `parse(newText)` would. The default implementation is a full parse.
   */
  reparse?(prev: D, newText: string): D;
  /**
   * Re-parse after an editor's content changes (applied in order), without building the
   * whole new text where the language can; same result as `parse` of the changed text.
   * Without it the core applies the changes to the text and calls `reparse`.
   */
  edit?(prev: D, changes: readonly TextChange[]): D;
  /**
   * The document's diagnostics are out: what `reparse` kept of the previous version
   * to patch analyses from may go (a later request computes afresh what it needs).
   */
  settle?(doc: D): void;
  /** Findings with registry severities (overrides are applied by core/index.ts). */
  diagnose(doc: D, settings: Settings): Finding[];
  hover(doc: D, at: Position, settings: Settings): Hover | null;
  symbols(doc: D): DocSymbol[];
  folding(doc: D): FoldRange[];
  /** Sorted by position. */
  semanticTokens(doc: D): SemanticToken[];
  /**
   * The same tokens already encoded as LSP sends them (5 numbers per token, each
   * position relative to the previous token; legend: SEMANTIC_TOKEN_TYPES and
   * SEMANTIC_TOKEN_MODIFIERS), built without a token object each. With `range`,
   * only the tokens of the lines it covers. With `into`, they are appended to an
   * earlier answer for the lines above them (so a huge document can be encoded in
   * slices); else positions are relative to the start of the document.
   * Without this method, the server encodes `semanticTokens`.
   */
  semanticTokenData?(doc: D, range?: Range, into?: EncodedTokens): EncodedTokens;
  completion(doc: D, at: Position, settings: Settings): CompletionItem[];
  /** Only for lines inside `range` (editors ask for the visible window). */
  inlayHints(doc: D, range: Range, settings: Settings): InlayHint[];
  codeLenses?(doc: D, range: Range | undefined, settings: Settings): CodeLens[];
  /**
   * The ranges of `codeLenses(doc, undefined, settings)` without their titles: the
   * editor asks for every lens of the document, then resolves the ones it shows
   * (`codeLensTitle`). Cheap on a huge document.
   */
  codeLensRanges?(doc: D, settings: Settings): Range[];
  /** The title of the lens on `line` (as `codeLenses` gives it); null when that line has none. */
  codeLensTitle?(doc: D, line: number, settings: Settings): string | null;
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
