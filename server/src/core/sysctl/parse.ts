// sysctl.conf / sysctl.d parser: total (never throws, every line becomes a node), linear in
// the size of the text, and faithful to the two programs that read these files:
// procps `sysctl -p` (4.0.x, `parse_setting_line()` in src/sysctl.c) and systemd-sysctl
// (sysctl.d(5), `parse_file()` in src/sysctl/sysctl.c). Checked against procps 4.0.2
// (`sysctl --dry-run -p FILE`) and systemd 252 (`systemd-sysctl FILE` with a read-only
// tmpfs mounted over /proc/sys in a private mount namespace, debug logging on).
//
// Line rules, in order (both programs agree unless noted):
// 1. Lines end at LF, CRLF or a lone CR. That is systemd's read_line() (measured: a file
//    with lone CRs sets every key) and what every editor shows. procps reads with
//    getline(): only LF ends a line, so `# note\rkey = 1\n` is one comment line to it and
//    the key is never set. We follow systemd (it applies /etc/sysctl.d at boot); no file in
//    the corpus has a lone CR.
// 2. Whitespace around the line is ignored. An empty line is a blank.
// 3. A line whose first non-blank character is `#` or `;` is a comment. Nowhere else do
//    `#`/`;` start a comment (see 7).
// 4. The first `=` splits key from value (`a==1` sets `a` to `=1`).
// 5. No `=`: a line starting with `-` is a glob exclusion (`-net.ipv4.conf.lo.rp_filter`:
//    keep that key out of earlier glob assignments, set nothing); any other line is rejected
//    — procps: `FILE(N): invalid syntax, continuing...`, systemd: `Line is not an
//    assignment, ignoring`. That is an error node (reason `no-equals`, code SYS004).
// 6. With `=`: a leading `-` is the ignore-failure prefix. The key is the text up to `=`,
//    trimmed (systemd also trims after the `-`; procps keeps a space there, so
//    `- key = 1` works only under systemd, which is what /etc/sysctl.d is read by at boot).
//    The prefix only changes how a failure is reported: systemd-sysctl ignores it, while
//    procps 4.0.2 still reports a missing key (`cannot stat`) and exits 1 (measured).
//    An empty key (`= 1`, `-=1`, or only separators like `.=1`) is rejected by both at write
//    time (procps: `Path is not under /proc/sys/`, systemd: `Is a directory`): an error node
//    (reason `empty-key`).
// 7. The value is everything after `=`, trimmed. It may be empty: `key =` passes the
//    syntax check of both programs, which then write an empty line — the kernel rejects
//    that for numeric keys (EINVAL, measured) and stores an empty string for string keys.
//    Inline comments do not exist: for `key = 1 # c`, `sysctl --dry-run -p` prints
//    `key = 1 # c` and systemd logs `Setting '…' to '1 # c'`. What the kernel then does
//    depends on the key (measured in a throwaway netns): numeric keys read the numbers
//    they need and ignore the rest (`1 # c` sets 1; `20000 30000 # c` sets
//    ip_local_port_range; `20001 # c` fails because a second number is missing); string
//    keys store the text verbatim. So the AST keeps `value` = `1 # c` (what is written)
//    and adds `comment` (`# c`) and `bareValue` (`1`) for features that want the intent.
//    A `#`/`;` counts as the start of such a comment when it begins the value or follows
//    whitespace (`a#b` stays a plain value).
// 8. Keys: `.` and `/` are separators. systemd rule: if the first separator is `/`, only
//    `/` separates and a `.` is part of the component (`net/ipv4/conf/enp3s0.200/forwarding`
//    → `enp3s0.200`); if it is `.`, dots separate and a `/` stands for a literal dot
//    (`net.ipv4.conf.enp3s0/200.forwarding`, the form `sysctl -a` prints). Empty and `.`
//    components (`net..ipv4`, a leading `/`, `net/./ipv4`) are dropped, as the path lookup
//    does; a key left with no component is empty (rule 6). `*`, `?` and `[`
//    make a glob, expanded against /proc/sys by both programs.
//
// BOM: neither program skips a UTF-8 byte-order mark (measured): it becomes part of line 1,
// so a first-line comment is `invalid syntax` and a first-line key is looked up as
// `\uFEFFnet.ipv4…`, which does not exist. The parser skips the BOM so the first line keeps
// its intended meaning (columns still count it, as LSP does), records `bom: true`, and the
// diagnostics report the first line (SYS004, reason `bom`).
// Not modelled: procps silently skips a final line of one character without a newline
// (`getline` length < 2), which systemd rejects; we report it like any other line.

