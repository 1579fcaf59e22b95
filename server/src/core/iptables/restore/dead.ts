// IPT008: rules that can never run, because an earlier rule of the same chain
// ends every packet's walk: ACCEPT, DROP, REJECT, RETURN or a goto, with no
// condition at all. A comment is not a condition (`-m comment` matches every
// packet), nor is `-p all`. Order is the chain's order after restore (-I/-D/-R
// applied), as ../chains.ts computes it.
//
// IPT009: a user chain no rule jumps or goes to (after restore): its rules never
// see a packet. A hint, since a chain may be kept on purpose for later use.

import { finding } from '../../codes';
import type { Finding } from '../../types';
import type { CommandLine, IptablesDocument } from '../ast';
import { peekCommand } from '../parse';
import { isUserChain, restoreAnalysis } from './analysis';

const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN']);

/** Terminal and without any condition. */
export function isUnconditionalVerdict(cmd: CommandLine): boolean {
  if (cmd.targetName === undefined) return false;
  if (cmd.targetKind !== 'goto' && !TERMINAL.has(cmd.targetName)) return false;
  const full = peekCommand(cmd);
  const rule = full.rule;
  if (!rule || rule.stray.length) return false;
  if (full.flags.some((f) => f.name === '-4' || f.name === '-6' || f.name === '--ipv4' || f.name === '--ipv6')) return false;
  for (const g of rule.generic) {
    const isProto = g.name === '-p' || g.name === '--protocol';
    if (!(isProto && !g.negated && g.values[0] && (g.values[0].value.toLowerCase() === 'all' || g.values[0].value === '0'))) return false;
  }
  for (const m of rule.matches) {
    if (m.name !== 'comment' || m.implicit) return false;
    // only `--comment` (or a prefix of it): another option here (an abbreviated
    // core option such as `--sour`) is a condition
    for (const o of m.options) if (o.negated || o.name.length < 5 || !'--comment'.startsWith(o.name)) return false;
  }
  return true;
}

export function deadRuleFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  for (const ta of restoreAnalysis(doc).tables) {
    for (const c of ta.graph.chains.values()) {
      const rules = c.rules;
      let stop = -1;
      for (let i = 0; i < rules.length - 1; i++) {
        if (isUnconditionalVerdict(rules[i])) {
          stop = i;
          break;
        }
      }
      if (stop < 0) continue;
      const v = rules[stop];
      const verdict = v.targetKind === 'goto' ? `-g ${v.targetName}` : `-j ${v.targetName}`;
      for (let i = stop + 1; i < rules.length; i++) {
        const r = rules[i];
        out.push(
          finding('IPT008', r.range, `never runs: the rule on line ${v.line + 1} (\`${verdict}\` without conditions) ends every packet's walk through \`${c.name}\` before this rule`, {
            related: [{ range: v.range, message: `\`${verdict}\` takes every packet` }],
            data: { chain: c.name, verdictLine: v.line },
          }),
        );
      }
    }
  }
  return out;
}

export function unusedChainFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  for (const ta of restoreAnalysis(doc).tables) {
    if (!ta.known) continue;
    for (const c of ta.graph.chains.values()) {
      if (!isUserChain(c)) continue;
      if (c.refs.some((r) => r.chainName !== c.name)) continue;
      const d = c.decls[c.decls.length - 1];
      out.push(
        finding('IPT009', d.nameRange, `no rule jumps or goes to \`${c.name}\`, so its ${c.rules.length} rule${c.rules.length === 1 ? '' : 's'} never see a packet`, {
          data: { chain: c.name },
        }),
      );
    }
  }
  return out;
}
