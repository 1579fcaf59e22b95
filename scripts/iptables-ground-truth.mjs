#!/usr/bin/env node
// Asks the real iptables 1.8.9 (both backends) what it accepts, inside a throwaway
// network namespace, and writes the verdicts as fixtures the unit tests compare
// our option tables and validators against:
//
//   test/fixtures/iptables/modules/placement.json    target x table x built-in chain
//   test/fixtures/iptables/modules/value-verdicts.json  value cases (value-cases.txt)
//   test/fixtures/iptables/modules/option-probe.json  which option names each
//                                                      extension really knows
//
// Usage (root): node --import tsx scripts/iptables-ground-truth.mjs [placement|values|probe ...]
// The script re-runs itself under `unshare -n`; it never touches the host's rules.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const fixtures = join(root, 'test/fixtures/iptables/modules');
const parts = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const want = (p) => parts.length === 0 || parts.includes(p);

if (process.env.CTL_GROUND_TRUTH_INSIDE !== '1') {
  const r = spawnSync('unshare', ['-n', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, CTL_GROUND_TRUTH_INSIDE: '1' },
  });
  process.exit(r.status ?? 1);
}

const TOOLS = {
  ipv4: { nft: 'iptables-nft', legacy: 'iptables-legacy' },
  ipv6: { nft: 'ip6tables-nft', legacy: 'ip6tables-legacy' },
};

function version() {
  const r = spawnSync('iptables-nft', ['-V'], { encoding: 'utf8' });
  return (r.stdout || r.stderr).trim();
}

