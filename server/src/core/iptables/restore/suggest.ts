// "Did you mean …?" for chain, target and module names: the closest candidate by
// edit distance (optimal string alignment: insert, delete, substitute, swap two
// neighbours), bounded so that a long candidate list stays cheap. A list asked
// again and again (the ~40,000 chain names of a kube-proxy dump, on every edit)
// gets a SuggestionIndex, built once: it looks only at the candidates of a
// nearby length whose character counts allow a typo.

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

// ------------------------------------------------------------------ the index

/**
 * The character classes the index tells apart (of the lower-cased text): a–z,
 * 0–9, '-', '_', '.', and one for everything else, one bit each.
 */
function slotOf(c: number): number {
  if (c >= 97 && c <= 122) return c - 97;
  if (c >= 48 && c <= 57) return c - 48 + 26;
  if (c === 45) return 36;
  if (c === 95) return 37;
  if (c === 46) return 38;
  return 39;
}

/** The number of bits set. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Writes the classes (see slotOf) of `s` lower-cased to out[at] (classes 0–31)
 * and out[at + 1] (32–39); returns the lower-cased length, or -1 when `s` is not
 * ASCII (then the caller lower-cases it first: lower-casing changes non-ASCII
 * text in context, and U+0130 grows).
 */
function classesOf(s: string, out: Int32Array, at: number): number {
  let m0 = 0;
  let m1 = 0;
  for (let j = 0; j < s.length; j++) {
    let x = s.charCodeAt(j);
    if (x >= 128) return -1;
    if (x >= 65 && x <= 90) x += 32;
    const k = slotOf(x);
    if (k < 32) m0 |= 1 << k;
    else m1 |= 1 << (k - 32);
  }
  out[at] = m0;
  out[at + 1] = m1;
  return s.length;
}

/**
 * `closest(name, candidates)` for a list asked many times (the ~40,000 chain
 * names of a kube-proxy dump, on every edit): the same answer, from an index
 * built once. The edit distance is at least the difference in length, and at
 * least half the number of character classes only one of the two strings uses
 * (each edit adds or removes at most two); only the candidates these bounds
 * allow are compared, in list order, as closest() compares them. The list must
 * not change after the index is built.
 */
export class SuggestionIndex {
  readonly candidates: readonly string[];
  /** Lower-cased length → the positions of the candidates of that length. */
  readonly #bands = new Map<number, number[]>();
  /** The classes of each candidate: two words per candidate (see classesOf). */
  readonly #masks: Int32Array;

  constructor(candidates: readonly string[]) {
    this.candidates = candidates;
    const masks = (this.#masks = new Int32Array(candidates.length * 2));
    let last = -1;
    let band: number[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      let len = classesOf(c, masks, 2 * i);
      if (len < 0) len = classesOf(c.toLowerCase().replace(/[^\0-\x7f]/g, '\x7f'), masks, 2 * i);
      if (len !== last) {
        let b = this.#bands.get(len);
        if (!b) this.#bands.set(len, (b = []));
        band = b;
        last = len;
      }
      band.push(i);
    }
  }

  /** The same as `closest(name, this.candidates)`. */
  closest(name: string): string | undefined {
    const lower = name.toLowerCase();
    const budget = typoBudget(name);
    const q = new Int32Array(2);
    const L = classesOf(lower.replace(/[^\0-\x7f]/g, '\x7f'), q, 0);
    const m0 = q[0];
    const m1 = q[1];
    const masks = this.#masks;
    const max = 2 * budget;
    // a candidate that is the name in another case has the same length and classes: it stays in
    const near: number[] = [];
    for (let len = Math.max(0, L - budget); len <= L + budget; len++) {
      const ids = this.#bands.get(len);
      if (!ids) continue;
      for (let k = 0; k < ids.length; k++) {
        const i = ids[k];
        if (popcount(masks[2 * i] ^ m0) + popcount(masks[2 * i + 1] ^ m1) <= max) near.push(i);
      }
    }
    near.sort((x, y) => x - y);
    const cands = this.candidates;
    return closest(
      name,
      near.map((i) => cands[i]),
    );
  }
}
