// Chains as iptables-restore creates them, line by line (checked against
// iptables-nft-restore and iptables-legacy-restore 1.8.9 in `unshare -n`):
//
//  - `*table` starts with the table's built-in chains; `:NAME` and `-N NAME`
//    create a user chain, `-X` deletes, `-E` renames. A chain must exist BEFORE
//    a line uses it: `-A FOO …` or `-j FOO` above `:FOO` fails.
//  - IPT002  `-j/-g NAME`: NAME is neither a target nor an existing user chain
//            ("Chain 'NAME' does not exist", blamed on COMMIT); jumping to a
//            built-in chain fails too, and `-g` needs a user chain.
//  - IPT003  `-A/-I/-R/-D/-C/-F/-Z/-X/-E NAME` on a chain that does not exist
//            ("No chain/target/match by that name").
//  - IPT004  `:NAME` twice: iptables-nft-restore accepts it and EMPTIES the chain
//            again (rules added in between are gone); iptables-legacy-restore
//            refuses it ("File exists"): a warning. `-N` of an existing chain
//            fails with both ("Chain already exists"): an error.
//  - IPT010  a built-in chain's policy must be ACCEPT or DROP (`-` keeps it);
//            anything else fails ("Bad policy name"). A policy on a user chain
//            (`:FOO ACCEPT`) is ignored by iptables-nft-restore but refused by
//            iptables-legacy-restore ("Bad built-in chain name"): a warning.
//            `-P` on a user chain fails with both.
//
// One pass over the lines, using only the cheap per-line fields of commands.

import { finding } from '../../codes';
import type { Finding, Range, RelatedInfo } from '../../types';
import { BUILTIN_CHAINS, isTableName, type ChainLine, type CommandLine, type IptablesDocument, type TableBlock } from '../ast';
import { getTarget, listTargets } from '../modules';
import { clashesWithTarget, MAX_CHAIN_NAME, peekCommand, utf8Length } from '../parse';
import { lineFamily, skippedLine } from './analysis';
import { ADDON_TARGETS } from './names';
import { closest } from './suggest';

/** Commands that need an existing chain (all but -N, -P, -L/-S, which say other things). */
const NEEDS_CHAIN = new Set(['A', 'I', 'R', 'D', 'C', 'F', 'Z', 'X', 'E']);
/** Commands a missing chain can be declared for (a fix that then deletes or renames it makes no sense). */
const DECLARABLE = new Set(['A', 'I', 'R', 'D', 'C', 'F', 'Z']);

const POLICIES = new Set(['ACCEPT', 'DROP']);

function rel(range: Range, message: string): RelatedInfo {
  return { range, message };
}

interface DeclState {
  /** Existing chains: true for built-in. */
  exists: Map<string, boolean>;
  /** Where each existing user chain was (last) declared. */
  declaredAt: Map<string, ChainLine | CommandLine>;
  /** Names touched by -E: their state is not modelled further (iptables-nft treats them oddly). */
  renamed: Set<string>;
  /** Built-in chains declared with `:NAME` so far. */
  builtinDecl: Map<string, ChainLine>;
  /** Line of the last `:NAME` declaration so far (or the `*table` line). */
  lastDeclLine: number;
  /** The rules of each chain so far (for -X: a chain must be empty and unreferenced). */
  rules: Map<string, CommandLine[]>;
}

function declRange(d: ChainLine | CommandLine): Range {
  return d.kind === 'chain' ? d.nameRange : d.chain?.range ?? d.range;
}

/** First declaration line of each name in the table (for "declared later"). */
function firstDeclarations(t: TableBlock): Map<string, ChainLine> {
  const m = new Map<string, ChainLine>();
  for (const c of t.chains) {
    const old = m.get(c.name);
    if (!old || c.line < old.line) m.set(c.name, c);
  }
  return m;
}

