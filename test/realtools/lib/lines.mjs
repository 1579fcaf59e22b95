// Line numbers as the real tools count them, mapped to the editor's (LSP) lines.
//
// - iptables-restore reads with fgets(buffer, 10240): a physical line longer than 10,239
//   bytes (newline included) is read, and counted, as several lines.
// - procps sysctl reads with getline(): one count per '\n'.
// - LSP (and so our CLI's `range`) breaks lines at '\r\n', '\r' and '\n': a lone CR is a
//   line break for the editor but not for either tool.
// All functions are pure.

/** xtables-restore's fgets() reads at most this many bytes per line. */
export const FGETS_CHUNK = 10239;

/** The file's physical lines: split on '\n' only (a trailing '' after a final newline). */
export function physicalLines(text) {
  return text.split('\n');
}

/**
 * For each physical line index, the LSP line it starts on. Identity unless the text holds
 * a lone '\r'.
 */
export function physicalToLsp(text) {
  const n = countChar(text, '\n') + 1;
  const out = new Array(n);
  if (!hasLoneCr(text)) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  let lsp = 0;
  let phys = 0;
  out[0] = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) !== 10) lsp++;
    } else if (c === 10) {
      lsp++;
      phys++;
      out[phys] = lsp;
    }
  }
  return out;
}

function countChar(s, ch) {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

function hasLoneCr(text) {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) return true;
  return false;
}

/**
 * Maps iptables-restore's 1-based line numbers to 0-based physical line indexes, given
 * the file's bytes. A number past the end (as in `COMMIT expected at line N`, which is
 * one past the last line read) maps to the last physical line: the empty line after a
 * final newline, or the last line when there is none.
 */
export function restoreLineMapper(buf) {
  const first = []; // restore line k (0-based) -> physical index
  let phys = 0;
  let i = 0;
  const len = buf.length;
  while (i < len) {
    const j = buf.indexOf(0x0a, i);
    const end = j < 0 ? len : j + 1;
    const chunks = Math.max(1, Math.ceil((end - i) / FGETS_CHUNK));
    for (let c = 0; c < chunks; c++) first.push(phys);
    phys++;
    i = end;
  }
  const endsOpen = len === 0 || buf[len - 1] === 0x0a;
  const last = endsOpen ? phys : phys - 1;
  return (n) => (n >= 1 && n <= first.length ? first[n - 1] : Math.max(0, last));
}

/** iptables-restore line number (1-based) -> LSP line (0-based). */
export function restoreLineToLsp(buf, text) {
  const toPhys = restoreLineMapper(buf);
  const p2l = physicalToLsp(text);
  return (n) => p2l[Math.min(toPhys(n), p2l.length - 1)];
}

/** getline() line number (1-based, as procps reports it) -> LSP line (0-based). */
export function getlineToLsp(text) {
  const p2l = physicalToLsp(text);
  return (n) => p2l[Math.max(0, Math.min(n - 1, p2l.length - 1))];
}
