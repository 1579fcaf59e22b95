// Document symbols (table → chain → rules), folding ranges and semantic tokens.

import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, type DocSymbol, type FoldRange, type Range, type SemanticToken, type SemanticTokenModifier, type SemanticTokenType } from '../types';
import type { EncodedTokens } from '../service';
import type { CommandLine, IptablesDocument, OptionNode, Token } from './ast';
import { chainGraph, fmt, type TableGraph } from './chains';
import { LazyCommand, Match, Opt, Target, Tok, peekCommand } from './parse';

// ------------------------------------------------------------------ symbols
//
// The outline is tables → chains → rules. A kube-proxy dump has 100k+ rules: an
// outline of that many entries is neither navigable nor cheap (tens of MB on the
// wire), so above RULE_SYMBOLS_MAX commands in the document the outline stops at
// the chains (each still spanning its declaration and all its rules, so that the
// breadcrumb names the chain of the rule under the cursor).

const RULE_NAME_MAX = 60;
/** Above this many command lines, rules and other commands are left out of the outline. */
export const RULE_SYMBOLS_MAX = 10_000;

/** `-A INPUT -p tcp --dport 22 -j ACCEPT` → `-p tcp --dport 22 -j ACCEPT` (shortened), and the command word's columns. */
function ruleName(cmd: CommandLine): { name: string; start: number; end: number } {
  const text = cmd instanceof LazyCommand ? cmd.text : '';
  // `[p:b]`, the command word, the chain, and for -I/-R a rule number
  const m = /^(\s*(?:\[[^\]]*\]\s*)?)(\S*)(?:\s+\S+)?/.exec(text)!;
  const start = m[1].length;
  const end = start + m[2].length;
  let rest = text.slice(m[0].length);
  if (cmd.command === 'I' || cmd.command === 'R') {
    const n = /^\s+\d+(?=\s|$)/.exec(rest);
    if (n) rest = rest.slice(n[0].length);
  }
  rest = rest.trim();
  if (!rest) rest = '(no match, no target)';
  if (rest.length > RULE_NAME_MAX) rest = rest.slice(0, RULE_NAME_MAX - 1) + '…';
  return { name: rest, start, end };
}

function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

export function symbols(doc: IptablesDocument): DocSymbol[] {
  const graph = chainGraph(doc);
  let commands = 0;
  for (const t of doc.tables) commands += t.commands.length;
  const withRules = commands <= RULE_SYMBOLS_MAX;
  const out: DocSymbol[] = [];
  for (const tg of graph.tables) out.push(tableSymbol(doc, tg, withRules));
  return out;
}

/** A chain's symbol while its rules are collected: the first and last line it spans. */
interface ChainEntry {
  sym: DocSymbol;
  /** Lines of the first and last rule outside the declaration (-1: none yet). */
  first: number;
  last: number;
  lastRule: CommandLine | undefined;
}

