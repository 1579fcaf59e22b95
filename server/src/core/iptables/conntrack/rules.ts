// CT201–CT206: conntrack-aware diagnostics for iptables-save dumps.
//
//   CT201  a NOTRACK rule whose packets reach a DROP in filter INPUT/OUTPUT
//   CT202  a state-matching rule whose packets are all untracked: it can never match
//   CT203  `-j NOTRACK` → `-j CT --notrack`
//   CT204  `-m state --state` → `-m conntrack --ctstate`
//   CT205  a state/conntrack match in the raw table (conntrack has not run yet)
//   CT206  NOTRACK in one direction only: the replies are still tracked
//
// Each finding carries in `data` what its quick-fix needs (positions and the
// text expected there, so a stale fix offers nothing instead of a wrong edit).

import { finding } from '../../codes';
import type { Finding, Range, RelatedInfo } from '../../types';
import type { CommandLine, IptablesDocument, Token } from '../ast';
import type { TableGraph } from '../chains';
import type { DiagnosticRule } from '../diagnostics';
import { findOption, getModule } from '../modules';
import { LazyCommand, peekCommand } from '../parse';
import { lineEdit, textLength, textRange } from '../incremental';
import { lineStarts } from '../util';
import { hasPorts, intersects, mirrorConds, subset, type Conds } from './conds';
import { analysis, entryChains, filterRoot, isNotrack, policyLine, stateListOption, walk, type Analysis, type DropHit, type Hook, type NotrackClass } from './model';
import { appendPoint, conditionText, indexPoint, mirrorText, targetText, type Insertion } from './text';
import { lineOfOffset } from '../../text';

/** Data of an "add UNTRACKED to this state list" fix. */
export interface AddStateData {
  line: number;
  /** Where `,UNTRACKED` goes (end of the list, inside quotes). */
  character: number;
  /** The list token as written, from `start` (checked before editing). */
  start: number;
  expect: string;
}

/** Data of an "insert this line" fix. */
export interface InsertData extends Insertion {
  text: string;
}

/** The whole line an insertion goes before (for related information). */
function anchorRange(at: Insertion): Range {
  return { start: { line: at.line, character: 0 }, end: { line: at.line, character: at.anchor.length } };
}

function addStateData(tok: Token): AddStateData {
  const end = tok.range.end.character - (tok.quoted && tok.raw.endsWith('"') ? 1 : 0);
  return { line: tok.range.start.line, character: end, start: tok.range.start.character, expect: tok.raw };
}

/** Per document and needle: the lines linesWith() found. */
const found = new WeakMap<IptablesDocument, Map<string, number[]>>();

/** 0-based lines whose text contains `needle` (one scan of the text per document; after an edit only the edited lines). */
function linesWith(doc: IptablesDocument, needle: string): number[] {
  let m = found.get(doc);
  if (!m) found.set(doc, (m = new Map()));
  let out = m.get(needle);
  if (!out) {
    out = patchedLinesWith(doc, needle) ?? scanLinesWith(doc, needle, 0, textLength(doc));
    m.set(needle, out);
  }
  return out;
}

/** Lines holding `needle` with a match starting in text[from, to). */
function scanLinesWith(doc: IptablesDocument, needle: string, from: number, to: number): number[] {
  const starts = lineStarts(doc);
  const out: number[] = [];
  const t = from > 0 || to < textLength(doc) ? textRange(doc, from, to) : doc.text;
  let line = from > 0 ? lineOfOffset(starts, from) : 0;
  for (let i = t.indexOf(needle); i >= 0; i = t.indexOf(needle, i + needle.length)) {
    while (line + 1 < starts.length && starts[line + 1] <= i + from) line++;
    if (out[out.length - 1] !== line) out.push(line);
  }
  return out;
}

/**
 * After an incremental re-parse: the previous version's lines, the edited lines
 * looked at again (rule lines by their own text; any other edited line but a
 * blank one: a search of the edited lines' text).
 */
