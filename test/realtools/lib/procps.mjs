// procps-ng 4.0.2 `sysctl --dry-run -p FILE`, read back: which lines it calls invalid,
// what key a line sets and where that key lives under /proc/sys, and whether our lint
// findings agree. Pure functions; run.mjs does the IO.
import { getlineToLsp } from './lines.mjs';

/** Line numbers (1-based, getline counting) procps reported as `FILE(N): invalid syntax`. */
export function parseDryRunInvalid(stderr) {
  const out = [];
  for (const m of stderr.matchAll(/^sysctl: .*\((\d+)\): invalid syntax, continuing\.\.\.$/gm)) out.push(Number(m[1]));
  return out;
}

const SPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);
const lstrip = (s) => {
  let i = 0;
  while (i < s.length && SPACE.has(s[i])) i++;
  return s.slice(i);
};
const rstrip = (s) => {
  let i = s.length;
  while (i > 1 && SPACE.has(s[i - 1])) i--;
  return s.slice(0, i);
};
const bytes = (s) => Buffer.byteLength(s, 'utf8');

/**
 * One line as procps's parse_setting_line sees it. `raw` is the line as getline()
 * returns it, with its '\n' when it has one. Returns
 *   { kind: 'skip' }                      too short / blank
 *   { kind: 'comment' }                   '#' or ';' after leading blanks
 *   { kind: 'invalid' }                   no '=' (and no '-' exclusion)
 *   { kind: 'exclude', key }              '-key' without '=': drops key from a glob
 *   { kind: 'set', key, value, ignoreFailure }
 */
export function procpsLine(raw) {
  if (bytes(raw) < 2) return { kind: 'skip' };
  let key = lstrip(raw);
  if (bytes(key) < 2) return { kind: 'skip' };
  if (key[0] === '#' || key[0] === ';') return { kind: 'comment' };
  const eq = key.indexOf('=');
  if (eq < 0) {
    if (key[0] === '-') return { kind: 'exclude', key: rstrip(key.slice(1)) };
    return { kind: 'invalid' };
  }
  let k = key.slice(0, eq);
  let ignoreFailure = false;
  if (k[0] === '-') {
    ignoreFailure = true;
    k = k.slice(1);
  }
  const value = rstrip(lstrip(key.slice(eq + 1)));
  k = rstrip(k);
  // rstrip never removes the first character; a key that is only blanks stays one blank.
  if (k.length === 1 && SPACE.has(k)) k = '';
  return { kind: 'set', key: k, value, ignoreFailure };
}

/**
 * procps's slashdot(): the first separator decides. If it is '/', the key is already a
 * path; if it is '.', every '.' and '/' swap (so `net.ipv4.conf.eth0/1.rp_filter` names
 * the interface `eth0.1`).
 */
export function slashdot(key, from, to) {
  const first = key.search(/[/.]/);
  if (first < 0 || key[first] === to) return key;
  let out = '';
  for (const c of key) out += c === from ? to : c === to ? from : c;
  return out;
}

/** The path under /proc/sys/ a key names (no leading slash). */
export function keyPath(key) {
  return slashdot(key, '.', '/');
}

/** The dotted key procps prints for a path under /proc/sys/. */
export function pathKey(path) {
  return slashdot(path, '/', '.');
}

export function isGlob(path) {
  return /[*?[]/.test(path);
}

/** glob(3) pattern of one path segment → RegExp. */
export function globSegment(seg) {
  let re = '^';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let cls = seg.slice(i + 1, close);
        if (cls[0] === '!') cls = '^' + cls.slice(1);
        re += '[' + cls.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

const INT = /^-?(0[xX][0-9a-fA-F]+|\d+)$/;

/**
 * Is `value` shaped like the key's current value (as read from /proc/sys)? Same number
 * of whitespace-separated fields, integers where the kernel shows integers. true / false,
 * or null when unknown (unreadable value, or a negative number where the kernel shows a
 * non-negative one: signedness is not visible from a read).
 */
export function valueShape(value, current) {
  if (current === null || current === undefined) return null;
  const cur = current.trim().split(/\s+/).filter(Boolean);
  const val = value.trim().split(/\s+/).filter(Boolean);
  if (!cur.length) return null;
  if (val.length !== cur.length) return false;
  let unknown = false;
  for (let i = 0; i < cur.length; i++) {
    if (!INT.test(cur[i])) continue;
    if (!INT.test(val[i])) return false;
    if (val[i][0] === '-' && cur[i][0] !== '-') unknown = true;
  }
  return unknown ? null : true;
}

/**
 * Judges one sysctl file.
 *   text: the file; invalid: procps's invalid-syntax line numbers; findings: ours;
 *   probe(path) → { exists, writable, current } for a path under /proc/sys (globs:
 *   exists when something matches, writable/current from the matches);
 *   allowed(line1) → reason or null (documented exceptions);
 *   printed: Set of `key = value` lines procps printed (cross-check of our reading).
 * Rule 1: a line procps calls invalid syntax → we report SYS004 on it.
 * Rule 2: a line procps accepts that sets a key which exists and is writable here → no
 * error from us on it, except SYS002: `sysctl --dry-run` does not validate values, so
 * value errors are judged elsewhere, by writing the value in a throwaway network
 * namespace (test/unit/sysctl/codes.test.ts). Other lines are not judged.
 * Returns { judged, problems: [{ line, problem }], harness: [strings] }.
 */
export function judgeSysctl({ text, invalid, findings, probe, allowed = () => null, printed = null }) {
  const toLsp = getlineToLsp(text);
  const byLine = new Map();
  for (const f of findings) {
    const l = f.range.start.line;
    if (!byLine.has(l)) byLine.set(l, []);
    byLine.get(l).push(f);
  }
  const invalidSet = new Set(invalid);
  const raws = text.split('\n');
  const problems = [];
  const harness = [];
  let judged = 0;
  for (let i = 0; i < raws.length; i++) {
    const n = i + 1;
    const raw = i < raws.length - 1 ? raws[i] + '\n' : raws[i];
    if (raw === '') continue;
    const parsed = procpsLine(raw);
    const fs = byLine.get(toLsp(n)) || [];
    if (invalidSet.has(n) !== (parsed.kind === 'invalid')) {
      harness.push(`line ${n}: procps ${invalidSet.has(n) ? 'reports' : 'does not report'} invalid syntax, our reading says ${parsed.kind}`);
      continue;
    }
    if (allowed(n)) continue;
    if (parsed.kind === 'invalid') {
      judged++;
      if (!fs.some((f) => f.code === 'SYS004')) problems.push({ line: n, problem: `procps: invalid syntax; we report ${fs.length ? fs.map((f) => f.code).join(',') : 'nothing'}` });
      continue;
    }
    if (parsed.kind !== 'set' || !parsed.key) continue;
    const path = keyPath(parsed.key);
    const info = probe(path);
    if (!info.exists || !info.writable) continue;
    judged++;
    if (printed && !isGlob(path) && !printed.has(`${pathKey(path)} = ${parsed.value}`)) {
      harness.push(`line ${n}: procps did not print "${pathKey(path)} = ${parsed.value}"`);
    }
    const bad = fs.filter((f) => f.severity === 'error' && f.code !== 'SYS002');
    if (bad.length) problems.push({ line: n, problem: `procps accepts ${pathKey(path)} (exists); we report ${bad.map((f) => f.code).join(',')}` });
  }
  return { judged, problems, harness };
}
