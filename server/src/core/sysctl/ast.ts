// The parsed form of a sysctl.conf / sysctl.d file. Every physical line becomes one
// SysctlLine with ranges. Other modules (knowledge base checks, fixes, hover) read these
// types; extend them, don't break them.

import type { Range } from '../types';

export interface SysctlAssignment {
  kind: 'assignment';
  line: number;
  range: Range;
  /** `-` prefix: systemd-sysctl ignores failures to set this key. */
  ignoreFailure: boolean;
  ignoreRange?: Range;
  /** Key as written (may use `/` separators or globs). */
  rawKey: string;
  /** Normalised dotted key (`net/ipv4/ip_forward` → `net.ipv4.ip_forward`). */
  key: string;
  keyRange: Range;
  /** True when the key contains a glob (`*`, `?`, `[`), which systemd-sysctl expands. */
  glob: boolean;
  equalsRange: Range;
  /** Value with surrounding whitespace removed (inner whitespace kept, e.g. `32768 60999`). */
  value: string;
  valueRange: Range;
  /** Trailing comment, if any. Note: sysctl treats `#`/`;` only at line start as comments; see parse.ts. */
  comment?: { text: string; range: Range };
}

export interface SysctlComment {
  kind: 'comment';
  line: number;
  range: Range;
  text: string;
}

export interface SysctlBlank {
  kind: 'blank';
  line: number;
  range: Range;
}

export interface SysctlError {
  kind: 'error';
  line: number;
  range: Range;
  message: string;
}

export type SysctlLine = SysctlAssignment | SysctlComment | SysctlBlank | SysctlError;

export interface SysctlDocument {
  text: string;
  lines: SysctlLine[];
  assignments: SysctlAssignment[];
  errors: SysctlError[];
}
