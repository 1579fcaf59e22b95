// Types of the sysctl knowledge base: one typed entry per key.

/** A kernel release where something happened, and how sure we are of it. */
export interface VersionMark {
  /** "4.12", "2.6.20" — compare with compareKernel(). */
  version: string;
  /**
   * False when the fact sheet marks the release UNVERIFIED / approximate ("≈"). Checks
   * that would raise a finding purely on a version boundary should stay quiet when false.
   */
  certain: boolean;
  /** Commit id or other reference, e.g. "4396e46187ca". */
  ref?: string;
}

/**
 * How the kernel parses and bounds a value (which proc handler it uses).
 * Integer bounds are inclusive; absent bounds mean the handler's natural range.
 */
export type ValueType =
  /**
   * proc_dointvec(_minmax): one signed 32-bit integer; values above INT_MAX are rejected.
   * `negativeMeans`: the kernel accepts a negative value but stores it in an unsigned
   * variable; the text says what it then amounts to.
   */
  | { kind: 'int'; min?: number; max?: number; negativeMeans?: string }
  /** Unsigned 32-bit integer: a minus sign is rejected. */
  | { kind: 'uint'; min?: number; max?: number }
  /** proc_doulongvec_minmax: unsigned long (64-bit). */
  | { kind: 'ulong'; min?: bigint; max?: bigint }
  /** proc_dou8vec_minmax with bounds 0..1: anything else is rejected with EINVAL. */
  | { kind: 'bool' }
  /** Old-style boolean: plain proc_dointvec, any integer accepted, non-zero means on. */
  | { kind: 'loose-bool' }
  /** proc_dou8vec_minmax / proc_dointvec_minmax with small bounds, e.g. 0..255. */
  | { kind: 'u8'; min: number; max: number }
  /** A small integer with named values (events: 0 off, 1 on, 2 auto). Others are rejected. */
  | { kind: 'enum'; values: Array<{ value: number; label: string }> }
  /** proc_dointvec_jiffies: seconds, stored as jiffies; above INT_MAX / HZ is rejected. */
  | { kind: 'seconds' }
  /** Two integers on one line (ip_local_port_range). */
  | { kind: 'pair'; min: number; max: number; ascending: boolean; lowFloor?: { value: number; key: string; since: VersionMark } }
  /** A byte count held in a long. */
  | { kind: 'bytes'; min?: number };

/** A value type that applied to kernels older than `before`. */
export interface TypeEra {
  before: VersionMark;
  type: ValueType;
}

export type Unit =
  | 'entries'
  | 'buckets'
  | 'expectations'
  | 'seconds'
  | 'bytes'
  | 'flag'
  | 'mode'
  | 'protocol'
  | 'retransmissions'
  | 'ports'
  | 'files'
  | 'sockets'
  | 'connections';

/** Where the value lives and who may write it. */
export type Scope =
  /** Each network namespace has its own value, writable inside it. */
  | 'per-netns'
  /** One host-wide value; read-only (0444) in every namespace but the initial one. */
  | 'init-netns-only'
  /** The key only exists in the initial network namespace. */
  | 'init-netns-registered'
  /** Not namespaced at all (fs.*): one value for the whole machine. */
  | 'system';

/** What role a key plays in the estimates (hover / inlay hints / CT1xx use it). */
export type KeyRole = 'conntrack-max' | 'conntrack-buckets' | 'conntrack-count' | 'expect-max' | 'timeout' | 'time-wait-timeout';

/** How a default is computed when it is not a constant. */
export type ComputedDefault = 'conntrack-max' | 'conntrack-buckets' | 'expect-max' | 'file-max' | 'tcp-max-tw-buckets';

export interface DefaultSpec {
  /** The default on the newest known kernel, as `sysctl` prints it ("432000", "32768\t60999"). */
  value?: string;
  /** Set when the default is computed at boot (from RAM, buckets …). */
  computed?: ComputedDefault;
  /** How the default comes about, in our own words. */
  how?: string;
  /** Older defaults: `value` applied to kernels before `until`. */
  history?: Array<{ until: VersionMark; value: string; note?: string }>;
}

export interface KbEntry {
  /** Full dotted key, e.g. "net.netfilter.nf_conntrack_max". */
  key: string;
  /** `vendor`: not in mainline Linux; exists only on kernels carrying a distribution/firmware patch. */
  origin: 'mainline' | 'vendor';
  /** Value type on the newest known kernel. */
  type: ValueType;
  /** Older value types, e.g. booleans that accepted any integer before the u8 conversion. */
  typeHistory?: TypeEra[];
  unit: Unit;
  default: DefaultSpec;
  /** First release with the key (absent: present in every kernel this table models). */
  since?: VersionMark;
  /** First release without the key. */
  removedIn?: VersionMark;
  /** Never writable (e.g. nf_conntrack_count). */
  readOnly?: boolean;
  /** Read-only before this release (nf_conntrack_buckets before ≈4.7). */
  writableSince?: VersionMark;
  scope: Scope;
  /** Extra words on the scope (when the init-netns-only protection appeared, …). */
  scopeNote?: string;
  /** Kernel module that registers the key ("nf_conntrack", "br_netfilter", "kernel" for built-in core). */
  module: string;
  /** Kernel config option the key depends on, if any. */
  config?: string;
  /** Legacy names: the modern key to use instead. */
  renamedTo?: string;
  related: string[];
  /** Kernel documentation page (with anchor where the page has one for the section). */
  docs: string;
  /** 1–3 sentences, our own words. */
  summary: string;
  /** The mistake people make with this key, if there is a classic one. */
  pitfall?: string;
  role?: KeyRole;
  /** Facts about this key the fact sheet marks UNVERIFIED (shown in docs as such). */
  unverified?: string[];
  /** conntrack-facts.md sections the entry rests on, e.g. ["1a", "2a"]. */
  sections: string[];
}

/** A value the kernel would reject or that does not mean what it looks like. */
export interface ValueProblem {
  kind: 'type' | 'range';
  message: string;
  /**
   * `yes`: the write fails (EINVAL), so the line does not take effect.
   * `no`: the kernel stores it, but the result is not what the line suggests.
   * `depends`: rejected on some builds or setups (HZ, another sysctl) — see the message.
   */
  kernelRejects: 'yes' | 'no' | 'depends';
}

export type KeyStatus =
  | { kind: 'present'; label: 'present'; readOnly: boolean }
  | { kind: 'removed'; label: string; removedIn: string; certain: boolean }
  | { kind: 'not-yet-added'; label: string; since: string; certain: boolean }
  | { kind: 'legacy'; label: string; renamedTo: string; existsOnKernel: 'maybe' | 'no' }
  | { kind: 'vendor'; label: 'vendor'; note: string };