function patchedLinesWith(doc: IptablesDocument, needle: string): number[] | undefined {
  const e = lineEdit(doc);
  const prev = e && found.get(e.prev)?.get(needle);
  if (!e || !prev || needle.includes('\n')) return undefined;
  const out: number[] = [];
  let i = 0;
  for (; i < prev.length && prev[i] < e.first; i++) out.push(prev[i]);
  const last = e.after + e.delta;
  let plain = true;
  for (let l = e.first; l <= last && plain; l++) {
    const x = doc.lines[l];
    if (x.kind !== 'blank' && !(x instanceof LazyCommand)) plain = false;
  }
  if (plain) {
    for (let l = e.first; l <= last; l++) {
      const x = doc.lines[l];
      if (x instanceof LazyCommand && x.text.includes(needle)) out.push(l);
    }
  } else {
    // a match lies inside one line (the needle has no line break): search the edited lines alone
    const starts = lineStarts(doc);
    for (const l of scanLinesWith(doc, needle, starts[e.first], last + 1 < starts.length ? starts[last + 1] : textLength(doc))) out.push(l);
  }
  for (; i < prev.length; i++) if (prev[i] > e.after) out.push(prev[i] + e.delta);
  return out;
}

/** Rules (after restore) of a table whose line contains `needle`, with their chain. */
function rulesWith(doc: IptablesDocument, g: TableGraph, needle: string): { chain: string; cmd: CommandLine }[] {
  const wanted = new Set(linesWith(doc, needle).filter((l) => l >= g.table.startLine && l <= g.table.endLine));
  const out: { chain: string; cmd: CommandLine }[] = [];
  if (!wanted.size) return out;
  for (const c of g.chains.values()) for (const r of c.rules) if (wanted.has(r.line)) out.push({ chain: c.name, cmd: r });
  return out;
}

// ------------------------------------------------------------------ CT201

function describeDrop(g: TableGraph, d: DropHit): { text: string; related: RelatedInfo } {
  if (d.rule) {
    return {
      text: `the ${d.rule.targetName} rule on line ${d.rule.line + 1} (chain ${d.chain})`,
      related: { range: d.rule.range, message: `drops the untracked packets (${d.chain})` },
    };
  }
  const info = g.chains.get(d.chain);
  const p = policyLine(g.table, d.chain);
  const where = p ? ` (line ${p.line + 1})` : '';
  return {
    text: `the ${d.chain} policy ${info?.policy ?? 'DROP'}${where}`,
    related: { range: p?.range ?? g.table.header.range, message: `policy ${info?.policy ?? 'DROP'} drops the untracked packets` },
  };
}

function ct201(a: Analysis, out: Finding[]): void {
  const doc = a.doc;
  const filter = a.table('filter');
  if (!filter) return;
  const done = new Set<CommandLine>();
  for (const k of a.classes) {
    if (done.has(k.rule)) continue;
    const root = filterRoot(k.hook);
    const res = walk(a, filter, root, k.conds);
    if (!res.drop) continue;
    done.add(k.rule);
    const all = a.classes.filter((x) => x.rule === k.rule);
    const drop = describeDrop(filter, res.drop);
    const cond = conditionText(doc, k.rule);
    const related: RelatedInfo[] = [drop.related];
    const data: Record<string, unknown> = { hook: k.hook, chain: root, drop: { line: res.drop.rule?.line ?? policyLine(filter.table, root)?.line, policy: !res.drop.rule } };
    // (a) UNTRACKED in an existing RELATED,ESTABLISHED accept, when that alone lets every class of the rule through
    for (const cand of res.candidates.slice(0, 4)) {
      const ok = all.every((x) => {
        const r = walk(a, filter, filterRoot(x.hook), x.conds, { asCovering: new Set([cand]) });
        return !r.drop && !r.aborted;
      });
      const opt = ok ? stateListOption(cand) : undefined;
      if (opt) {
        data.addState = { ...addStateData(opt.value), ruleLine: cand.line };
        related.push({ range: cand.range, message: 'adding UNTRACKED to this accept lets them through (quick-fix)' });
        break;
      }
    }
    // (b) a scoped accept for this class before the first rule that could drop it
    if (k.direct && cond !== undefined) {
      const at = indexPoint(doc, filter, root, res.drop.rootIndex);
      const check = walk(a, filter, root, k.conds, { injectAt: res.drop.rootIndex });
      if (at && !check.drop && !check.aborted) {
        const text = `-A ${root} ${cond ? cond + ' ' : ''}-m conntrack --ctstate UNTRACKED -j ACCEPT`;
        data.insert = { ...at, text } satisfies InsertData;
        related.push({ range: anchorRange(at), message: `a scoped UNTRACKED accept before this line lets them through (quick-fix)` });
      }
    }
    const what = cond ? `\`${cond}\`` : 'every packet';
    out.push(
      finding(
        'CT201',
        k.rule.range,
        `Packets this rule takes out of connection tracking (${what}) reach ${drop.text}: untracked packets match only the UNTRACKED state, so NEW/ESTABLISHED/RELATED accepts never let them through.`,
        { data, related },
      ),
    );
  }
}