import type { Position, Range } from '../types';
import type {
  SysctlAssignment,
  SysctlComment,
  SysctlDocument,
  SysctlError,
  SysctlErrorReason,
  SysctlExclude,
  SysctlLine,
} from './ast';
import { lineOfOffset } from '../text';

const CH_TAB = 9;
const CH_LF = 10;
const CH_VT = 11;
const CH_FF = 12;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_HASH = 35;
const CH_STAR = 42;
const CH_DASH = 45;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_SEMI = 59;
const CH_EQ = 61;
const CH_QUESTION = 63;
const CH_BRACKET = 91;

/** Blanks both programs strip around keys and values (procps uses isspace()). */
export function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB || c === CH_VT || c === CH_FF;
}

export const NO_EQUALS_MESSAGE = 'Line is not `key = value`: there is no `=`, so sysctl skips it as invalid syntax';
export const EMPTY_KEY_MESSAGE = 'Line is not `key = value`: the key before `=` is empty';
export const BOM_MESSAGE =
  'Line is not `key = value` as sysctl reads it: the file starts with a byte-order mark (U+FEFF), which sysctl does not skip';

/** A key split into its /proc/sys path components, with their spans in the raw key. */
export interface KeyLayout {
  components: string[];
  /** Start offset (in the raw key) of each component. */
  starts: number[];
  /** End offset (exclusive) of each component. */
  ends: number[];
  /** The separator the key uses: the first one that occurs (`.` when there is none). */
  separator: '.' | '/';
}

/** Splits a raw key following sysctl.d(5) (rule 8 above). Linear in the key's length. */
export function splitSysctlKey(rawKey: string): KeyLayout {
  let separator: '.' | '/' = '.';
  for (let i = 0; i < rawKey.length; i++) {
    const c = rawKey.charCodeAt(i);
    if (c === CH_DOT) break;
    if (c === CH_SLASH) {
      separator = '/';
      break;
    }
  }
  const sepCode = separator === '/' ? CH_SLASH : CH_DOT;
  const components: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  for (let i = 0; i <= rawKey.length; i++) {
    if (i === rawKey.length || rawKey.charCodeAt(i) === sepCode) {
      if (i > start) {
        let comp = rawKey.slice(start, i);
        // Dotted form: a `/` inside a component is a literal dot.
        if (separator === '.' && comp.includes('/')) comp = comp.replace(/\//g, '.');
        // A `.` component is dropped by the path lookup (systemd's path_simplify()).
        if (comp !== '.') {
          components.push(comp);
          starts.push(start);
          ends.push(i);
        }
      }
      start = i + 1;
    }
  }
  return { components, starts, ends, separator };
}

/** Normalised dotted key of a component list (a `.` inside a component shows as `/`). */
export function dottedKey(components: readonly string[]): string {
  let out = '';
  for (let i = 0; i < components.length; i++) {
    const c = components[i];
    if (i) out += '.';
    out += c.includes('.') ? c.replace(/\./g, '/') : c;
  }
  return out;
}

/** Normalises a key as written (either separator) to its dotted form. */
export function normalizeSysctlKey(rawKey: string): string {
  return dottedKey(splitSysctlKey(rawKey.trim()).components);
}

function hasGlob(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === CH_STAR || c === CH_QUESTION || c === CH_BRACKET) return true;
  }
  return false;
}

/**
 * Builds the ranges of one line. Positions and ranges are immutable plain data, so a line
 * reuses one Position object per distinct column: on a file of 300k lines this saves about
 * a third of the objects, and allocation (garbage collection) is most of the parse time.
 * The column cache is module state reset per line (parsing is synchronous, never re-entered).
 */
const cacheCols: number[] = [];
const cachePositions: Position[] = [];
let cacheLine = -1;
let cacheSize = 0;

function startLine(line: number): void {
  cacheLine = line;
  cacheSize = 0;
}

function pos(character: number): Position {
  for (let i = 0; i < cacheSize; i++) if (cacheCols[i] === character) return cachePositions[i];
  const p: Position = { line: cacheLine, character };
  cacheCols[cacheSize] = character;
  cachePositions[cacheSize++] = p;
  return p;
}

function rng(start: number, end: number): Range {
  return { start: pos(start), end: pos(end) };
}

/**
 * Parses one line. `s` is the whole text, the line's content is `s[from, to)` and its
 * column 0 is at offset `col0` (`from - col0` is 1 on a BOM line, else 0).
 */
