// Completion skeleton: line starts (commands, `*table`, `:CHAIN`, COMMIT),
// chains after a command, targets after -j/-g, modules after -m, protocols after
// -p, policies after -P CHAIN, state names after --state/--ctstate.
// Every item replaces exactly the word being typed (`range`).

import type { CompletionItem, CompletionKind, Position, Range } from '../types';
import { BUILTIN_CHAINS, isTableName, TABLE_NAMES, type IptablesDocument, type TableBlock } from './ast';
import {
  CTSTATE_EXTRA,
  CTSTATUS_NAMES,
  describeModule,
  describeOption,
  describeState,
  describeTarget,
  getTarget,
  implicitModule,
  listModules,
  listTargets,
  LOG_LEVELS,
  optionSynopsis,
  REJECT_TYPES_V4,
  REJECT_TYPES_V6,
  STATE_NAMES,
  type ExtensionSpec,
  type OptionSpec,
  type RuleFamily,
} from './modules';
import { tableAt } from './navigation';
import { splitArgs } from './parse';
import { HOOK_BIT, hookMask, restoreAnalysis } from './restore/analysis';
import { matchSpec } from './restore/options';
import { lineText } from './util';

const COMMANDS: [string, string][] = [
  ['-A', 'append a rule to a chain'],
  ['-I', 'insert a rule (at position 1 or N)'],
  ['-N', 'create a user chain'],
  ['-P', 'set the policy of a built-in chain'],
  ['-D', 'delete a rule'],
  ['-R', 'replace rule N'],
  ['-F', 'flush a chain'],
  ['-X', 'delete a user chain'],
  ['-Z', 'zero counters'],
  ['-E', 'rename a user chain'],
];
const CHAIN_COMMANDS = new Set(['-A', '--append', '-I', '--insert', '-D', '--delete', '-R', '--replace', '-F', '--flush', '-X', '--delete-chain', '-Z', '--zero', '-P', '--policy', '-E', '--rename-chain', '-C', '--check', '-L', '--list', '-S', '--list-rules']);
const BUILTIN_TARGETS: [string, string][] = [
  ['ACCEPT', 'let the packet through'],
  ['DROP', 'discard the packet silently'],
  ['RETURN', 'back to the calling chain'],
  ['REJECT', 'discard and answer with an error'],
  ['LOG', 'log the packet and continue'],
];
const MODULES: [string, string][] = [
  ['tcp', 'TCP ports and flags'],
  ['udp', 'UDP ports'],
  ['icmp', 'ICMP types'],
  ['multiport', 'up to 15 ports or ranges'],
  ['conntrack', 'connection tracking state and more'],
  ['state', 'connection state (subset of conntrack)'],
  ['comment', 'a comment on the rule'],
  ['mark', 'packet mark'],
  ['connmark', 'connection mark'],
  ['addrtype', 'address type (LOCAL, BROADCAST …)'],
  ['limit', 'rate limit'],
  ['hashlimit', 'rate limit per address/port'],
  ['recent', 'addresses seen recently'],
  ['set', 'ipset membership'],
  ['iprange', 'address ranges'],
  ['mac', 'source MAC address'],
  ['owner', 'socket owner (OUTPUT)'],
  ['physdev', 'bridge ports'],
  ['pkttype', 'unicast/broadcast/multicast'],
  ['statistic', 'random or nth packet'],
  ['string', 'payload string'],
  ['length', 'packet length'],
  ['tcpmss', 'TCP MSS option'],
  ['time', 'time of day / weekdays'],
  ['u32', 'raw byte tests'],
  ['policy', 'IPsec policy'],
  ['socket', 'an open socket exists'],
  ['rpfilter', 'reverse path check'],
  ['helper', 'conntrack helper'],
];
const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'all', 'sctp', 'udplite', 'esp', 'ah', 'gre'];
const STATES: [string, string][] = [
  ['NEW', 'first packet of a connection'],
  ['ESTABLISHED', 'packets of a connection seen both ways'],
  ['RELATED', 'a new connection related to an existing one (FTP data, ICMP errors)'],
  ['INVALID', 'not part of any known connection'],
  ['UNTRACKED', 'exempted from tracking by a raw-table NOTRACK / CT --notrack rule'],
];
const CT_ONLY_STATES: [string, string][] = [
  ['SNAT', 'source address was translated'],
  ['DNAT', 'destination address was translated'],
];

