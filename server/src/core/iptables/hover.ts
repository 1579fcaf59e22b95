// Hover for iptables-save files: tables, chains (with the chain estimates),
// commands, the generic options, policies, counters and COMMIT. Match modules,
// targets and their options are described by docs-hook.ts.

import { contains } from '../text';
import type { Hover, Position, Range } from '../types';
import { BUILTIN_CHAINS, isTableName, STANDARD_TARGETS, type CommandLine, type Counters, type IptablesDocument, type TableName, type Token } from './ast';
import { chainExplanation, chainGraph, fmt, type TableGraph } from './chains';
import { describeAt } from './docs-hook';
import { tableAt } from './navigation';
import { Opt, peekCommand } from './parse';

const TABLES: Record<TableName, string> = {
  filter:
    'The default table, where packets are let through or thrown away. `INPUT` sees packets addressed to this host, `FORWARD` packets routed through it, `OUTPUT` packets this host sends.',
  nat:
    'Address and port translation (DNAT, SNAT, MASQUERADE, REDIRECT). Only the first packet of a connection walks these chains; connection tracking applies the decision to every later packet of that connection.',
  mangle: 'Changes packet fields and marks (MARK, CONNMARK, TOS/DSCP, TTL, TCPMSS). Its chains run after connection tracking has classified the packet.',
  raw:
    'Runs **before** connection tracking (hook priority −300, conntrack −200): the only place where `-j CT --notrack` (or the older `-j NOTRACK`) can keep packets out of the conntrack table. Untracked packets later match only `--ctstate UNTRACKED`.',
  security: 'Mandatory access control labels (SECMARK, CONNSECMARK, used by SELinux); runs after `filter`.',
};

const COMMANDS: Record<string, string> = {
  A: '**-A CHAIN rule** (`--append`): adds the rule at the end of the chain.',
  I: '**-I CHAIN [N] rule** (`--insert`): inserts the rule at position N (1 when omitted), before the rule that was there.',
  R: '**-R CHAIN N rule** (`--replace`): replaces rule number N.',
  D: '**-D CHAIN rule** or **-D CHAIN N** (`--delete`): removes the first rule equal to the given one, or rule number N.',
  C: '**-C CHAIN rule** (`--check`): fails when no such rule exists; changes nothing.',
  N: '**-N CHAIN** (`--new-chain`): creates a user chain (what `:CHAIN - [0:0]` does in a dump).',
  X: '**-X [CHAIN]** (`--delete-chain`): deletes an empty user chain that nothing jumps to (every user chain without a name).',
  F: '**-F [CHAIN]** (`--flush`): removes every rule of the chain (of every chain without a name).',
  Z: '**-Z [CHAIN [N]]** (`--zero`): resets packet and byte counters.',
  P: '**-P CHAIN POLICY** (`--policy`): sets the verdict of a built-in chain for packets no rule decided on (`ACCEPT` or `DROP`).',
  E: '**-E OLD NEW** (`--rename-chain`): renames a user chain.',
  L: '**-L [CHAIN]** (`--list`): prints rules; in a restore file it only produces output.',
  S: '**-S [CHAIN]** (`--list-rules`): prints rules as commands; in a restore file it only produces output.',
};

const OPTIONS: Record<string, string> = {
  p: '**-p PROTO** (`--protocol`): the layer-4 protocol (`tcp`, `udp`, `icmp`, `all`, a name from /etc/protocols or a number). Also loads the protocol\'s own match, so `--dport` and friends work without `-m tcp`.',
  s: '**-s ADDR[/MASK][,…]** (`--source`): source address or network; several comma-separated ones make one rule each.',
  d: '**-d ADDR[/MASK][,…]** (`--destination`): destination address or network.',
  i: '**-i IFACE** (`--in-interface`): the interface the packet arrived on (`+` at the end matches a prefix). Not valid in OUTPUT/POSTROUTING.',
  o: '**-o IFACE** (`--out-interface`): the interface the packet leaves through. Not valid in INPUT/PREROUTING.',
  f: '**-f** (`--fragment`): only second and later fragments of a fragmented IPv4 packet.',
  j: '**-j TARGET** (`--jump`): what happens when the rule matches: a verdict, a target extension, or a user chain (the packet comes back here when that chain ends or `RETURN`s).',
  g: '**-g CHAIN** (`--goto`): continue in CHAIN without coming back; a `RETURN` there returns to the chain that called this one.',
  m: '**-m MODULE** (`--match`): loads a match extension; the options after it belong to that module.',
  c: '**-c PACKETS BYTES** (`--set-counters`): initial counters of the rule (kept only by `iptables-restore --counters`).',
  t: '**-t** is not allowed in a restore file: the `*table` line chooses the table.',
  v: '**-v** (`--verbose`): more output; harmless in a restore file.',
  '4': '**-4**: IPv4 only; ip6tables-restore skips this line.',
  '6': '**-6**: IPv6 only; iptables-restore skips this line.',
};