export function declarationFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  // a line with a syntax error (IPT001) fails for that reason; its chain and target are not judged
  const syntax = new Set<number>();
  for (const e of doc.errors) syntax.add(e.range.start.line);
  for (const t of doc.tables) {
    if (!isTableName(t.name)) continue; // IPT001 already rejects the table
    checkTable(doc, t, out, syntax);
  }
  return out;
}

function checkTable(doc: IptablesDocument, t: TableBlock, out: Finding[], syntax: Set<number>): void {
  const st: DeclState = { exists: new Map(), declaredAt: new Map(), renamed: new Set(), builtinDecl: new Map(), lastDeclLine: t.startLine, rules: new Map() };
  for (const b of BUILTIN_CHAINS[t.name as keyof typeof BUILTIN_CHAINS]) st.exists.set(b, true);
  const first = firstDeclarations(t);
  const end = Math.min(t.endLine, doc.lines.length - 1);
  for (let ln = t.startLine + 1; ln <= end; ln++) {
    const l = doc.lines[ln];
    if (!l) continue;
    if (l.kind === 'chain') {
      chainLine(l, st, out);
      st.lastDeclLine = ln;
    } else if (l.kind === 'command') {
      if (skippedLine(doc, l)) continue;
      const mark = out.length;
      command(doc, t, l, st, first, out);
      if (syntax.has(ln)) out.length = mark;
    }
  }
}

function chainLine(l: ChainLine, st: DeclState, out: Finding[]): void {
  const builtin = st.exists.get(l.name) === true;
  if (builtin) {
    const prev = st.builtinDecl.get(l.name);
    if (prev) {
      out.push(
        finding('IPT004', l.nameRange, `built-in chain \`${l.name}\` is declared twice (first on line ${prev.line + 1}); this later line sets its policy again (${l.policy || 'none'}).`, {
          related: [rel(prev.nameRange, 'first declaration')],
          data: { chain: l.name, first: prev.line },
        }),
      );
    }
    st.builtinDecl.set(l.name, l);
    if (l.policy && l.policy !== '-' && !POLICIES.has(l.policy)) {
      out.push(
        finding('IPT010', l.policyRange, `\`${l.policy}\` is not a policy: a built-in chain's policy is ACCEPT or DROP (\`-\` keeps the current one). iptables-restore fails here ("Bad policy name").`, {
          data: { chain: l.name, policy: l.policy },
        }),
      );
    }
    return;
  }
  if (st.exists.has(l.name) && !st.renamed.has(l.name)) {
    const prev = st.declaredAt.get(l.name);
    const f = finding(
      'IPT004',
      l.nameRange,
      `chain \`${l.name}\` is already declared${prev ? ` on line ${prev.line + 1}` : ''}. iptables-nft-restore empties it again here (rules added to it above this line are lost); iptables-legacy-restore refuses the file ("error creating chain '${l.name}': File exists").`,
      { data: { chain: l.name, ...(prev ? { first: prev.line } : {}) }, ...(prev ? { related: [rel(declRange(prev), 'first declaration')] } : {}) },
    );
    out.push(f);
  }
  st.exists.set(l.name, false);
  st.declaredAt.set(l.name, l);
  st.rules.set(l.name, []);
  if (l.policy && l.policy !== '-') {
    const f = finding(
      'IPT010',
      l.policyRange,
      `a user chain has no policy: write \`:${l.name} - [0:0]\`. iptables-nft-restore ignores \`${l.policy}\` here, but iptables-legacy-restore refuses the file ("Can't set policy \`${l.policy}' on \`${l.name}': Bad built-in chain name").`,
      { data: { chain: l.name, policy: l.policy, user: true } },
    );
    f.severity = 'warning';
    out.push(f);
  }
}