function parseLine(s: string, line: number, col0: number, from: number, to: number): SysctlLine {
  startLine(line);
  const range = rng(from - col0, to - col0);
  let i = from;
  while (i < to && isBlank(s.charCodeAt(i))) i++;
  if (i === to) return { kind: 'blank', line, range };
  let end = to;
  while (end > i && isBlank(s.charCodeAt(end - 1))) end--;
  const first = s.charCodeAt(i);
  if (first === CH_HASH || first === CH_SEMI) {
    const textRange = i === from && end === to ? range : rng(i - col0, end - col0);
    const c: SysctlComment = { kind: 'comment', line, range, text: s.slice(i, end), textRange };
    return c;
  }
  let eq = i;
  while (eq < end && s.charCodeAt(eq) !== CH_EQ) eq++; // bounded by the line: stays linear
  const hasEq = eq < end;
  const ignore = first === CH_DASH;
  if (!hasEq && !ignore) return errorNode(s, col0, range, i, end, 'no-equals');

  // Key: after the optional `-`, trimmed, up to `=` (or the end of the line).
  let ks = ignore ? i + 1 : i;
  const keyLimit = hasEq ? eq : end;
  while (ks < keyLimit && isBlank(s.charCodeAt(ks))) ks++;
  let ke = keyLimit;
  while (ke > ks && isBlank(s.charCodeAt(ke - 1))) ke--;
  const rawKey = s.slice(ks, ke);
  const { components, key, path } = keyParts(rawKey);
  const keyRange = rng(ks - col0, ke - col0);
  const glob = hasGlob(rawKey);
  const ignoreRange = ignore ? rng(i - col0, i + 1 - col0) : undefined;

  if (!hasEq) {
    const x: SysctlExclude = {
      kind: 'exclude',
      line,
      range,
      ignoreRange: ignoreRange as Range,
      rawKey,
      key,
      keyRange,
      components,
      path,
      glob,
    };
    return x;
  }
  if (components.length === 0) return errorNode(s, col0, range, i, end, 'empty-key');

  // Value: after `=`, trimmed.
  let vs = eq + 1;
  while (vs < end && isBlank(s.charCodeAt(vs))) vs++;
  const ve = end; // `end` is already the last non-blank (`=` itself at worst)
  const valueStart = vs; // = ve for an empty value: just after `=`
  // Inline comment: a `#`/`;` at the value's start or right after whitespace.
  let cs = -1;
  for (let j = valueStart; j < ve; j++) {
    const c = s.charCodeAt(j);
    if ((c === CH_HASH || c === CH_SEMI) && (j === valueStart || isBlank(s.charCodeAt(j - 1)))) {
      cs = j;
      break;
    }
  }
  const value = s.slice(valueStart, ve);
  const valueRange = rng(valueStart - col0, ve - col0);
  let bareValue = value;
  let bareValueRange = valueRange;
  if (cs !== -1) {
    let be = cs;
    while (be > valueStart && isBlank(s.charCodeAt(be - 1))) be--;
    bareValue = s.slice(valueStart, be);
    bareValueRange = rng(valueStart - col0, be - col0);
  }

  const a: SysctlAssignment = {
    kind: 'assignment',
    line,
    range,
    ignoreFailure: ignore,
    ignoreRange,
    rawKey,
    key,
    keyRange,
    components,
    path,
    glob,
    equalsRange: rng(eq - col0, eq + 1 - col0),
    value,
    valueRange,
    bareValue,
    bareValueRange,
    comment: cs === -1 ? undefined : { text: s.slice(cs, ve), range: rng(cs - col0, ve - col0) },
  };
  return a;
}

/**
 * Components, dotted key and path of a raw key. Fast path for the common plain dotted key
 * (no `/`, no empty component): one native split and no new key string.
 */
function keyParts(rawKey: string): { components: string[]; key: string; path: string } {
  let plain = rawKey.length > 0;
  let prevDot = true; // a leading dot makes an empty component
  for (let i = 0; i < rawKey.length && plain; i++) {
    const c = rawKey.charCodeAt(i);
    if (c === CH_SLASH) plain = false;
    else if (c === CH_DOT) {
      if (prevDot) plain = false;
      prevDot = true;
    } else prevDot = false;
  }
  if (plain && !prevDot) {
    const components = rawKey.split('.');
    return { components, key: rawKey, path: components.length > 1 ? components.join('/') : rawKey };
  }
  const components = splitSysctlKey(rawKey).components;
  return { components, key: dottedKey(components), path: components.join('/') };
}

function errorNode(
  s: string,
  col0: number,
  range: Range,
  start: number,
  end: number,
  reason: SysctlErrorReason,
): SysctlError {
  return {
    kind: 'error',
    line: range.start.line,
    range,
    reason,
    message: reason === 'no-equals' ? NO_EQUALS_MESSAGE : EMPTY_KEY_MESSAGE,
    text: s.slice(start, end),
    textRange: rng(start - col0, end - col0),
  };
}

