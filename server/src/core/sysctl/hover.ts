// Hover for sysctl files. A hover is built from sections: each provider returns a Markdown
// block or null, and the non-null blocks are joined in list order. Knowledge comes first
// (the key's documentation from the knowledge base, then the estimates for max / buckets /
// timeouts with their formulas), the structural notes (path, separators, `-` prefix, glob)
// last. Comment lines, blanks and errors have no hover.

import type { Settings } from '../settings';
import { contains } from '../text';
import type { Hover, Position } from '../types';
import type { SysctlAssignment, SysctlDocument, SysctlExclude } from './ast';
import { sysctlContext } from './context';
import { didYouMean } from './diagnostics';
import { effectiveNumber, entryOf, inCoveredNamespace, KB_KEY_COMPONENTS, sysctlFacts } from './facts';
import { globMatches } from './glob';
import {
  defaultFor,
  describeType,
  existsOn,
  renderKeyDocs,
  typeFor,
  validateValue,
  type KbEntry,
} from './kb';
import { splitSysctlKey } from './parse';
import { renderSizing, renderTimeout, tableSizing } from './sizing';

export interface SysctlHoverContext {
  doc: SysctlDocument;
  node: SysctlAssignment | SysctlExclude;
  settings: Settings;
}

export type HoverSection = (ctx: SysctlHoverContext) => string | null;

/** `code` span that survives backticks inside the text. */
export function code(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** Escapes Markdown's inline syntax characters (keys may hold `*`, `_`, `[`). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]<>#|~]/g, (c) => '\\' + c);
}

/** The key as sysctl sees it: normalised name, /proc/sys path, components. */
export const keyStructureSection: HoverSection = ({ node }) => {
  const parts = [`**${escapeMarkdown(node.key)}**`, '', code(`/proc/sys/${node.path}`)];
  if (node.components.length > 1) parts.push('', `Components: ${node.components.map(code).join(' › ')}`);
  const layout = splitSysctlKey(node.rawKey);
  if (layout.separator === '/') {
    parts.push('', 'Written with `/` separators: a `.` inside a component is part of its name.');
  } else if (node.rawKey.includes('/')) {
    parts.push('', 'A `/` in a dotted key stands for a `.` inside a component name.');
  } else if (node.rawKey !== node.key) {
    parts.push('', `Written as ${code(node.rawKey)}.`);
  }
  return parts.join('\n');
};

/** `-` prefix, exclusion and glob behaviour. */
export const keyModifiersSection: HoverSection = ({ node }) => {
  const notes: string[] = [];
  if (node.kind === 'exclude') {
    notes.push(
      '`-` without `=`: this key is **excluded** from glob assignments (such as `net.ipv4.conf.*.rp_filter = 1`); the line sets nothing itself.',
    );
  } else if (node.ignoreFailure) {
    notes.push(
      '`-` prefix: if this key cannot be set (for example it does not exist on this kernel), systemd-sysctl logs it quietly and does not fail. ' +
        'procps `sysctl -p` (4.0.2 checked) still reports a missing key and exits with an error.',
    );
  }
  if (node.glob) {
    notes.push(
      'Glob: applies to every existing key that matches; keys that have their own line are left out. systemd-sysctl and recent procps `sysctl -p` (4.0.2 checked) expand it.',
    );
  }
  return notes.length ? notes.join('\n\n') : null;
};

/** What is actually written for this value, where that may surprise. */
export const valueWrittenSection: HoverSection = ({ node }) => {
  if (node.kind !== 'assignment') return null;
  if (node.value === '') {
    return 'Empty value: sysctl writes an empty line. Numeric keys reject it (`Invalid argument`); string keys become empty.';
  }
  if (node.comment) {
    return [
      `Value written: ${code(node.value)}`,
      '',
      `sysctl has no inline comments: ${code(node.comment.text)} is part of the value. ` +
        'A numeric key reads the numbers it needs and ignores the rest; a string key stores all of it. ' +
        'Put comments on their own line.',
    ].join('\n');
  }
  return null;
};

/** The knowledge base's documentation of the key (meaning, type, default, versions, …). */
export const keyDocsSection: HoverSection = ({ node, settings }) => {
  const entry = entryOf(node);
  if (!entry) return null;
  const ctx = sysctlContext(settings);
  return renderKeyDocs(entry, ctx.kernel, { ramBytes: ctx.ramBytes, kernelLabel: ctx.kernelLabelLong });
};

/** Keys the knowledge base does not know: globs list what they match, typos get a did-you-mean. */
export const unknownKeySection: HoverSection = ({ node, settings }) => {
  if (entryOf(node) || !inCoveredNamespace(node.key)) return null;
  if (node.glob) {
    const hits = KB_KEY_COMPONENTS.filter((k) => !k.entry.renamedTo && globMatches(node.components, k.components)).map((k) => k.entry);
    if (!hits.length) return 'Matches **no** conntrack key any kernel has.';
    const shown = hits.slice(0, 12).map((e) => code(e.key));
    return `Matches ${hits.length} known key${hits.length === 1 ? '' : 's'}: ${shown.join(', ')}${hits.length > shown.length ? ', …' : ''}`;
  }
  const s = didYouMean(node.key, sysctlContext(settings));
  return `**Unknown conntrack key**: no mainline kernel has it.${s.length ? ` Did you mean ${s.map(code).join(', ')}?` : ''}`;
};