function command(doc: IptablesDocument, t: TableBlock, cmd: CommandLine, st: DeclState, first: Map<string, ChainLine>, out: Finding[]): void {
  const name = cmd.chainName;
  switch (cmd.command) {
    case 'N':
      if (name === undefined) return;
      if (st.exists.has(name) && !st.renamed.has(name)) {
        const prev = st.declaredAt.get(name);
        const builtin = st.exists.get(name) === true;
        out.push(
          finding(
            'IPT004',
            cmd.chain?.range ?? cmd.range,
            builtin
              ? `\`${name}\` is a built-in chain of the ${t.name} table; -N cannot create it (iptables-restore: "Chain already exists").`
              : `chain \`${name}\` already exists${prev ? ` (declared on line ${prev.line + 1})` : ''}; -N fails here with both iptables backends ("Chain already exists").`,
            { data: { chain: name, ...(prev ? { first: prev.line } : {}) }, ...(prev ? { related: [rel(declRange(prev), 'first declaration')] } : {}) },
          ),
        );
        out[out.length - 1].severity = 'error';
        return;
      }
      st.exists.set(name, false);
      st.declaredAt.set(name, cmd);
      st.rules.set(name, []);
      return;
    case 'X':
      if (name === undefined) {
        const busy = [...st.exists].filter(([n, b]) => !b && deleteProblem(st, n));
        if (busy.length) {
          out.push(
            finding('IPT003', cmd.commandToken.range, `-X cannot delete ${busy.map(([n]) => `\`${n}\``).join(', ')}: a chain must be empty and no rule may jump to it (iptables-nft-restore: "CHAIN_DEL failed (Device or resource busy)")`, {
              data: { chains: busy.map(([n]) => n) },
            }),
          );
          return;
        }
        for (const [n, b] of [...st.exists]) if (!b) st.exists.delete(n);
        return;
      }
      if (st.exists.get(name) === false) {
        const why = deleteProblem(st, name);
        if (why) {
          out.push(finding('IPT003', cmd.chain?.range ?? cmd.range, `-X cannot delete \`${name}\`: ${why} (iptables-nft-restore: "CHAIN_DEL failed (Device or resource busy)")`, { data: { chain: name } }));
          return;
        }
        st.exists.delete(name);
        st.rules.delete(name);
        return;
      }
      break; // a missing chain: reported below
    case 'E': {
      const to = cmd.arg?.value;
      if (name !== undefined && st.exists.get(name) === false) {
        st.exists.delete(name);
        st.renamed.add(name);
        if (to !== undefined) {
          st.rules.set(to, st.rules.get(name) ?? []);
          st.exists.set(to, false);
          st.renamed.add(to);
          st.declaredAt.set(to, cmd);
        }
        return;
      }
      break;
    }
    case 'P': {
      if (name === undefined) return;
      if (st.exists.get(name) !== true) {
        out.push(
          finding('IPT010', cmd.chain?.range ?? cmd.range, `-P sets the policy of a built-in chain; \`${name}\` is not one in the ${t.name} table (iptables-restore: "Bad built-in chain name").`, {
            data: { chain: name },
          }),
        );
        return;
      }
      const p = cmd.arg;
      if (p && !POLICIES.has(p.value)) {
        out.push(
          finding('IPT010', p.range, `\`${p.value}\` is not a policy: use ACCEPT or DROP (iptables-restore: "Bad policy name").`, {
            data: { chain: name, policy: p.value },
          }),
        );
      }
      return;
    }
    default:
      break;
  }

  if (name !== undefined && NEEDS_CHAIN.has(cmd.command) && !st.exists.has(name) && !st.renamed.has(name)) {
    out.push(missingChain(doc, cmd, name, t, st, first));
  }

  if (cmd.hasRule && cmd.targetName !== undefined) {
    const f = checkTarget(doc, t, cmd, cmd.targetName, cmd.targetKind ?? 'jump', st, first);
    if (f) out.push(f);
  }
  trackRules(st, cmd);
}