function item(label: string, kind: CompletionKind, range: Range, detail?: string, sortText?: string, insertText?: string): CompletionItem {
  const c: CompletionItem = { label, kind, range };
  if (detail) c.detail = detail;
  if (sortText) c.sortText = sortText;
  if (insertText) c.insertText = insertText;
  return c;
}

function chainsOf(table: TableBlock | undefined, userOnly = false): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (n: string) => {
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  };
  if (!table) return out;
  if (!userOnly && isTableName(table.name)) for (const b of BUILTIN_CHAINS[table.name]) add(b);
  for (const c of table.chains) if (!(userOnly && c.builtin)) add(c.name);
  return out;
}

export function completion(doc: IptablesDocument, at: Position): CompletionItem[] {
  const text = lineText(doc, at.line);
  const col = Math.min(at.character, text.length);
  let ws = col;
  while (ws > 0 && text[ws - 1] !== ' ' && text[ws - 1] !== '\t') ws--;
  let we = col;
  while (we < text.length && text[we] !== ' ' && text[we] !== '\t') we++;
  const word = text.slice(ws, col);
  const range: Range = { start: { line: at.line, character: ws }, end: { line: at.line, character: we } };
  // The table a new line here belongs to: the block holding the line, or the
  // open block of the previous line (typing a new line at the end of a table).
  const table = tableAt(doc, at.line) ?? (at.line > 0 ? tableAt(doc, at.line - 1) : undefined);
  const inTable = !!table && (table.commitLine === undefined || at.line <= table.commitLine);
  const before = splitArgs(text, at.line, 0, ws).map((t) => t.value);
  // a leading [p:b] counter is not an argument
  if (before.length && /^\[\d*:\d*\]$/.test(before[0])) before.shift();
  const prev = before[before.length - 1];

  if (before.length === 0) {
    if (word.startsWith('*') || !inTable) {
      return TABLE_NAMES.map((t, i) => item(`*${t}`, 'module', range, 'start a table', String(i)));
    }
    if (word.startsWith(':')) {
      const declared = new Set(table!.chains.map((c) => c.name));
      const b = isTableName(table!.name) ? BUILTIN_CHAINS[table!.name] : [];
      const out = b.filter((c) => !declared.has(c)).map((c, i) => item(`:${c} ACCEPT [0:0]`, 'class', range, 'built-in chain with its policy', String(i)));
      out.push(item(':CHAIN - [0:0]', 'snippet', range, 'declare a user chain', '9'));
      return out;
    }
    const out = COMMANDS.map(([c, d], i) => item(c, 'keyword', range, d, String(i).padStart(2, '0')));
    out.push(item('COMMIT', 'keyword', range, 'end of the table', '90'));
    out.push(item(':', 'snippet', range, 'declare a chain', '91', ':CHAIN - [0:0]'));
    return out;
  }

  if (prev === undefined) return [];
  // -A CHAIN / -P CHAIN …
  if (before.length === 1 && CHAIN_COMMANDS.has(prev)) {
    const userOnly = prev === '-X' || prev === '--delete-chain' || prev === '-E' || prev === '--rename-chain';
    const builtinOnly = prev === '-P' || prev === '--policy';
    let names = chainsOf(table, userOnly);
    if (builtinOnly && table && isTableName(table.name)) names = [...BUILTIN_CHAINS[table.name]];
    return names.map((n, i) => item(n, 'class', range, undefined, String(i).padStart(4, '0')));
  }
  if (before.length === 2 && (before[0] === '-P' || before[0] === '--policy')) {
    return [item('ACCEPT', 'constant', range, 'let packets through'), item('DROP', 'constant', range, 'discard packets')];
  }
  if (prev === '-j' || prev === '--jump' || prev === '-g' || prev === '--goto') {
    const out: CompletionItem[] = [];
    if (prev === '-j' || prev === '--jump') {
      const chain = ruleChain(before);
      legalTargets(doc, table, chain, doc.family).forEach((t, i) => {
        const c = item(t.name, 'function', range, BUILTIN_TARGET_DETAIL[t.name] ?? t.summary, '0' + String(i).padStart(3, '0'));
        c.documentation = describeTarget(t);
        out.push(c);
      });
    }
    chainsOf(table, true).forEach((c, i) => out.push(item(c, 'class', range, 'user chain', '1' + String(i).padStart(4, '0'))));
    return out;
  }
  if (prev === '-m' || prev === '--match') {
    const common = MODULES.map(([m]) => m);
    const all = listModules(doc.family);
    const ordered = [...all].sort((a, b) => rank(common, a.name) - rank(common, b.name) || a.name.localeCompare(b.name));
    return ordered.map((m, i) => {
      const c = item(m.name, 'module', range, MODULES.find(([n]) => n === m.name)?.[1] ?? m.summary, String(i).padStart(3, '0'));
      c.documentation = describeModule(m);
      return c;
    });
  }
  if (word.startsWith('--')) {
    const opts = optionCompletions(before, doc.family, range);
    if (opts.length) return opts;
  }
  {
    const values = valueCompletions(prev, before, doc.family, word, text, ws, col, at.line);
    if (values) return values;
  }
  if (prev === '-p' || prev === '--protocol') return PROTOCOLS.map((p, i) => item(p, 'value', range, undefined, String(i).padStart(2, '0')));
  if (prev === '--state' || prev === '--ctstate') {
    // comma list: replace only the name after the last comma
    const comma = word.lastIndexOf(',');
    let end = col;
    while (end < text.length && text[end] !== ',' && text[end] !== ' ' && text[end] !== '\t') end++;
    const r: Range = { start: { line: at.line, character: comma >= 0 ? ws + comma + 1 : ws }, end: { line: at.line, character: end } };
    const taken = new Set(word.split(',').slice(0, -1));
    // names from the module tables; the short details from the lists above
    const short: Record<string, string> = Object.fromEntries([...STATES, ...CT_ONLY_STATES]);
    const keys = prev === '--ctstate' ? [...Object.keys(STATE_NAMES), ...Object.keys(CTSTATE_EXTRA)] : Object.keys(STATE_NAMES);
    const names: [string, string][] = keys.map((k) => [k, short[k] ?? '']);
    return names
      .filter(([s]) => !taken.has(s))
      .map(([s, d], i) => {
        const c = item(s, 'enumMember', r, d, String(i));
        const doc = describeState(s);
        if (doc) c.documentation = doc;
        return c;
      });
  }
  return [];
}

