// Value validation as the kernel's proc handlers do it (conntrack-facts.md §1 mechanics):
// integers may be decimal, 0x-hex or 0-octal (the handlers parse with base 0), no sign
// other than '-', no units, no fractions.

import { compareKernel, formatCount, humanDuration, INT_MAX, kernelAtLeast, UINT_MAX, type KernelVersion } from '../../kernel';
import type { KbEntry, ValueProblem, ValueType } from './types';

const INT_MIN = -2147483648;
const LONG_MAX = 9223372036854775807n;

/**
 * HZ assumed when none is given: 1000, the strictest common build (RHEL, Fedora, SUSE),
 * so a timeout we call valid is valid on every kernel. Debian/Ubuntu use 250.
 */
export const DEFAULT_HZ = 1000;
/** The smallest HZ a Linux build can have; above INT_MAX / 100 every build rejects a timeout. */
const MIN_HZ = 100;

export interface ValidateOptions {
  /** Timer frequency of the target kernel. When given, timeout limits are definite. */
  hz?: number;
}

const INT_TOKEN = /^-?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;

/** Parses one integer the way the kernel's sysctl handlers do (base 0). Null when the kernel would reject it. */
export function parseSysctlInteger(token: string): bigint | null {
  if (!INT_TOKEN.test(token)) return null;
  const negative = token.startsWith('-');
  const body = negative ? token.slice(1) : token;
  const hex = body.length > 1 && body[0] === '0' && (body[1] === 'x' || body[1] === 'X');
  const octal = !hex && body.length > 1 && body[0] === '0';
  let digits = hex ? body.slice(2) : octal ? body.slice(1) : body;
  // BigInt() is quadratic in the digits (seconds for a few million); past 64 significant
  // digits only the magnitude matters (every limit is 64-bit), so the rest is cut off.
  if (digits.length > 64) digits = digits.replace(/^0+(?=.)/, '').slice(0, 64);
  const value = BigInt((hex ? '0x' : octal ? '0o' : '') + digits);
  return negative ? -value : value;
}

/** The value type that applies on `kernel` (older eras from `typeHistory`). */
export function typeFor(entry: KbEntry, kernel: KernelVersion): ValueType {
  if (entry.typeHistory) {
    const eras = [...entry.typeHistory].sort((a, b) => compareKernel(a.before.version, b.before.version));
    for (const era of eras) if (compareKernel(kernel, era.before.version) < 0) return era.type;
  }
  return entry.type;
}

const fmt = (n: bigint | number): string => formatCount(Number(n));

function notInteger(token: string, t: ValueType): ValueProblem {
  let hint = 'sysctl values are plain integers';
  if (/^-?\d+\.\d+$/.test(token)) hint = 'fractions are not accepted';
  else if (/^\d+\s*[a-zA-Z]+$/.test(token)) hint = 'sysctl takes plain numbers without units';
  else if (/^\+\d+$/.test(token)) hint = 'a leading + is not accepted';
  else if (/^0\d+$/.test(token)) hint = 'a leading 0 makes the number octal, and this is not a valid octal number';
  const expected =
    t.kind === 'bool' || t.kind === 'loose-bool' ? '0 or 1' : t.kind === 'enum' ? enumText(t.values) : 'an integer';
  return { kind: 'type', message: `\`${token}\` is not ${expected}: ${hint}. The kernel rejects the write.`, kernelRejects: 'yes' };
}

function enumText(values: Array<{ value: number; label: string }>): string {
  const parts = values.map((v) => `${v.value} (${v.label})`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}` : parts[0];
}

function range(message: string, kernelRejects: ValueProblem['kernelRejects'] = 'yes'): ValueProblem {
  return { kind: 'range', message, kernelRejects };
}

function checkScalar(t: ValueType, token: string, kernel: KernelVersion, opts: ValidateOptions): ValueProblem | null {
  const n = parseSysctlInteger(token);
  if (n === null) return notInteger(token, t);
  const k = `kernel ${kernel.text}`;
  switch (t.kind) {
    case 'int': {
      if (n > BigInt(INT_MAX) || n < BigInt(INT_MIN)) return range(`\`${token}\` does not fit a 32-bit integer (at most ${fmt(INT_MAX)}).`);
      if (t.min !== undefined && n < BigInt(t.min)) {
        return range(
          n < 0n && t.min === 0
            ? `\`${token}\` is negative; ${k} accepts only 0 to ${fmt(t.max ?? INT_MAX)}.`
            : `\`${token}\` is below the minimum ${fmt(t.min)}.`,
        );
      }
      if (t.max !== undefined && n > BigInt(t.max)) return range(`\`${token}\` is above the maximum ${fmt(t.max)}.`);
      if (n < 0n && t.negativeMeans) {
        return range(`\`${token}\` is negative; ${k} accepts it but stores ${t.negativeMeans}; use a positive number.`, 'no');
      }
      return null;
    }
    case 'uint': {
      if (n < 0n) return range(`\`${token}\` is negative; this value is unsigned.`);
      if (n > BigInt(UINT_MAX)) return range(`\`${token}\` does not fit a 32-bit unsigned integer.`);
      if (t.min !== undefined && n < BigInt(t.min)) return range(`\`${token}\` is below the minimum ${fmt(t.min)}.`);
      if (t.max !== undefined && n > BigInt(t.max)) return range(`\`${token}\` is above the maximum ${fmt(t.max)}.`);
      return null;
    }
    case 'ulong': {
      if (n < 0n) return range(`\`${token}\` is negative; this value is unsigned.`);
      const max = t.max ?? LONG_MAX;
      if (t.min !== undefined && n < t.min) return range(`\`${token}\` is below the minimum ${t.min.toString()}.`);
      if (n > max) return range(`\`${token}\` is above the maximum ${max.toString()}.`);
      return null;
    }
    case 'bool':
      if (n === 0n || n === 1n) return null;
      return range(`\`${token}\`: expected 0 or 1; ${k} rejects any other value.`);
    case 'loose-bool':
      if (n === 0n || n === 1n) return null;
      if (n > BigInt(INT_MAX) || n < BigInt(INT_MIN)) return range(`\`${token}\` does not fit a 32-bit integer.`);
      return range(`\`${token}\`: this switch takes 0 or 1; ${k} treats any non-zero value as 1 (on), so write 1 to say so.`, 'no');
    case 'u8':
      if (n < BigInt(t.min) || n > BigInt(t.max)) return range(`\`${token}\` is outside ${t.min}–${t.max}; ${k} rejects it.`);
      return null;
    case 'enum':
      if (t.values.some((v) => BigInt(v.value) === n)) return null;
      return range(`\`${token}\`: expected ${enumText(t.values)}; ${k} rejects any other value.`);
    case 'seconds':
      return checkSeconds(token, n, opts);
    case 'bytes':
      if (n < 0n) return range(`\`${token}\` is negative; a byte count cannot be.`);
      if (t.min !== undefined && n < BigInt(t.min)) return range(`\`${token}\` is below the minimum ${fmt(t.min)}.`);
      if (n > LONG_MAX) return range(`\`${token}\` is too large.`);
      return null;
    case 'pair':
      return null; // handled by checkPair
  }
}

