// Markdown for hover and completion documentation of match modules, targets,
// their options and conntrack state names. Own words throughout.

import type { ExtensionSpec, OptionSpec, Placement, ValueKind } from './types';
import { CTSTATE_EXTRA, CTSTATUS_NAMES, LOG_LEVELS, REJECT_TYPES_V4, REJECT_TYPES_V6, STATE_NAMES } from './values';

/** How each value kind is written in a synopsis. */
const SYNTAX: Readonly<Record<ValueKind, string>> = {
  none: '',
  port: 'port',
  'port-range': 'port[:port]',
  'port-range-loose': 'port[:port]',
  'port-list': 'port[,port|,port:port]…',
  'nat-ports': 'port[-port]',
  'nat-range': '[addr[-addr]][:port[-port]]',
  address: 'address',
  'address-mask': 'address[/mask]',
  'address-range': 'from[-to]',
  'prefix-length': 'length',
  'state-list': 'state[,state]…',
  'ctstate-list': 'state[,state]…',
  'ctstatus-list': 'status[,status]…',
  number: 'number',
  'number-range': 'number[:number]',
  mark: 'value[/mask]',
  tos: 'value[/mask]|symbol',
  string: 'text',
  interface: 'name[+]',
  mac: 'XX:XX:XX:XX:XX:XX',
  time: 'hh:mm[:ss]',
  date: 'YYYY[-MM[-DD[Thh[:mm[:ss]]]]]',
  weekdays: 'day[,day]…',
  monthdays: 'day[,day]…',
  dscp: '0-63',
  'dscp-class': 'class',
  'tcp-flags': 'mask comp',
  'icmp-type': 'type[/code]|name',
  'icmpv6-type': 'type[/code]|name',
  enum: 'value',
  'enum-list': 'value[,value]…',
  rate: 'n[/second|/minute|/hour|/day]',
  'hashlimit-rate': 'n[/unit]|n[k|m|g]b/s',
  'log-level': 'level',
  'reject-with': 'type',
  protocol: 'proto',
  'owner-id': 'id[-id]|name',
  'set-match': 'setname src|dst[,…]',
  'hex-string': 'text|hex|…',
  probability: '0..1',
  class: 'MAJOR:MINOR',
  'ct-events': 'event[,event]…',
  'ct-zone': 'id|mark',
  'id-mask': 'value[/mask]|name',
  'queue-range': 'first:last',
  'sctp-chunks': 'all|any|only chunk[,chunk]…',
  any: 'value',
};

function familyText(f: string): string {
  return f === 'ipv4' ? 'IPv4 only (iptables)' : f === 'ipv6' ? 'IPv6 only (ip6tables)' : 'IPv4 and IPv6';
}

function placementText(p: Placement): string {
  const legacy = p.legacyOnly ? ' (enforced by the legacy backend only; iptables-nft accepts it anywhere)' : '';
  return `Allowed in table${p.tables.length > 1 ? 's' : ''} ${p.tables.map((t) => `\`${t}\``).join(', ')}, reached from ${p.chains.join(', ')}${legacy}.`;
}

/** One-line synopsis of an option: `[!] --dport port[:port]`. */
export function optionSynopsis(o: OptionSpec): string {
  const syn = o.kind === 'enum' && o.values && o.values.length <= 6 ? o.values.join('|') : SYNTAX[o.kind];
  const value = o.arity === 'optional' ? ` [${syn}]` : syn ? ` ${syn}` : '';
  return `${o.negatable ? '[!] ' : ''}${o.name}${value}`;
}

function head(spec: ExtensionSpec): string {
  return spec.kind === 'match' ? `-m ${spec.name}` : `-j ${spec.name}`;
}

/** Hover for `-m NAME` (or the implicit protocol match). */
export function describeModule(spec: ExtensionSpec): string {
  return describeExtension(spec);
}

/** Hover for `-j NAME`. */
export function describeTarget(spec: ExtensionSpec): string {
  return describeExtension(spec);
}

function describeExtension(spec: ExtensionSpec): string {
  const lines: string[] = [];
  const what = spec.kind === 'match' ? 'match module' : spec.builtin ? 'built-in verdict' : 'target';
  lines.push(`**\`${head(spec)}\`** — ${what}, ${familyText(spec.family)}`, '', spec.summary);
  if (spec.kind === 'target') {
    lines.push('', spec.terminal ? 'Ends the packet\'s walk through the chain.' : 'Continues with the next rule afterwards.');
  }
  if (spec.protocols && spec.protocols.length) lines.push('', `Needs \`-p ${spec.protocols[0]}\`${spec.protocols.length > 1 ? ` (or ${spec.protocols.slice(1).map((p) => `\`${p}\``).join(', ')})` : ''}.`);
  if (spec.placement) lines.push('', placementText(spec.placement));
  if (spec.notes) lines.push('', spec.notes);
  if (spec.options.length) {
    lines.push('', 'Options:');
    for (const o of spec.options) lines.push(`- \`${optionSynopsis(o)}\`${o.required ? ' (required)' : ''} — ${o.doc}`);
  }
  return lines.join('\n');
}

