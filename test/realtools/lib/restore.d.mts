export interface CommitOp {
  line: number;
  op: string;
  errno: string;
  detail: string;
}
export interface ParsedRestoreError {
  kind: 'commit-time' | 'commit-expected' | 'missing-chain' | 'bad-argument' | 'line-failed' | 'error-at' | 'line' | 'none';
  lines: number[];
  message: string;
  ops?: CommitOp[];
  chain?: string;
  arg?: string;
}
export interface Block {
  table: string;
  header: number;
  commit: number | null;
}
export interface Finding {
  code: string;
  severity: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}
export interface AllowEntry {
  file: string;
  message: string;
  reason: string;
}
export interface Verdict {
  status: 'agree' | 'disagree' | 'env';
  restore: string;
  ours: string;
  problems: string[];
  reason?: string;
  viaLegacy?: boolean;
}
export declare function restoreMessageLines(stderr: string): string[];
export declare function parseRestoreError(stderr: string): ParsedRestoreError;
export declare function scanBlocks(lines: string[]): Block[];
export declare function blockAt(blocks: Block[], i: number): Block | null;
export declare function tokenize(line: string): string[];
export declare function ruleJump(line: string): { chain: string; target: string | null; goto: boolean } | null;
export declare function requirements(parsed: ParsedRestoreError, lines: string[], toPhys: (n: number) => number): { groups: number[][]; acceptedBefore: number };
export declare function findAllowed(entries: AllowEntry[], fileKey: string, stderr: string): AllowEntry | null;
export declare function parseAllowList(tsv: string): AllowEntry[];
export declare function judgeRestore(input: { buf: Uint8Array; text: string; rc: number; stderr: string; findings: Finding[]; allowed?: AllowEntry | null; legacy?: { rc: number; stderr: string } | null }): Verdict;
export declare function fixtureExpectation(text: string): { accept: boolean; lines: number[] } | null;
export declare function checkExpectation(expect: { accept: boolean; lines: number[] }, result: { buf: Uint8Array; text: string; rc: number; stderr: string }): string | null;
