// Token-level mutations of iptables-save dumps, for the mutation differential
// (test/realtools/mutation.mjs). Pure and deterministic: the same source, seed and count
// always give the same mutants, so a disagreement can be named and documented.
//
// Operators (one per mutant):
//   drop-token      remove one argument of a rule, chain or table line
//   dup-token       repeat one argument of a rule line
//   corrupt-port    replace a port (--dport, --sport, --dports, --to-ports, :PORT of a NAT target)
//   corrupt-addr    replace an address (-s, -d, --to-destination, --to-source, --src-range …)
//   corrupt-chain   misspell, overlengthen or mangle a chain name where it is declared or used
//   corrupt-state   misspell or mangle a conntrack / state match's state list
//   move-commit     delete a COMMIT, move it up into its table, or repeat it

/** mulberry32: a small deterministic PRNG; returns floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rng, a) => a[Math.floor(rng() * a.length)];

/**
 * Arguments of one line with their columns, split the way iptables-restore does
 * (blanks separate; a double-quoted part, with \" inside, is one argument).
 */
export function lineTokens(line) {
  const out = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ' || line[i] === '\t') {
      i++;
      continue;
    }
    const start = i;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') {
      if (line[i] === '"') {
        i++;
        while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
        i = Math.min(i + 1, line.length);
        break;
      }
      i++;
    }
    out.push({ start, end: i, text: line.slice(start, i) });
  }
  return out;
}

function replaceToken(line, tok, text) {
  return line.slice(0, tok.start) + text + line.slice(tok.end);
}

const isRule = (l) => /^(\[\d+:\d+\]\s+)?-[AIRDN]\s/.test(l) || /^(\[\d+:\d+\]\s+)?--(append|insert)\s/.test(l);
const isChainDecl = (l) => l.startsWith(':');

const PORT_OPTS = new Set(['--dport', '--sport', '--destination-port', '--source-port', '--dports', '--sports', '--ports', '--to-ports', '--to-port']);
const NAT_OPTS = new Set(['--to-destination', '--to-source', '--to']);
const ADDR_OPTS = new Set(['-s', '-d', '--source', '--destination', '--src', '--dst', '--src-range', '--dst-range', ...NAT_OPTS]);
const STATE_OPTS = new Set(['--state', '--ctstate']);

// Malformed wherever the file is restored: no service names (whether `abc` is one depends on
// the machine's /etc/services) and no host names (they depend on its resolver).
const BAD_PORTS = ['65536', '99999', '-1', '70000:80', '1:2:3', '0x50', '8O', '80,', ',443', '443-', '2147483648', '', ':', '22 23', '1e3', '+80'];
const BAD_ADDRS = ['300.1.2.3', '1.2.3.4/33', '1.2.3.4/-1', '10.0.0.0/8/8', '1..2.3', '256.0.0.1', '10.0.0.1/255.0.255.0', '::g', '2001:db8::/129', '1.2.3.4/', '/24', '10.0.0.1-', '10.0.0.9-10.0.0.1', '1.2.3.4/0x18', '10.0.0.0/8 /8'];
const BAD_STATES = ['ESTABLISHD', 'new', 'FOO', '', ',', 'NEW,,ESTABLISHED', 'NEW,', 'RELATED ESTABLISHED', 'INVALID,UNTRACKED,BOGUS', '!NEW'];

