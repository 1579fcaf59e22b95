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

/**
 * A sysctl file of `n` lines far beyond real sizes, repeating six kinds of line: comment,
 * unknown conntrack key, blank, `-` slash key, glob, syntax error (scaling tests and
 * bench/core-scaling.mjs).
 */
export function sysctlScaleFile(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    switch (i % 6) {
      case 0: out.push(`# comment ${i} — ü 🚀`); break;
      case 1: out.push(`net.netfilter.nf_conntrack_tcp_timeout_${i} = ${i} # note`); break;
      case 2: out.push(''); break;
      case 3: out.push(`-net/ipv4/conf/eth${i}.200/rp_filter=1`); break;
      case 4: out.push(`net.ipv4.conf.*.k${i} = 32768 60999`); break;
      default: out.push(`broken line ${i}`);
    }
  }
  return out.join('\n');
}

/**
 * A dump with `n` nested user chains in raw (PREROUTING → R0 → … → a NOTRACK of port 80) and
 * in filter (INPUT policy DROP → C0 → … → accept `lo`): deep walks without deep recursion.
 */
export function nestedChainsDump(n: number): string {
  const parts = ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (let i = 0; i < n; i++) parts.push(`:R${i} - [0:0]`);
  parts.push('-A PREROUTING -j R0');
  for (let i = 0; i < n - 1; i++) parts.push(`-A R${i} -j R${i + 1}`);
  parts.push(`-A R${n - 1} -p tcp -m tcp --dport 80 -j CT --notrack`, 'COMMIT', '*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]');
  for (let i = 0; i < n; i++) parts.push(`:C${i} - [0:0]`);
  parts.push('-A INPUT -j C0');
  for (let i = 0; i < n - 1; i++) parts.push(`-A C${i} -j C${i + 1}`);
  parts.push(`-A C${n - 1} -i lo -j ACCEPT`, 'COMMIT', '');
  return parts.join('\n');
}
