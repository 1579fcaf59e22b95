#!/usr/bin/env node
// Real-tool judges: our verdicts against the real iptables and procps sysctl.
//
//   1. differential  every iptables dump (../shared/corpus/iptables, test/fixtures/iptables,
//                    test/realtools) restored with iptables-nft-restore in its own fresh
//                    network namespace, against `conntrack-lens lint --format json`
//   2. packets       ../shared/testing/veth-port-check.sh RULES PORT for each row of
//                    test/realtools/packets/expected.tsv (real TCP connects between netns)
//   3. sysctl        `sysctl --dry-run -p FILE` (never plain -p) against our findings
//
// The rules and the allow-lists are described in docs/testing.md. Output: one line per
// disagreement, totals per part, and a last line `N passed, N failed, N skipped`.
// Options: --no-build, --only=differential,packets,sysctl, --verbose
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureApt, haveCommand } from '../../scripts/lib/ensure.mjs';
import { detectFamily, legacyAvailable, netnsProblem, restoreInNetns, runPool } from '../../scripts/lib/iptables.mjs';
import { generatedCases } from './generated.mjs';
import { isGlob, globSegment, judgeSysctl, parseDryRunInvalid } from './lib/procps.mjs';
import { checkExpectation, findAllowed, fixtureExpectation, judgeRestore, parseAllowList } from './lib/restore.mjs';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const HERE = path.join(ROOT, 'test/realtools');
const SHARED = path.resolve(process.env.CONNTRACK_LENS_SHARED || path.join(ROOT, '..', 'shared'));
const TMP = path.join(ROOT, 'test/.tmp/realtools');
const CLI = path.join(ROOT, 'dist/cli.js');
const JOBS = 2; // the CI machine has two cores

const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose');
const only = (argv.find((a) => a.startsWith('--only=')) || '').slice(7).split(',').filter(Boolean);
const want = (part) => !only.length || only.includes(part);

const totals = { passed: 0, failed: 0, skipped: 0 };
const t0 = Date.now();

function rel(abs) {
  if (abs.startsWith(SHARED + '/')) return '../shared/' + abs.slice(SHARED.length + 1);
  if (abs.startsWith(ROOT + '/')) return abs.slice(ROOT.length + 1);
  return abs;
}

function walk(dir, pred) {
  const out = [];
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, pred));
    else if (e.isFile() && pred(p)) out.push(p);
  }
  return out.sort();
}

function secs(ms) {
  return (ms / 1000).toFixed(1) + 's';
}

// --- setup ---------------------------------------------------------------------------

function setup() {
  const problems = [];
  const apt = ensureApt(['iptables', 'iproute2', 'procps']);
  if (apt) problems.push(apt);
  if (!haveCommand('python3')) {
    const py = ensureApt(['python3']);
    if (py) problems.push(py);
  }
  if (!argv.includes('--no-build') || !fs.existsSync(CLI)) {
    const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (b.status !== 0) {
      console.log('build failed');
      console.log('0 passed, 1 failed, 0 skipped');
      process.exit(1);
    }
  }
  return problems;
}

// --- our CLI ---------------------------------------------------------------------------

/**
 * `lint --format json` over many files in one process. Each file is linked under a name
 * that fixes its language (`N.iptables`, `sysctl.d/N.conf`), as an editor's language id
 * would: the judges compare verdicts, not language detection.
 * Returns one { language, findings } or { error } per input, in order.
 */
function lint(files, lang) {
  const dir = path.join(TMP, 'lint', lang);
  fs.rmSync(dir, { recursive: true, force: true });
  const linkDir = lang === 'sysctl' ? path.join(dir, 'sysctl.d') : dir;
  fs.mkdirSync(linkDir, { recursive: true });
  const links = files.map((f, i) => {
    const link = path.join(linkDir, lang === 'sysctl' ? `${i}.conf` : `${i}.iptables`);
    fs.symlinkSync(f, link);
    return link;
  });
  const run = (args) =>
    spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', '--severity', 'error', '--', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      timeout: 300_000,
    });
  const parse = (r, n) => {
    if (r.status !== 0 && r.status !== 1) return null;
    try {
      const out = JSON.parse(r.stdout);
      return Array.isArray(out) && out.length === n ? out : null;
    } catch {
      return null;
    }
  };
  const all = links.length ? parse(run(links), links.length) : [];
  if (all) return all.map((r) => ({ language: r.language, findings: r.findings }));
  // Something crashed: find out which files, one process each.
  return links.map((l) => {
    const r = run([l]);
    const one = parse(r, 1);
    if (one) return { language: one[0].language, findings: one[0].findings };
    const why = (r.error?.message || r.stderr || '').trim().split('\n').find((x) => x.trim()) || `exit ${r.status}`;
    return { error: `CLI failed (exit ${r.status ?? r.signal}): ${why.slice(0, 160)}` };
  });
}

