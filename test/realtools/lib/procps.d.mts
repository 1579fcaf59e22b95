import type { Finding } from './restore.mjs';
export type ProcpsLine =
  | { kind: 'skip' }
  | { kind: 'comment' }
  | { kind: 'invalid' }
  | { kind: 'exclude'; key: string }
  | { kind: 'set'; key: string; value: string; ignoreFailure: boolean };
export interface KeyInfo {
  exists: boolean;
  writable: boolean;
  current: string | null;
}
export declare function parseDryRunInvalid(stderr: string): number[];
export declare function procpsLine(raw: string): ProcpsLine;
export declare function slashdot(key: string, from: string, to: string): string;
export declare function keyPath(key: string): string;
export declare function pathKey(path: string): string;
export declare function isGlob(path: string): boolean;
export declare function globSegment(seg: string): RegExp;
export declare function valueShape(value: string, current: string | null | undefined): boolean | null;
export declare function judgeSysctl(input: {
  text: string;
  invalid: number[];
  findings: Finding[];
  probe: (path: string) => KeyInfo;
  allowed?: (line: number) => string | null;
  printed?: Set<string> | null;
}): { judged: number; problems: { line: number; problem: string }[]; harness: string[] };