/**
 * Parses lines of `text` from offset `from` (a line start) numbered from `line`, appending
 * to `lines`/`lineStarts`. Stops at the end of the text, or before a line that starts at
 * offset `stopAt` (returns true then).
 */
function parseLines(text: string, from: number, line: number, lines: SysctlLine[], lineStarts: number[], stopAt = -1): boolean {
  const n = text.length;
  let lineStart = from;
  let contentStart = from === 0 && text.charCodeAt(0) === 0xfeff ? 1 : from;
  for (let i = from; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : -1;
    if (c !== CH_LF && c !== CH_CR && c !== -1) continue;
    lines.push(parseLine(text, line, lineStart, contentStart, i));
    lineStarts.push(lineStart);
    if (c === -1) return false;
    if (c === CH_CR && i + 1 < n && text.charCodeAt(i + 1) === CH_LF) i++;
    line++;
    lineStart = contentStart = i + 1;
    if (lineStart === stopAt) return true;
  }
  return false;
}

function finish(text: string, lines: SysctlLine[], lineStarts: number[]): SysctlDocument {
  const assignments: SysctlAssignment[] = [];
  const errors: SysctlError[] = [];
  const excludes: SysctlExclude[] = [];
  for (const node of lines) {
    if (node.kind === 'assignment') assignments.push(node);
    else if (node.kind === 'error') errors.push(node);
    else if (node.kind === 'exclude') excludes.push(node);
  }
  return { text, lines, assignments, errors, excludes, lineStarts, bom: text.charCodeAt(0) === 0xfeff };
}

/** Parses a whole file. Total and linear: one pass over the text, one node per line. */
export function parseSysctl(text: string): SysctlDocument {
  const lines: SysctlLine[] = [];
  const lineStarts: number[] = [];
  parseLines(text, 0, 0, lines, lineStarts);
  return finish(text, lines, lineStarts);
}

/** Index of the line containing offset `off` (binary search over line starts). */
function lineAt(lineStarts: readonly number[], off: number): number {
  return lineOfOffset(lineStarts, off);
}

/**
 * Re-parses after an edit, reusing the nodes of the lines the edit did not touch. Returns
 * exactly what `parseSysctl(text)` returns (a node depends only on its own line's text and
 * number). Finds the changed span by comparing the old and new text from both ends; lines
 * before it are kept, and lines after it are kept too when the edit did not change the
 * number of lines (typing within lines). Otherwise everything from the edit on is parsed.
 */
export function reparseSysctl(prev: SysctlDocument, text: string): SysctlDocument {
  const old = prev.text;
  if (old === text) return prev;
  const min = Math.min(old.length, text.length);
  let p = 0;
  while (p < min && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  let q = 0;
  while (q < min - p && old.charCodeAt(old.length - 1 - q) === text.charCodeAt(text.length - 1 - q)) q++;
  // Keep every line that ends before the change. Step back one character so that a CR
  // just before the change (which may pair with an inserted LF) is re-read.
  const first = lineAt(prev.lineStarts, Math.max(0, p - 1));
  const lines = prev.lines.slice(0, first);
  const lineStarts = prev.lineStarts.slice(0, first);
  // The first old line that starts strictly after the changed span is unaffected: its own
  // text and the end-of-line before it are unchanged. It starts `shift` later in the new text.
  const oldEnd = old.length - q;
  const k = lineAt(prev.lineStarts, oldEnd) + 1;
  const shift = text.length - old.length;
  const from = prev.lineStarts[first];
  if (k >= prev.lines.length) {
    parseLines(text, from, first, lines, lineStarts);
    return finish(text, lines, lineStarts);
  }
  const stopped = parseLines(text, from, first, lines, lineStarts, prev.lineStarts[k] + shift);
  if (stopped && lines.length === k) {
    // Same line count: the remaining old nodes are valid as they are.
    for (let i = k; i < prev.lines.length; i++) {
      lines.push(prev.lines[i]);
      lineStarts.push(prev.lineStarts[i] + shift);
    }
  } else if (stopped) {
    parseLines(text, prev.lineStarts[k] + shift, lines.length, lines, lineStarts);
  }
  return finish(text, lines, lineStarts);
}

/** The text of line `l` without its end-of-line sequence ('' when out of range). */
export function lineText(doc: SysctlDocument, l: number): string {
  const node = doc.lines[l];
  if (!node) return '';
  const start = doc.lineStarts[l];
  return doc.text.slice(start, start + node.range.end.character);
}
