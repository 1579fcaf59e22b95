// Completion skeleton: line starts (commands, `*table`, `:CHAIN`, COMMIT),
// chains after a command, targets after -j/-g, modules after -m, protocols after
// -p, policies after -P CHAIN, state names after --state/--ctstate.
// Every item replaces exactly the word being typed (`range`).

import type { CompletionItem, CompletionKind, Position, Range } from '../types';
import { BUILTIN_CHAINS, isTableName, TABLE_NAMES, type IptablesDocument, type TableBlock } from './ast';
import { tableAt } from './navigation';
import { splitArgs } from './parse';
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
    if (prev === '-j' || prev === '--jump') BUILTIN_TARGETS.forEach(([t, d], i) => out.push(item(t, 'function', range, d, '0' + i)));
    chainsOf(table, true).forEach((c, i) => out.push(item(c, 'class', range, 'user chain', '1' + String(i).padStart(4, '0'))));
    return out;
  }
  if (prev === '-m' || prev === '--match') return MODULES.map(([m, d], i) => item(m, 'module', range, d, String(i).padStart(2, '0')));
  if (prev === '-p' || prev === '--protocol') return PROTOCOLS.map((p, i) => item(p, 'value', range, undefined, String(i).padStart(2, '0')));
  if (prev === '--state' || prev === '--ctstate') {
    // comma list: replace only the name after the last comma
    const comma = word.lastIndexOf(',');
    let end = col;
    while (end < text.length && text[end] !== ',' && text[end] !== ' ' && text[end] !== '\t') end++;
    const r: Range = { start: { line: at.line, character: comma >= 0 ? ws + comma + 1 : ws }, end: { line: at.line, character: end } };
    const taken = new Set(word.split(',').slice(0, -1));
    const names = prev === '--ctstate' ? [...STATES, ...CT_ONLY_STATES] : STATES;
    return names.filter(([s]) => !taken.has(s)).map(([s, d], i) => item(s, 'enumMember', r, d, String(i)));
  }
  return [];
}