function checkSeconds(token: string, n: bigint, opts: ValidateOptions): ValueProblem | null {
  if (n > BigInt(INT_MAX) || n < BigInt(INT_MIN)) return range(`\`${token}\` does not fit a 32-bit integer.`);
  if (n < 0n) {
    return range(`\`${token}\`: a negative timeout is accepted by the kernel but stored as a nonsensical lifetime; use a positive number of seconds.`, 'no');
  }
  const seconds = Number(n);
  const limitAt = (hz: number) => Math.floor(INT_MAX / hz);
  if (opts.hz !== undefined && opts.hz > 0) {
    const limit = limitAt(opts.hz);
    if (seconds > limit) {
      return range(`\`${token}\` s is above INT_MAX / HZ = ${fmt(limit)} s (${humanDuration(limit)}) with HZ=${opts.hz}; the kernel rejects the write.`);
    }
    return null;
  }
  const strict = limitAt(DEFAULT_HZ);
  if (seconds <= strict) return null;
  const loosest = limitAt(MIN_HZ);
  if (seconds > loosest) {
    return range(
      `\`${token}\` s is above INT_MAX / HZ even for HZ=${MIN_HZ} (${fmt(loosest)} s, ${humanDuration(loosest)}); every kernel rejects the write.`,
    );
  }
  return range(
    `\`${token}\` s is above INT_MAX / HZ = ${fmt(strict)} s (${humanDuration(strict)}) for HZ=${DEFAULT_HZ} kernels (assumed), which reject the write; HZ=250 builds accept up to ${fmt(limitAt(250))} s (${humanDuration(limitAt(250))}).`,
    'depends',
  );
}

function checkPair(t: Extract<ValueType, { kind: 'pair' }>, tokens: string[], kernel: KernelVersion): ValueProblem | null {
  const nums: bigint[] = [];
  for (const token of tokens.slice(0, 2)) {
    const n = parseSysctlInteger(token);
    if (n === null) return notInteger(token, t);
    if (n < BigInt(t.min) || n > BigInt(t.max)) return range(`\`${token}\` is outside ${fmt(t.min)}–${fmt(t.max)}.`);
    nums.push(n);
  }
  if (tokens.length === 1) {
    return { kind: 'type', message: 'Expected two numbers, `low high`; with one, only the low end changes.', kernelRejects: 'no' };
  }
  const [low, high] = nums;
  if (t.ascending && low > high) return range(`The low end ${fmt(low)} is above the high end ${fmt(high)}; the kernel rejects the write.`);
  if (t.lowFloor && kernelAtLeast(kernel, t.lowFloor.since.version) && low < BigInt(t.lowFloor.value)) {
    return range(
      `The low end ${fmt(low)} is below ${t.lowFloor.key} (${fmt(t.lowFloor.value)} by default); the kernel rejects the write unless that key is lowered first.`,
      'depends',
    );
  }
  if (tokens.length > 2) {
    return { kind: 'type', message: `Expected two numbers; the kernel uses \`${tokens[0]} ${tokens[1]}\` and ignores the rest.`, kernelRejects: 'no' };
  }
  return null;
}

/**
 * Checks `rawValue` against the key's type on `kernel`. Returns null when the kernel
 * takes the value as meant. `kernelRejects` in the result says whether the write fails.
 */
export function validateValue(entry: KbEntry, rawValue: string, kernel: KernelVersion, opts: ValidateOptions = {}): ValueProblem | null {
  const t = typeFor(entry, kernel);
  const value = rawValue.trim();
  if (value === '') return { kind: 'type', message: 'No value: the kernel rejects an empty write.', kernelRejects: 'yes' };
  const tokens = value.split(/\s+/);
  if (t.kind === 'pair') return checkPair(t, tokens, kernel);
  const first = checkScalar(t, tokens[0], kernel, opts);
  if (first) return first;
  if (tokens.length > 1) {
    return {
      kind: 'type',
      message: `Expected a single value; the kernel uses \`${tokens[0]}\` and ignores the rest.`,
      kernelRejects: 'no',
    };
  }
  return null;
}