/** The role-specific estimates: table size for max / buckets, human units for timeouts. */
export const estimatesSection: HoverSection = ({ doc, node, settings }) => {
  if (node.kind !== 'assignment') return null;
  const entry = entryOf(node);
  if (!entry?.role || entry.role === 'conntrack-count' || entry.role === 'expect-max') return null;
  const ctx = sysctlContext(settings);
  if (!existsOn(entry, ctx.kernel)) return null;
  const value = effectiveNumber(node, entry, ctx.kernel);
  if (value === null) return null;
  const facts = sysctlFacts(doc, ctx.kernel);
  if (entry.role === 'conntrack-max') return renderSizing(ctx, facts, tableSizing(ctx, facts, { max: { value, node } }));
  if (entry.role === 'conntrack-buckets') return renderSizing(ctx, facts, tableSizing(ctx, facts, { buckets: { value, node } }));
  return renderTimeout(ctx, facts, value, entry.role === 'time-wait-timeout');
};

function valueLabel(entry: KbEntry, value: string, ctx: ReturnType<typeof sysctlContext>): string | null {
  const t = typeFor(entry, ctx.kernel);
  if (t.kind === 'bool' || t.kind === 'loose-bool') return value === '0' ? 'off' : value === '1' ? 'on' : null;
  if (t.kind === 'enum') return t.values.find((v) => String(v.value) === value)?.label ?? null;
  return null;
}

/** What the value means for a known key, how it compares with the default, and any problem with it. */
export const valueMeaningSection: HoverSection = ({ node, settings }) => {
  if (node.kind !== 'assignment') return null;
  const entry = entryOf(node);
  if (!entry) return null;
  const ctx = sysctlContext(settings);
  const parts: string[] = [];
  const head = `${code(entry.key)} = ${code(node.bareValue || node.value)}`;
  const label = valueLabel(entry, node.bareValue, ctx);
  parts.push(label ? `${head} — **${label}**` : head);
  parts.push('', `Type: ${describeType(typeFor(entry, ctx.kernel))}`);
  const def = defaultFor(entry, ctx.kernel, ctx.ramBytes);
  if (def.value !== null) {
    const same = def.value.replace(/\s+/g, ' ') === node.bareValue.replace(/[ \t]+/g, ' ');
    const shown = def.estimate ? `${def.estimate.display} (${def.estimate.formula})` : def.text.replace(/ on kernel [0-9.]+$/, '');
    parts.push('', `${same ? 'This is the default' : 'Default'} on ${ctx.kernelLabelLong}: ${shown}`);
  }
  const problem = validateValue(entry, node.bareValue, ctx.kernel);
  if (problem) {
    const verdict =
      problem.kernelRejects === 'yes'
        ? '**The kernel rejects this value**'
        : problem.kernelRejects === 'depends'
          ? '**Depends on the kernel build**'
          : '**Accepted, but not as written**';
    parts.push('', `${verdict}: ${problem.message}`);
  }
  return parts.join('\n');
};

export const KEY_SECTIONS: HoverSection[] = [keyDocsSection, estimatesSection, unknownKeySection, keyStructureSection, keyModifiersSection];
export const VALUE_SECTIONS: HoverSection[] = [valueMeaningSection, estimatesSection, valueWrittenSection];

function render(sections: HoverSection[], ctx: SysctlHoverContext): string | null {
  const blocks: string[] = [];
  for (const s of sections) {
    const b = s(ctx);
    if (b) blocks.push(b);
  }
  return blocks.length ? blocks.join('\n\n---\n\n') : null;
}

export function hoverSysctl(doc: SysctlDocument, at: Position, settings: Settings): Hover | null {
  const node = doc.lines[at.line];
  if (!node || (node.kind !== 'assignment' && node.kind !== 'exclude')) return null;
  const ctx: SysctlHoverContext = { doc, node, settings };
  const onPrefix = node.ignoreRange !== undefined && contains(node.ignoreRange, at);
  if ((contains(node.keyRange, at) || onPrefix) && node.components.length > 0) {
    const contents = render(KEY_SECTIONS, ctx);
    const range = onPrefix ? { start: node.ignoreRange!.start, end: node.keyRange.end } : node.keyRange;
    return contents ? { contents, range } : null;
  }
  if (node.kind === 'assignment' && contains(node.valueRange, at)) {
    const contents = render(VALUE_SECTIONS, ctx);
    return contents ? { contents, range: node.valueRange } : null;
  }
  return null;
}
