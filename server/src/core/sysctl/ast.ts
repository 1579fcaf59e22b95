// The parsed form of a sysctl.conf / sysctl.d file. Every physical line becomes one
// SysctlLine with ranges. Other modules (knowledge base checks, fixes, hover) read these
// types; extend them, don't break them.
//
// All ranges are single-line; `range` of a line node covers the line's text without its
// end-of-line sequence (and without a BOM on line 0). Slicing the document text by any
// range below gives back exactly the field it describes (rawKey, value, comment text …).
// Treat nodes as read-only: ranges of one line may share Position objects, and reparse
// reuses the nodes of untouched lines. Absent optional fields are present as `undefined`
// (one object shape per kind keeps parsing fast).

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
  /**
   * Normalised dotted key (`net/ipv4/ip_forward` → `net.ipv4.ip_forward`). A `.` inside a
   * component is shown as `/`, the way `sysctl -a` prints it
   * (`net/ipv4/conf/enp3s0.200/forwarding` → `net.ipv4.conf.enp3s0/200.forwarding`).
   */
  key: string;
  keyRange: Range;
  /** Path components below /proc/sys (`['net', 'ipv4', 'conf', 'enp3s0.200', 'forwarding']`). */
  components: string[];
  /** Path below /proc/sys, `/`-separated (`net/ipv4/conf/enp3s0.200/forwarding`). */
  path: string;
  /** True when the key contains a glob (`*`, `?`, `[`), which systemd-sysctl expands. */
  glob: boolean;
  equalsRange: Range;
  /**
   * Value with surrounding whitespace removed (inner whitespace kept, e.g. `32768 60999`).
   * This is exactly what procps `sysctl -p` and systemd-sysctl write to /proc/sys, so an
   * inline `# comment` is part of it (see parse.ts). May be empty (`key =`).
   */
  value: string;
  valueRange: Range;
  /**
   * The value up to an inline comment, trimmed: what the author most likely meant.
   * Equal to `value` when there is no inline comment. Numeric keys behave as if this had
   * been written (the kernel stops reading after the numbers it needs); string keys store
   * the whole `value`.
   */
  bareValue: string;
  bareValueRange: Range;
  /**
   * Inline comment (`key = 1 # note`): the tail of `value` starting at a `#`/`;` that begins
   * the value or follows whitespace. sysctl has no inline comments, so this text is still
   * written as part of `value`; the field exists so features can point that out.
   */
  comment?: { text: string; range: Range };
}

/**
 * `-key` without `=`: excludes the key from glob assignments in the same run and sets
 * nothing. Documented in sysctl.d(5) and accepted by systemd 252 and procps 4.0.2; older
 * versions of both reject the line as not an assignment.
 */
export interface SysctlExclude {
  kind: 'exclude';
  line: number;
  range: Range;
  ignoreRange: Range;
  rawKey: string;
  key: string;
  keyRange: Range;
  components: string[];
  path: string;
  glob: boolean;
}

export interface SysctlComment {
  kind: 'comment';
  line: number;
  range: Range;
  /** From the `#`/`;` marker to the end of the line, trailing whitespace removed. */
  text: string;
  /** Range of `text`. */
  textRange: Range;
}

export interface SysctlBlank {
  kind: 'blank';
  line: number;
  range: Range;
}

/** Why a line is not an assignment. */
export type SysctlErrorReason = 'no-equals' | 'empty-key';

export interface SysctlError {
  kind: 'error';
  line: number;
  range: Range;
  message: string;
  reason: SysctlErrorReason;
  /** The line's text without surrounding whitespace. */
  text: string;
  textRange: Range;
}

export type SysctlLine = SysctlAssignment | SysctlExclude | SysctlComment | SysctlBlank | SysctlError;

export interface SysctlDocument {
  text: string;
  /** One node per line; `lines[i].line === i`. */
  lines: SysctlLine[];
  assignments: SysctlAssignment[];
  errors: SysctlError[];
  excludes: SysctlExclude[];
  /** Offset in `text` of each line's column 0 (so `text[lineStarts[l] + c]` is line l, column c). */
  lineStarts: number[];
  /** The text starts with U+FEFF (kept in `text`; line 0's columns count it). */
  bom: boolean;
}
