// "Did you mean …?" for chain, target and module names: the closest candidate by
// edit distance (optimal string alignment: insert, delete, substitute, swap two
// neighbours), bounded so that a long candidate list stays cheap.

/** Edit distance of `a` and `b`, or `max + 1` as soon as it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

/** `c.toLowerCase() === lower`, without lower-casing `c` while it is ASCII (long candidate lists). */
function lowerEquals(c: string, lower: string): boolean {
  if (c.length !== lower.length) return c.toLowerCase() === lower;
  for (let i = 0; i < c.length; i++) {
    let x = c.charCodeAt(i);
    if (x >= 128) return c.toLowerCase() === lower; // (a non-ASCII character lower-cases in context)
    if (x >= 65 && x <= 90) x += 32;
    if (x !== lower.charCodeAt(i)) return false;
  }
  return true;
}

// A lower bound of the edit distance of the lower-cased name and candidate without
// building either: every edit changes the character counts by at most 2, so the
// distance is at least half their difference (0, no bound, for non-ASCII). The
// name's counts are taken once for all candidates.
const nameCounts = new Int32Array(128);
const candCounts = new Int32Array(128);
const seen = new Int32Array(128);
let stamp = 0;

/** Fills nameCounts for `name`; false when it has a non-ASCII character (then every bound is 0). */
function countName(name: string): boolean {
  nameCounts.fill(0);
  let ascii = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128) ascii = false;
    else nameCounts[c >= 65 && c <= 90 ? c + 32 : c]++;
  }
  return ascii;
}

/** The bound for `name` and `b`, with the name's counts from countName(name). */
function boundTo(name: string, nameAscii: boolean, b: string): number {
  let bad = !nameAscii;
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c >= 128) bad = true;
    else candCounts[c >= 65 && c <= 90 ? c + 32 : c]++;
  }
  stamp = (stamp + 1) | 0;
  let diff = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 128) {
      const k = c >= 65 && c <= 90 ? c + 32 : c;
      if (seen[k] !== stamp) {
        seen[k] = stamp;
        diff += Math.abs(nameCounts[k] - candCounts[k]);
      }
    }
  }
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c < 128) {
      const k = c >= 65 && c <= 90 ? c + 32 : c;
      if (seen[k] !== stamp) {
        seen[k] = stamp;
        diff += candCounts[k]; // a character the name does not have
      }
      candCounts[k] = 0;
    }
  }
  return bad ? 0 : Math.ceil(diff / 2);
}

/** How far a name may be from a candidate and still count as a typo of it. */
export function typoBudget(name: string): number {
  return name.length <= 3 ? 1 : name.length <= 8 ? 2 : 3;
}

/**
 * The candidate closest to `name`: the same name in another case first, then the
 * smallest edit distance within the typo budget (ties: the first candidate).
 * Undefined when nothing is close.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const dotted = name.includes('\u0130');
  const budget = typoBudget(name);
  let best: string | undefined;
  let bestD = budget + 1;
  const nameAscii = countName(name);
  for (const c of candidates) {
    if (c === name) continue;
    // lower-casing keeps the length of every character but U+0130 (İ)
    if ((c.length === name.length || dotted || c.includes('\u0130')) && lowerEquals(c, lower)) return c;
    if (bestD === 1) continue; // only a case-insensitive hit can beat it now
    // the distance is at least the difference in length (U+0130 aside, lower-casing keeps lengths)
    if (Math.abs(c.length - name.length) > bestD - 1 && !dotted && !c.includes('\u0130')) continue;
    if (boundTo(name, nameAscii, c) > bestD - 1) continue; // cannot be close enough (cheap test first: long candidate lists)
    const d = editDistance(lower, c.toLowerCase(), bestD - 1);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
