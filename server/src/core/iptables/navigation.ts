// Go to definition, references and rename for chain names. A chain name is
// local to its table: `-j KUBE-SERVICES` in nat means nat's KUBE-SERVICES.

import { contains } from '../text';
import type { Location, Position, Range, TextEdit } from '../types';
import { isBuiltinChain, type IptablesDocument, type TableBlock } from './ast';
import { MAX_CHAIN_NAME, clashesWithTarget, peekCommand, utf8Length } from './parse';

export interface Occurrence {
  range: Range;
  /** `:NAME` / `-N NAME` (declaration), `-A NAME …` (chain), `-j NAME` (target), `-E OLD NEW` (new name). */
  kind: 'declaration' | 'chain' | 'target' | 'new-name';
}

export interface ChainRef {
  table: TableBlock;
  name: string;
  range: Range;
}

/** The table whose block holds `line`. */
export function tableAt(doc: IptablesDocument, line: number): TableBlock | undefined {
  for (const t of doc.tables) if (line >= t.startLine && line <= t.endLine) return t;
  return undefined;
}

/** Is `name` a chain in `table` (declared, built-in, or the chain of a command)? */
function isChainOf(table: TableBlock, name: string): boolean {
  if (isBuiltinChain(table.name, name)) return true;
  if (table.chains.some((c) => c.name === name)) return true;
  return table.commands.some((c) => c.chainName === name || (c.command === 'E' && peekCommand(c).arg?.value === name));
}

/** The chain name under `at`, if any. */
export function chainAt(doc: IptablesDocument, at: Position): ChainRef | null {
  const l = doc.lines[at.line];
  if (!l) return null;
  const table = tableAt(doc, at.line);
  if (!table) return null;
  if (l.kind === 'chain') return contains(l.nameRange, at) ? { table, name: l.name, range: l.nameRange } : null;
  if (l.kind !== 'command') return null;
  const cmd = peekCommand(l);
  if (cmd.chain && contains(cmd.chain.range, at)) return { table, name: cmd.chain.value, range: cmd.chain.range };
  if (cmd.command === 'E' && cmd.arg && contains(cmd.arg.range, at)) return { table, name: cmd.arg.value, range: cmd.arg.range };
  const t = cmd.rule?.target;
  if (t && contains(t.nameRange, at) && isChainOf(table, t.name)) return { table, name: t.name, range: t.nameRange };
  return null;
}

/** Every place `name` is written as a chain in `table`, in line order. */
export function occurrences(table: TableBlock, name: string): Occurrence[] {
  const out: { line: number; o: Occurrence }[] = [];
  for (const d of table.chains) if (d.name === name) out.push({ line: d.line, o: { range: d.nameRange, kind: 'declaration' } });
  for (const c of table.commands) {
    const isChain = c.chainName === name && c.command !== 'N';
    const isTarget = c.targetName === name;
    if (!isChain && !isTarget && c.command !== 'E') continue;
    const full = peekCommand(c);
    if (isChain && full.chain) out.push({ line: c.line, o: { range: full.chain.range, kind: 'chain' } });
    if (c.command === 'E' && full.arg && full.arg.value === name) out.push({ line: c.line, o: { range: full.arg.range, kind: 'new-name' } });
    if (isTarget && full.rule?.target) out.push({ line: c.line, o: { range: full.rule.target.nameRange, kind: 'target' } });
  }
  return out.sort((a, b) => a.line - b.line || a.o.range.start.character - b.o.range.start.character).map((x) => x.o);
}

export function definition(doc: IptablesDocument, at: Position): Location[] {
  const ref = chainAt(doc, at);
  if (!ref) return [];
  return ref.table.chains.filter((c) => c.name === ref.name).map((c) => ({ range: c.nameRange }));
}

export function references(doc: IptablesDocument, at: Position, includeDeclaration: boolean): Location[] {
  const ref = chainAt(doc, at);
  if (!ref) return [];
  return occurrences(ref.table, ref.name)
    .filter((o) => includeDeclaration || o.kind !== 'declaration')
    .map((o) => ({ range: o.range }));
}

export function prepareRename(doc: IptablesDocument, at: Position): { range: Range; placeholder: string } | null {
  const ref = chainAt(doc, at);
  if (!ref || isBuiltinChain(ref.table.name, ref.name)) return null;
  return { range: ref.range, placeholder: ref.name };
}

/** Why `name` cannot be a new chain name in `table` (null when it can). */
export function invalidChainName(doc: IptablesDocument, table: TableBlock, name: string, current?: string): string | null {
  if (!name) return 'empty name';
  if (/[\s"]/.test(name)) return 'a chain name cannot contain blanks or quotes';
  if (/^[-!:*#[]/.test(name)) return `a chain name cannot start with \`${name[0]}\``;
  if (utf8Length(name) > MAX_CHAIN_NAME) return `a chain name has at most ${MAX_CHAIN_NAME} characters`;
  if (clashesWithTarget(name, doc.family === 'unknown' ? 'ipv4' : doc.family) || clashesWithTarget(name, 'ipv6')) return `\`${name}\` is a target name`;
  if (isBuiltinChain(table.name, name)) return `\`${name}\` is a built-in chain of ${table.name}`;
  if (name !== current && isChainOf(table, name)) return `\`${name}\` already exists in ${table.name}`;
  return null;
}

export function rename(doc: IptablesDocument, at: Position, newName: string): TextEdit[] | null {
  const ref = chainAt(doc, at);
  if (!ref || isBuiltinChain(ref.table.name, ref.name)) return null;
  if (newName === ref.name) return [];
  if (invalidChainName(doc, ref.table, newName, ref.name)) return null;
  return occurrences(ref.table, ref.name).map((o) => ({ range: o.range, newText: newName }));
}
