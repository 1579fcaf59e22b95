// The parsed form of an iptables-save / iptables-restore file. Every physical line
// becomes exactly one IptLine (errors included), each with ranges. Tokens are split
// the way iptables-restore splits arguments (whitespace; double quotes group, and the
// quotes are removed from `value`).
//
// Other modules (analysis, fixes, hover) read these types; extend them, don't break them.

import type { Range } from '../types';

export const TABLE_NAMES = ['filter', 'nat', 'mangle', 'raw', 'security'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

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

export type Command = 'A' | 'I' | 'R' | 'D' | 'N' | 'X' | 'F' | 'Z' | 'P' | 'E';

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
}

export interface CommitLine extends LineBase {
  kind: 'commit';
  table: string;
}

/** A line iptables-restore would reject. The error is also in `IptablesDocument.errors`. */
export interface ErrorLine extends LineBase {
  kind: 'error';
  message: string;
}

export type IptLine = BlankLine | CommentLine | TableLine | ChainLine | CommandLine | CommitLine | ErrorLine;

export interface ParseError {
  range: Range;
  message: string;
}

export interface TableBlock {
  name: string;
  /** Line of `*name`. */
  startLine: number;
  /** Line of COMMIT, or undefined when the table is not closed. */
  commitLine?: number;
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
}
