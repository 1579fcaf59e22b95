// What iptables-nft-restore said, where in the file it points, and whether our lint
// findings agree with it. Pure functions (text in, data out); run.mjs does the IO.
//
// Where restore's line number is not the offending line (checked against
// iptables 1.8.9, nf_tables backend):
// - `Chain 'X' does not exist` + `Error occurred at line: N`: N is the COMMIT of the
//   table; the offending lines are the rules of that table that jump/goto X.
// - `COMMIT expected at line N`: N is one past the last line; the offence is the table
//   left open (its `*table` line) or the end of the file.
// - `Bad argument `*nat'` at N: a table header inside an open table: N itself, or the
//   header of the table left open.
// - `line N: RULE_APPEND failed (Too many links)`: the rule that closed a jump loop; the
//   rules forming the loop are offenders too.
// - A physical line longer than 10,239 bytes counts as several lines (see lines.mjs).
import { physicalLines, physicalToLsp, restoreLineMapper } from './lines.mjs';

// --- messages ---------------------------------------------------------------------

const PREFIX = /^(?:\s*ip6?tables(?:-nft|-legacy)?-restore(?: v[\d.]+(?: \([^)]*\))?)?:\s*)+/;

/** restore's stderr without program prefixes, usage hints, warnings and blank lines. */
export function restoreMessageLines(stderr) {
  return stderr
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.replace(PREFIX, '').trim())
    .filter((l) => l && !/^Try `/.test(l) && !/^Warning: /.test(l));
}

/**
 * Classifies restore's stderr. `lines` are restore's own 1-based numbers.
 * kinds: 'commit-time' (kernel refused at COMMIT: `line N: OP failed (errno)`, maybe
 * several), 'commit-expected', 'missing-chain' (chain), 'bad-argument' (arg),
 * 'line-failed', 'error-at' (any other `Error occurred at line: N`), 'line' (some other
 * message naming a line), 'none' (no line number).
 */
export function parseRestoreError(stderr) {
  const msgLines = restoreMessageLines(stderr);
  const message = msgLines.filter((l) => !/^Error occurred at line: \d+$/.test(l)).join(' / ');
  const text = msgLines.join('\n');
  const ops = [];
  for (const m of text.matchAll(/(?:^|\s)line (\d+): ([A-Z_]+) failed \(([^)]*)\)(?::\s*(.*))?/gm)) {
    ops.push({ line: Number(m[1]), op: m[2], errno: m[3], detail: (m[4] || '').trim() });
  }
  if (ops.length) return { kind: 'commit-time', lines: uniq(ops.map((o) => o.line)), ops, message };
  let m = /COMMIT expected at line (\d+)/.exec(text);
  if (m) return { kind: 'commit-expected', lines: [Number(m[1])], message };
  const at = /^Error occurred at line: (\d+)$/m.exec(text);
  if (at) {
    const n = Number(at[1]);
    if ((m = /Chain '(.*)' does not exist/.exec(text))) return { kind: 'missing-chain', lines: [n], chain: m[1], message };
    if ((m = /Bad argument `(.*)'/.exec(text))) return { kind: 'bad-argument', lines: [n], arg: m[1], message };
    return { kind: 'error-at', lines: [n], message };
  }
  if ((m = /\bline (\d+) failed\b/.exec(text))) return { kind: 'line-failed', lines: [Number(m[1])], message };
  if ((m = /\bline:? (\d+)\b/.exec(text))) return { kind: 'line', lines: [Number(m[1])], message };
  return { kind: 'none', lines: [], message };
}

function uniq(a) {
  return [...new Set(a)];
}

// --- file structure, as restore walks it ---------------------------------------------

/**
 * The `*table` … COMMIT blocks, following xtables-restore's rules: blank = an empty line,
 * comment = '#' in column 0, COMMIT = exactly "COMMIT" inside a table, a new table = '*'
 * in column 0 outside one. Indexes are 0-based physical lines; `commit` is null for a
 * table left open.
 */
export function scanBlocks(lines) {
  const blocks = [];
  let cur = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === '' || l[0] === '#') continue;
    if (cur && l === 'COMMIT') {
      cur.commit = i;
      blocks.push(cur);
      cur = null;
    } else if (!cur && l[0] === '*') {
      cur = { table: l.slice(1).split(/[ \t\n]/)[0], header: i, commit: null };
    }
  }
  if (cur) blocks.push(cur);
  return blocks;
}