// --- part 1: differential --------------------------------------------------------------

/** VERDICTS.tsv: what iptables 1.8.9 said of each corpus file when the corpus was made. */
function readVerdicts() {
  const out = new Map();
  try {
    for (const line of fs.readFileSync(path.join(SHARED, 'corpus/VERDICTS.tsv'), 'utf8').split('\n').slice(1)) {
      const [file, tool, nftRc, legacyRc] = line.split('\t');
      if (file && tool) out.set(file, { family: tool === 'ip6tables' ? 'ipv6' : 'ipv4', nftRc: Number(nftRc), legacyRc: Number(legacyRc) });
    }
  } catch {
    /* no verdicts: families come from the content */
  }
  return out;
}

/** corpus-expect.tsv: hand-checked offending lines of corpus dumps restore rejects. */
function readCorpusExpect() {
  const out = new Map();
  for (const line of fs.readFileSync(path.join(HERE, 'corpus-expect.tsv'), 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [file, lines] = line.split('\t');
    if (!file || !/^\d+(,\d+)*$/.test(lines || '')) throw new Error(`corpus-expect.tsv: needs file and lines: ${line}`);
    out.set(file, { accept: false, lines: lines.split(',').map(Number) });
  }
  return out;
}

function iptablesFiles() {
  const verdicts = readVerdicts();
  const out = [];
  for (const abs of walk(path.join(SHARED, 'corpus/iptables'), () => true)) {
    const key = 'iptables/' + path.basename(abs);
    const v = verdicts.get(key);
    out.push({ abs, key, family: v?.family ?? null, verdict: v ?? null });
  }
  const isRules = (p) => p.endsWith('.rules');
  for (const abs of [...walk(path.join(ROOT, 'test/fixtures/iptables'), isRules), ...walk(HERE, isRules)]) {
    out.push({ abs, key: rel(abs), family: null, verdict: null });
  }
  const gen = path.join(TMP, 'generated');
  fs.rmSync(gen, { recursive: true, force: true });
  fs.mkdirSync(gen, { recursive: true });
  for (const c of generatedCases()) {
    const abs = path.join(gen, c.name);
    fs.writeFileSync(abs, c.content);
    out.push({ abs, key: 'generated/' + c.name, family: null, verdict: null });
  }
  return out;
}

async function differential(netnsWhy) {
  console.log('\n=== differential: iptables-nft-restore (own netns per file) vs lint ===');
  const files = iptablesFiles();
  if (netnsWhy) {
    console.log(`SKIP: ${netnsWhy} (iptables differential, ${files.length} files)`);
    totals.skipped += files.length;
    return;
  }
  const allow = parseAllowList(fs.readFileSync(path.join(HERE, 'allowlist.tsv'), 'utf8'));
  const corpusExpect = readCorpusExpect();
  const usedExpect = new Set();
  const legacyOk = legacyAvailable();
  if (!legacyOk) console.log('note: iptables-legacy-restore unavailable; rule (a) is judged on nft alone');
  const started = Date.now();
  const ours = lint(
    files.map((f) => f.abs),
    'iptables',
  );
  const lintMs = Date.now() - started;
  const results = await runPool(files, JOBS, async (f) => {
    const buf = fs.readFileSync(f.abs);
    const text = buf.toString('utf8');
    const family = f.family ?? detectFamily(text, f.abs);
    const nft = await restoreInNetns(f.abs, { family });
    let legacy = null;
    if (nft.rc === 0 && legacyOk) legacy = await restoreInNetns(f.abs, { family, backend: 'legacy' });
    return { buf, text, family, nft, legacy };
  });
  const rows = [];
  const c = { accepted: [0, 0], rejected: [0, 0], viaLegacy: 0, env: 0, envBad: 0, harness: [0, 0], usedAllow: new Set() };
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const { buf, text, family, nft, legacy } = results[i];
    const o = ours[i];
    // The harness's own checks: the corpus restores as VERDICTS.tsv recorded (same tool,
    // same family), and annotated files are read back as annotated.
    if (f.verdict) {
      const legacyBad = legacy && legacy.rc !== f.verdict.legacyRc;
      const bad = nft.rc !== f.verdict.nftRc || legacyBad;
      c.harness[bad ? 1 : 0]++;
      if (bad) {
        totals.failed++;
        rows.push(['HARNESS', f.key, `restore rc ${nft.rc}${legacy ? `/legacy ${legacy.rc}` : ''}, VERDICTS.tsv says ${f.verdict.nftRc}/${f.verdict.legacyRc}`, '']);
      } else totals.passed++;
    }
    const expect = fixtureExpectation(text) ?? corpusExpect.get(f.key) ?? null;
    if (corpusExpect.has(f.key)) usedExpect.add(f.key);
    if (expect) {
      const bad = checkExpectation(expect, { buf, text, rc: nft.rc, stderr: nft.stderr });
      c.harness[bad ? 1 : 0]++;
      if (bad) {
        totals.failed++;
        rows.push(['HARNESS', f.key, bad, '']);
      } else totals.passed++;
    }
    if (nft.timedOut) {
      totals.failed++;
      rows.push(['TIMEOUT', f.key, `restore took over ${secs(nft.ms)}`, '']);
      continue;
    }
    const allowed = nft.rc !== 0 ? findAllowed(allow, f.key, nft.stderr) : null;
    if (allowed) c.usedAllow.add(allowed);
    const kind = nft.rc === 0 ? 'accepted' : allowed ? 'env' : 'rejected';
    let v;
    if (o.error) v = { status: 'disagree', restore: nft.rc === 0 ? 'accepted' : `rc=${nft.rc}`, ours: o.error, problems: [o.error] };
    else if (o.language !== 'iptables') v = { status: 'disagree', restore: '', ours: `language ${o.language}`, problems: ['not analysed as iptables'] };
    else v = judgeRestore({ buf, text, rc: nft.rc, stderr: nft.stderr, findings: o.findings, allowed, legacy });
    if (kind === 'env') {
      if (v.status === 'disagree') {
        c.envBad++;
        totals.failed++;
      } else {
        c.env++;
        totals.skipped++;
      }
    } else {
      const slot = kind === 'accepted' ? c.accepted : c.rejected;
      slot[v.status === 'agree' ? 0 : 1]++;
      if (v.viaLegacy) c.viaLegacy++;
      totals[v.status === 'agree' ? 'passed' : 'failed']++;
    }
    if (v.status === 'disagree' || verbose) {
      const fam = family === 'ipv6' ? ' [v6]' : '';
      rows.push([v.status === 'disagree' ? 'DISAGREE' : v.status, f.key + fam, `restore ${v.restore}`, `ours ${v.ours}${v.problems.length ? ' — ' + v.problems.join('; ') : ''}`]);
    }
  }
  for (const e of allow) {
    if (e.file !== '*' && !c.usedAllow.has(e)) {
      // A stale entry hides nothing today but would hide a real rejection tomorrow.
      totals.failed++;
      rows.push(['STALE', e.file, `allow-list entry /${e.message}/ matched no rejection`, '']);
    }
  }
  for (const k of corpusExpect.keys()) {
    if (!usedExpect.has(k)) {
      totals.failed++;
      rows.push(['STALE', k, 'corpus-expect.tsv names a file the differential did not see', '']);
    }
  }
  for (const r of rows) console.log(r.filter(Boolean).join('  '));
  const restoreMs = results.reduce((s, r) => s + r.nft.ms + (r.legacy?.ms ?? 0), 0);
  console.log(
    `differential: (a) restore accepts: ${c.accepted[0]}/${c.accepted[0] + c.accepted[1]} agree` +
      `${c.viaLegacy ? ` (${c.viaLegacy} with errors only iptables-legacy-restore raises)` : ''}; ` +
      `(b) restore rejects in-file: ${c.rejected[0]}/${c.rejected[0] + c.rejected[1]} agree; ` +
      `environment (allow-listed): ${c.env} skipped${c.envBad ? `, ${c.envBad} with errors in committed tables` : ''}; ` +
      `harness self-checks: ${c.harness[0]}/${c.harness[0] + c.harness[1]}; ${files.length} files, lint ${secs(lintMs)}, restores ${secs(restoreMs)} summed`,
  );
}