function tableSymbol(doc: IptablesDocument, tg: TableGraph, withRules: boolean): DocSymbol {
  const t = tg.table;
  const endLine = t.endLine;
  const endChar = doc.lines[endLine]?.range.end.character ?? 0;
  const children: DocSymbol[] = [];
  const sym: DocSymbol = {
    name: t.name || '*',
    detail: `${fmt(tg.ruleCount)} rule${tg.ruleCount === 1 ? '' : 's'}`,
    kind: 'namespace',
    range: { start: { line: t.startLine, character: 0 }, end: { line: endLine, character: endChar } },
    selectionRange: t.header.nameRange,
    children,
  };
  // One symbol per chain: declared chains in declaration order, then chains only used by commands.
  const byChain = new Map<string, ChainEntry>();
  const chainSym = (name: string, sel: Range, detail: string): ChainEntry => {
    let e = byChain.get(name);
    if (!e) {
      const s: DocSymbol = { name, detail, kind: 'class', range: { start: sel.start, end: sel.end }, selectionRange: sel };
      if (withRules) s.children = [];
      e = { sym: s, first: -1, last: -1, lastRule: undefined };
      byChain.set(name, e);
      children.push(s);
    }
    return e;
  };
  for (const d of t.chains) {
    const info = tg.chains.get(d.name);
    const n = info ? info.rules.length : 0;
    const what = d.builtin ? `policy ${info?.policy ?? d.policy}` : 'user chain';
    chainSym(d.name, d.nameRange, `${what} · ${fmt(n)} rule${n === 1 ? '' : 's'}`);
  }
  for (const cmd of t.commands) {
    const name = cmd.chainName;
    const isRule = cmd.command === 'A' || cmd.command === 'I' || cmd.command === 'R';
    if (isRule && name !== undefined) {
      let cs = byChain.get(name);
      let rn: ReturnType<typeof ruleName> | undefined;
      if (!cs) {
        const info = tg.chains.get(name);
        rn = ruleName(cmd);
        cs = chainSym(name, lineRange(cmd.line, rn.start, rn.end), info?.builtin ? `built-in · ${fmt(info.rules.length)} rules` : 'not declared');
      }
      if (withRules) {
        rn ??= ruleName(cmd);
        cs.sym.children!.push({ name: rn.name, kind: 'function', range: cmd.range, selectionRange: lineRange(cmd.line, rn.start, rn.end) });
      }
      // the chain's range spans its declaration and all its rules (whole lines)
      if (cs.first < 0 || cmd.line < cs.first) cs.first = cmd.line;
      if (cmd.line >= cs.last) {
        cs.last = cmd.line;
        cs.lastRule = cmd;
      }
    } else if (cmd.command !== 'N' && withRules) {
      const rn = ruleName(cmd);
      const text = cmd instanceof LazyCommand ? cmd.text.trim() : `-${cmd.command}`;
      children.push({ name: text.length > RULE_NAME_MAX ? text.slice(0, RULE_NAME_MAX - 1) + '…' : text, kind: 'event', range: cmd.range, selectionRange: lineRange(cmd.line, rn.start, rn.end) });
    }
  }
  for (const e of byChain.values()) {
    if (e.first < 0) continue;
    const r = e.sym.range;
    // a rule's range is its whole line: it starts before anything else on its line
    const start = e.first < r.start.line || (e.first === r.start.line && r.start.character > 0) ? { line: e.first, character: 0 } : r.start;
    const lastEnd = e.lastRule!.range.end;
    const end = lastEnd.line > r.end.line || (lastEnd.line === r.end.line && lastEnd.character > r.end.character) ? lastEnd : r.end;
    if (start !== r.start || end !== r.end) e.sym.range = { start, end };
  }
  return sym;
}

// ------------------------------------------------------------------ folding