/** Candidate edits of one operator on a document's lines: [{ line (0-based), apply: () => newLines, detail }]. */
function candidates(op, lines, rng) {
  const out = [];
  const each = (pred, fn) => lines.forEach((l, i) => pred(l) && fn(l, i));
  switch (op) {
    case 'drop-token':
      each(
        (l) => isRule(l) || isChainDecl(l) || l.startsWith('*'),
        (l, i) => {
          const toks = lineTokens(l);
          if (toks.length < 2 && !l.startsWith('*')) return;
          out.push({ line: i, make: () => {
            const t = pick(rng, toks);
            let nl = l.slice(0, t.start) + l.slice(t.end).replace(/^[ \t]+/, '');
            if (t.end >= l.length) nl = nl.replace(/[ \t]+$/, '');
            return { text: nl, detail: `drop \`${t.text}\`` };
          } });
        },
      );
      break;
    case 'dup-token':
      each(isRule, (l, i) =>
        out.push({ line: i, make: () => {
          const toks = lineTokens(l);
          const t = pick(rng, toks.slice(1));
          return { text: l.slice(0, t.end) + ' ' + t.text + l.slice(t.end), detail: `repeat \`${t.text}\`` };
        } }),
      );
      break;
    case 'corrupt-port':
    case 'corrupt-addr':
    case 'corrupt-state':
      each(isRule, (l, i) => {
        const toks = lineTokens(l);
        for (let k = 0; k + 1 < toks.length; k++) {
          const name = toks[k].text;
          let v = toks[k + 1];
          if (v.text === '!' && k + 2 < toks.length) v = toks[k + 2];
          if (op === 'corrupt-port' && PORT_OPTS.has(name)) {
            out.push({ line: i, make: () => {
              const bad = pick(rng, BAD_PORTS);
              const parts = v.text.split(/([,:])/);
              // Sometimes only one port of a list or range.
              const idx = parts.length > 1 && rng() < 0.5 ? 2 * Math.floor((rng() * (parts.length + 1)) / 2) : -1;
              const nv = idx >= 0 && idx < parts.length ? parts.map((p, j) => (j === idx ? bad : p)).join('') : bad;
              return { text: replaceToken(l, v, nv === '' ? '""' : nv), detail: `${name} ${v.text} → ${nv || '""'}` };
            } });
          } else if (op === 'corrupt-port' && NAT_OPTS.has(name) && /:\d+/.test(v.text)) {
            out.push({ line: i, make: () => {
              const bad = pick(rng, BAD_PORTS.filter((p) => p && !p.includes(' ')));
              const nv = v.text.replace(/:(\d+)(-\d+)?$/, `:${bad}`);
              return { text: replaceToken(l, v, nv), detail: `${name} ${v.text} → ${nv}` };
            } });
          } else if (op === 'corrupt-addr' && ADDR_OPTS.has(name) && /[\d:]/.test(v.text)) {
            out.push({ line: i, make: () => {
              const bad = pick(rng, BAD_ADDRS);
              const nv = NAT_OPTS.has(name) && /^[\d.]+:\d/.test(v.text) ? bad + v.text.slice(v.text.indexOf(':')) : bad;
              return { text: replaceToken(l, v, nv), detail: `${name} ${v.text} → ${nv}` };
            } });
          } else if (op === 'corrupt-state' && STATE_OPTS.has(name)) {
            out.push({ line: i, make: () => {
              const bad = pick(rng, BAD_STATES);
              const states = v.text.split(',');
              const at = Math.floor(rng() * states.length);
              const nv = states.length > 1 && rng() < 0.5 ? states.map((s, j) => (j === at ? bad : s)).join(',') : bad;
              const quoted = nv === '' || /\s/.test(nv) ? `"${nv}"` : nv;
              return { text: replaceToken(l, v, quoted), detail: `${name} ${v.text} → ${quoted}` };
            } });
          }
        }
      });
      break;
    case 'corrupt-chain': {
      each(
        (l) => isRule(l) || isChainDecl(l),
        (l, i) => {
          const toks = lineTokens(l);
          const spots = [];
          if (isChainDecl(l)) spots.push({ start: 1, end: toks[0].end, text: toks[0].text.slice(1) });
          for (let k = 0; k + 1 < toks.length; k++) {
            if (['-A', '-I', '-D', '-R', '-N', '--append', '--insert', '-j', '-g', '--jump', '--goto'].includes(toks[k].text)) {
              const t = toks[k + 1];
              if (/^(ACCEPT|DROP|RETURN|QUEUE)$/.test(t.text) || (/^[A-Z]+$/.test(t.text) && ['-j', '--jump'].includes(toks[k].text) && !/^(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)$/.test(t.text))) continue;
              spots.push(t);
            }
          }
          for (const t of spots) {
            out.push({ line: i, make: () => {
              const name = t.text;
              const variants = [name + 'X', name.slice(0, -1) || 'Z', name.toLowerCase() === name ? name.toUpperCase() : name.toLowerCase(), name + 'X'.repeat(Math.max(1, 29 - name.length)), '-' + name, '!' + name, name.replace(/[-_]/, '')];
              const nn = pick(rng, variants.filter((v) => v !== name));
              return { text: l.slice(0, t.start) + nn + l.slice(t.end), detail: `chain ${name} → ${nn}` };
            } });
          }
        },
      );
      break;
    }
    case 'move-commit': {
      let header = -1;
      lines.forEach((l, i) => {
        if (l.startsWith('*')) header = i;
        if (l === 'COMMIT' && header >= 0) {
          const h = header;
          out.push({ line: i, make: () => {
            const r = rng();
            if (r < 0.34) return { text: null, detail: 'delete COMMIT' };
            if (r < 0.5) return { text: 'COMMIT\nCOMMIT', detail: 'repeat COMMIT' };
            if (i - h < 2) return { text: null, detail: 'delete COMMIT' };
            const to = h + 1 + Math.floor(rng() * (i - h - 1));
            return { moveTo: to, detail: `move COMMIT up to line ${to + 1}` };
          } });
        }
      });
      break;
    }
    default:
      throw new Error(`unknown operator ${op}`);
  }
  return out;
}

