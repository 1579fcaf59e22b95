// Core plain data → LSP types. The only place that maps between the two.

import * as lsp from 'vscode-languageserver/node';
import * as core from './core';

const SEVERITY: Record<core.Severity, lsp.DiagnosticSeverity> = {
  error: lsp.DiagnosticSeverity.Error,
  warning: lsp.DiagnosticSeverity.Warning,
  info: lsp.DiagnosticSeverity.Information,
  hint: lsp.DiagnosticSeverity.Hint,
};

const TAG: Record<core.FindingTag, lsp.DiagnosticTag> = {
  unnecessary: lsp.DiagnosticTag.Unnecessary,
  deprecated: lsp.DiagnosticTag.Deprecated,
};

export function toDiagnostic(f: core.Finding, uri: string): lsp.Diagnostic {
  const d: lsp.Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: core.docsUrl(f.code) },
    source: 'conntrack-lens',
    message: f.message,
  };
  if (f.tags?.length) d.tags = f.tags.map((t) => TAG[t]);
  if (f.related?.length) d.relatedInformation = f.related.map((r) => ({ location: { uri, range: r.range }, message: r.message }));
  if (f.data) d.data = f.data;
  return d;
}

/** Back from what the editor sends in a code-action request. */
export function fromDiagnostic(d: lsp.Diagnostic): core.Finding | null {
  if (typeof d.code !== 'string' || !core.CODES.has(d.code)) return null;
  const sev = (Object.keys(SEVERITY) as core.Severity[]).find((k) => SEVERITY[k] === d.severity) ?? core.codeInfo(d.code).severity;
  const f: core.Finding = { code: d.code, severity: sev, range: d.range, message: d.message };
  if (d.data && typeof d.data === 'object') f.data = d.data as Record<string, unknown>;
  return f;
}

const SYMBOL: Record<core.SymbolKind, lsp.SymbolKind> = {
  namespace: lsp.SymbolKind.Namespace,
  class: lsp.SymbolKind.Class,
  function: lsp.SymbolKind.Function,
  property: lsp.SymbolKind.Property,
  key: lsp.SymbolKind.Key,
  variable: lsp.SymbolKind.Variable,
  event: lsp.SymbolKind.Event,
  field: lsp.SymbolKind.Field,
};

export function toSymbol(s: core.DocSymbol): lsp.DocumentSymbol {
  return {
    name: s.name || ' ',
    detail: s.detail,
    kind: SYMBOL[s.kind],
    range: s.range,
    selectionRange: s.selectionRange,
    children: s.children?.map(toSymbol),
  };
}

const COMPLETION: Record<core.CompletionKind, lsp.CompletionItemKind> = {
  keyword: lsp.CompletionItemKind.Keyword,
  property: lsp.CompletionItemKind.Property,
  value: lsp.CompletionItemKind.Value,
  module: lsp.CompletionItemKind.Module,
  function: lsp.CompletionItemKind.Function,
  class: lsp.CompletionItemKind.Class,
  enumMember: lsp.CompletionItemKind.EnumMember,
  constant: lsp.CompletionItemKind.Constant,
  snippet: lsp.CompletionItemKind.Snippet,
};

export function toCompletion(c: core.CompletionItem): lsp.CompletionItem {
  const item: lsp.CompletionItem = { label: c.label, kind: COMPLETION[c.kind], detail: c.detail, sortText: c.sortText };
  if (c.documentation) item.documentation = { kind: lsp.MarkupKind.Markdown, value: c.documentation };
  if (c.range) item.textEdit = { range: c.range, newText: c.insertText ?? c.label };
  else if (c.insertText) item.insertText = c.insertText;
  return item;
}

export function toCodeAction(a: core.CodeAction, uri: string): lsp.CodeAction {
  const action: lsp.CodeAction = { title: a.title, kind: a.kind, edit: { changes: { [uri]: a.edits } } };
  if (a.fixes?.length) action.diagnostics = a.fixes.map((f) => toDiagnostic(f, uri));
  if (a.isPreferred) action.isPreferred = true;
  return action;
}

