// Plain data shared by every part of the core. These mirror the LSP shapes
// (0-based lines, UTF-16 code-unit columns) so the server converts them 1:1,
// but they are our own types: core imports nothing from an editor or LSP library.

export interface Position {
  line: number;
  /** UTF-16 code units from the start of the line, as LSP requires. */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';
/** A user's per-code override: a severity, or `off` to silence the code. */
export type SeverityOverride = Severity | 'off';

export type FindingTag = 'unnecessary' | 'deprecated';

export interface RelatedInfo {
  range: Range;
  message: string;
}

/** One diagnostic, as core computes it. `data` carries what a fix needs. */
export interface Finding {
  code: string;
  severity: Severity;
  range: Range;
  message: string;
  tags?: FindingTag[];
  related?: RelatedInfo[];
  data?: Record<string, unknown>;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export type CodeActionKind = 'quickfix' | 'refactor' | 'refactor.rewrite' | 'source.fixAll';

export interface CodeAction {
  title: string;
  kind: CodeActionKind;
  edits: TextEdit[];
  /** Codes of the findings this action resolves (matched by code + range). */
  fixes?: Finding[];
  isPreferred?: boolean;
}

export interface Hover {
  /** Markdown. */
  contents: string;
  range?: Range;
}

export type SymbolKind = 'namespace' | 'class' | 'function' | 'property' | 'key' | 'variable' | 'event' | 'field';

export interface DocSymbol {
  name: string;
  detail?: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children?: DocSymbol[];
}

export interface FoldRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

/** Legend order matters: the server's semantic-token legend is this list. */
export const SEMANTIC_TOKEN_TYPES = [
  'namespace', // sysctl key groups, iptables tables
  'type', // chain names (declaration and use alike)
  'function', // iptables commands (-A, -N …), targets
  'property', // sysctl key, option names
  'keyword', // policies, COMMIT, match modules
  'number',
  'string',
  'comment',
  'operator',
  'enumMember', // state names, booleans
  'parameter', // values
] as const;
export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];
export const SEMANTIC_TOKEN_MODIFIERS = ['declaration', 'deprecated', 'readonly', 'defaultLibrary'] as const;
export type SemanticTokenModifier = (typeof SEMANTIC_TOKEN_MODIFIERS)[number];

/** A token on one line; never spans lines. */
export interface SemanticToken {
  line: number;
  character: number;
  length: number;
  type: SemanticTokenType;
  modifiers?: SemanticTokenModifier[];
}

export type CompletionKind = 'keyword' | 'property' | 'value' | 'module' | 'function' | 'class' | 'enumMember' | 'constant' | 'snippet';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  insertText?: string;
  /** Range replaced by the completion (the word being typed). */
  range?: Range;
  sortText?: string;
}

export interface InlayHint {
  position: Position;
  label: string;
  /** Markdown tooltip (shows the formula). */
  tooltip?: string;
  paddingLeft?: boolean;
}

export interface CodeLens {
  range: Range;
  title: string;
}

export interface Location {
  range: Range;
}