const LONG_TO_LETTER: Record<string, string> = {
  '--protocol': 'p', '--source': 's', '--src': 's', '--destination': 'd', '--dst': 'd', '--in-interface': 'i', '--out-interface': 'o',
  '--fragment': 'f', '--fragments': 'f', '--jump': 'j', '--goto': 'g', '--match': 'm', '--set-counters': 'c', '--table': 't', '--verbose': 'v', '--ipv4': '4', '--ipv6': '6',
};

const VERDICTS: Record<string, string> = {
  ACCEPT: '**ACCEPT**: the packet leaves this chain and this table accepted (the next table or hook still sees it).',
  DROP: '**DROP**: the packet is discarded silently; nothing is sent back.',
  RETURN: '**RETURN**: back to the rule after the one that jumped here; in a built-in chain, the chain\'s policy decides.',
  QUEUE: '**QUEUE**: hands the packet to user space (queue 0).',
};

function letterOf(name: string): string | undefined {
  if (name.startsWith('--')) return LONG_TO_LETTER[name];
  return name.length === 2 ? name[1] : undefined;
}

function tableHover(doc: IptablesDocument, name: string, range: Range): Hover {
  const parts: string[] = [];
  if (isTableName(name)) {
    parts.push(`**table \`${name}\`**`, '', TABLES[name], '', `Built-in chains: ${BUILTIN_CHAINS[name].map((c) => `\`${c}\``).join(', ')}.`);
  } else {
    parts.push(`**table \`${name}\`**: not a table iptables knows (filter, nat, mangle, raw, security).`);
  }
  const tg = chainGraph(doc).tables.find((t) => t.table.startLine === range.start.line);
  if (tg) parts.push('', `${fmt(tg.ruleCount)} rule${tg.ruleCount === 1 ? '' : 's'} in this table after restore.`);
  return { contents: parts.join('\n'), range };
}

function chainHover(tg: TableGraph | undefined, name: string, range: Range): Hover | null {
  if (!tg) return null;
  const c = tg.chains.get(name);
  if (!c) return null;
  const head = c.builtin
    ? `**chain \`${name}\`** (built-in, table ${tg.table.name}) · policy **${c.policy ?? 'ACCEPT'}**`
    : `**chain \`${name}\`** (user chain, table ${tg.table.name})${c.deleted ? ' · deleted by the end of the table' : ''}`;
  const decl = c.decls[0];
  const where = decl ? `Declared on line ${decl.line + 1}.` : c.builtin ? '' : 'Not declared in this table.';
  return { contents: [head, '', chainExplanation(tg, c), ...(where ? ['', where] : [])].join('\n'), range };
}

function countersHover(c: Counters): Hover {
  const text = [
    `**counters** \`[${c.packets}:${c.bytes}]\`: packets and bytes seen so far.`,
    '',
    'iptables-restore ignores them unless run with `--counters` (`-c`), which then restores them.',
  ];
  if (!c.numeric) text.push('', '`iptables-restore --counters` would reject these: they are not two numbers.');
  return { contents: text.join('\n'), range: c.range };
}