export const OPERATORS = ['drop-token', 'dup-token', 'corrupt-port', 'corrupt-addr', 'corrupt-chain', 'corrupt-state', 'move-commit'];

/**
 * One mutant of `text` by operator `op`, or null when the operator finds nothing to change.
 * Returns { text, op, line (1-based, the edited line as it was in the source), detail }.
 * Line ends are kept as they are (LF in every corpus source).
 */
export function mutate(text, op, rng) {
  const lines = text.split('\n');
  const cands = candidates(op, lines, rng);
  if (!cands.length) return null;
  const c = pick(rng, cands);
  const m = c.make();
  const out = [...lines];
  if (m.moveTo !== undefined) {
    out.splice(c.line, 1);
    out.splice(m.moveTo, 0, 'COMMIT');
  } else if (m.text === null) out.splice(c.line, 1);
  else out[c.line] = m.text;
  const result = out.join('\n');
  if (result === text) return null;
  return { text: result, op, line: c.line + 1, detail: m.detail };
}

/**
 * `count` distinct mutants over `sources` ([{ key, text }]), deterministic for `seed`:
 * operators round-robin, sources and spots drawn from the seeded PRNG.
 * Each: { id, source, op, line, detail, text }.
 */
export function generateMutants(sources, count, seed) {
  const rng = prng(seed);
  const seen = new Set();
  const out = [];
  let attempts = 0;
  while (out.length < count && attempts < count * 50) {
    attempts++;
    const op = OPERATORS[attempts % OPERATORS.length];
    const src = pick(rng, sources);
    const m = mutate(src.text, op, rng);
    if (!m || seen.has(m.text)) continue;
    seen.add(m.text);
    out.push({ id: out.length, source: src.key, ...m });
  }
  return out;
}

/** The documented-cases key of a mutant: source, operator, line and what changed. */
export function mutantKey(m) {
  return `${m.source}\t${m.op}\t${m.line}\t${m.detail}`;
}

/**
 * Parses mutation-cases.tsv: source, op, line, detail, reason (tab-separated; # comments).
 * A row names one mutant exactly, or a class of them: `*` for any source or line, and a
 * detail written `/regex/`. Returns [{ source, op, line, detail, reason, exact, key }].
 */
export function parseCases(tsv) {
  const out = [];
  for (const raw of tsv.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (f.length < 5 || !f[4].trim()) throw new Error(`mutation-cases.tsv: needs source, op, line, detail and reason: ${line}`);
    const [source, op, ln, detail, reason] = f;
    if (!OPERATORS.includes(op)) throw new Error(`mutation-cases.tsv: unknown operator ${op}: ${line}`);
    if (ln !== '*' && !/^\d+$/.test(ln)) throw new Error(`mutation-cases.tsv: line must be a number or *: ${line}`);
    const re = /^\/.*\/$/.test(detail) ? new RegExp(detail.slice(1, -1)) : null;
    const exact = source !== '*' && ln !== '*' && !re;
    out.push({ source, op, line: ln, detail, re, reason, exact, key: f.slice(0, 4).join('\t') });
  }
  return out;
}

/** The documented case a mutant falls under, or null. */
export function findCase(cases, m) {
  for (const c of cases) {
    if (c.op !== m.op) continue;
    if (c.source !== '*' && c.source !== m.source) continue;
    if (c.line !== '*' && Number(c.line) !== m.line) continue;
    if (c.re ? !c.re.test(m.detail) : c.detail !== m.detail) continue;
    return c;
  }
  return null;
}