/** The block containing physical line i (header ≤ i ≤ commit), or null. */
export function blockAt(blocks, i) {
  for (const b of blocks) if (b.header <= i && (b.commit === null || i <= b.commit)) return b;
  return null;
}

/** Splits a rule line the way iptables-restore does: whitespace, "double quotes", \" escapes. */
export function tokenize(line) {
  const out = [];
  let cur = '';
  let inTok = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '\\' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = true;
      inTok = true;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inTok) out.push(cur);
      cur = '';
      inTok = false;
    } else {
      cur += c;
      inTok = true;
    }
  }
  if (inTok) out.push(cur);
  return out;
}

/** For an `-A/-I` rule line: { chain, target, goto } (target null when it has none). */
export function ruleJump(line) {
  const t = tokenize(line.replace(/^\[\d*:\d*\]\s*/, ''));
  let chain = null;
  let target = null;
  let isGoto = false;
  for (let i = 0; i < t.length - 1; i++) {
    if ((t[i] === '-A' || t[i] === '--append' || t[i] === '-I' || t[i] === '--insert') && chain === null) chain = t[i + 1];
    else if (t[i] === '-j' || t[i] === '--jump') target = t[i + 1];
    else if (t[i] === '-g' || t[i] === '--goto') {
      target = t[i + 1];
      isGoto = true;
    }
  }
  return chain === null ? null : { chain, target, goto: isGoto };
}

/** Rule lines of a block whose jump/goto target is `chain`. */
function jumpsTo(lines, block, chain) {
  const end = block.commit ?? lines.length - 1;
  const out = [];
  for (let i = block.header + 1; i <= end; i++) {
    const l = lines[i];
    if (l[0] !== '-' && l[0] !== '[') continue;
    const j = ruleJump(l);
    if (j && j.target === chain) out.push(i);
  }
  return out;
}

/** Lines of a block whose jump lies on a cycle of the block's jump graph. */
function loopLines(lines, block) {
  const end = block.commit ?? lines.length - 1;
  const edges = [];
  for (let i = block.header + 1; i <= end; i++) {
    const l = lines[i];
    if (l[0] !== '-' && l[0] !== '[') continue;
    const j = ruleJump(l);
    if (j && j.target) edges.push({ from: j.chain, to: j.target, line: i });
  }
  // Tarjan's SCC, iterative.
  const adj = new Map();
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, []);
    adj.get(e.from).push(e.to);
  }
  const index = new Map();
  const low = new Map();
  const comp = new Map();
  const stack = [];
  const onStack = new Set();
  let counter = 0;
  let compId = 0;
  for (const root of adj.keys()) {
    if (index.has(root)) continue;
    const work = [[root, 0]];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const [v, k] = top;
      const next = adj.get(v) || [];
      if (k < next.length) {
        top[1]++;
        const w = next[k];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
      } else {
        work.pop();
        if (work.length) {
          const u = work[work.length - 1][0];
          low.set(u, Math.min(low.get(u), low.get(v)));
        }
        if (low.get(v) === index.get(v)) {
          let w;
          do {
            w = stack.pop();
            onStack.delete(w);
            comp.set(w, compId);
          } while (w !== v);
          compId++;
        }
      }
    }
  }
  return edges.filter((e) => e.from === e.to || (comp.has(e.to) && comp.get(e.from) === comp.get(e.to))).map((e) => e.line);
}

// --- what restore's verdict requires of us -------------------------------------------

/**
 * Turns a parsed rejection into requirements on physical lines (0-based):
 * `groups`: each group is a list of lines, and we must report an error on at least one
 * line of every group; `acceptedBefore`: every line before it belongs to tables restore
 * committed (or to nothing), so no error may be reported there.
 */
