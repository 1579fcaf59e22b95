// Documentation for match modules, targets and their options, for hover.
// hover.ts asks here first for any argument it does not describe itself
// (the generic options, commands, tables and chains are described in hover.ts).
// Returns Markdown, or null when there is nothing to say.
//
// Text comes from the module/target tables (modules/docs.ts: describeModule,
// describeTarget, describeOption, describeState). Options are attributed to
// the extension iptables would give them to (restore/options.ts), so `--dport`
// after `-m multiport` describes multiport's `--dports` abbreviation, and a
// state name inside `--ctstate RELATED,UNTRACKED` is described on its own.

import { contains } from '../text';
import type { Hover, Position, Range } from '../types';
import type { CommandLine, IptablesDocument, Token } from './ast';
import { describeModule, describeOption, describeState, describeTarget, getModule, getTarget, implicitModule, type RuleFamily } from './modules';
import { ADDON_MATCHES, ADDON_TARGETS } from './restore/names';
import { matchSpec, optionOwners } from './restore/options';

function familyOf(doc: IptablesDocument, line: CommandLine): RuleFamily {
  return line.ipVersion === 4 ? 'ipv4' : line.ipVersion === 6 ? 'ipv6' : doc.family;
}

function same(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.character === b.end.character;
}

const LIST_KINDS = new Set(['state-list', 'ctstate-list', 'ctstatus-list']);

/**
 * Hover for the argument `token` of a rule line (the full tree, not a lazy
 * line), with the range it applies to: a state name inside a comma list gets
 * its own range. `at` picks the list item; without it the whole token counts.
 */
export function describeAt(doc: IptablesDocument, line: CommandLine, token: Token, at?: Position): Hover | null {
  const rule = line.rule;
  if (!rule) return null;
  const family = familyOf(doc, line);
  const range = token.range;

  for (const m of rule.matches) {
    if (m.implicit || !same(m.nameRange, range)) continue;
    const spec = matchSpec(m.name, family);
    if (spec) return { contents: describeModule(spec), range };
    if (ADDON_MATCHES.has(m.name)) return { contents: `**\`-m ${m.name}\`** — a match from an add-on package (not part of iptables 1.8.9); it works only where that package is installed.`, range };
    const other = getModule(m.name);
    if (other) return { contents: `${describeModule(other)}\n\nNot available in ${family === 'ipv4' ? 'iptables (IPv4)' : 'ip6tables (IPv6)'} rules.`, range };
    return { contents: `**\`-m ${m.name}\`**: iptables 1.8.9 has no match module of this name.`, range };
  }

  if (rule.protocol && same(rule.protocol.range, range)) {
    const spec = implicitModule(rule.protocol.value, family);
    if (!spec) return null;
    return { contents: `**\`-p ${token.value}\`** also makes the \`${spec.name}\` match available without \`-m ${spec.name}\`:\n\n${describeModule(spec)}`, range };
  }

  const t = rule.target;
  if (t && same(t.nameRange, range)) {
    const spec = t.kind === 'jump' ? getTarget(t.name, family) : undefined;
    if (spec && !spec.builtin) return { contents: describeTarget(spec), range };
    if (!spec && ADDON_TARGETS.has(t.name)) return { contents: `**\`-j ${t.name}\`** — a target from an add-on package (not part of iptables 1.8.9); it works only where that package is installed.`, range };
    return null; // verdicts and chains: hover.ts
  }

  for (const own of optionOwners(rule, family)) {
    const o = own.node;
    if (contains(o.nameRange, range.start) && same(o.nameRange, range)) return { contents: describeOption(own.spec, own.option), range };
    const vi = o.values.findIndex((v) => same(v.range, range));
    if (vi < 0) continue;
    if (LIST_KINDS.has(own.option.kind)) {
      // the item of the comma list under the cursor
      const v = o.values[vi];
      const col = at ? at.character : v.range.start.character;
      const rawStart = v.range.start.character + (v.quoted ? 1 : 0);
      let s = Math.max(0, Math.min(col - rawStart, v.value.length));
      let e = s;
      while (s > 0 && v.value[s - 1] !== ',') s--;
      while (e < v.value.length && v.value[e] !== ',') e++;
      const word = v.value.slice(s, e);
      const text = word ? describeState(word) : null;
      if (text) {
        const r: Range = v.quoted ? range : { start: { line: range.start.line, character: rawStart + s }, end: { line: range.start.line, character: rawStart + e } };
        return { contents: text, range: r };
      }
    }
    return { contents: describeOption(own.spec, own.option), range };
  }
  return null;
}

export function describeToken(doc: IptablesDocument, line: CommandLine, token: Token): string | null {
  return describeAt(doc, line, token)?.contents ?? null;
}