/** Delta-encodes sorted tokens as LSP requires. */
export function encodeSemanticTokens(tokens: core.SemanticToken[]): number[] {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of tokens) {
    const deltaLine = t.line - prevLine;
    const deltaChar = deltaLine === 0 ? t.character - prevChar : t.character;
    if (deltaLine < 0 || deltaChar < 0 || t.length <= 0) continue; // unsorted or empty: skip rather than corrupt
    let mods = 0;
    for (const m of t.modifiers ?? []) mods |= 1 << core.SEMANTIC_TOKEN_MODIFIERS.indexOf(m);
    data.push(deltaLine, deltaChar, t.length, core.SEMANTIC_TOKEN_TYPES.indexOf(t.type), mods);
    prevLine = t.line;
    prevChar = t.character;
  }
  return data;
}

export function toInlayHint(h: core.InlayHint): lsp.InlayHint {
  const hint: lsp.InlayHint = { position: h.position, label: h.label, paddingLeft: h.paddingLeft ?? true };
  if (h.tooltip) hint.tooltip = { kind: lsp.MarkupKind.Markdown, value: h.tooltip };
  return hint;
}

/**
 * Semantic token numbers of a whole (big) document, as LSP sends them, held in
 * Uint32Array chunks (4 bytes a number, outside the JS heap) rather than one
 * number[] of millions of elements. `writeMessage` turns a response carrying one into
 * JSON bytes directly; anything else that serialises it (another transport, a trace)
 * gets the plain array from `toJSON`.
 */
export class PackedTokens {
  readonly chunks: Uint32Array[] = [];
  length = 0;

  push(numbers: readonly number[]): void {
    if (!numbers.length) return;
    this.chunks.push(Uint32Array.from(numbers));
    this.length += numbers.length;
  }

  toJSON(): number[] {
    const out: number[] = [];
    for (const c of this.chunks) for (let i = 0; i < c.length; i++) out.push(c[i]);
    return out;
  }
}

const digits = (v: number): number => (v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : String(v).length);

/** `{"jsonrpc":"2.0","id":…,"result":{"data":[…]}}` as UTF-8 bytes, the numbers written straight from the chunks. */
function packedResponse(id: unknown, tokens: PackedTokens): Buffer {
  const head = Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(id ?? null)},"result":{"data":[`);
  const tail = Buffer.from(']}}');
  let size = head.length + tail.length + Math.max(0, tokens.length - 1); // commas
  for (const c of tokens.chunks) for (let i = 0; i < c.length; i++) size += digits(c[i]);
  const out = Buffer.allocUnsafe(size);
  let p = head.copy(out, 0);
  let first = true;
  for (const c of tokens.chunks) {
    for (let i = 0; i < c.length; i++) {
      if (first) first = false;
      else out[p++] = 44; // ,
      let v = c[i];
      const n = digits(v);
      for (let k = p + n - 1; k >= p; k--) {
        out[k] = 48 + (v % 10);
        v = Math.floor(v / 10);
      }
      p += n;
    }
  }
  tail.copy(out, p);
  return out;
}

/**
 * The JSON encoder of the stdio transport: a response whose result is `{ data: PackedTokens }`
 * is written without an intermediate number[] or JSON string (on a 150k-line dump those
 * are ~8M numbers: a 63 MB array and a 23 MB string, plus what JSON.stringify keeps
 * while building it); every other message as vscode-jsonrpc writes it.
 */
export const jsonEncoder = {
  name: 'application/json',
  encode(msg: object, options: { charset: string }): Promise<Uint8Array> {
    const r = (msg as { result?: unknown }).result;
    if (r && typeof r === 'object' && !('error' in msg) && (r as { data?: unknown }).data instanceof PackedTokens && Object.keys(r).length === 1) {
      return Promise.resolve(packedResponse((msg as { id?: unknown }).id, (r as { data: PackedTokens }).data));
    }
    return Promise.resolve(Buffer.from(JSON.stringify(msg, undefined, 0), options.charset as BufferEncoding));
  },
};