/** Keeps `st.rules` as restore changes the chains (-A -I -R -D -F). */
function trackRules(st: DeclState, cmd: CommandLine): void {
  const name = cmd.chainName;
  if (cmd.command === 'F') {
    // `-F` without a chain flushes nothing in iptables-nft-restore 1.8.9 (checked
    // with iptables-nft-save; the legacy backend flushes every chain), so a later
    // -X still finds the rules: only `-F CHAIN` empties a chain here.
    if (name !== undefined && st.rules.has(name)) st.rules.set(name, []);
    return;
  }
  if (name === undefined || !st.exists.has(name)) return;
  let list = st.rules.get(name);
  if (!list) st.rules.set(name, (list = []));
  if (cmd.command === 'A') {
    list.push(cmd);
    return;
  }
  const num = (): number | undefined => {
    const n = Number(cmd.arg?.value);
    return Number.isInteger(n) && n >= 1 ? n : undefined;
  };
  switch (cmd.command) {
    case 'I': {
      const n = cmd.arg ? num() : 1;
      if (n !== undefined) list.splice(Math.min(n - 1, list.length), 0, cmd);
      break;
    }
    case 'R': {
      const n = num();
      if (n !== undefined && n <= list.length) list[n - 1] = cmd;
      break;
    }
    case 'D': {
      if (!cmd.hasRule) {
        const n = num();
        if (n !== undefined && n <= list.length) list.splice(n - 1, 1);
      } else {
        const spec = ruleSpecText(cmd);
        const i = list.findIndex((r) => ruleSpecText(r) === spec);
        if (i >= 0) list.splice(i, 1);
      }
      break;
    }
    default:
      break;
  }
}

/** The words after the chain (and rule number), to compare rules for -D. */
function ruleSpecText(cmd: CommandLine): string {
  const full = peekCommand(cmd);
  const toks = full.tokens;
  let i = toks.indexOf(full.commandToken) + (full.chain ? 2 : 1);
  if (full.arg && (full.command === 'I' || full.command === 'R')) i++;
  return toks
    .slice(i)
    .map((x) => x.value)
    .join(' ');
}

/** Why -X cannot delete user chain `name` now, or undefined. */
function deleteProblem(st: DeclState, name: string): string | undefined {
  const own = st.rules.get(name) ?? [];
  if (own.length) return `it still holds ${own.length} rule${own.length === 1 ? '' : 's'} (flush it with -F first)`;
  for (const [chain, rules] of st.rules) {
    for (const r of rules) if (r.targetName === name) return `the rule on line ${r.line + 1} (chain ${chain}) still jumps to it`;
  }
  return undefined;
}

/** Where the declare fix inserts (the last chain declaration above, or `*table`): related information. */
function anchor(doc: IptablesDocument, st: DeclState): RelatedInfo {
  const l = doc.lines[st.lastDeclLine];
  return { range: l ? l.range : { start: { line: st.lastDeclLine, character: 0 }, end: { line: st.lastDeclLine, character: 0 } }, message: 'the chain declarations above the rule end here' };
}