export function folding(doc: IptablesDocument): FoldRange[] {
  const out: FoldRange[] = [];
  for (const t of doc.tables) {
    if (t.endLine > t.startLine) out.push({ startLine: t.startLine, endLine: t.endLine, kind: 'region' });
  }
  // comment blocks (two or more consecutive comment lines)
  let start = -1;
  const lines = doc.lines;
  for (let i = 0; i <= lines.length; i++) {
    const isComment = i < lines.length && lines[i].kind === 'comment';
    if (isComment && start < 0) start = i;
    else if (!isComment && start >= 0) {
      if (i - 1 > start) out.push({ startLine: start, endLine: i - 1, kind: 'comment' });
      start = -1;
    }
  }
  // runs of three or more rules of the same chain
  for (const t of doc.tables) {
    let runStart = -1;
    let runChain: string | undefined;
    let prevLine = -2;
    const flush = (endLine: number) => {
      if (runStart >= 0 && endLine - runStart >= 2) out.push({ startLine: runStart, endLine, kind: 'region' });
    };
    for (const c of t.commands) {
      const isRule = c.command === 'A' || c.command === 'I';
      if (isRule && c.chainName === runChain && c.line === prevLine + 1) {
        prevLine = c.line;
        continue;
      }
      flush(prevLine);
      runStart = isRule ? c.line : -1;
      runChain = isRule ? c.chainName : undefined;
      prevLine = c.line;
    }
    flush(prevLine);
  }
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

// ---------------------------------------------------------- semantic tokens
//
// One walk over the lines (or over a range of them) that hands each token to a
// sink as five numbers: `semanticTokenData` encodes them straight into the LSP
// array (no object per token: a kube-proxy dump has ~2M tokens), `semanticTokens`
// builds the token objects from the same walk.

const STATE_OPTIONS = new Set(['--state', '--ctstate']);
const STATE_NAMES = new Set(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT']);
const NUMBERISH = /^[0-9][0-9a-fA-FxX.:,/-]*$|^[0-9a-fA-F]*:[0-9a-fA-F:.]*(\/\d+)?$/;

const T = Object.fromEntries(SEMANTIC_TOKEN_TYPES.map((t, i) => [t, i])) as Record<SemanticTokenType, number>;
const M = Object.fromEntries(SEMANTIC_TOKEN_MODIFIERS.map((m, i) => [m, 1 << i])) as Record<SemanticTokenModifier, number>;
/** A role: the token type's legend index, and the modifier bits above bit 8. */
const role = (type: SemanticTokenType, mods = 0): number => T[type] | (mods << 8);
const R_COMMENT = role('comment');
const R_NAMESPACE = role('namespace');
const R_KEYWORD = role('keyword');
const R_TYPE = role('type');
const R_TYPE_DECL = role('type', M.declaration);
const R_NUMBER = role('number');
const R_STRING = role('string');
const R_PARAMETER = role('parameter');
const R_ENUM = role('enumMember');
const R_PROPERTY = role('property');
const R_OPERATOR = role('operator');
const R_FUNCTION = role('function');
const R_FUNCTION_LIB = role('function', M.defaultLibrary);

/** Receives each token: line, column, length, and its role (see `role`). */
type Sink = (line: number, character: number, length: number, role: number) => void;

/** Tokens of lines `from`..`to`, in position order. */
function walkTokens(doc: IptablesDocument, from: number, to: number, emit: Sink): void {
  const graph = chainGraph(doc);
  const lines = doc.lines;
  const last = Math.min(to, lines.length - 1);
  const roles = new Map<number, number>(); // by start column, reused for every command line
  let tg: TableGraph | undefined;
  let ti = 0;
  for (let i = Math.max(0, from); i <= last; i++) {
    const l = lines[i];
    while (ti < graph.tables.length && graph.tables[ti].table.startLine <= l.line) tg = graph.tables[ti++];
    switch (l.kind) {
      case 'comment':
        emit(l.line, l.range.start.character + (l.line === 0 && doc.bom ? 1 : 0), l.text.length, R_COMMENT);
        break;
      case 'table': {
        const n = l.nameRange;
        emit(l.line, n.start.character, n.end.character - n.start.character, R_NAMESPACE);
        break;
      }
      case 'commit':
        emit(l.line, l.line === 0 && doc.bom ? 1 : 0, 6, R_KEYWORD);
        break;
      case 'chain': {
        const n = l.nameRange;
        emit(l.line, n.start.character, n.end.character - n.start.character, R_TYPE_DECL);
        const p = l.policyRange;
        if (p.end.character > p.start.character) emit(l.line, p.start.character, p.end.character - p.start.character, R_KEYWORD);
        const c = l.counters;
        if (c) emit(l.line, c.range.start.character, c.range.end.character - c.range.start.character, R_NUMBER);
        break;
      }
      case 'command':
        roles.clear();
        commandTokens(l, tg, roles, emit);
        break;
      default:
        break;
    }
  }
}

function commandTokens(lazy: CommandLine, tg: TableGraph | undefined, roles: Map<number, number>, emit: Sink): void {
  const cmd = peekCommand(lazy);
  const isChain = (name: string) => {
    const c = tg?.chains.get(name);
    return !!c && !c.builtin;
  };
  const set = (t: Token | undefined, r: number) => {
    if (t) roles.set(t instanceof Tok ? t.start : t.range.start.character, r);
  };
  const value = (t: Token, optName: string) => {
    if (STATE_OPTIONS.has(optName)) set(t, R_ENUM);
    else if (t.quoted) set(t, R_STRING);
    else if (NUMBERISH.test(t.value)) set(t, R_NUMBER);
    else set(t, R_PARAMETER);
  };
  const option = (o: OptionNode) => {
    if (o instanceof Opt) {
      roles.set(o.nameStart, R_PROPERTY);
      if (o.negation) roles.set(o.negation.start, R_OPERATOR);
    }
    for (const v of o.values) value(v, o.name);
  };
  set(cmd.commandToken, R_FUNCTION);
  if (cmd.chain) set(cmd.chain, R_TYPE);
  if (cmd.arg) {
    if (cmd.command === 'P') set(cmd.arg, R_KEYWORD);
    else if (cmd.command === 'E') set(cmd.arg, R_TYPE);
    else set(cmd.arg, R_NUMBER);
  }
  for (const f of cmd.flags) option(f);
  const rule = cmd.rule;
  if (rule) {
    for (const g of rule.generic) option(g);
    for (const o of rule.stray) option(o);
    for (const m of rule.matches) {
      if (m instanceof Match && !m.implicit) {
        roles.set(m.start0, R_PROPERTY);
        set(m.nameTok, R_KEYWORD);
      }
      for (const o of m.options) option(o);
    }
    const t = rule.target;
    if (t instanceof Target) {
      roles.set(t.start0, R_PROPERTY);
      // the line's own copy of the target name (its hash is cached: a fresh slice is hashed on every lookup)
      set(t.nameTok, isChain(lazy.targetName ?? t.name) ? R_TYPE : R_FUNCTION_LIB);
      for (const o of t.options) option(o);
    }
  }
  for (const tok of cmd.tokens) {
    const t = tok as Tok;
    const r = roles.get(t.start);
    if (r === undefined) {
      if (t.size === 1 && t.code(0) === 33 /* ! */) emit(t.line, t.start, 1, R_OPERATOR);
      continue;
    }
    if (r === R_ENUM && !t.quoted) {
      // state lists: one token per name
      let p = t.start;
      for (const part of t.value.split(',')) {
        if (STATE_NAMES.has(part.toUpperCase())) emit(t.line, p, part.length, R_ENUM);
        p += part.length + 1;
      }
      continue;
    }
    // `--dport=22`: colour the option name only
    const eq = r === R_PROPERTY && t.code(0) === 45 && t.code(1) === 45 ? t.value.indexOf('=') : -1;
    emit(t.line, t.start, eq > 0 ? eq : t.end - t.start, r);
  }
}

/** Lines `range` covers (all of them without one). */
function lineSpan(doc: IptablesDocument, range: Range | undefined): [number, number] {
  return range ? [range.start.line, range.end.line] : [0, doc.lines.length - 1];
}

export function semanticTokens(doc: IptablesDocument, range?: Range): SemanticToken[] {
  const out: SemanticToken[] = [];
  const [from, to] = lineSpan(doc, range);
  walkTokens(doc, from, to, (line, character, length, r) => {
    if (length <= 0) return;
    const t: SemanticToken = { line, character, length, type: SEMANTIC_TOKEN_TYPES[r & 0xff] };
    const bits = r >> 8;
    if (bits) t.modifiers = SEMANTIC_TOKEN_MODIFIERS.filter((_, i) => bits & (1 << i));
    out.push(t);
  });
  return out;
}

/** `semanticTokens` encoded as LSP sends them (see LanguageService.semanticTokenData). */
export function semanticTokenData(doc: IptablesDocument, range?: Range, into?: EncodedTokens): EncodedTokens {
  const out: EncodedTokens = into ?? { data: [], line: 0, character: 0 };
  const data = out.data;
  let prevLine = out.line;
  let prevChar = out.character;
  const [from, to] = lineSpan(doc, range);
  walkTokens(doc, from, to, (line, character, length, r) => {
    const deltaLine = line - prevLine;
    const deltaChar = deltaLine === 0 ? character - prevChar : character;
    if (deltaLine < 0 || deltaChar < 0 || length <= 0) return; // unsorted or empty: skip rather than corrupt
    data.push(deltaLine, deltaChar, length, r & 0xff, r >> 8);
    prevLine = line;
    prevChar = character;
  });
  out.line = prevLine;
  out.character = prevChar;
  return out;
}
