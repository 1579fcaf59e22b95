// IPT005: a target (or a restricted match) where the kernel refuses it.
//
// Checked against iptables-nft-restore 1.8.9 in `unshare -n`:
//  - the TABLE is always checked, even in a user chain nothing jumps to
//    (`*mangle … -A X -j REJECT` fails; `*nat … -j DROP` fails in userspace);
//  - the HOOK is checked for every built-in chain whose packets can reach the
//    rule's chain through jumps and gotos (a MASQUERADE in a user chain that
//    PREROUTING jumps to fails; in a chain nothing reaches it passes);
//  - nf_tables blames the line that completes the bad path: the rule itself, or
//    the jump that comes later in the file (then both lines are reported).
// Restrictions only the legacy backend enforces (TRACE) are not reported.

import { finding } from '../../codes';
import type { Finding, Range, RelatedInfo } from '../../types';
import type { CommandLine, IptablesDocument } from '../ast';
import { getTarget, targetPlacement, type Placement } from '../modules';
import { peekCommand } from '../parse';
import { HOOK_BIT, hookNames, lastJumpOnPath, lineFamily, restoreAnalysis, type TableAnalysis } from './analysis';
import { optionsAnalysis } from './options';

export function placementFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  const a = restoreAnalysis(doc);
  for (const ta of a.tables) {
    if (!ta.known) continue;
    for (const c of ta.graph.chains.values()) {
      for (const r of c.rules) {
        const name = r.targetName;
        if (name === undefined || r.targetKind === 'goto') continue;
        const spec = getTarget(name, lineFamily(doc, r));
        if (!spec) continue;
        const byOption = spec.options.some((o) => o.placement);
        if (!spec.placement && !byOption) continue;
        let p: Placement | null = spec.placement;
        if (byOption) p = targetPlacement(name, (peekCommand(r).rule?.target?.options ?? []).map((o) => o.name));
        if (!p || p.legacyOnly) continue;
        check(ta, r, c.name, p, `-j ${name}`, () => r.rule?.target?.nameRange ?? r.range, out);
      }
    }
  }
  // restricted matches (collected by the options pass)
  for (const need of optionsAnalysis(doc).needs) {
    const ta = a.tables.find((t) => need.cmd.line > t.block.startLine && need.cmd.line <= t.block.endLine);
    const chain = need.cmd.chainName;
    if (!ta || !ta.known || chain === undefined) continue;
    check(ta, need.cmd, chain, need.placement, `-m ${need.name}`, () => need.range, out);
  }
  return out;
}

function list(xs: readonly string[]): string {
  return xs.length === 1 ? xs[0] : xs.slice(0, -1).join(', ') + ' and ' + xs[xs.length - 1];
}

function check(ta: TableAnalysis, rule: CommandLine, chain: string, p: Placement, what: string, range: () => Range, out: Finding[]): void {
  const table = ta.block.name;
  if (!(p.tables as readonly string[]).includes(table)) {
    const message =
      what === '-j DROP' && table === 'nat'
        ? '`-j DROP` is refused in the nat table (iptables: "The nat table is not intended for filtering"); drop in the filter table instead'
        : `\`${what}\` is not allowed in the ${table} table (only ${list(p.tables.map((t) => `\`${t}\``))}); the kernel refuses the rule`;
    out.push(finding('IPT005', range(), message, { data: { table, chain } }));
    return;
  }
  const info = ta.graph.chains.get(chain);
  const builtin = !!info?.builtin;
  const mask = builtin ? HOOK_BIT[chain] ?? 0 : ta.hooks.get(chain) ?? 0;
  const allowed = p.chains.reduce((m, h) => m | (HOOK_BIT[h] ?? 0), 0);
  const bad = hookNames(mask & ~allowed);
  if (!bad.length) return;
  const where = `only ${list(p.chains)} of the ${table} table`;
  if (builtin) {
    out.push(finding('IPT005', range(), `\`${what}\` is not allowed in ${chain}: ${where}; the kernel refuses the rule`, { data: { table, chain } }));
    return;
  }
  const hook = bad[0];
  const last = lastJumpOnPath(ta, hook, chain);
  const related: RelatedInfo[] = (last?.path ?? []).map((e) => ({ range: e.rule.range, message: `${e.from} → ${e.to}` }));
  out.push(
    finding(
      'IPT005',
      range(),
      `\`${what}\` is not allowed here: chain \`${chain}\` is reached from ${list(bad)}${last && last.path.length ? ` (${[hook, ...last.path.map((e) => e.to)].join(' → ')})` : ''}, but it works in ${where}; the kernel refuses the rule`,
      { data: { table, chain, hooks: bad }, ...(related.length ? { related } : {}) },
    ),
  );
  if (last && last.line > rule.line) {
    out.push(
      finding(
        'IPT005',
        last.rule.rule?.target?.nameRange ?? last.rule.range,
        `this jump lets ${hook} packets reach \`${chain}\`, whose rule on line ${rule.line + 1} uses \`${what}\` (which works in ${where}); iptables-nft-restore fails on this line`,
        { data: { table, chain: last.rule.chainName, hooks: [hook] }, related: [{ range: rule.range, message: `\`${what}\` here` }] },
      ),
    );
  }
}