export function hover(doc: IptablesDocument, at: Position): Hover | null {
  const l = doc.lines[at.line];
  if (!l) return null;
  const table = tableAt(doc, at.line);
  const tg = table ? chainGraph(doc).byTable.get(table) : undefined;
  switch (l.kind) {
    case 'table':
      return contains(l.range, at) ? tableHover(doc, l.name, l.nameRange) : null;
    case 'commit':
      return {
        contents: '**COMMIT**: ends the table. iptables-restore replaces the whole table with what was read here, in one step (atomically).',
        range: l.range,
      };
    case 'chain':
      if (contains(l.nameRange, at)) return chainHover(tg, l.name, l.nameRange);
      if (contains(l.policyRange, at) && l.policy) {
        const v = VERDICTS[l.policy];
        const text = l.builtin
          ? `**policy ${l.policy}**: the verdict for packets that reach the end of \`${l.name}\` without a decision.${v ? '\n\n' + v : ''}`
          : `**\`${l.policy}\`**: a user chain has no policy; packets that reach its end return to the calling chain.`;
        return { contents: text, range: l.policyRange };
      }
      if (l.counters && contains(l.counters.range, at)) return countersHover(l.counters);
      return null;
    case 'command':
      return commandHover(doc, l, at, tg);
    default:
      return null;
  }
}

function tokenAt(tokens: Token[], at: Position): Token | undefined {
  for (const t of tokens) {
    const r = t.range;
    if (r.start.character <= at.character && at.character <= r.end.character) return t;
  }
  return undefined;
}

function commandHover(doc: IptablesDocument, lazy: CommandLine, at: Position, tg: TableGraph | undefined): Hover | null {
  const cmd = peekCommand(lazy);
  if (cmd.counters && contains(cmd.counters.range, at)) return countersHover(cmd.counters);
  const tok = tokenAt(cmd.tokens, at);
  if (!tok) return null;
  const range = tok.range;
  if (cmd.chain && contains(cmd.chain.range, at)) return chainHover(tg, cmd.chain.value, cmd.chain.range);
  if (cmd.command === 'E' && cmd.arg && contains(cmd.arg.range, at)) return { contents: `New name of the chain \`${cmd.chain?.value ?? ''}\`.`, range: cmd.arg.range };
  if (cmd.command === 'P' && cmd.arg && contains(cmd.arg.range, at)) {
    return { contents: `**policy ${cmd.arg.value}** for \`${cmd.chain?.value ?? ''}\`${VERDICTS[cmd.arg.value] ? '\n\n' + VERDICTS[cmd.arg.value] : ''}`, range: cmd.arg.range };
  }
  const target = cmd.rule?.target;
  if (target && contains(target.nameRange, at)) {
    const c = tg?.chains.get(target.name);
    if (c && !c.builtin) return chainHover(tg, target.name, target.nameRange);
  }
  // extension docs first (modules, targets, their options, state names)
  const ext = describeAt(doc, cmd, tok, at);
  if (ext) return ext;
  if (tok === cmd.commandToken || contains(cmd.commandToken.range, at)) {
    const d = COMMANDS[cmd.command];
    if (d) return { contents: d, range: cmd.commandToken.range };
  }
  if (tok.value === '!' && !tok.quoted) return { contents: '**!** negates the option that follows it: the rule matches when that condition does **not** hold.', range };
  if (target && contains(target.nameRange, at) && (STANDARD_TARGETS as readonly string[]).includes(target.name)) {
    return { contents: VERDICTS[target.name], range: target.nameRange };
  }
  // core options (generic ones, -m, -j, -c …)
  const opts: Opt[] = [];
  if (cmd.rule) for (const g of cmd.rule.generic) if (g instanceof Opt) opts.push(g);
  for (const f of cmd.flags) if (f instanceof Opt) opts.push(f);
  for (const o of opts) {
    if (contains(o.nameRange, at)) {
      const letter = letterOf(o.name);
      const d = letter ? OPTIONS[letter] : undefined;
      if (d) return { contents: d, range: o.nameRange };
    }
  }
  const v = tok.value;
  const letter = v.startsWith('-') ? letterOf(v.split('=')[0]) : undefined;
  if (letter && (letter === 'm' || letter === 'j' || letter === 'g')) return { contents: OPTIONS[letter], range };
  return null;
}
