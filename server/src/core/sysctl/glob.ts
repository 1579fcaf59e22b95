// Glob keys (`net.netfilter.nf_conntrack_tcp_timeout_*`): systemd-sysctl and procps expand
// them against /proc/sys with glob(3), so `*`, `?` and `[…]` match within one path
// component and never across a separator. This matcher works component by component with
// the usual greedy star backtracking: O(pattern × subject) at worst, no regular expressions
// (a key of a million stars must not hang the server).

/** Length of the `[…]` class starting at `i`, or 0 when there is no closing `]` (then `[` is literal). */
function classLength(p: string, i: number): number {
  let j = i + 1;
  if (j < p.length && (p[j] === '!' || p[j] === '^')) j++;
  if (j < p.length && p[j] === ']') j++; // a leading `]` is a member
  while (j < p.length && p[j] !== ']') j++;
  return j < p.length ? j - i + 1 : 0;
}

function classMatches(p: string, i: number, len: number, c: string): boolean {
  let j = i + 1;
  const end = i + len - 1;
  let negate = false;
  if (p[j] === '!' || p[j] === '^') {
    negate = true;
    j++;
  }
  let hit = false;
  let first = true;
  while (j < end) {
    const lo = p[j];
    if (j + 2 < end && p[j + 1] === '-') {
      if (c >= lo && c <= p[j + 2]) hit = true;
      j += 3;
    } else {
      if (c === lo || (first && lo === ']' && c === ']')) hit = true;
      j++;
    }
    first = false;
  }
  return hit !== negate;
}

/** One pattern token at `pi` against character `c`: the token's length when it matches, else 0. */
function tokenMatch(p: string, pi: number, c: string): number {
  const t = p[pi];
  if (t === '?') return 1;
  if (t === '[') {
    const len = classLength(p, pi);
    if (len > 0) return classMatches(p, pi, len, c) ? len : 0;
  }
  return t === c ? 1 : 0;
}

/** fnmatch(3) of one component (no separators inside either side). */
export function componentMatches(p: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < p.length && p[pi] === '*') {
      star = ++pi;
      mark = si;
      continue;
    }
    if (pi < p.length) {
      const n = tokenMatch(p, pi, s[si]);
      if (n > 0) {
        pi += n;
        si++;
        continue;
      }
    }
    if (star >= 0) {
      pi = star;
      si = ++mark;
      continue;
    }
    return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** True when the glob's components match the key's components one for one. */
export function globMatches(patternComponents: readonly string[], keyComponents: readonly string[]): boolean {
  if (patternComponents.length !== keyComponents.length) return false;
  for (let i = 0; i < patternComponents.length; i++) {
    if (!componentMatches(patternComponents[i], keyComponents[i])) return false;
  }
  return true;
}
