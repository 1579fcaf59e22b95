// Refactor "Stop tracking port P" on a filter rule that accepts `--dport P`
// (tcp/udp, or multiport `--dports`): take the port's traffic out of
// connection tracking in both directions, as the raw-table recipe does, and
// keep it reachable:
//
//   raw     -A PREROUTING -p tcp -m tcp --dport P -j CT --notrack   (requests)
//           -A OUTPUT -p tcp -m tcp --sport P -j CT --notrack       (replies)
//           (the `*raw` table is created when the dump has none)
//   filter  a copy of the rule for UNTRACKED packets just before it, when
//           its state test would not admit them, and an UNTRACKED accept for
//           the replies in OUTPUT when something there would drop them.
//
// Raw rules that an existing NOTRACK rule already covers are not added again.

import type { CodeAction, Range, TextEdit } from '../../types';
import type { CommandLine, IptablesDocument } from '../ast';
import type { TableGraph } from '../chains';
import { findOption, getModule } from '../modules';
import { parseIptables, peekCommand } from '../parse';
import { lineText } from '../util';
import { emptyConds, protocolNumber, ruleConds, subset, type Conds } from './conds';
import { analysis, entryChains, walk, type Analysis } from './model';
import { appendOnly, appendPoint, conditionText, docEol, indexPoint, insertEdit, mergeEdits } from './text';

/** At most this many lines of a selection are looked at (a rule, not a whole file). */
const MAX_LINES = 200;

interface PortSpec {
  proto: 'tcp' | 'udp';
  ports: string;
  multi: boolean;
}

/** The rule's single accepted destination port (list or range), if it has exactly one such test. */
function portSpec(cmd: CommandLine): PortSpec | undefined {
  const rule = peekCommand(cmd).rule;
  if (!rule?.protocol || rule.protocol.negated) return undefined;
  const n = protocolNumber(rule.protocol.value);
  const proto = n === 6 ? 'tcp' : n === 17 ? 'udp' : undefined;
  if (!proto) return undefined;
  let found: PortSpec | undefined;
  for (const m of rule.matches) {
    if (m.name !== proto && m.name !== 'multiport') continue;
    const spec = getModule(m.name);
    if (!spec) return undefined;
    for (const o of m.options) {
      const can = findOption(spec, o.name)?.name;
      const want = m.name === 'multiport' ? '--dports' : '--dport';
      if (can !== want) continue;
      if (found || o.negated || o.values.length !== 1 || !/^[A-Za-z0-9:,_.-]+$/.test(o.values[0].value)) return undefined;
      found = { proto, ports: o.values[0].value, multi: m.name === 'multiport' };
    }
  }
  return found;
}

function condsOf(line: string): Conds {
  const doc = parseIptables(`*raw\n${line}\nCOMMIT\n`);
  const cmd = doc.tables[0]?.commands[0];
  return cmd ? ruleConds(cmd) : { ...emptyConds(), unknown: true };
}

function reachedOnlyFromInput(g: TableGraph, chain: string): boolean {
  if (chain === 'INPUT') return true;
  const c = g.chains.get(chain);
  if (!c || c.builtin) return false;
  const e = entryChains(g, chain);
  return e.size === 1 && e.has('INPUT');
}

function stopTracking(a: Analysis, g: TableGraph, cmd: CommandLine): CodeAction | undefined {
  const doc = a.doc;
  if (cmd.targetName !== 'ACCEPT' || cmd.command !== 'A' || cmd.chainName === undefined) return undefined;
  const chain = cmd.chainName;
  if (!g.chains.get(chain)?.rules.includes(cmd) || !reachedOnlyFromInput(g, chain)) return undefined;
  const p = portSpec(cmd);
  if (!p) return undefined;
  const own = a.conds(cmd);
  if (own.state === 'unknown' || own.unknown) return undefined;

  const pre = p.multi ? `-p ${p.proto} -m multiport --dports ${p.ports}` : `-p ${p.proto} -m ${p.proto} --dport ${p.ports}`;
  const rep = p.multi ? `-p ${p.proto} -m multiport --sports ${p.ports}` : `-p ${p.proto} -m ${p.proto} --sport ${p.ports}`;
  const preRule = `-A PREROUTING ${pre} -j CT --notrack`;
  const outRule = `-A OUTPUT ${rep} -j CT --notrack`;
  const preConds = condsOf(preRule);
  const outConds = condsOf(outRule);
  const needPre = !a.classes.some((k) => k.hook === 'PREROUTING' && subset(preConds, k.conds, false));
  const needOut = !a.classes.some((k) => k.hook === 'OUTPUT' && subset(outConds, k.conds, false));

  const edits: TextEdit[] = [];
  // raw: the two NOTRACK rules, or a new raw table
  const raw = a.table('raw');
  if (needPre || needOut) {
    if (raw) {
      for (const [need, chainName, text] of [
        [needPre, 'PREROUTING', preRule],
        [needOut, 'OUTPUT', outRule],
      ] as const) {
        if (!need) continue;
        const at = appendPoint(doc, raw, chainName);
        if (!at) return undefined;
        edits.push(insertEdit(doc, at, [text]));
      }
    } else {
      const line = g.table.startLine;
      // iptables-restore rejects a `*table` line that ends in a CR (it reads the name as `raw\r`),
      // and editors write new lines with the document's line ending: in a CR or CRLF file the new
      // table would be refused, so no refactor there.
      if (docEol(doc, line) !== '\n') return undefined;
      const lines = ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', preRule, outRule, 'COMMIT'];
      edits.push(insertEdit(doc, { line, anchor: lineText(doc, line) }, lines));
    }
  }
  // filter: the rule again for UNTRACKED packets, just before it
  if (own.state === false) {
    const cond = conditionText(doc, cmd);
    if (cond === undefined || !appendOnly(g.table, chain)) return undefined;
    edits.push(insertEdit(doc, { line: cmd.line, anchor: lineText(doc, cmd.line) }, [`-A ${chain} ${cond ? cond + ' ' : ''}-m conntrack --ctstate UNTRACKED -j ACCEPT`]));
  }
  // filter OUTPUT: let the untracked replies out if something there drops them
  const out = walk(a, g, 'OUTPUT', outConds);
  if (out.aborted) return undefined;
  if (out.drop) {
    const at = indexPoint(doc, g, 'OUTPUT', out.drop.rootIndex);
    if (!at) return undefined;
    edits.push(insertEdit(doc, at, [`-A OUTPUT ${rep} -m conntrack --ctstate UNTRACKED -j ACCEPT`]));
  }
  if (!edits.length) return undefined;
  const many = p.multi || p.ports.includes(':');
  return { title: `Stop tracking port${many ? 's' : ''} ${p.ports}`, kind: 'refactor', edits: mergeEdits(edits) };
}

/** "Stop tracking port P" for the filter rules in `range`. */
export function stopTrackingActions(doc: IptablesDocument, range: Range): CodeAction[] {
  const out: CodeAction[] = [];
  if (range.end.line - range.start.line > MAX_LINES) return out;
  let a: Analysis | undefined;
  for (let l = range.start.line; l <= range.end.line && l < doc.lines.length; l++) {
    const node = doc.lines[l];
    if (node?.kind !== 'command' || node.table !== 'filter' || !node.hasRule || node.targetName !== 'ACCEPT') continue;
    a ??= analysis(doc);
    const g = a.table('filter');
    if (!g || l < g.table.startLine || l > g.table.endLine) continue;
    const act = stopTracking(a, g, node);
    if (act) out.push(act);
  }
  return out;
}
