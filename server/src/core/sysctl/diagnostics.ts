// sysctl diagnostics: a list of rules, each `(doc, settings) => Finding[]`. Append new rules
// to SYSCTL_RULES; `diagnoseSysctl` runs them all in order. Rules are pure and linear in
// the document (index lookups, no per-line rescans of the whole file).
//
// Knowledge-base rules (codes in sysctl/codes.ts, pages in docs/diagnostics/):
//   SYS001 unknown key in a namespace the knowledge base covers fully (did-you-mean)
//   SYS002 value the kernel rejects (error) or reads differently than written (warning)
//   SYS003 key assigned again later in the file
//   SYS005 key the configured kernel does not have (removed, or not yet added)
//   SYS006 read-only key
//   CT101–CT103 table sizing, CT104 module loading, CT105 legacy names, CT106 long timeouts
// Every finding that depends on the kernel says which kernel it assumes.

import { finding } from '../codes';
import { formatBytes, formatCount, humanDuration } from '../kernel';
import { bucketsForTarget, memoryShare, timeWaitEntries } from '../estimates';
import type { Settings } from '../settings';
import type { Finding, Range } from '../types';
import type { SysctlAssignment, SysctlDocument } from './ast';
import { sysctlContext, type SysctlContext } from './context';
import { entryOf, inCoveredNamespace, KB_KEY_COMPONENTS, keyHash, sysctlFacts, type SysctlFacts } from './facts';
import { globMatches } from './glob';
import { editDistance, keyStatus, lookupKey, suggestKeys, validateValue, type KbEntry } from './kb';
import { BOM_MESSAGE } from './parse';
import { defaultsSentence, roundBuckets, tableSizing } from './sizing';

export type SysctlRule = (doc: SysctlDocument, settings: Settings) => Finding[];

/** SYS004: a line sysctl rejects (no `=`, or nothing before it). */
export const syntaxErrors: SysctlRule = (doc) =>
  doc.errors.map((e) => finding('SYS004', e.textRange, e.message, { data: { reason: e.reason } }));

/**
 * SYS004 on line 1 of a file that starts with a BOM: sysctl reads the BOM as part of that
 * line (see parse.ts), so it is invalid syntax or sets a key that does not exist.
 */
export const byteOrderMark: SysctlRule = (doc) => {
  const first = doc.lines[0];
  if (!doc.bom || first.kind === 'error') return [];
  let end = 1;
  if (first.kind === 'comment') end = first.textRange.end.character;
  else if (first.kind === 'assignment' || first.kind === 'exclude') end = first.keyRange.end.character;
  const effect =
    first.kind === 'assignment'
      ? 'the key it looks up starts with U+FEFF and does not exist, so it is not set'
      : 'the line becomes invalid syntax';
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: end } };
  return [finding('SYS004', range, `${BOM_MESSAGE}; ${effect}`, { data: { reason: 'bom' } })];
};

// ---------------------------------------------------------------------------------------
// Helpers

export const CT_MAX = 'net.netfilter.nf_conntrack_max';
export const CT_BUCKETS = 'net.netfilter.nf_conntrack_buckets';
export const CT_ESTABLISHED = 'net.netfilter.nf_conntrack_tcp_timeout_established';
export const CT_TIME_WAIT = 'net.netfilter.nf_conntrack_tcp_timeout_time_wait';
/** CT106 thresholds: established ≥ 1 day, time_wait > 60 s (Linux TCP's own TIME_WAIT length). */
export const ESTABLISHED_HINT_SECONDS = 86400;
export const TIME_WAIT_HINT_SECONDS = 60;
/** Did-you-mean is computed for at most this many unknown keys per file (each costs ~50 µs). */
export const MAX_SUGGESTION_LOOKUPS = 200;

