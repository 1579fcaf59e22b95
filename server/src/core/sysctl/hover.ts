// Hover for sysctl files. A hover is built from sections: each provider returns a Markdown
// block or null, and the non-null blocks are joined in list order. To add knowledge
// (documentation of known keys, estimates), add a provider to KEY_SECTIONS or
// VALUE_SECTIONS — typically before the structural ones so the important part comes first.
// Comment lines, blanks and errors have no hover.

import type { Settings } from '../settings';
import { contains } from '../text';
import type { Hover, Position } from '../types';
import type { SysctlAssignment, SysctlDocument, SysctlExclude } from './ast';
import { splitSysctlKey } from './parse';

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

export const KEY_SECTIONS: HoverSection[] = [keyStructureSection, keyModifiersSection];
export const VALUE_SECTIONS: HoverSection[] = [valueWrittenSection];

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
