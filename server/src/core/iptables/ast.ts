// The parsed form of an iptables-save / iptables-restore file. Every physical line
// becomes exactly one IptLine (errors included), each with ranges. Tokens are split
// the way iptables-restore splits arguments (whitespace; double quotes group, and the
// quotes are removed from `value`).
//
// Other modules (analysis, fixes, hover) read these types; extend them, don't break them.
//
// Performance note (parse.ts): a kube-proxy dump has ~150k lines and ~1.6M
// arguments. Command lines are therefore built lazily: `command`, `chainName`,
// `targetName`, `targetKind`, `hasRule` are set by the parse; `tokens`, `rule`,
// `chain`, `arg`, `counters`, `flags` are built on first read and then cached.
// Tokens, options, matches and targets build `range` objects on each read.
// A loop over every rule of a big document should use `peekCommand(cmd)` from
// parse.ts (same tree, not cached) or the cheap fields, so that memory stays low;
// cheaper still, a rule scanner (`addRuleScanner` in parse.ts) sees every rule's
// tree while the parse pass has it (nodes reused for the next rule: keep none).
// Chain lines (`:NAME …`) also build their ranges on read.

import type { Range } from '../types';

export const TABLE_NAMES = ['filter', 'nat', 'mangle', 'raw', 'security'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** Built-in chains of each table (kernel `valid_hooks`; conntrack-facts §6a). */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** Verdicts every table knows without an extension (`-j ACCEPT` …). */
export const STANDARD_TARGETS = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'] as const;

export function isTableName(name: string): name is TableName {
  return (TABLE_NAMES as readonly string[]).includes(name);
}

/** True when `chain` is a built-in chain of `table` (false for unknown tables). */
export function isBuiltinChain(table: string, chain: string): boolean {
  return isTableName(table) && BUILTIN_CHAINS[table].includes(chain);
}

/** One argument as iptables-restore sees it. */
export interface Token {
  /** The argument after quote removal, e.g. `kubernetes service portals`. */
  value: string;
  /** Exactly as written in the file, quotes included. */
  raw: string;
  range: Range;
  quoted: boolean;
}

/** `[packets:bytes]` on a chain line or before a rule. */
export interface Counters {
  packets: string;
  bytes: string;
  range: Range;
  /**
   * Both numbers parse as `iptables-restore --counters` reads them. Plain
   * iptables-restore ignores counters, so a false here is not a syntax error.
   */
  numeric: boolean;
}

/** One option with its arguments, e.g. `! --dport 80` or `--ctstate RELATED,ESTABLISHED`. */
export interface OptionNode {
  /** As written: `--dport`, `-p`, `--state`. Long form is not normalised. */
  name: string;
  nameRange: Range;
  /** `!` before the option (or, old style, before its value). */
  negated: boolean;
  negationRange?: Range;
  values: Token[];
  /** From the `!` (if any) or name to the last value. */
  range: Range;
}

/**
 * A `-m NAME` match with the options that follow it, or the implicit protocol
 * match (`-p tcp --dport 22` without `-m tcp`): then `implicit` is true and
 * `nameRange` is the protocol value's range.
 */
export interface MatchNode {
  name: string;
  nameRange: Range;
  implicit: boolean;
  options: OptionNode[];
  range: Range;
}

export interface TargetNode {
  name: string;
  nameRange: Range;
  /** `-j` (jump) or `-g` (goto). */
  kind: 'jump' | 'goto';
  options: OptionNode[];
  range: Range;
}

/** A rule's parts (for -A/-I/-R/-D with a rule specification). */
export interface RuleSpec {
  /** Generic options: -p -s -d -i -o -f (and their long forms), in order. */
  generic: OptionNode[];
  /** `-p` value lower-cased, if any (`tcp`, `udp`, `icmp`, `all`, `6` …). */
  protocol?: { value: string; negated: boolean; range: Range };
  matches: MatchNode[];
  target?: TargetNode;
  /** Options the parser could not attach (before any match, not generic). */
  stray: OptionNode[];
}

/** `C` (check), `L` (list) and `S` (list rules) are accepted by iptables-restore too (they only print). */
export type Command = 'A' | 'I' | 'R' | 'D' | 'N' | 'X' | 'F' | 'Z' | 'P' | 'E' | 'C' | 'L' | 'S';

interface LineBase {
  /** 0-based line number. */
  line: number;
  /** The whole line, excluding the end-of-line sequence. */
  range: Range;
}

export interface BlankLine extends LineBase {
  kind: 'blank';
}

export interface CommentLine extends LineBase {
  kind: 'comment';
  text: string;
}

export interface TableLine extends LineBase {
  kind: 'table';
  name: string;
  nameRange: Range;
  /** One of TABLE_NAMES. */
  known: boolean;
}

export interface ChainLine extends LineBase {
  kind: 'chain';
  name: string;
  nameRange: Range;
  /** `ACCEPT`, `DROP`, `-` (user chain) or whatever was written. */
  policy: string;
  policyRange: Range;
  counters?: Counters;
  table: string;
  /** A built-in chain of its table (INPUT in filter …). */
  builtin: boolean;
  /**
   * Declared by a `-N NAME` command rather than a `:NAME` line. The object is
   * then not in `IptablesDocument.lines` (the CommandLine is); policy is `-`
   * and policyRange is empty at the end of the name.
   */
  fromCommand?: CommandLine;
}

export interface CommandLine extends LineBase {
  kind: 'command';
  command: Command;
  /** The command token as written: `-A`, `--append`, `-I` … */
  commandToken: Token;
  /** Chain argument, if present. */
  chain?: Token;
  /** Rule number for -I/-R/-D NUM, or the policy for -P CHAIN POLICY, or the new name for -E. */
  arg?: Token;
  /** Counters from a leading `[p:b]`, or from `-c p b`. */
  counters?: Counters;
  /** Set for -A/-I/-R/-D with a rule specification. */
  rule?: RuleSpec;
  tokens: Token[];
  table: string;
  /**
   * Core options that are neither the command nor part of the rule: `-v`, `-c`,
   * `-4`, `-6`, `-n`, `-x`, `-t`, `-w` … (some of them are errors in a restore file).
   */
  flags: OptionNode[];
  /**
   * `-4` or `-6` on the line: iptables-restore skips a `-6` line and
   * ip6tables-restore a `-4` line (shared rule files).
   */
  ipVersion?: 4 | 6;
  /**
   * Cheap copies for whole-document passes (the parser builds `tokens`, `rule`,
   * `chain` … of a line only when first read): `chain?.value`,
   * `rule?.target?.name`, `rule?.target?.kind`, and whether `rule` is set.
   */
  chainName?: string;
  targetName?: string;
  targetKind?: 'jump' | 'goto';
  hasRule?: boolean;
}

export interface CommitLine extends LineBase {
  kind: 'commit';
  table: string;
}

/** A line iptables-restore would reject. The error is also in `IptablesDocument.errors`. */
export interface ErrorLine extends LineBase {
  kind: 'error';
  message: string;
  /** The line split into arguments (when it looked like a command). */
  tokens?: Token[];
}

export type IptLine = BlankLine | CommentLine | TableLine | ChainLine | CommandLine | CommitLine | ErrorLine;

export interface ParseError {
  range: Range;
  message: string;
  /** What a quick-fix needs (e.g. `{ fix: 'remove-bom' }`); see actions.ts. */
  data?: Record<string, unknown>;
  related?: { range: Range; message: string }[];
}

export interface TableBlock {
  name: string;
  /** Line of `*name`. */
  startLine: number;
  /** Line of COMMIT, or undefined when the table is not closed. */
  commitLine?: number;
  /** Last line of the block: COMMIT, or the last line before the next table / end of text. */
  endLine: number;
  /** The `*name` line. */
  header: TableLine;
  /** Chains declared with `:NAME` or `-N NAME`, in order. */
  chains: ChainLine[];
  commands: CommandLine[];
}

export interface IptablesDocument {
  text: string;
  lines: IptLine[];
  tables: TableBlock[];
  /** Syntax errors (IPT001 material), in line order. */
  errors: ParseError[];
  /** From the header or the addresses used; 'unknown' when nothing tells. */
  family: 'ipv4' | 'ipv6' | 'unknown';
  /** The text starts with a byte order mark (line 0's columns then start at 1). */
  bom: boolean;
  /** Line endings found: iptables-restore only understands LF. */
  eol: 'lf' | 'crlf' | 'cr' | 'mixed' | 'none';
}