// ------------------------------------------------------------------ CT202

const HOOKS_OF_BUILTIN: Readonly<Record<string, Hook[]>> = {
  PREROUTING: ['PREROUTING'],
  INPUT: ['PREROUTING'],
  FORWARD: ['PREROUTING'],
  OUTPUT: ['OUTPUT'],
  POSTROUTING: ['PREROUTING', 'OUTPUT'],
};

/** Rules in raw before the NOTRACK rule that may keep some packets from reaching it (or make it a no-op). */
function intercepted(a: Analysis, k: NotrackClass, rc: Conds): boolean {
  for (const r of k.before) {
    const t = r.targetName;
    if (t === undefined || t === 'NOTRACK' || t === 'LOG' || t === 'MARK' || t === 'TRACE' || t === 'NFLOG') continue;
    if (t === 'CT' && isNotrack(r)) continue;
    if (intersects(rc, a.conds(r), false)) return true;
  }
  return false;
}

function ct202(a: Analysis, out: Finding[]): void {
  const direct = a.classes.filter((k) => k.direct && k.conds.state === null);
  if (!direct.length) return;
  for (const table of ['filter', 'mangle', 'security']) {
    const g = a.table(table);
    if (!g) continue;
    const entries = new Map<string, Set<string>>();
    for (const { chain, cmd } of rulesWith(a.doc, g, 'state')) {
      const c = a.conds(cmd);
      if (c.state !== false) continue;
      const info = g.chains.get(chain)!;
      let hooks: Set<Hook>;
      if (info.builtin) hooks = new Set(HOOKS_OF_BUILTIN[chain] ?? []);
      else {
        let e = entries.get(chain);
        if (!e) entries.set(chain, (e = entryChains(g, chain)));
        hooks = new Set([...e].flatMap((b) => HOOKS_OF_BUILTIN[b] ?? []));
      }
      if (!hooks.size) continue;
      const rc: Conds = { ...c, state: null };
      let by: NotrackClass | undefined;
      const ok = [...hooks].every((h) => {
        const k = direct.find((x) => x.hook === h && subset(rc, x.conds, false) && !intercepted(a, x, rc));
        by ??= k;
        return !!k;
      });
      if (!ok || !by) continue;
      const opt = stateListOption(cmd);
      const data: Record<string, unknown> = { notrackLine: by.rule.line };
      if (opt) data.addState = addStateData(opt.value);
      out.push(
        finding(
          'CT202',
          cmd.range,
          `This rule can never match: all its packets are untracked (raw ${by.hook} rule on line ${by.rule.line + 1}), and its state test does not admit UNTRACKED.`,
          { data, related: [{ range: by.rule.range, message: 'takes these packets out of connection tracking' }] },
        ),
      );
    }
  }
}

// ------------------------------------------------------------ CT203–CT205

/**
 * CT203–CT205 of one line, by line node: they depend on the line alone, and a node's text and
 * line number never change (an edited or moved line gets a new node), so the next version
 * reads again only the lines an edit touched.
 */
const lineFindings = new WeakMap<CommandLine, Finding[]>();

function ct203to205(a: Analysis, out: Finding[]): void {
  const doc = a.doc;
  // candidate lines: found by a text search, then read in full
  const lines = new Set([...linesWith(doc, 'NOTRACK'), ...linesWith(doc, 'state')]);
  for (const t of doc.tables) if (t.name === 'raw') for (const c of t.commands) lines.add(c.line);
  for (const l of [...lines].sort((x, y) => x - y)) {
    const cmd = doc.lines[l];
    if (cmd?.kind !== 'command' || !cmd.hasRule) continue;
    let fs = lineFindings.get(cmd);
    if (!fs) {
      fs = ct203to205Line(cmd);
      lineFindings.set(cmd, fs);
    }
    for (const f of fs) out.push(f);
  }
}