export function requirements(parsed, lines, toPhys) {
  const blocks = scanBlocks(lines);
  const lastContent = (() => {
    for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return i;
    return 0;
  })();
  const groups = [];
  switch (parsed.kind) {
    case 'commit-time':
      for (const op of parsed.ops) {
        const p = toPhys(op.line);
        const g = [p];
        if (op.errno === 'Too many links') {
          const b = blockAt(blocks, p);
          if (b) g.push(...loopLines(lines, b));
        }
        groups.push(uniq(g));
      }
      break;
    case 'commit-expected': {
      const open = blocks.find((b) => b.commit === null);
      const p = toPhys(parsed.lines[0]);
      groups.push(uniq([p, lastContent, ...(open ? [open.header] : [])]));
      break;
    }
    case 'missing-chain': {
      const p = toPhys(parsed.lines[0]);
      const b = blocks.find((x) => x.commit === p) || blockAt(blocks, p);
      const refs = b ? jumpsTo(lines, b, parsed.chain) : [];
      if (refs.length) for (const r of refs) groups.push([r]);
      else groups.push([p]);
      break;
    }
    case 'bad-argument': {
      const p = toPhys(parsed.lines[0]);
      const g = [p];
      if (parsed.arg.startsWith('*')) {
        const b = blockAt(blocks, p);
        if (b && b.header !== p) g.push(b.header);
      }
      groups.push(g);
      break;
    }
    case 'none':
      break;
    default:
      groups.push([toPhys(parsed.lines[0])]);
  }
  let acceptedBefore = 0;
  if (parsed.kind === 'commit-expected') {
    const open = blocks.find((b) => b.commit === null);
    acceptedBefore = open ? open.header : toPhys(parsed.lines[0]);
  } else if (parsed.lines.length) {
    const first = Math.min(...parsed.lines.map(toPhys));
    const b = blockAt(blocks, first);
    acceptedBefore = b ? b.header : first;
  }
  return { groups, acceptedBefore };
}

/** An allow-list entry applies when its file pattern and its message regex both match. */
export function findAllowed(entries, fileKey, stderr) {
  for (const e of entries) {
    if (e.file !== '*' && e.file !== fileKey) continue;
    if (new RegExp(e.message).test(stderr)) return e;
  }
  return null;
}

/** Parses the allow-list TSV: file, message regex, reason (comments with #). */
export function parseAllowList(tsv) {
  const out = [];
  for (const raw of tsv.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.startsWith('#')) continue;
    const [file, message, reason] = line.split('\t');
    if (!file || !message || !reason) throw new Error(`allow-list line needs file, message and reason: ${line}`);
    new RegExp(message); // throws on a bad pattern
    out.push({ file, message, reason });
  }
  return out;
}

function fmtFindings(fs) {
  if (!fs.length) return 'no error';
  const shown = fs.slice(0, 4).map((f) => `${f.code}@${f.range.start.line + 1}`);
  return shown.join(', ') + (fs.length > 4 ? ` (+${fs.length - 4})` : '');
}

function fmtRestore(rc, parsed) {
  return `rc=${rc}${parsed.lines.length ? ' line ' + parsed.lines.join(',') : ''}: ${parsed.message.slice(0, 100)}`;
}

/**
 * Judges one file. findings: our CLI's findings (code, severity, range with 0-based
 * LSP lines); rc/stderr: iptables-nft-restore's; legacy: iptables-legacy-restore's
 * { rc, stderr } when it was run (only consulted when nft accepts).
 * Returns { status: 'agree' | 'disagree' | 'env', restore, ours, problems, viaLegacy }
 * (viaLegacy: we report errors nft does not, all on lines the legacy backend refuses).
 * Rules: (a) restore accepts → we report no error, except on a line the legacy backend
 * rejects (an error real users of that backend get); (b) restore rejects with a line
 * from the file → we report an error on the offending line(s); (c) lines in tables
 * restore committed before failing get no error from us. An allow-listed
 * (environment-dependent) rejection is judged by (c) only; a rejection without a line
 * number needs one error anywhere.
 */