const tick = (s: string): string => '`' + (s.includes('`') ? s.replace(/`/g, "'") : s) + '`';

/** The assignment without surrounding blanks: from the `-` (or key) to the end of the value. */
export function assignmentSpan(n: SysctlAssignment): Range {
  const start = n.ignoreRange ? n.ignoreRange.start : n.keyRange.start;
  const end = n.valueRange.end.character > n.equalsRange.end.character ? n.valueRange.end : n.equalsRange.end;
  return { start, end };
}

/** The value's range for findings about it (the `=` when the value is empty). */
function valueSpan(n: SysctlAssignment): Range {
  if (n.bareValue !== '') return n.bareValueRange;
  if (n.value !== '') return n.valueRange;
  return n.equalsRange;
}

function orList(xs: string[]): string {
  return xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}` : xs[0];
}

const PREFIX_NOTE =
  'The `-` prefix makes systemd-sysctl skip it quietly (procps `sysctl -p` still reports it), so nothing warns at boot.';

// ---------------------------------------------------------------------------------------
// Per-key checks: SYS001, SYS002, SYS005, SYS006, CT105, CT106

function unknownKey(node: SysctlAssignment, ctx: SysctlContext, budget: { left: number }): Finding | null {
  if (!inCoveredNamespace(node.key)) return null;
  if (node.glob) {
    for (const k of KB_KEY_COMPONENTS) if (globMatches(node.components, k.components)) return null;
    return finding('SYS001', node.keyRange, `The glob ${tick(node.key)} matches no conntrack key any kernel has, so it sets nothing.`, {
      data: { key: node.key, glob: true, suggestions: [] },
    });
  }
  let suggestions: string[] = [];
  let skipped = false;
  if (budget.left > 0) {
    budget.left--;
    suggestions = didYouMean(node.key, ctx);
  } else {
    skipped = true;
  }
  let message = `Unknown key ${tick(node.key)}: no mainline kernel has it, so sysctl reports an unknown key and nothing is set.`;
  if (suggestions.length) message += ` Did you mean ${orList(suggestions.map(tick))}?`;
  else if (skipped) message += ' (No did-you-mean: this file has too many unknown keys.)';
  if (node.ignoreFailure) message += ' ' + PREFIX_NOTE;
  const f = finding('SYS001', node.keyRange, message, { data: { key: node.key, suggestions } });
  // A `-` key without a likely typo was probably meant for some kernels only: say it softly.
  if (node.ignoreFailure && suggestions.length === 0) f.severity = 'info';
  return f;
}

/** Most edits a did-you-mean may be away; a namespace slip (`net.nf_conntrack_buckets`) counts as one. */
export const DID_YOU_MEAN_MAX_EDITS = 2;

/**
 * Did-you-mean for an unknown key in a covered namespace: the knowledge base's nearest
 * keys (suggestKeys), scored by the edits to the whole key — a key in another namespace
 * scores its last component's distance + 1 — keeping only the best score, and nothing when
 * even that is more than DID_YOU_MEAN_MAX_EDITS (`nf_conntrack_foo` is not a typo of
 * `nf_conntrack_max`). Keys the kernel no longer has are not suggested.
 */
export function didYouMean(key: string, ctx: SysctlContext): string[] {
  const input = key.toLowerCase();
  const dot = input.lastIndexOf('.');
  const ns = input.slice(0, dot + 1);
  const last = input.slice(dot + 1);
  let best = Infinity;
  const scored: Array<[string, number]> = [];
  for (const k of suggestKeys(key)) {
    const e = lookupKey(k);
    if (!e || keyStatus(e, ctx.kernel).kind === 'removed') continue;
    const kd = k.lastIndexOf('.');
    const score = k.slice(0, kd + 1) === ns ? editDistance(input, k) : editDistance(last, k.slice(kd + 1)) + 1;
    scored.push([k, score]);
    if (score < best) best = score;
  }
  if (best > DID_YOU_MEAN_MAX_EDITS) return [];
  return scored.filter(([, s]) => s === best).map(([k]) => k);
}

function legacyName(node: SysctlAssignment, entry: KbEntry, ctx: SysctlContext, existsOnKernel: 'maybe' | 'no'): Finding {
  const modern = entry.renamedTo!;
  const gone = entry.removedIn ? `${entry.removedIn.certain ? '' : '≈'}${entry.removedIn.version}` : '';
  const effect =
    existsOnKernel === 'no'
      ? `${capital(ctx.kernelLabel)} does not know it (kernels from ${gone} on dropped the old names), so the line fails and the setting is not applied.`
      : `${capital(ctx.kernelLabel)} knows it only when built with CONFIG_NF_CONNTRACK_PROC_COMPAT, which many distributions leave out; the modern name always works.`;
  return finding('CT105', node.keyRange, `${tick(node.key)} is the old ip_conntrack name of ${tick(modern)}. ${effect} Rename it.`, {
    data: { key: node.key, renamedTo: modern },
  });
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function notOnKernel(node: SysctlAssignment, entry: KbEntry, ctx: SysctlContext, kind: 'removed' | 'not-yet-added'): Finding {
  const mark = kind === 'removed' ? entry.removedIn! : entry.since!;
  const ref = mark.ref ? ` (${mark.ref})` : '';
  const rcOnly = kind === 'removed' && entry.since?.version === mark.version;
  let message = rcOnly
    ? `${tick(node.key)} existed only in Linux ${mark.version} release candidates and was removed before the release: ${ctx.kernelLabel} does not have it, so sysctl reports an unknown key and the line does nothing.`
    : kind === 'removed'
      ? `${tick(node.key)} was removed in Linux ${mark.version}${ref}: ${ctx.kernelLabel} does not have it, so sysctl reports an unknown key and the line does nothing.`
      : `${tick(node.key)} was added in Linux ${mark.version}${ref}: ${ctx.kernelLabel} does not have it yet, so sysctl reports an unknown key and the line does nothing.`;
  if (kind === 'removed' && entry.pitfall) {
    // What replaced it, from the pitfall, without its own restatement of "removed / unknown".
    const advice = entry.pitfall
      .replace(/^Removed in [0-9.]+[^:;]*[:;]\s*/, '')
      .split(/(?<=\.)\s+(?=[A-Z])/)
      .filter((sentence) => !/\b(removed|unknown)\b/i.test(sentence))
      .join(' ');
    if (advice) message += ` ${capital(advice)}`;
  }
  if (node.ignoreFailure) message += ' ' + PREFIX_NOTE;
  const f = finding('SYS005', node.keyRange, message, { data: { key: node.key, [kind === 'removed' ? 'removedIn' : 'since']: mark.version } });
  if (node.ignoreFailure) f.severity = 'info';
  return f;
}

function readOnly(node: SysctlAssignment, entry: KbEntry, ctx: SysctlContext): Finding {
  const what = entry.role === 'conntrack-count' ? ' (it reports how many entries exist; it is not a setting)' : '';
  return finding(
    'SYS006',
    node.keyRange,
    `${tick(node.key)} is read-only${what}: writing it fails on ${ctx.kernelLabel}, so the line does nothing. Remove it.`,
    { data: { key: node.key } },
  );
}

function badValue(node: SysctlAssignment, entry: KbEntry, ctx: SysctlContext, checkedAs: KbEntry): Finding | null {
  const problem = validateValue(checkedAs, node.bareValue, ctx.kernel);
  if (!problem || problem.kernelRejects === 'depends') return null;
  let message = problem.message;
  if (node.bareValue === '' && node.value !== '') {
    message = `The value is only an inline comment (${tick(node.value)}): sysctl has no inline comments and writes it as the value, which the kernel rejects.`;
  }
  const name = checkedAs === entry ? tick(entry.key) : `${tick(entry.key)} (checked as ${tick(checkedAs.key)})`;
  message = `Invalid value for ${name}: ${message}`;
  if (!message.includes(`kernel ${ctx.kernel.text}`)) message += ` Checked for ${ctx.kernelLabel}.`;
  else if (ctx.kernelAssumed) message = message.replace(`kernel ${ctx.kernel.text}`, ctx.kernelLabel);
  const f = finding('SYS002', valueSpan(node), message, { data: { key: entry.key, kind: problem.kind, kernelRejects: problem.kernelRejects } });
  if (problem.kernelRejects === 'no') f.severity = 'warning';
  return f;
}

function longTimeout(node: SysctlAssignment, entry: KbEntry, ctx: SysctlContext, facts: SysctlFacts, seconds: number): Finding | null {
  if (entry.key === CT_ESTABLISHED && seconds >= ESTABLISHED_HINT_SECONDS) {
    return finding(
      'CT106',
      valueSpan(node),
      `Established TCP connections stay tracked for ${formatCount(seconds)} s (${humanDuration(seconds)}) after their last packet. ` +
        'Connections whose peer vanished without FIN or RST hold an entry that long, the classic way a table fills up; ' +
        'a day or less is common. Keep it above the longest idle time your applications need (or use TCP keepalives).',
      { data: { key: entry.key, seconds, threshold: ESTABLISHED_HINT_SECONDS } },
    );
  }
  if (entry.key === CT_TIME_WAIT && seconds > TIME_WAIT_HINT_SECONDS) {
    let message =
      `Every closed TCP connection stays tracked for ${formatCount(seconds)} s (${humanDuration(seconds)}) in TIME_WAIT. ` +
      'Linux TCP itself keeps TIME_WAIT for 60 s; on hosts with many short connections these entries are most of the table.';
    const rate = ctx.settings.connectionRate;
    if (rate > 0) {
      const sizing = tableSizing(ctx, facts);
      const e = timeWaitEntries(rate, seconds, sizing.unlimited ? undefined : sizing.max);
      message += ` At ${formatCount(rate, 1)} new connections/s that is ≈ ${e.display} entries (${e.formula})`;
      message += sizing.unlimited
        ? '.'
        : `, ${formatCount((e.value / sizing.max) * 100, 1)} % of nf_conntrack_max ${formatCount(sizing.max)}` +
          (sizing.maxSource === 'kernel-default' ? `, the default of ${ctx.kernelLabel}` : '') +
          '.';
    }
    return finding('CT106', valueSpan(node), message, { data: { key: entry.key, seconds, threshold: TIME_WAIT_HINT_SECONDS } });
  }
  return null;
}

/** SYS001, SYS002, SYS005, SYS006, CT105, CT106: one pass over the assignments. */
export const keyChecks: SysctlRule = (doc, settings) => {
  const ctx = sysctlContext(settings);
  const facts = sysctlFacts(doc, ctx.kernel);
  const out: Finding[] = [];
  const budget = { left: MAX_SUGGESTION_LOOKUPS };
  for (let i = 0; i < doc.assignments.length; i++) {
    const node = doc.assignments[i];
    const entry = facts.entries[i];
    if (!entry) {
      const f = unknownKey(node, ctx, budget);
      if (f) out.push(f);
      continue;
    }
    const status = keyStatus(entry, ctx.kernel);
    let checkedAs = entry;
    switch (status.kind) {
      case 'legacy': {
        out.push(legacyName(node, entry, ctx, status.existsOnKernel));
        // Where the old name is gone, the value matters under the name it moves to.
        if (status.existsOnKernel === 'no') checkedAs = lookupKey(status.renamedTo) ?? entry;
        break;
      }
      case 'removed':
      case 'not-yet-added':
        if (status.certain) {
          out.push(notOnKernel(node, entry, ctx, status.kind));
          continue;
        }
        break;
      case 'present':
        if (status.readOnly && (entry.readOnly || entry.writableSince?.certain)) {
          out.push(readOnly(node, entry, ctx));
          continue;
        }
        break;
      case 'vendor':
        break;
    }
    const bad = badValue(node, entry, ctx, checkedAs);
    if (bad) out.push(bad);
    if (bad?.severity === 'error' || status.kind !== 'present') continue;
    if (entry.key === CT_ESTABLISHED || entry.key === CT_TIME_WAIT) {
      const n = Number(node.bareValue.split(/[ \t\v\f]+/, 1)[0]);
      if (Number.isFinite(n) && /^\d+$/.test(node.bareValue.split(/[ \t\v\f]+/, 1)[0])) {
        const f = longTimeout(node, entry, ctx, facts, n);
        if (f) out.push(f);
      }
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------
// SYS003: the same key assigned twice

/**
 * What a line writes to: its normalised key; `net.nf_conntrack_max` is the same kernel
 * variable as `net.netfilter.nf_conntrack_max` (§1a), so both share one identity.
 */
function identity(node: SysctlAssignment): string {
  return node.key === 'net.nf_conntrack_max' ? CT_MAX : node.key;
}

const CT_MAX_HASH = keyHash(CT_MAX);

/**
 * Walks the assignments from the end: the first time an identity is seen, that line wins;
 * every earlier line with the same identity is reported. The key hashes come from the facts;
 * an open-addressing table of assignment indexes (twice the size, linear probing) finds
 * earlier sightings without a Map of strings, and equal hashes are told apart by comparing
 * the identities.
 */
export const duplicates: SysctlRule = (doc, settings) => {
  const facts = sysctlFacts(doc, sysctlContext(settings).kernel);
  const list = doc.assignments;
  const n = list.length;
  let size = 16;
  while (size < n * 2) size <<= 1;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const ids = new Int32Array(n);
  const found: Array<[SysctlAssignment, SysctlAssignment]> = [];
  for (let i = n - 1; i >= 0; i--) {
    const a = list[i];
    const id = identity(a);
    const h = id === a.key ? facts.hashes[i] : CT_MAX_HASH;
    ids[i] = h;
    let p = h & mask;
    let winner = -1;
    for (let j = slots[p]; j !== -1; p = (p + 1) & mask, j = slots[p]) {
      if (ids[j] === h && identity(list[j]) === id) {
        winner = j;
        break;
      }
    }
    if (winner >= 0) found.push([a, list[winner]]);
    else slots[p] = i;
  }
  const out: Finding[] = [];
  for (let i = found.length - 1; i >= 0; i--) {
    const [a, winner] = found[i];
    const where = `line ${winner.line + 1}`;
    let message: string;
    if (winner.key !== a.key && identity(a) === CT_MAX) {
      message = `${tick(a.key)} and ${tick(winner.key)} (${where}) are the same kernel variable: the later line wins, so this one has no effect.`;
    } else if (winner.bareValue === a.bareValue) {
      message = `${tick(a.key)} is set to the same value again on ${where}: this line is redundant.`;
    } else {
      message = `${tick(a.key)} is set again on ${where} (to ${tick(winner.value)}), which wins: this line has no effect.`;
    }
    out.push(
      finding('SYS003', assignmentSpan(a), message, {
        related: [{ range: assignmentSpan(winner), message: `${a.key === winner.key ? 'this assignment' : tick(winner.key)} wins` }],
        data: { key: a.key, winnerLine: winner.line },
      }),
    );
  }
  return out;
};

// ---------------------------------------------------------------------------------------
// CT104: keys that exist only once a module is loaded

/** Keys that need a module: net.netfilter.* (except built-in netfilter core keys) and net.nf_conntrack_max. */
export function moduleOf(node: SysctlAssignment, entry: KbEntry | undefined): string | null {
  // Normalised keys are dotted, so a prefix test on the key string is the component test.
  const netfilter = node.key.startsWith('net.netfilter.');
  if (!netfilter && node.key !== 'net.nf_conntrack_max') return null;
  if (entry) return entry.module.startsWith('kernel') ? null : entry.module;
  // Unknown or glob keys under net.netfilter: conntrack's, unless they are nf_log's.
  if (node.components[2] === 'nf_log' || node.components[2].startsWith('nf_log_')) return null;
  return node.components[2].startsWith('nf_flowtable') ? 'nf_flow_table' : 'nf_conntrack';
}

export const moduleLoad: SysctlRule = (doc, settings) => {
  const facts = sysctlFacts(doc, sysctlContext(settings).kernel);
  let first: SysctlAssignment | undefined;
  const modules: string[] = [];
  for (let i = 0; i < doc.assignments.length; i++) {
    const node = doc.assignments[i];
    const m = moduleOf(node, facts.entries[i]);
    if (!m) continue;
    first ??= node;
    if (!modules.includes(m)) modules.push(m);
  }
  if (!first) return [];
  const list = orList(modules.map(tick)).replace(/ or /, ' and ');
  const message =
    `Keys under net.netfilter exist only while their module is loaded (${list}). At boot systemd-sysctl can run before anything loads ` +
    `${modules.length > 1 ? 'them' : 'it'}; these lines then fail ("No such file or directory") and the settings are silently not applied. ` +
    `Load ${modules.length > 1 ? 'the modules' : 'it'} early: list ${modules.length > 1 ? 'them' : 'it'} in a file under /etc/modules-load.d/ (see systemd#1113, nixpkgs#44541).`;
  return [finding('CT104', first.keyRange, message, { data: { modules } })];
};

// ---------------------------------------------------------------------------------------
// CT101–CT103: table sizing

/** Entries-per-bucket targets the CT101 fix offers: 1 as kernels ≥5.15 choose, 4 as the classic advice. */
export const BUCKET_TARGETS = [1, 4] as const;

export const sizing: SysctlRule = (doc, settings) => {
  const ctx = sysctlContext(settings);
  const facts = sysctlFacts(doc, ctx.kernel);
  if (!facts.max && !facts.buckets) return [];
  const s = tableSizing(ctx, facts);
  if (s.unlimited) return [];
  const out: Finding[] = [];
  const maxLine = facts.max?.node;
  // The buckets line a fix edits: the last modern one, even if its value is broken.
  let bucketsEdit: SysctlAssignment | undefined;
  for (let i = 0; i < doc.assignments.length; i++) if (facts.entries[i]?.key === CT_BUCKETS) bucketsEdit = doc.assignments[i];
  const defaultBuckets = s.bucketsSource === 'kernel-default';
  const defaultMax = s.maxSource === 'kernel-default';
  let anyMaxLine = false;
  for (let i = 0; i < doc.assignments.length && !anyMaxLine; i++) anyMaxLine = facts.entries[i]?.role === 'conntrack-max';
  const defaultsNote = (): string => ' ' + defaultsSentence(ctx, s, { buckets: bucketsEdit !== undefined, max: anyMaxLine });

  // CT101: entries per bucket above the setting.
  if (maxLine && s.perBucket.value > settings.maxEntriesPerBucket) {
    const targets = BUCKET_TARGETS.map((t) => ({ perBucket: t, buckets: bucketsForTarget(s.max, t).value })).filter((t) => t.buckets <= 2147483647);
    let message =
      `${s.perBucket.display} conntrack entries per hash bucket at a full table (nf_conntrack_max ${formatCount(s.max)} / ${formatCount(s.buckets)} buckets): ` +
      `lookups walk chains of about ${s.chain.display} nodes, since each entry is hashed twice. ` +
      `That is more than conntrackLens.maxEntriesPerBucket (${formatCount(settings.maxEntriesPerBucket, 2)}).`;
    if (defaultBuckets) message += defaultsNote() + ' Raising nf_conntrack_max alone does not enlarge the hash table.';
    if (targets.length) {
      message += ` Set nf_conntrack_buckets to ${orList(targets.map((t) => `${formatCount(t.buckets)} (${t.perBucket} per bucket)`))}.`;
    }
    const onBuckets = facts.buckets?.node;
    const related = onBuckets ? [{ range: assignmentSpan(maxLine), message: `nf_conntrack_max ${formatCount(s.max)} is set here` }] : [];
    if (bucketsEdit && bucketsEdit !== onBuckets) {
      related.push({ range: assignmentSpan(bucketsEdit), message: 'nf_conntrack_buckets is set here, but this value does not take effect' });
    }
    out.push(
      finding('CT101', valueSpan(onBuckets ?? maxLine), message, {
        related,
        data: {
          max: s.max,
          buckets: s.buckets,
          perBucket: s.perBucket.value,
          maxLine: maxLine.line,
          bucketsLine: bucketsEdit ? bucketsEdit.line : null,
          targets,
        },
      }),
    );
  }

  // CT102: memory at a full table above the share of host RAM.
  if (maxLine && ctx.ramBytes) {
    const mem = s.memory[0].estimate;
    const share = memoryShare(mem.value, ctx.ramBytes);
    if (share.value > settings.maxMemoryShare) {
      let message =
        `A full conntrack table takes ≈ ${mem.display}: ${share.display} of hostMemory ${ctx.ramText}, more than conntrackLens.maxMemoryShare (${formatCount(settings.maxMemoryShare, 2)} %). ` +
        `Estimate for ${ctx.kernelLabel} at ${ctx.entryBytes.display} per entry: ${mem.formula}. ` +
        'Entries are allocated only as connections arrive, but a flood or a leak can fill the table.';
      if (defaultBuckets) message += defaultsNote();
      out.push(finding('CT102', valueSpan(maxLine), message, { data: { bytes: mem.value, share: share.value } }));
    }
  }

  // CT103: more buckets than a full table can occupy. A full table holds max entries, each
  // linked twice (§3): 2 × max nodes can occupy at most 2 × max buckets, so every bucket
  // beyond the smallest allocatable count ≥ 2 × max (rounded to 512, §2a) stays empty.
  const bucketsLine = facts.buckets?.node;
  if (bucketsLine) {
    const fillable = roundBuckets(2 * s.max);
    if (s.buckets > fillable) {
      const empty = s.buckets - 2 * s.max;
      let message =
        `${formatCount(s.buckets)} hash buckets, but nf_conntrack_max ${formatCount(s.max)} entries make at most ${formatCount(2 * s.max)} hash nodes ` +
        `(each entry is linked twice): at least ${formatCount(empty)} buckets always stay empty, ${formatBytes(empty * 8)} of the ${formatBytes(s.buckets * 8)} bucket array.`;
      if (defaultMax) message += defaultsNote();
      out.push(
        finding('CT103', valueSpan(bucketsLine), message, {
          related: maxLine ? [{ range: assignmentSpan(maxLine), message: `nf_conntrack_max ${formatCount(s.max)} is set here` }] : undefined,
          data: { buckets: s.buckets, max: s.max, emptyBuckets: empty },
        }),
      );
    }
  }
  return out;
};

export const SYSCTL_RULES: SysctlRule[] = [syntaxErrors, byteOrderMark, keyChecks, duplicates, moduleLoad, sizing];

export function diagnoseSysctl(doc: SysctlDocument, settings: Settings): Finding[] {
  const out: Finding[] = [];
  for (const rule of SYSCTL_RULES) for (const f of rule(doc, settings)) out.push(f);
  return out;
}

export { entryOf };
