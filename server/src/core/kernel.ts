// Kernel versions, host-memory sizes and the number/duration formatting every
// estimate and hover uses. Pure functions: text in, plain data out; nothing here throws.

/** A parsed kernel release, e.g. "5.15" or "4.19.0-25-amd64" → 4.19.0. */
export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
  /** "major.minor" or "major.minor.patch" as given (suffixes such as "-25-amd64" dropped). */
  text: string;
}

/**
 * Newest kernel whose behaviour the knowledge base describes: the live checks of the
 * fact sheet were made on 6.18 (conntrack-facts.md §0 [live-6.18]). An empty
 * `conntrackLens.kernelVersion` means "assume this one".
 */
export const NEWEST_KNOWN_KERNEL = '6.18';

/** x86_64 with 4 KiB pages: the architecture every default and estimate assumes (§2a, §4a). */
export const PAGE_SIZE = 4096;
/** Bytes per pointer / per `hlist_nulls_head` bucket on 64-bit (§4a). */
export const POINTER_BYTES = 8;
/** Largest value of a C `int`; the ceiling of every `proc_dointvec` sysctl (§1 mechanics). */
export const INT_MAX = 2147483647;
export const UINT_MAX = 4294967295;

const VERSION_RE = /^\s*v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,4}))?/;

/** Parses "4.19", "v5.15", "6.1.0", "4.19.0-25-amd64". Returns null when there is no "X.Y" at the start. */
export function parseKernelVersion(text: string): KernelVersion | null {
  const m = VERSION_RE.exec(text);
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = m[3] === undefined ? 0 : Number(m[3]);
  return { major, minor, patch, text: m[3] === undefined ? `${major}.${minor}` : `${major}.${minor}.${patch}` };
}

/** Accepts a parsed version or a version string; an unparsable string counts as 0.0. */
export function toKernel(v: KernelVersion | string): KernelVersion {
  if (typeof v !== 'string') return v;
  return parseKernelVersion(v) ?? { major: 0, minor: 0, patch: 0, text: '0.0' };
}

/** Negative when a < b, 0 when equal, positive when a > b (major, minor, then patch). */
export function compareKernel(a: KernelVersion | string, b: KernelVersion | string): number {
  const x = toKernel(a);
  const y = toKernel(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** True when `kernel` is `version` or newer. */
export function kernelAtLeast(kernel: KernelVersion | string, version: string): boolean {
  return compareKernel(kernel, version) >= 0;
}

export interface ResolvedKernel {
  kernel: KernelVersion;
  /** True when the setting was empty or unparsable and the newest known behaviour is assumed. */
  assumed: boolean;
  /** For messages: "kernel 4.19" or "kernel 6.18 (newest known behaviour; set conntrackLens.kernelVersion to change)". */
  label: string;
}

/** Turns the `kernelVersion` setting into the kernel every judgement assumes. */
export function resolveKernel(setting?: string): ResolvedKernel {
  const parsed = setting ? parseKernelVersion(setting) : null;
  if (parsed) return { kernel: parsed, assumed: false, label: `kernel ${parsed.text}` };
  const kernel = parseKernelVersion(NEWEST_KNOWN_KERNEL)!;
  return {
    kernel,
    assumed: true,
    label: `kernel ${kernel.text} (newest known behaviour; set conntrackLens.kernelVersion to change)`,
  };
}

// ---------------------------------------------------------------------------
// Memory sizes

const KIB = 1024;
const UNIT_FACTORS: Record<string, number> = { '': 1, K: KIB, M: KIB ** 2, G: KIB ** 3, T: KIB ** 4, P: KIB ** 5 };
const BYTES_RE = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtTpP]?)(i?)([bB]?)\s*$/;

/**
 * Parses a memory size such as "64GiB", "64 GB", "64G", "512MiB", "1.5T", "4096".
 *
 * Every unit is binary: K/KB/KiB = 1024, M/MB/MiB = 1024², G/GB/GiB = 1024³, T… = 1024⁴.
 * "64GB" is read as 64 GiB on purpose: installed RAM is made of power-of-two modules, and
 * `free -g`, dmidecode and cloud instance sheets all say "GB" for what is really GiB, so
 * an admin writing hostMemory "64GB" means the same machine as "64GiB". A bare number is
 * bytes. Returns null for anything else (negative, empty, unknown unit).
 */