export function judgeRestore({ buf, text, rc, stderr, findings, allowed = null, legacy = null }) {
  const errors = findings.filter((f) => f.severity === 'error');
  const ours = fmtFindings(errors);
  const lines = physicalLines(text);
  const toPhys = restoreLineMapper(buf);
  const p2l = physicalToLsp(text);
  const lsp = (p) => p2l[Math.min(p, p2l.length - 1)];
  if (rc === 0) {
    let permitted = new Set();
    let note = '';
    if (legacy && legacy.rc !== 0) {
      const lp = parseRestoreError(legacy.stderr);
      permitted = new Set(requirements(lp, lines, toPhys).groups.flat().map(lsp));
      note = `; legacy ${fmtRestore(legacy.rc, lp)}`;
    }
    const bad = errors.filter((f) => !permitted.has(f.range.start.line));
    const restore = 'accepted' + note;
    if (!bad.length) return { status: 'agree', restore, ours, problems: [], viaLegacy: errors.length > 0 };
    return { status: 'disagree', restore, ours, problems: [`restore accepted the file; we report ${bad.length} error(s): ${fmtFindings(bad)}`] };
  }
  const parsed = parseRestoreError(stderr);
  const restore = fmtRestore(rc, parsed);
  const errLines = new Set(errors.map((f) => f.range.start.line));
  const problems = [];
  const req = requirements(parsed, lines, toPhys);
  const limit = lsp(req.acceptedBefore);
  const early = errors.filter((f) => f.range.start.line < limit);
  if (early.length) problems.push(`error(s) in tables restore committed: ${fmtFindings(early)}`);
  if (allowed) return { status: problems.length ? 'disagree' : 'env', restore, ours, problems, reason: allowed.reason };
  if (!parsed.lines.length) {
    if (!errors.length) problems.push('restore rejected the file; we report no error');
  } else {
    for (const g of req.groups) {
      const want = uniq(g.map(lsp));
      if (!want.some((l) => errLines.has(l))) problems.push(`want an error on line ${want.map((l) => l + 1).join(' or ')}`);
    }
  }
  return { status: problems.length ? 'disagree' : 'agree', restore, ours, problems };
}

/**
 * Reads a fixture's own expectation, a comment in its first lines:
 *   # restore: accept        or        # restore: reject LINE[,LINE...]
 * (1-based editor lines of the offending rules). Null when there is none.
 */
export function fixtureExpectation(text) {
  const m = /^#\s*restore:\s*(accept|reject)\b[ \t]*([\d, ]*)/m.exec(text.slice(0, 2000));
  if (!m) return null;
  if (m[1] === 'accept') return { accept: true, lines: [] };
  return { accept: false, lines: m[2].split(/[ ,]+/).filter(Boolean).map(Number) };
}

/**
 * Checks the harness itself on a fixture with an expectation, using the real tool's
 * answer: restore's verdict, read through parseRestoreError/requirements, must point at
 * the annotated lines; and judgeRestore must agree with a linter that reports errors on
 * exactly those lines, and disagree with one that reports none (or, for an accepted
 * file, one error). Returns null when all holds, else what differs.
 */
export function checkExpectation(expect, { buf, text, rc, stderr }) {
  const at = (line1) => ({ code: 'TEST', severity: 'error', range: { start: { line: line1 - 1, character: 0 }, end: { line: line1 - 1, character: 1 } } });
  const judge = (findings) => judgeRestore({ buf, text, rc, stderr, findings }).status;
  if (expect.accept) {
    if (rc !== 0) return `annotated accept, restore said rc=${rc}: ${parseRestoreError(stderr).message}`;
    if (judge([]) !== 'agree') return 'judge disagrees with a silent linter on an accepted file';
    if (judge([at(1)]) !== 'disagree') return 'judge agrees with an error on an accepted file';
    return null;
  }
  if (rc === 0) return 'annotated reject, restore accepted';
  const parsed = parseRestoreError(stderr);
  const req = requirements(parsed, physicalLines(text), restoreLineMapper(buf));
  const p2l = physicalToLsp(text);
  const got = uniq(req.groups.flat().map((p) => p2l[Math.min(p, p2l.length - 1)] + 1)).sort((a, b) => a - b);
  for (const w of expect.lines) if (!got.includes(w)) return `annotated line ${w}; harness derived ${got.join(',') || 'none'} from "${parsed.message}"`;
  if (judge(expect.lines.map(at)) !== 'agree') return `judge disagrees with errors on the annotated lines ${expect.lines.join(',')}`;
  if (judge([]) !== 'disagree') return 'judge agrees with a silent linter on a rejected file';
  const elsewhere = expect.lines.map((l) => l + 1).filter((l) => !got.includes(l));
  if (elsewhere.length && judge(elsewhere.map(at)) !== 'disagree') return `judge agrees with errors one line off (${elsewhere.join(',')})`;
  return null;
}
