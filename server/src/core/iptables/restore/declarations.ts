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
// After an incremental re-parse only the edited lines are judged again when
// every declaration of their table lies above them (see patched()).

import { finding } from '../../codes';
import type { Finding, Range, RelatedInfo } from '../../types';
import { BUILTIN_CHAINS, isTableName, type ChainLine, type CommandLine, type IptablesDocument, type TableBlock } from '../ast';
import { getTarget, listTargets } from '../modules';
import { clashesWithTarget, MAX_CHAIN_NAME, peekCommand, utf8Length } from '../parse';
import { lineEdit, moveRange, type LineEdit } from '../incremental';
import { lineFamily, skippedLine } from './analysis';
import { ADDON_TARGETS } from './names';
import { closest, SuggestionIndex } from './suggest';
import { firstAtOrAfter } from '../../text';

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
  /** The rules of each chain so far (for -X: a chain must be empty and unreferenced); kept only when the table has -X. */
  rules: Map<string, CommandLine[]>;
  /** The table has a -X command (else `rules` is not kept). */
  trackRules: boolean;
  /** First declaration line of each name in the table (for "declared later"), built on first use. */
  first: () => Map<string, ChainLine>;
  /** A chain name known to exist now (consecutive rules mostly name the same chain); cleared when chains are deleted. */
  present?: string;
  /** For a frozen state (it no longer changes): "did you mean" over its chains, and over the candidates for a missing target per family and kind (built once, reused by every edit below the declarations). */
  suggestions?: Map<string, SuggestionIndex>;
}

function declRange(d: ChainLine | CommandLine): Range {
  return d.kind === 'chain' ? d.nameRange : d.chain?.range ?? d.range;
}

/** First declaration line of each name in the table (for "declared later"), built on first call. */
function firstDeclarations(t: TableBlock): () => Map<string, ChainLine> {
  const chains = t.chains;
  let m: Map<string, ChainLine> | undefined;
  return () => {
    if (!m) {
      m = new Map();
      for (const c of chains) {
        const old = m.get(c.name);
        if (!old || c.line < old.line) m.set(c.name, c);
      }
    }
    return m;
  };
}

/** One table's findings, and what an edit below its declarations needs to judge the new lines. */
interface TableResult {
  findings: Finding[];
  /**
   * Without -X and -E in the table, the state stops changing after the last
   * declaration (`:NAME` or `-N`, line `after`): every command below it is then
   * judged by this state and its own line alone.
   */
  frozen?: { st: DeclState; after: number };
}

/** Per document: one entry per table (undefined for tables iptables does not know). */
type DeclResult = (TableResult | undefined)[];

const cache = new WeakMap<IptablesDocument, DeclResult>();

export function declarationFindings(doc: IptablesDocument): Finding[] {
  let r = cache.get(doc);
  if (!r) {
    r = patched(doc) ?? run(doc);
    cache.set(doc, r);
  }
  const out: Finding[] = [];
  for (const t of r) if (t) for (const f of t.findings) out.push(f);
  return out;
}

/** Lines with a syntax error (IPT001): such a line fails for that reason; its chain and target are not judged. */
function syntaxLines(doc: IptablesDocument): Set<number> {
  const syntax = new Set<number>();
  for (const e of doc.errors) syntax.add(e.range.start.line);
  return syntax;
}

function run(doc: IptablesDocument): DeclResult {
  const syntax = syntaxLines(doc);
  return doc.tables.map((t) => (isTableName(t.name) ? checkTable(doc, t, syntax) : undefined)); // IPT001 already rejects an unknown table
}

/**
 * After an incremental re-parse (../incremental.ts): the tables above the edit
 * keep their findings; in the edited table, when every declaration lies above
 * the edit and the state is frozen there (see TableResult), the findings above
 * the edit are kept, the new lines are judged with the frozen state and the
 * findings below move with their lines; every other table from the edited one
 * down is checked again.
 */
function patched(doc: IptablesDocument): DeclResult | undefined {
  const e = lineEdit(doc);
  const p = e && cache.get(e.prev);
  if (!e || !p || p.length !== doc.tables.length) return undefined;
  let syntax: Set<number> | undefined;
  const out: DeclResult = [];
  for (let i = 0; i < doc.tables.length; i++) {
    const t = doc.tables[i];
    const old = e.prev.tables[i];
    const r = p[i];
    if (!isTableName(t.name)) {
      out.push(undefined);
      continue;
    }
    if (old.endLine < e.first && r) {
      out.push(r); // above the edit: nothing it depends on changed
      continue;
    }
    const inside = old.startLine < e.first && e.after < (old.commitLine ?? old.endLine);
    const fz = r?.frozen;
    if (inside && r && fz && fz.after < e.first) {
      const q = patchTable(doc, e, t, r, fz);
      if (q) {
        out.push(q);
        continue;
      }
    }
    if (old.startLine > e.after && e.delta === 0 && r) {
      out.push(r); // below the edit, nothing moved
      continue;
    }
    out.push(checkTable(doc, t, (syntax ??= syntaxLines(doc))));
  }
  return out;
}