// ------------------------------------------------------- rule context helpers

const BUILTIN_TARGET_DETAIL: Record<string, string> = Object.fromEntries(BUILTIN_TARGETS);
const COMMON_TARGETS = BUILTIN_TARGETS.map(([t]) => t);

function rank(list: readonly string[], name: string): number {
  const i = list.indexOf(name);
  return i < 0 ? list.length : i;
}

/** The chain of `-A CHAIN …` / `-I CHAIN …` among the arguments before the cursor. */
function ruleChain(before: string[]): string | undefined {
  for (let i = 0; i + 1 < before.length; i++) {
    const t = before[i];
    if (CHAIN_COMMANDS.has(t)) return before[i + 1];
  }
  return undefined;
}

/**
 * Targets the kernel accepts in this table and chain: the table always, and for
 * a built-in chain its hook; for a user chain the hooks that reach it (all
 * hooks of the table when nothing reaches it yet). Common verdicts first.
 */
function legalTargets(doc: IptablesDocument, table: TableBlock | undefined, chain: string | undefined, family: RuleFamily): ExtensionSpec[] {
  const tname = table?.name;
  let mask = 0;
  if (table && chain) {
    if (isTableName(table.name) && BUILTIN_CHAINS[table.name].includes(chain)) mask = HOOK_BIT[chain] ?? 0;
    else {
      const ta = restoreAnalysis(doc).byBlock.get(table);
      mask = ta ? hookMask(ta, chain) : 0;
    }
  }
  const ok = listTargets(family).filter((t) => {
    const p = t.placement;
    if (!p || p.legacyOnly) return true;
    if (tname && isTableName(tname) && !(p.tables as readonly string[]).includes(tname)) return false;
    const allowed = p.chains.reduce((m, h) => m | (HOOK_BIT[h] ?? 0), 0);
    return (mask & ~allowed) === 0;
  });
  return ok.sort((a, b) => rank(COMMON_TARGETS, a.name) - rank(COMMON_TARGETS, b.name) || a.name.localeCompare(b.name));
}