function ct203to205Line(cmd: CommandLine): Finding[] {
  const out: Finding[] = [];
  const stateSpec = getModule('state');
  const raw = cmd.table === 'raw';
  const isNt = cmd.targetName === 'NOTRACK';
  const full = peekCommand(cmd);
  const rule = full.rule;
  if (!rule) return out;
  if (isNt && rule.target) {
    out.push(
      finding('CT203', rule.target.nameRange, '`-j NOTRACK` is the deprecated spelling: write `-j CT --notrack` (same effect, the form current iptables documents).', {
        data: { line: cmd.line, start: rule.target.nameRange.start.character, end: rule.target.nameRange.end.character },
      }),
    );
  }
  for (const m of rule.matches) {
    if (m.name === 'state' && stateSpec) {
      const o = m.options.length === 1 ? m.options[0] : undefined;
      const data: Record<string, unknown> = { line: cmd.line, name: [m.nameRange.start.character, m.nameRange.end.character] };
      if (o && findOption(stateSpec, o.name)?.name === '--state') data.option = [o.nameRange.start.character, o.nameRange.end.character];
      out.push(finding('CT204', m.range, '`-m state --state` is kept for compatibility: `-m conntrack --ctstate` matches the same states and more.', { data }));
    }
    if (raw && (m.name === 'state' || m.name === 'conntrack')) {
      out.push(
        finding(
          'CT205',
          m.range,
          `\`-m ${m.name}\` in the raw table: conntrack runs after raw, so every packet here looks INVALID (or UNTRACKED once a NOTRACK rule took it); this test does not do what it says.`,
        ),
      );
    }
  }
  return out;
}

// ------------------------------------------------------------------ CT206

function ct206(a: Analysis, out: Finding[]): void {
  const doc = a.doc;
  const raw = a.table('raw');
  if (!raw) return;
  for (const k of a.classes) {
    if (!k.direct || k.conds.state !== null) continue;
    const own = a.conds(k.rule);
    if (!hasPorts(own) || !own.proto?.exact) continue;
    const mirror: Conds = { ...mirrorConds(own), opaque: [], unknown: false };
    const other: Hook = k.hook === 'PREROUTING' ? 'OUTPUT' : 'PREROUTING';
    if (a.classes.some((x) => x.hook === other && subset(mirror, x.conds, false))) continue;
    const mt = mirrorText(doc, k.rule);
    const tt = targetText(doc, k.rule);
    const data: Record<string, unknown> = { hook: k.hook, other };
    const at = appendPoint(doc, raw, other);
    const related: RelatedInfo[] = [];
    if (mt !== undefined && tt !== undefined && at) {
      data.insert = { ...at, text: `-A ${other} ${mt ? mt + ' ' : ''}${tt}` } satisfies InsertData;
      related.push({ range: anchorRange(at), message: `the quick-fix adds the rule for the replies to raw ${other} before this line` });
    }
    const dir = k.hook === 'PREROUTING' ? 'incoming packets' : 'outgoing packets';
    out.push(
      finding(
        'CT206',
        k.rule.range,
        `Only one direction is untracked: this rule exempts ${dir}, but no raw ${other} rule exempts their replies${mt ? ` (\`${mt}\`)` : ''}, so the replies still create and refresh conntrack entries.`,
        { data, related },
      ),
    );
  }
}

/** CT203, CT204 and CT205 only (what `source.fixAll` rewrites needs; no NOTRACK analysis). */
export function rewriteFindings(doc: IptablesDocument): Finding[] {
  const out: Finding[] = [];
  ct203to205(analysis(doc), out);
  return out;
}

/** CT201–CT206 for one document. */
export const conntrackDiagnostics: DiagnosticRule = (doc) => {
  const out: Finding[] = [];
  const a = analysis(doc);
  ct203to205(a, out);
  if (a.classes.length) {
    ct201(a, out);
    ct202(a, out);
    ct206(a, out);
  }
  out.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
  return out;
};