function patchTable(doc: IptablesDocument, e: LineEdit, t: TableBlock, r: TableResult, fz: { st: DeclState; after: number }): TableResult | undefined {
  const last = e.after + e.delta;
  for (let l = e.first; l <= last; l++) {
    const x = doc.lines[l];
    if (x.kind === 'chain' || x.kind === 'table' || x.kind === 'commit') return undefined;
    if (x.kind === 'command' && (x.command === 'N' || x.command === 'X' || x.command === 'E')) return undefined;
  }
  const findings: Finding[] = [];
  const old = r.findings;
  let i = 0;
  for (; i < old.length && old[i].range.start.line < e.first; i++) findings.push(old[i]);
  // the new lines, judged as checkTable judges them (rules are not tracked: no -X here)
  const st: DeclState = { ...fz.st, rules: new Map(), trackRules: false };
  for (let l = e.first; l <= last; l++) {
    const x = doc.lines[l];
    if (x.kind !== 'command' || skippedLine(doc, x)) continue;
    const mark = findings.length;
    command(doc, t, x, st, findings);
    if (mark < findings.length && hasError(doc, l)) findings.length = mark;
  }
  for (; i < old.length; i++) {
    const f = old[i];
    if (f.range.start.line <= e.after) continue;
    findings.push(e.delta ? shift(f, e.delta, e.after) : f);
  }
  return { findings, frozen: fz };
}

/** A syntax error (IPT001) on line `l` (errors are sorted by line). */
function hasError(doc: IptablesDocument, l: number): boolean {
  const errs = doc.errors;
  const i = firstAtOrAfter(errs.length, (k) => errs[k].range.start.line, l);
  return i < errs.length && errs[i].range.start.line === l;
}

/** A finding of a line moved `delta` lines down; related ranges only when they lie below the edit too. */
function shift(f: Finding, delta: number, after: number): Finding {
  const out: Finding = { ...f, range: moveRange(f.range, delta) };
  if (f.related) out.related = f.related.map((x) => (x.range.start.line > after ? { ...x, range: moveRange(x.range, delta) } : x));
  return out;
}

function checkTable(doc: IptablesDocument, t: TableBlock, syntax: Set<number>): TableResult {
  const out: Finding[] = [];
  let hasX = false;
  let hasE = false;
  for (const c of t.commands) {
    if (c.command === 'X') hasX = true;
    else if (c.command === 'E') hasE = true;
  }
  const st: DeclState = {
    exists: new Map(),
    declaredAt: new Map(),
    renamed: new Set(),
    builtinDecl: new Map(),
    lastDeclLine: t.startLine,
    rules: new Map(),
    trackRules: hasX,
    first: firstDeclarations(t),
  };
  for (const b of BUILTIN_CHAINS[t.name as keyof typeof BUILTIN_CHAINS]) st.exists.set(b, true);
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
      command(doc, t, l, st, out);
      if (mark < out.length && syntax.has(ln)) out.length = mark;
    }
  }
  // -N declarations are command lines, which hold the document's text: a frozen state must not keep them
  if (hasX || hasE || t.chains.some((c) => c.fromCommand)) return { findings: out };
  let after = t.startLine;
  for (const c of t.chains) if (c.line > after) after = c.line;
  // the state as the lines below the last declaration see it (no rules: there is no -X)
  st.rules = new Map();
  st.present = undefined; // (a slice of this version's text)
  st.suggestions = new Map();
  return { findings: out, frozen: { st, after } };
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
  if (st.trackRules) st.rules.set(l.name, []);
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

function command(doc: IptablesDocument, t: TableBlock, cmd: CommandLine, st: DeclState, out: Finding[]): void {
  const name = cmd.chainName;
  if (cmd.command === 'X' || cmd.command === 'E') st.present = undefined; // may delete chains
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
      if (st.trackRules) st.rules.set(name, []);
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
          if (st.trackRules) st.rules.set(to, st.rules.get(name) ?? []);
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

  if (name !== undefined && name !== st.present && NEEDS_CHAIN.has(cmd.command)) {
    if (st.exists.has(name)) st.present = name;
    else if (!st.renamed.has(name)) out.push(missingChain(doc, cmd, name, t, st));
  }

  if (cmd.hasRule && cmd.targetName !== undefined) {
    const f = checkTarget(doc, t, cmd, cmd.targetName, cmd.targetKind ?? 'jump', st);
    if (f) out.push(f);
  }
  if (st.trackRules) trackRules(st, cmd);
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

function missingChain(doc: IptablesDocument, cmd: CommandLine, name: string, t: TableBlock, st: DeclState): Finding {
  const later = st.first().get(name);
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
  const tooLate = later && later.line > cmd.line;
  let guess: string | undefined;
  if (!tooLate) {
    let index = st.suggestions?.get('chains');
    if (!index && st.suggestions) st.suggestions.set('chains', (index = new SuggestionIndex([...st.exists.keys()])));
    guess = index ? index.closest(name) : closest(name, st.exists.keys());
  }
  if (guess) {
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
  const later = st.first().get(name);
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
    const key = `${kind} ${family}`;
    let index = st.suggestions?.get(key);
    let guess: string | undefined;
    if (index) guess = index.closest(name);
    else {
      const users = [...st.exists].filter(([, b]) => !b).map(([n]) => n);
      const targets = kind === 'jump' ? listTargets(family).map((x) => x.name) : [];
      const candidates = [...users, ...targets];
      if (st.suggestions) st.suggestions.set(key, (index = new SuggestionIndex(candidates)));
      guess = index ? index.closest(name) : closest(name, candidates);
    }
    if (guess) {
      message += ` Did you mean \`${guess}\`?`;
      data.suggestion = guess;
    }
  }
  return finding('IPT002', range(), message, { data, ...(related.length ? { related } : {}) });
}