function valuesText(o: OptionSpec): string[] {
  const out: string[] = [];
  const list = (title: string, entries: Readonly<Record<string, string>>) => {
    out.push('', title);
    for (const [k, v] of Object.entries(entries)) out.push(`- \`${k}\` — ${v}`);
  };
  switch (o.kind) {
    case 'state-list':
      list('States:', STATE_NAMES);
      break;
    case 'ctstate-list':
      list('States:', { ...STATE_NAMES, ...CTSTATE_EXTRA });
      break;
    case 'ctstatus-list':
      list('Status bits:', CTSTATUS_NAMES);
      break;
    case 'reject-with':
      list('IPv4 types:', REJECT_TYPES_V4);
      list('IPv6 types:', REJECT_TYPES_V6);
      break;
    case 'log-level':
      out.push('', `Levels: ${Object.entries(LOG_LEVELS).map(([k, v]) => `\`${k}\` (${v})`).join(', ')}.`);
      break;
    case 'enum':
    case 'enum-list':
      if (o.values) out.push('', `Values: ${o.values.map((v) => `\`${v}\``).join(', ')}${o.caseSensitive ? ' (case matters)' : ''}.`);
      break;
    case 'port-list':
      out.push('', 'At most 15 ports; a range `a:b` counts as two and needs a < b.');
      break;
    case 'port':
    case 'port-range':
    case 'port-range-loose':
      out.push('', 'Service names from /etc/services are accepted too (resolved on the machine that loads the rules).');
      break;
    default:
      break;
  }
  if (o.min !== undefined && o.max !== undefined && (o.kind === 'number' || o.kind === 'number-range')) {
    out.push('', `Range ${o.min}-${o.max >= Number.MAX_SAFE_INTEGER ? '2^64-1' : o.max}.`);
  }
  return out;
}

/** Hover for an option of a module or target. */
export function describeOption(spec: ExtensionSpec, o: OptionSpec): string {
  const lines = [`**\`${optionSynopsis(o)}\`** — option of \`${head(spec)}\``, '', o.doc];
  const facts: string[] = [];
  if (o.aliases && o.aliases.length) facts.push(`Also spelled ${o.aliases.map((a) => `\`${a}\``).join(', ')}.`);
  if (o.negatable) facts.push('`!` before it inverts the test.');
  if (o.required) facts.push(`\`${head(spec)}\` needs this option.`);
  if (o.repeatable) facts.push('May be given more than once.');
  if (o.family) facts.push(o.family === 'ipv4' ? 'IPv4 rules only.' : 'IPv6 rules only.');
  if (o.placement) facts.push(placementText(o.placement));
  if (facts.length) lines.push('', facts.join(' '));
  lines.push(...valuesText(o));
  return lines.join('\n');
}

/** Hover for a conntrack state or status name (`UNTRACKED`, `ASSURED` …); null for other words. */
export function describeState(name: string): string | null {
  const key = name.toUpperCase();
  const text = STATE_NAMES[key] ?? CTSTATE_EXTRA[key];
  if (text) return `**${key}** — conntrack state\n\n${text.charAt(0).toUpperCase()}${text.slice(1)}`;
  const status = CTSTATUS_NAMES[key];
  if (status) return `**${key}** — conntrack status\n\n${status.charAt(0).toUpperCase()}${status.slice(1)}`;
  return null;
}
