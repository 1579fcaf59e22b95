// Document symbols (table → chain → rules), folding ranges and semantic tokens.

import type { DocSymbol, FoldRange, Range, SemanticToken, SemanticTokenModifier, SemanticTokenType } from '../types';
import type { CommandLine, IptablesDocument, OptionNode, Token } from './ast';
import { chainGraph, fmt, type TableGraph } from './chains';
import { LazyCommand, Match, Opt, Target, Tok, peekCommand } from './parse';

// ------------------------------------------------------------------ symbols

const RULE_NAME_MAX = 60;

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
  const out: DocSymbol[] = [];
  for (const tg of graph.tables) out.push(tableSymbol(doc, tg));
  return out;
}

function tableSymbol(doc: IptablesDocument, tg: TableGraph): DocSymbol {
  const t = tg.table;
  const endLine = t.endLine;
  const endChar = doc.lines[endLine]?.range.end.character ?? 0;
  const sym: DocSymbol = {
    name: t.name || '*',
    detail: `${fmt(tg.ruleCount)} rule${tg.ruleCount === 1 ? '' : 's'}`,
    kind: 'namespace',
    range: { start: { line: t.startLine, character: 0 }, end: { line: endLine, character: endChar } },
    selectionRange: t.header.nameRange,
    children: [],
  };
  // One symbol per chain: declared chains in declaration order, then chains only used by commands.
  const byChain = new Map<string, DocSymbol>();
  const chainSym = (name: string, sel: Range, detail: string): DocSymbol => {
    let s = byChain.get(name);
    if (!s) {
      s = { name, detail, kind: 'class', range: { start: sel.start, end: sel.end }, selectionRange: sel, children: [] };
      byChain.set(name, s);
      sym.children!.push(s);
    }
    return s;
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
    const rn = ruleName(cmd);
    const r = cmd.range;
    const sel = lineRange(cmd.line, rn.start, rn.end);
    if (isRule && name !== undefined) {
      let cs = byChain.get(name);
      if (!cs) {
        const info = tg.chains.get(name);
        cs = chainSym(name, sel, info?.builtin ? `built-in · ${fmt(info.rules.length)} rules` : 'not declared');
      }
      cs.children!.push({ name: rn.name, kind: 'function', range: r, selectionRange: sel });
      // the chain's range spans its declaration and all its rules
      const st = cs.range.start;
      const en = cs.range.end;
      const start = r.start.line < st.line || (r.start.line === st.line && r.start.character < st.character) ? r.start : st;
      const end = r.end.line > en.line || (r.end.line === en.line && r.end.character > en.character) ? r.end : en;
      if (start !== st || end !== en) cs.range = { start, end };
    } else if (cmd.command !== 'N') {
      const text = cmd instanceof LazyCommand ? cmd.text.trim() : `-${cmd.command}`;
      sym.children!.push({ name: text.length > RULE_NAME_MAX ? text.slice(0, RULE_NAME_MAX - 1) + '…' : text, kind: 'event', range: r, selectionRange: sel });
    }
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

const STATE_OPTIONS = new Set(['--state', '--ctstate']);
const STATE_NAMES = new Set(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT']);
const NUMBERISH = /^[0-9][0-9a-fA-FxX.:,/-]*$|^[0-9a-fA-F]*:[0-9a-fA-F:.]*(\/\d+)?$/;

type Role = [SemanticTokenType, SemanticTokenModifier[] | undefined];

export function semanticTokens(doc: IptablesDocument): SemanticToken[] {
  const graph = chainGraph(doc);
  const out: SemanticToken[] = [];
  const emit = (line: number, character: number, length: number, type: SemanticTokenType, modifiers?: SemanticTokenModifier[]) => {
    if (length <= 0) return;
    const t: SemanticToken = { line, character, length, type };
    if (modifiers && modifiers.length) t.modifiers = modifiers;
    out.push(t);
  };
  let tg: TableGraph | undefined;
  let ti = 0;
  for (const l of doc.lines) {
    while (ti < graph.tables.length && graph.tables[ti].table.startLine <= l.line) tg = graph.tables[ti++];
    switch (l.kind) {
      case 'comment':
        emit(l.line, l.range.start.character + (l.line === 0 && doc.bom ? 1 : 0), l.text.length, 'comment');
        break;
      case 'table':
        emit(l.line, l.nameRange.start.character, l.nameRange.end.character - l.nameRange.start.character, 'namespace');
        break;
      case 'commit':
        emit(l.line, l.line === 0 && doc.bom ? 1 : 0, 6, 'keyword');
        break;
      case 'chain': {
        emit(l.line, l.nameRange.start.character, l.nameRange.end.character - l.nameRange.start.character, 'type', ['declaration']);
        const p = l.policyRange;
        if (p.end.character > p.start.character) emit(l.line, p.start.character, p.end.character - p.start.character, 'keyword');
        if (l.counters) emit(l.line, l.counters.range.start.character, l.counters.range.end.character - l.counters.range.start.character, 'number');
        break;
      }
      case 'command':
        commandTokens(l, tg, emit);
        break;
      default:
        break;
    }
  }
  return out;
}

function commandTokens(
  lazy: CommandLine,
  tg: TableGraph | undefined,
  emit: (line: number, character: number, length: number, type: SemanticTokenType, modifiers?: SemanticTokenModifier[]) => void,
): void {
  const cmd = peekCommand(lazy);
  const roles = new Map<number, Role>(); // by start column
  const isChain = (name: string) => !!tg && tg.chains.has(name) && !tg.chains.get(name)!.builtin;
  const set = (t: Token | undefined, type: SemanticTokenType, mods?: SemanticTokenModifier[]) => {
    if (t) roles.set(t instanceof Tok ? t.start : t.range.start.character, [type, mods]);
  };
  const value = (t: Token, optName: string) => {
    if (STATE_OPTIONS.has(optName)) set(t, 'enumMember');
    else if (t.quoted) set(t, 'string');
    else if (NUMBERISH.test(t.value)) set(t, 'number');
    else set(t, 'parameter');
  };
  const option = (o: OptionNode) => {
    if (o instanceof Opt) {
      roles.set(o.nameStart, ['property', undefined]);
      if (o.negation) roles.set(o.negation.start, ['operator', undefined]);
    }
    for (const v of o.values) value(v, o.name);
  };
  set(cmd.commandToken, 'function');
  if (cmd.chain) set(cmd.chain, 'type');
  if (cmd.arg) {
    if (cmd.command === 'P') set(cmd.arg, 'keyword');
    else if (cmd.command === 'E') set(cmd.arg, 'type');
    else set(cmd.arg, 'number');
  }
  for (const f of cmd.flags) option(f);
  const rule = cmd.rule;
  if (rule) {
    for (const g of rule.generic) option(g);
    for (const o of rule.stray) option(o);
    for (const m of rule.matches) {
      if (m instanceof Match && !m.implicit) {
        roles.set(m.start0, ['property', undefined]);
        set(m.nameTok, 'keyword');
      }
      for (const o of m.options) option(o);
    }
    const t = rule.target;
    if (t instanceof Target) {
      roles.set(t.start0, ['property', undefined]);
      if (isChain(t.name)) set(t.nameTok, 'type');
      else set(t.nameTok, 'function', ['defaultLibrary']);
      for (const o of t.options) option(o);
    }
  }
  for (const tok of cmd.tokens) {
    const t = tok as Tok;
    const role = roles.get(t.start);
    if (!role) {
      if (t.value === '!') emit(t.line, t.start, 1, 'operator');
      continue;
    }
    const [type, mods] = role;
    if (type === 'enumMember' && !t.quoted) {
      // state lists: one token per name
      let p = t.start;
      for (const part of t.value.split(',')) {
        if (STATE_NAMES.has(part.toUpperCase())) emit(t.line, p, part.length, 'enumMember');
        p += part.length + 1;
      }
      continue;
    }
    // `--dport=22`: colour the option name only
    const eq = type === 'property' && t.value.startsWith('--') ? t.value.indexOf('=') : -1;
    emit(t.line, t.start, eq > 0 ? eq : t.end - t.start, type, mods);
  }
}