/** Runs one command; returns { ok, rc, message } (first meaningful stderr line). */
function run(tool, args) {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  const lines = (r.stderr + '\n' + r.stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('# Warning: iptables-legacy tables present') && !/^Try `/.test(l));
  // Prefer the error over warnings printed before it ("Extension X revision 0 not supported").
  const first = lines.find((l) => !/^Warning:/.test(l)) || lines[0] || '';
  return { ok: r.status === 0, rc: r.status, message: r.status === 0 ? '' : first.replace(/^ip6?tables(-legacy)?( v[\d.]+ \(\w+\))?: ?/, '') };
}

/** Adds a rule with both backends, then removes it again. */
function judge(family, table, chain, args) {
  const out = {};
  for (const backend of ['nft', 'legacy']) {
    const tool = TOOLS[family][backend];
    const r = run(tool, ['-w', '-t', table, '-A', chain, ...args]);
    if (r.ok) run(tool, ['-w', '-t', table, '-F', chain]);
    out[backend] = r.ok ? 'accept' : 'reject';
    if (!r.ok) out[backend + 'Message'] = r.message;
  }
  return out;
}

const BUILTIN = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

// Minimal valid options per target (so that only placement decides).
const V6 = '2001:db8::1';
const PLACEMENT_TARGETS = [
  ['ACCEPT', 'both', []],
  ['DROP', 'both', []],
  ['RETURN', 'both', []],
  ['QUEUE', 'both', []],
  ['REJECT', 'both', []],
  ['LOG', 'both', []],
  ['NFLOG', 'both', []],
  ['ULOG', 'ipv4', []],
  ['MARK', 'both', ['--set-mark', '1']],
  ['CONNMARK', 'both', ['--set-mark', '1']],
  ['CT', 'both', ['--notrack']],
  ['NOTRACK', 'both', []],
  ['DNAT', 'ipv4', ['--to-destination', '192.0.2.1']],
  ['DNAT', 'ipv6', ['--to-destination', V6]],
  ['SNAT', 'ipv4', ['--to-source', '192.0.2.1']],
  ['SNAT', 'ipv6', ['--to-source', V6]],
  ['MASQUERADE', 'both', []],
  ['REDIRECT', 'both', []],
  ['NETMAP', 'ipv4', ['--to', '192.0.2.0/24']],
  ['NETMAP', 'ipv6', ['--to', '2001:db8::/64']],
  ['TPROXY', 'both', ['-p', 'tcp', '--on-port', '1']],
  ['TCPMSS', 'both', ['-p', 'tcp', '--tcp-flags', 'SYN,RST', 'SYN', '--set-mss', '1400']],
  ['TCPMSS', 'both', ['-p', 'tcp', '--tcp-flags', 'SYN,RST', 'SYN', '--clamp-mss-to-pmtu'], 'clamp-mss-to-pmtu'],
  ['TCPOPTSTRIP', 'both', ['-p', 'tcp', '--strip-options', 'mss']],
  ['TOS', 'both', ['--set-tos', '0x10']],
  ['DSCP', 'both', ['--set-dscp', '1']],
  ['TTL', 'ipv4', ['--ttl-set', '64']],
  ['HL', 'ipv6', ['--hl-set', '64']],
  ['ECN', 'ipv4', ['-p', 'tcp', '--ecn-tcp-remove']],
  ['CLASSIFY', 'both', ['--set-class', '1:1']],
  ['CHECKSUM', 'both', ['--checksum-fill']],
  ['NFQUEUE', 'both', ['--queue-num', '1']],
  ['TEE', 'ipv4', ['--gateway', '192.0.2.1']],
  ['TEE', 'ipv6', ['--gateway', V6]],
  ['AUDIT', 'both', ['--type', 'accept']],
  ['CONNSECMARK', 'both', ['--save']],
  ['SYNPROXY', 'both', ['-p', 'tcp', '--mss', '1460']],
  ['IDLETIMER', 'both', ['--timeout', '10', '--label', 'ctl']],
  ['LED', 'both', ['--led-trigger-id', 'ctl']],
  ['TRACE', 'both', []],
  ['RATEEST', 'both', ['--rateest-name', 'ctl', '--rateest-interval', '1s', '--rateest-ewmalog', '2s']],
  ['HMARK', 'ipv4', ['--hmark-tuple', 'src', '--hmark-mod', '2', '--hmark-rnd', '1']],
  ['HMARK', 'ipv6', ['--hmark-tuple', 'src', '--hmark-mod', '2', '--hmark-rnd', '1']],
  ['SECMARK', 'both', ['--selctx', 'system_u:object_r:ssh_packet_t:s0']],
  ['CLUSTERIP', 'ipv4', ['-d', '192.0.2.10', '--new', '--hashmode', 'sourceip', '--clustermac', '01:00:5E:00:00:20', '--total-nodes', '2', '--local-node', '1']],
  ['DNPT', 'ipv6', ['--src-pfx', '2001:db8::/64', '--dst-pfx', '2001:db9::/64']],
  ['SNPT', 'ipv6', ['--src-pfx', '2001:db8::/64', '--dst-pfx', '2001:db9::/64']],
];

// Matches whose kernel side restricts where they may be used.
const PLACEMENT_MATCHES = [
  ['owner', 'both', ['-m', 'owner', '--uid-owner', '0']],
  ['socket', 'both', ['-m', 'socket']],
  ['rpfilter', 'both', ['-m', 'rpfilter']],
  ['mac', 'both', ['-m', 'mac', '--mac-source', '00:11:22:33:44:55']],
  ['physdev', 'both', ['-m', 'physdev', '--physdev-out', 'eth0']],
  ['policy', 'both', ['-m', 'policy', '--dir', 'in', '--pol', 'none'], 'dir in'],
  ['policy', 'both', ['-m', 'policy', '--dir', 'out', '--pol', 'none'], 'dir out'],
  ['addrtype', 'both', ['-m', 'addrtype', '--dst-type', 'LOCAL', '--limit-iface-in'], 'limit-iface-in'],
  ['addrtype', 'both', ['-m', 'addrtype', '--dst-type', 'LOCAL', '--limit-iface-out'], 'limit-iface-out'],
];

function placement() {
  const rows = [];
  for (const [match, fam, args, variant] of PLACEMENT_MATCHES) {
    for (const family of fam === 'both' ? ['ipv4', 'ipv6'] : [fam]) {
      for (const [table, chains] of Object.entries(BUILTIN)) {
        for (const chain of chains) {
          const full = [...args, '-j', table === 'nat' ? 'ACCEPT' : 'ACCEPT'];
          rows.push({ match, variant, family, table, chain, args: full.join(' '), ...judge(family, table, chain, full) });
        }
      }
    }
  }
  for (const [target, fam, opts, variant] of PLACEMENT_TARGETS) {
    for (const family of fam === 'both' ? ['ipv4', 'ipv6'] : [fam]) {
      for (const [table, chains] of Object.entries(BUILTIN)) {
        for (const chain of chains) {
          // Options that come before -j (like -p tcp, -d) stay before it.
          const pre = [];
          const post = [];
          for (let i = 0; i < opts.length; i++) {
            if (opts[i] === '-p' || opts[i] === '-d' || opts[i] === '--tcp-flags') {
              const n = opts[i] === '--tcp-flags' ? 2 : 1;
              if (opts[i] === '--tcp-flags') pre.push(opts[i], ...opts.slice(i + 1, i + 1 + n));
              else pre.push(opts[i], opts[i + 1]);
              i += n;
            } else post.push(opts[i]);
          }
          const args = [...pre, '-j', target, ...post];
          rows.push({ target, variant, family, table, chain, args: args.join(' '), ...judge(family, table, chain, args) });
        }
      }
    }
  }
  return rows;
}

// ---- value cases ---------------------------------------------------------
// value-cases.txt, one case per line:
//   v4|v6 [@table/CHAIN] SUBJECT [!] --option value... [;; extra args]
// SUBJECT is a match module (`tcp`) or `T:TARGET`. Prerequisites a module needs
// (`-p tcp` for tcp) come from PREREQ; `;;` adds other arguments that are not
// the subject of the case (e.g. a mandatory companion option).
const PREREQ = {
  tcp: ['-p', 'tcp'],
  udp: ['-p', 'udp'],
  sctp: ['-p', 'sctp'],
  dccp: ['-p', 'dccp'],
  icmp: ['-p', 'icmp'],
  icmp6: ['-p', 'ipv6-icmp'],
  multiport: ['-p', 'tcp'],
  tcpmss: ['-p', 'tcp'],
  ecn: ['-p', 'tcp'],
  esp: ['-p', 'esp'],
  ah: ['-p', 'ah'],
  ipcomp: ['-p', 'ipcomp'],
  'T:TCPMSS': ['-p', 'tcp', '--tcp-flags', 'SYN,RST', 'SYN'],
  'T:TCPOPTSTRIP': ['-p', 'tcp'],
  'T:SYNPROXY': ['-p', 'tcp'],
  'T:TPROXY': ['-p', 'tcp'],
};
const DEFAULT_PLACE = {
  'T:DNAT': 'nat/PREROUTING',
  'T:SNAT': 'nat/POSTROUTING',
  'T:MASQUERADE': 'nat/POSTROUTING',
  'T:REDIRECT': 'nat/PREROUTING',
  'T:NETMAP': 'nat/PREROUTING',
  'T:CT': 'raw/PREROUTING',
  'T:TPROXY': 'mangle/PREROUTING',
  'T:TOS': 'mangle/PREROUTING',
  'T:DSCP': 'mangle/PREROUTING',
  'T:TTL': 'mangle/PREROUTING',
  'T:HL': 'mangle/PREROUTING',
  'T:CHECKSUM': 'mangle/POSTROUTING',
  'T:CLASSIFY': 'mangle/POSTROUTING',
  'T:TCPMSS': 'mangle/FORWARD',
  'T:TEE': 'mangle/PREROUTING',
  'T:TCPOPTSTRIP': 'mangle/PREROUTING',
};

/** Splits a case line into words; "double quotes" group (and are removed). */
function words(s) {
  const out = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m;
  while ((m = re.exec(s))) out.push(m[1] !== undefined ? m[1] : m[2]);
  return out;
}

export function parseCase(line) {
  // `[env]` marks a case whose real verdict depends on the machine (services,
  // users, DNS, kernel helpers), `[rule]` one that depends on the rest of the
  // rule (e.g. tcp-reset without -p tcp): in both the value itself is fine.
  let tag;
  const t = /\s\[(env|rule)\]$/.exec(line);
  if (t) {
    tag = t[1];
    line = line.slice(0, t.index);
  }
  const [main, extra = ''] = line.split(' ;; ');
  const w = words(main);
  const family = w.shift() === 'v6' ? 'ipv6' : 'ipv4';
  let place;
  if (w[0].startsWith('@')) place = w.shift().slice(1);
  const subject = w.shift();
  let negated = false;
  if (w[0] === '!') {
    negated = true;
    w.shift();
  }
  const option = w.shift();
  const values = w;
  place = place || DEFAULT_PLACE[subject] || 'filter/INPUT';
  const [table, chain] = place.split('/');
  let pre = PREREQ[subject] || [];
  const more = words(extra);
  // Generic options among the extras (-p, -s, -d) go before the subject:
  // a target checks the protocol when it parses its own options.
  const generic = [];
  const rest = [];
  for (let i = 0; i < more.length; i++) {
    if (['-p', '-s', '-d', '-i', '-o'].includes(more[i])) generic.push(more[i], more[++i]);
    else rest.push(more[i]);
  }
  if (generic.includes('-p')) pre = pre.filter((_, i) => pre[i] !== '-p' && pre[i - 1] !== '-p');
  const opt = [...(negated ? ['!'] : []), option, ...values];
  const args = subject.startsWith('T:') ? [...generic, ...pre, '-j', subject.slice(2), ...opt, ...rest] : [...generic, ...pre, '-m', subject, ...opt, ...rest];
  return { family, table, chain, subject, negated, option, values, extra: more, args, tag };
}

function values() {
  // Sets the `set` match and SET target cases refer to.
  for (const [name, family] of [['myset', 'inet'], ['myset6', 'inet6']]) spawnSync('ipset', ['create', name, 'hash:ip', 'family', family]);
  spawnSync('ipset', ['create', 'myset2', 'hash:ip,port,ip']);
  const lines = readFileSync(join(fixtures, 'value-cases.txt'), 'utf8').split('\n');
  const rows = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const c = parseCase(line);
    rows.push({
      case: line,
      family: c.family,
      subject: c.subject,
      option: c.option,
      negated: c.negated,
      values: c.values,
      args: c.args.join(' '),
      ...(c.tag ? { tag: c.tag } : {}),
      ...judge(c.family, c.table, c.chain, c.args),
    });
  }
  return rows;
}

// ---- option probe ----------------------------------------------------------
// For each extension and candidate option name: does iptables know the name?
// `unknown option` means no; anything else (accepted, "requires an argument",
// a value error, a missing companion option) means the parser knows it.
// iptables' own long options. An extension option with the same name wins over
// them, but a candidate that is only a start of one (`--new` of `--new-chain`)
// would be taken as the generic option, so such candidates are not probed unless
// the table has them.
const GENERIC_OPTIONS = ['--append', '--check', '--delete', '--insert', '--replace', '--list', '--list-rules', '--flush', '--zero', '--new-chain', '--delete-chain', '--policy', '--rename-chain', '--ipv4', '--ipv6', '--protocol', '--source', '--destination', '--in-interface', '--out-interface', '--jump', '--goto', '--match', '--numeric', '--table', '--verbose', '--wait', '--wait-interval', '--line-numbers', '--exact', '--fragment', '--modprobe', '--set-counters', '--version', '--help'];

async function probe() {
  const { listModules, listTargets } = await import('../server/src/core/iptables/modules/index.ts');
  const soOptions = JSON.parse(spawnSync(process.execPath, [join(root, 'scripts/xtables-options.mjs')], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout);
  const rows = [];
  const exts = [...listModules().map((m) => ({ kind: 'match', spec: m })), ...listTargets().filter((t) => !t.builtin).map((t) => ({ kind: 'target', spec: t }))];
  for (const { kind, spec } of exts) {
    const families = spec.family === 'both' ? ['ipv4', 'ipv6'] : [spec.family];
    for (const family of families) {
      const names = new Set();
      for (const o of spec.options) {
        names.add(o.name);
        for (const a of o.aliases || []) names.add(a);
      }
      const ours = new Set(names);
      const prefix = family === 'ipv4' ? 'ipt' : 'ip6t';
      for (const so of [`libxt_${spec.name}`, `lib${prefix}_${spec.name}`]) {
        const list = soOptions[so];
        if (Array.isArray(list)) for (const o of list) names.add('--' + o.name);
      }
      for (const name of [...names].sort()) {
        // iptables' own options would answer for the extension.
        if (!ours.has(name) && GENERIC_OPTIONS.some((g) => g.startsWith(name))) continue;
        const subject = kind === 'match' ? spec.name : 'T:' + spec.name;
        const pre = PREREQ[subject] || (spec.protocols && spec.protocols.length ? ['-p', spec.protocols[0]] : []);
        const place = (DEFAULT_PLACE[subject] || 'filter/INPUT').split('/');
        const args = kind === 'match' ? [...pre, '-m', spec.name, name] : [...pre, '-j', spec.name, name];
        const r = run(TOOLS[family].nft, ['-w', '-t', place[0], '-A', place[1], ...args]);
        if (r.ok) run(TOOLS[family].nft, ['-w', '-t', place[0], '-F', place[1]]);
        const known = !/unknown option/.test(r.message) && !/Couldn't load/.test(r.message);
        // What the extension's compiled option table says (x6 entries only), when its revisions agree.
        const x6 = [];
        for (const so of [`libxt_${spec.name}`, `lib${prefix}_${spec.name}`]) {
          const list = soOptions[so];
          if (!Array.isArray(list)) continue;
          for (const o of list) {
            if (o.style !== 'x6' || '--' + o.name !== name) continue;
            // Spellings sharing an id take the flags of the first entry with that id.
            const first = list.find((e) => e.style === 'x6' && e.array === o.array && e.id === o.id);
            x6.push({ ...o, invert: first.invert, mandatory: first.mandatory });
          }
        }
        const same = (k) => x6.length > 0 && x6.every((o) => o[k] === x6[0][k]);
        rows.push({
          kind,
          extension: spec.name,
          family,
          option: name,
          known,
          needsValue: /requires an argument/.test(r.message),
          ...(known && same('invert') ? { x6Invert: x6[0].invert } : {}),
          ...(known && same('mandatory') ? { x6Mandatory: x6[0].mandatory } : {}),
          message: r.message || undefined,
        });
      }
    }
  }
  return rows;
}

const header = { tool: version(), note: 'Generated by scripts/iptables-ground-truth.mjs inside unshare -n; do not edit by hand.' };

/** JSON with one row per line: small, and diffs show which verdicts changed. */
function dump(rows) {
  return `{"tool": ${JSON.stringify(header.tool)}, "note": ${JSON.stringify(header.note)}, "rows": [\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;
}
if (want('placement')) {
  const rows = placement();
  writeFileSync(join(fixtures, 'placement.json'), dump(rows));
  console.log(`placement: ${rows.length} rows`);
}
if (want('values')) {
  const rows = values();
  writeFileSync(join(fixtures, 'value-verdicts.json'), dump(rows));
  console.log(`values: ${rows.length} rows`);
}
if (want('probe')) {
  const rows = await probe();
  writeFileSync(join(fixtures, 'option-probe.json'), dump(rows));
  console.log(`probe: ${rows.length} rows`);
}
