// Sets of integers as sorted, disjoint, closed intervals over a fixed domain
// [0, max]: protocol numbers (0-255), ports (0-65535), IPv4 (32-bit) and IPv6
// (128-bit) addresses. Every operation is linear in the number of intervals.
// Used by the conntrack model to decide "every packet of A is in B" (subset)
// and "some packet is in both" (intersection) one header field at a time.

export type Interval = readonly [bigint, bigint];

export class IntervalSet {
  private constructor(
    readonly max: bigint,
    /** Sorted, disjoint, non-adjacent, each lo <= hi, inside [0, max]. */
    readonly parts: readonly Interval[],
  ) {}

  static empty(max: bigint): IntervalSet {
    return new IntervalSet(max, []);
  }

  static full(max: bigint): IntervalSet {
    return new IntervalSet(max, [[0n, max]]);
  }

  /** The union of the given intervals (clipped to the domain; reversed ends are swapped). */
  static of(max: bigint, ranges: Iterable<readonly [bigint, bigint]>): IntervalSet {
    const list: [bigint, bigint][] = [];
    for (const [a, b] of ranges) {
      let lo = a < b ? a : b;
      let hi = a < b ? b : a;
      if (hi < 0n || lo > max) continue;
      if (lo < 0n) lo = 0n;
      if (hi > max) hi = max;
      list.push([lo, hi]);
    }
    list.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const out: [bigint, bigint][] = [];
    for (const r of list) {
      const last = out[out.length - 1];
      if (last && r[0] <= last[1] + 1n) {
        if (r[1] > last[1]) last[1] = r[1];
      } else out.push([r[0], r[1]]);
    }
    return new IntervalSet(max, out);
  }

  get isEmpty(): boolean {
    return this.parts.length === 0;
  }

  get isFull(): boolean {
    return this.parts.length === 1 && this.parts[0][0] === 0n && this.parts[0][1] === this.max;
  }

  complement(): IntervalSet {
    const out: [bigint, bigint][] = [];
    let next = 0n;
    for (const [lo, hi] of this.parts) {
      if (lo > next) out.push([next, lo - 1n]);
      next = hi + 1n;
    }
    if (next <= this.max) out.push([next, this.max]);
    return new IntervalSet(this.max, out);
  }

  intersect(o: IntervalSet): IntervalSet {
    const out: [bigint, bigint][] = [];
    let i = 0;
    let j = 0;
    const a = this.parts;
    const b = o.parts;
    while (i < a.length && j < b.length) {
      const lo = a[i][0] > b[j][0] ? a[i][0] : b[j][0];
      const hi = a[i][1] < b[j][1] ? a[i][1] : b[j][1];
      if (lo <= hi) out.push([lo, hi]);
      if (a[i][1] < b[j][1]) i++;
      else j++;
    }
    return new IntervalSet(this.max < o.max ? this.max : o.max, out);
  }

  intersects(o: IntervalSet): boolean {
    return !this.intersect(o).isEmpty;
  }

  /** Every member of this set is in `o`. */
  subsetOf(o: IntervalSet): boolean {
    return this.intersect(o.complement()).isEmpty;
  }

  has(n: bigint): boolean {
    for (const [lo, hi] of this.parts) if (n >= lo && n <= hi) return true;
    return false;
  }
}