/** Extensions loaded by the arguments before the cursor, newest first (target first). */
function loadedBefore(before: string[], family: RuleFamily): ExtensionSpec[] {
  const out: ExtensionSpec[] = [];
  let proto: ExtensionSpec | undefined;
  let target: ExtensionSpec | undefined;
  for (let i = 0; i + 1 < before.length; i++) {
    const t = before[i];
    const v = before[i + 1];
    if (t === '-m' || t === '--match') {
      const m = matchSpec(v, family);
      if (m) out.unshift(m);
    } else if ((t === '-p' || t === '--protocol') && before[i - 1] !== '!') {
      proto = implicitModule(v, family);
    } else if (t === '-j' || t === '--jump') {
      target = getTarget(v, family);
    }
  }
  if (proto && !out.includes(proto)) out.push(proto);
  if (target) out.unshift(target);
  return out;
}

/** `--…` options of the extensions loaded before the cursor. */
function optionCompletions(before: string[], family: RuleFamily, range: Range): CompletionItem[] {
  const used = new Set(before.filter((t) => t.startsWith('--')));
  const out: CompletionItem[] = [];
  const seen = new Set<string>();
  loadedBefore(before, family).forEach((spec, si) => {
    spec.options.forEach((o, oi) => {
      if (seen.has(o.name)) return;
      seen.add(o.name);
      if (!o.repeatable && (used.has(o.name) || o.aliases?.some((a) => used.has(a)))) return;
      const c = item(o.name, 'property', range, `${optionSynopsis(o)} (${spec.kind === 'match' ? '-m' : '-j'} ${spec.name})`, String(si).padStart(2, '0') + String(oi).padStart(3, '0'));
      c.documentation = describeOption(spec, o);
      out.push(c);
    });
  });
  return out;
}

/** The option spec `name` refers to among the loaded extensions (exact names only). */
function optionSpec(name: string, before: string[], family: RuleFamily): OptionSpec | undefined {
  for (const spec of loadedBefore(before, family)) {
    const o = spec.options.find((x) => x.name === name || x.aliases?.includes(name));
    if (o) return o;
  }
  return undefined;
}

/** Values of the option before the cursor: conntrack status bits, reject types, log levels, enum words. */
function valueCompletions(prev: string | undefined, before: string[], family: RuleFamily, word: string, text: string, ws: number, col: number, line: number): CompletionItem[] | null {
  if (!prev || !prev.startsWith('--') || prev === '--state' || prev === '--ctstate') return null;
  const o = optionSpec(prev, before.slice(0, -1), family);
  if (!o) return null;
  let words: [string, string][] = [];
  let list = false;
  if (o.kind === 'ctstatus-list') {
    words = Object.entries(CTSTATUS_NAMES);
    list = true;
  } else if (o.kind === 'reject-with') {
    const v4 = Object.entries(REJECT_TYPES_V4);
    const v6 = Object.entries(REJECT_TYPES_V6);
    words = family === 'ipv6' ? v6 : family === 'ipv4' ? v4 : [...v4, ...v6.filter(([k]) => !REJECT_TYPES_V4[k])];
  } else if (o.kind === 'log-level') {
    words = Object.entries(LOG_LEVELS).map(([k, v]) => [k, `level ${v}`]);
  } else if ((o.kind === 'enum' || o.kind === 'enum-list') && o.values) {
    words = o.values.map((v) => [v, '']);
    list = o.kind === 'enum-list';
  } else return null;
  let start = ws;
  let end = col;
  while (end < text.length && text[end] !== ' ' && text[end] !== '\t' && !(list && text[end] === ',')) end++;
  const taken = new Set<string>();
  if (list) {
    const comma = word.lastIndexOf(',');
    if (comma >= 0) start = ws + comma + 1;
    for (const w of word.split(',').slice(0, -1)) taken.add(w);
  }
  const r: Range = { start: { line, character: start }, end: { line, character: end } };
  return words.filter(([w]) => !taken.has(w)).map(([w, d], i) => item(w, 'enumMember', r, d || undefined, String(i).padStart(3, '0')));
}