export function parseBytes(text: string): number | null {
  const m = BYTES_RE.exec(text);
  if (!m) return null;
  const unit = m[2].toUpperCase();
  if (m[3] && !unit) return null; // "64iB"
  if (m[3] && !m[4]) return null; // "64Gi"
  const n = Number(m[1]) * UNIT_FACTORS[unit];
  return Number.isFinite(n) ? Math.round(n) : null;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/**
 * Binary units with one decimal, a trailing ".0" dropped: 4,708,794,368 → "4.4 GiB",
 * 100,663,296 → "96 MiB", 512 → "512 B".
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  if (v < KIB) return `${sign}${Math.round(v)} B`;
  let i = 0;
  while (v >= KIB && i < BYTE_UNITS.length - 1) {
    v /= KIB;
    i++;
  }
  let rounded = Math.round(v * 10) / 10;
  if (rounded >= KIB && i < BYTE_UNITS.length - 1) {
    rounded = Math.round((rounded / KIB) * 10) / 10;
    i++;
  }
  return `${sign}${trimZero(rounded.toFixed(1))} ${BYTE_UNITS[i]}`;
}

function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/**
 * Thousands separated by commas, rounded to at most `maxDecimals` decimals with trailing
 * zeros dropped: 12262144 → "12,262,144", (748.421875, 1) → "748.4", (4, 1) → "4".
 * Locale-independent on purpose (goldens must not depend on the machine).
 */
export function formatCount(n: number, maxDecimals = 0): string {
  if (!Number.isFinite(n)) return String(n);
  const fixed = Math.abs(n).toFixed(maxDecimals);
  let [int, frac = ''] = fixed.split('.');
  frac = frac.replace(/0+$/, '');
  let grouped = '';
  for (let i = int.length; i > 0; i -= 3) grouped = int.slice(Math.max(0, i - 3), i) + (grouped ? ',' + grouped : '');
  const sign = n < 0 && (Number(int) !== 0 || frac !== '') ? '-' : '';
  return sign + grouped + (frac ? '.' + frac : '');
}

// ---------------------------------------------------------------------------
// Durations

const DURATION_UNITS: Array<{ seconds: number; one: string; many: string }> = [
  { seconds: 86400, one: 'day', many: 'days' },
  { seconds: 3600, one: 'h', many: 'h' },
  { seconds: 60, one: 'min', many: 'min' },
  { seconds: 1, one: 's', many: 's' },
];

/**
 * Seconds in human units, at most the two largest units, rounded to the second one and
 * prefixed with "≈" when that rounding dropped something:
 * 432000 → "5 days", 120 → "2 min", 3600 → "1 h", 90 → "1 min 30 s", 7800 → "2 h 10 min",
 * 86400 → "1 day", 2147483 → "≈24 days 21 h", 0 → "0 s".
 */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 0) return '-' + humanDuration(-seconds);
  let s = Math.round(seconds);
  const approxFraction = s !== seconds;
  if (s === 0) return approxFraction ? '≈0 s' : '0 s';
  let first = DURATION_UNITS.findIndex((u) => s >= u.seconds);
  const step = DURATION_UNITS[Math.min(first + 1, DURATION_UNITS.length - 1)].seconds;
  const rounded = Math.round(s / step) * step;
  const approx = approxFraction || rounded !== s;
  s = rounded;
  first = DURATION_UNITS.findIndex((u) => s >= u.seconds); // rounding may carry into a larger unit
  const parts: string[] = [];
  for (let i = first; i < DURATION_UNITS.length && parts.length < 2; i++) {
    const u = DURATION_UNITS[i];
    const count = Math.floor(s / u.seconds);
    s -= count * u.seconds;
    if (i === first || count > 0) parts.push(`${formatCount(count)} ${count === 1 ? u.one : u.many}`);
    if (i > first) break; // only the unit right below the first one may follow
  }
  return (approx ? '≈' : '') + parts.join(' ');
}
