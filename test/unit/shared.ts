// What unit tests read from beside the repository (../shared: the corpus of real files and the
// kube-proxy dump generator), and the one seeded random generator the tests share.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SHARED = resolve(__dirname, '../../../shared');

/** `../shared/corpus` (with VERDICTS.tsv), or undefined when it is not beside the repository. */
export const corpusRoot: string | undefined = existsSync(join(SHARED, 'corpus', 'VERDICTS.tsv')) ? join(SHARED, 'corpus') : undefined;

/** `../shared/bench/gen-kube-proxy-dump.mjs`, or undefined when it is not beside the repository. */
export const generator: string | undefined = [join(SHARED, 'bench', 'gen-kube-proxy-dump.mjs')].find((p) => existsSync(p));

/** Deterministic PRNG (xorshift32): the same seed gives the same cases on every machine. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** Integers in [0, n) from a seeded `rng`. */
export function randInt(seed: number): (n: number) => number {
  const next = rng(seed);
  return (n) => Math.floor(next() * n);
}

/** A word of 1 to `max` + 1 characters drawn from `alphabet`. */
export function randomWord(r: (n: number) => number, alphabet: string, max: number): string {
  let s = '';
  for (let i = r(max); i >= 0; i--) s += alphabet[r(alphabet.length)];
  return s;
}