/** A name `:NAME - [0:0]` can declare (else the fix would add a syntax error). */
function declarable(name: string, family: IptablesDocument['family']): boolean {
  return name !== '' && !/[\s"]/.test(name) && name[0] !== '-' && name[0] !== '!' && utf8Length(name) <= MAX_CHAIN_NAME && !clashesWithTarget(name, family);
}

function declareData(chain: string, st: DeclState, later: ChainLine | undefined, line: number, family: IptablesDocument['family']): Record<string, unknown> {
  if (!declarable(chain, family)) return {};
  const data: Record<string, unknown> = { fix: 'declare', chain, after: st.lastDeclLine };
  if (later && later.line > line) data.move = later.line;
  return data;
}

function missingChain(doc: IptablesDocument, cmd: CommandLine, name: string, t: TableBlock, st: DeclState, first: Map<string, ChainLine>): Finding {
  const later = first.get(name);
  const range = cmd.chain?.range ?? cmd.range;
  const related: RelatedInfo[] = [];
  let message: string;
  let data: Record<string, unknown> = {};
  if (later && later.line > cmd.line) {
    message = `chain \`${name}\` is used before it is declared (line ${later.line + 1}); iptables-restore creates chains line by line, so this line fails ("No chain/target/match by that name"). Move the declaration up.`;
    related.push(rel(declRange(later.fromCommand ?? later), 'declared here, too late'));
  } else {
    message = `chain \`${name}\` does not exist in the ${t.name} table at this point; declare it with \`:${name} - [0:0]\` (iptables-restore: "No chain/target/match by that name").`;
  }
  if (DECLARABLE.has(cmd.command)) {
    data = declareData(name, st, later, cmd.line, doc.family);
    if (data.fix) related.push(anchor(doc, st));
  }
  const guess = closest(name, st.exists.keys());
  if (guess && !(later && later.line > cmd.line)) {
    message += ` Did you mean \`${guess}\`?`;
    data.suggestion = guess;
  }
  data.chain = name;
  return finding('IPT003', range, message, { data, ...(related.length ? { related } : {}) });
}

function checkTarget(
  doc: IptablesDocument,
  t: TableBlock,
  cmd: CommandLine,
  name: string,
  kind: 'jump' | 'goto',
  st: DeclState,
  first: Map<string, ChainLine>,
): Finding | undefined {
  const family = lineFamily(doc, cmd);
  const isTarget = !!getTarget(name, family);
  if (kind === 'jump' && isTarget) return undefined;
  const state = st.exists.get(name);
  if (state === false || st.renamed.has(name)) return undefined;
  const range = () => cmd.rule?.target?.nameRange ?? cmd.range;
  const flag = kind === 'goto' ? '-g' : '-j';
  if (state === true) {
    return finding(
      'IPT002',
      range(),
      `\`${name}\` is a built-in chain; ${flag} can only go to a user chain (iptables-restore fails at COMMIT).`,
      { data: { chain: name, builtin: true } },
    );
  }
  if (kind === 'goto' && isTarget) {
    return finding('IPT002', range(), `-g needs a user chain; \`${name}\` is a target: write \`-j ${name}\` (iptables-restore: "Chain '${name}' does not exist").`, {
      data: { chain: name, target: true },
    });
  }
  if (kind === 'jump' && ADDON_TARGETS.has(name)) {
    const f = finding(
      'IPT002',
      range(),
      `\`${name}\` is not a target of iptables 1.8.9 (it comes from an add-on such as xtables-addons); without that add-on iptables-restore reads it as a chain name and fails ("Chain '${name}' does not exist").`,
      { data: { chain: name, addon: true } },
    );
    f.severity = 'warning';
    return f;
  }
  const later = first.get(name);
  const data = declareData(name, st, later, cmd.line, doc.family);
  const related: RelatedInfo[] = data.fix ? [anchor(doc, st)] : [];
  let message: string;
  const other = kind === 'jump' ? getTarget(name) : undefined;
  if (later && later.line > cmd.line) {
    message = `chain \`${name}\` is declared only later (line ${later.line + 1}); a chain must exist before a rule jumps to it, so iptables-restore fails ("Chain '${name}' does not exist"). Move the declaration up.`;
    related.push(rel(declRange(later.fromCommand ?? later), 'declared here, too late'));
  } else if (other) {
    message = `\`${name}\` is an ${other.family === 'ipv4' ? 'IPv4 (iptables)' : 'IPv6 (ip6tables)'} target only; here it is read as a chain name that does not exist ("Chain '${name}' does not exist").`;
    delete data.fix;
    related.length = 0;
  } else {
    message = `no chain or target \`${name}\` in the ${t.name} table; iptables-restore fails at COMMIT ("Chain '${name}' does not exist").`;
    const users = [...st.exists].filter(([, b]) => !b).map(([n]) => n);
    const targets = kind === 'jump' ? listTargets(family).map((x) => x.name) : [];
    const guess = closest(name, [...users, ...targets]);
    if (guess) {
      message += ` Did you mean \`${guess}\`?`;
      data.suggestion = guess;
    }
  }
  return finding('IPT002', range(), message, { data, ...(related.length ? { related } : {}) });
}