// --- part 2: packets -----------------------------------------------------------------------

function runScript(script, args, timeoutMs) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('sh', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: out.trim(), err: err.trim(), ms: Date.now() - started });
    });
  });
}

async function packets(netnsWhy) {
  console.log('\n=== packets: veth-port-check.sh (real TCP connects between two namespaces) ===');
  const dir = path.join(HERE, 'packets');
  const cases = [];
  for (const line of fs.readFileSync(path.join(dir, 'expected.tsv'), 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [file, port, expect, note] = line.split('\t');
    if (!file || !/^\d+$/.test(port || '') || !['open', 'blocked'].includes(expect)) {
      console.log(`BADROW  packets/expected.tsv: ${line}`);
      totals.failed++;
      continue;
    }
    cases.push({ file: path.resolve(dir, file), name: file, port, expect, note: note || '' });
  }
  const script = path.join(SHARED, 'testing/veth-port-check.sh');
  const why = netnsWhy || (!fs.existsSync(script) ? `${rel(script)} not found` : !haveCommand('ip') ? 'ip (iproute2) not found' : !haveCommand('python3') ? 'python3 not found' : null);
  if (why) {
    console.log(`SKIP: ${why} (packet test, ${cases.length} cases)`);
    totals.skipped += cases.length;
    return;
  }
  let agree = 0;
  let disagree = 0;
  let skipped = 0;
  const results = await runPool(cases, JOBS, async (c) => {
    if (!fs.existsSync(c.file)) return { c, code: -1, out: '', err: 'file not found', ms: 0 };
    return { c, ...(await runScript(script, [c.file, c.port], 60_000)) };
  });
  for (const r of results) {
    const { c } = r;
    const verdict = r.out.split('\n').pop();
    if (r.code === 3 && /cannot create network namespaces/.test(r.err)) {
      skipped++;
      totals.skipped++;
      console.log(`SKIP: ${r.err.split('\n')[0]} (${c.name})`);
    } else if (r.code === 0 && verdict === c.expect) {
      agree++;
      totals.passed++;
      if (verbose) console.log(`agree  ${c.name} :${c.port} ${verdict} (${secs(r.ms)})`);
    } else {
      disagree++;
      totals.failed++;
      const got = r.code === 0 ? verdict : `exit ${r.code}: ${r.err.split('\n')[0] || r.out}`;
      console.log(`DISAGREE  ${c.name} :${c.port}  expected ${c.expect}, got ${got}  (${c.note})`);
    }
  }
  console.log(`packets: ${agree}/${cases.length} agree${disagree ? `, ${disagree} disagree` : ''}${skipped ? `, ${skipped} skipped` : ''}`);
}

// --- part 3: sysctl ---------------------------------------------------------------------------

function globProcSys(relPath) {
  let bases = [''];
  for (const seg of relPath.split('/')) {
    const next = [];
    if (isGlob(seg)) {
      const re = globSegment(seg);
      for (const b of bases) {
        let names = [];
        try {
          names = fs.readdirSync(path.join('/proc/sys', b));
        } catch {
          continue;
        }
        for (const n of names) if (!n.startsWith('.') && re.test(n)) next.push(b ? `${b}/${n}` : n);
      }
    } else for (const b of bases) next.push(b ? `${b}/${seg}` : seg);
    bases = next;
    if (!bases.length) break;
  }
  return bases;
}

/** What this kernel says of a key path: exists (a regular file), writable, current value. */
function probeProcSys(relPath) {
  if (!relPath || relPath.includes('..')) return { exists: false, writable: false, current: null };
  const paths = isGlob(relPath) ? globProcSys(relPath) : [relPath];
  const found = [];
  for (const p of paths) {
    const abs = path.join('/proc/sys', p);
    let st;
    try {
      st = fs.statSync(abs);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    let current = null;
    try {
      current = fs.readFileSync(abs, 'utf8');
    } catch {
      /* write-only or refused: shape unknown */
    }
    found.push({ writable: (st.mode & 0o200) !== 0, current });
  }
  if (!found.length) return { exists: false, writable: false, current: null };
  return { exists: true, writable: found.every((x) => x.writable), current: found[0].current };
}

function sysctlAllowList() {
  const out = new Map();
  const file = path.join(HERE, 'sysctl-allowlist.tsv');
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [f, l, reason] = line.split('\t');
    if (!f || !/^\d+$/.test(l || '') || !reason) throw new Error(`sysctl-allowlist.tsv: needs file, line, reason: ${line}`);
    out.set(`${f}:${l}`, reason);
  }
  return out;
}

function sysctl() {
  console.log('\n=== sysctl: sysctl --dry-run -p (procps) vs lint ===');
  if (!haveCommand('sysctl')) {
    console.log('SKIP: sysctl (procps) not found');
    totals.skipped++;
    return;
  }
  const isConf = (p) => p.endsWith('.conf') || p.endsWith('.sysctl');
  const files = [
    ...walk(path.join(SHARED, 'corpus/sysctl'), () => true).map((abs) => ({ abs, key: 'sysctl/' + path.basename(abs) })),
    ...walk(path.join(HERE, 'fixtures/sysctl'), isConf).map((abs) => ({ abs, key: rel(abs) })),
    ...walk(path.join(ROOT, 'test/fixtures/sysctl'), isConf).map((abs) => ({ abs, key: rel(abs) })),
  ];
  const allow = sysctlAllowList();
  const used = new Set();
  const ours = lint(
    files.map((f) => f.abs),
    'sysctl',
  );
  let agreeFiles = 0;
  let badFiles = 0;
  let noJudged = 0;
  let judgedLines = 0;
  let badLines = 0;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const o = ours[i];
    const text = fs.readFileSync(f.abs, 'utf8');
    const r = spawnSync('sysctl', ['--dry-run', '-p', f.abs], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) {
      badFiles++;
      totals.failed++;
      console.log(`ERROR  ${f.key}  sysctl --dry-run: ${r.error.message}`);
      continue;
    }
    if (o.error || o.language !== 'sysctl') {
      badFiles++;
      totals.failed++;
      console.log(`DISAGREE  ${f.key}  ${o.error || `not analysed as sysctl (language ${o.language})`}`);
      continue;
    }
    const printed = new Set(r.stdout.split('\n'));
    const res = judgeSysctl({
      text,
      invalid: parseDryRunInvalid(r.stderr),
      findings: o.findings,
      probe: probeProcSys,
      printed,
      allowed: (n) => {
        const reason = allow.get(`${f.key}:${n}`) ?? null;
        if (reason) used.add(`${f.key}:${n}`);
        return reason;
      },
    });
    judgedLines += res.judged;
    badLines += res.problems.length;
    for (const h of res.harness) console.log(`HARNESS  ${f.key}  ${h}`);
    const bad = res.problems.length + res.harness.length;
    if (bad) {
      badFiles++;
      totals.failed++;
      const shown = res.problems.slice(0, 3).map((p) => `${p.line}: ${p.problem}`);
      if (res.problems.length) console.log(`DISAGREE  ${f.key}  ${shown.join(' | ')}${res.problems.length > 3 ? ` (+${res.problems.length - 3} lines)` : ''}`);
    } else if (!res.judged) {
      noJudged++;
      totals.skipped++;
    } else {
      agreeFiles++;
      totals.passed++;
    }
  }
  for (const k of allow.keys()) {
    if (!used.has(k)) {
      totals.failed++;
      console.log(`STALE  sysctl-allowlist.tsv ${k} matched no judged line`);
    }
  }
  console.log(
    `sysctl: ${agreeFiles}/${agreeFiles + badFiles} files agree (${judgedLines - badLines}/${judgedLines} judged lines)` +
      `${noJudged ? `, ${noJudged} with nothing to judge` : ''}; ${files.length} files`,
  );
}

// --- main ---------------------------------------------------------------------------------------

const setupProblems = setup();
for (const p of setupProblems) console.log(`note: ${p}`);
const netnsWhy = netnsProblem();
if (want('differential')) await differential(netnsWhy);
if (want('packets')) await packets(netnsWhy);
if (want('sysctl')) sysctl();
console.log(`\nreal-tool judges took ${secs(Date.now() - t0)}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed ? 1 : 0);
