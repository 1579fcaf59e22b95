// fast-check generators of sysctl files and iptables-save dumps: mostly realistic lines
// (known keys and values, tables, chains, rules with the common matches and targets),
// with the hostile parts users paste (BOM, CRLF and lone CR, tabs and vertical tabs,
// CJK and emoji, lone surrogates, NUL, quotes, overlong names, garbage lines), and for
// iptables token-level damage (a token dropped, duplicated or swapped).

import fc from 'fast-check';
import { allKeys } from '../../../server/src/core/sysctl/kb';

/** Text users put in comments and values, hostile characters included. */
export const FUNNY = [
  '',
  'note',
  '日本語のコメント',
  '防火墙规则',
  '🚀',
  '👨‍👩‍👧',
  'é',
  '\u0000',
  '\ud800',
  '\udc00',
  '\t',
  '"',
  '\\',
  '\\"',
  '#',
  ';',
  '=',
  ' ',
  'x'.repeat(40),
];
const funny = fc.array(fc.constantFrom(...FUNNY), { maxLength: 4 }).map((a) => a.join(''));

/** Any text at all (any UTF-16 code units, line breaks included). */
const junk = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit: 'binary-ascii', maxLength: 24 }), funny);

const eol = fc.oneof({ weight: 12, arbitrary: fc.constant('\n') }, { weight: 2, arbitrary: fc.constant('\r\n') }, { weight: 1, arbitrary: fc.constant('\r') });

/** Joins lines with generated line ends; maybe a BOM, maybe no final newline. */
function document(line: fc.Arbitrary<string>, maxLines: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(fc.tuple(line, eol), { maxLength: maxLines }), fc.boolean(), fc.nat(20))
    .map(([ls, finalEol, bomDie]) => {
      let s = bomDie === 0 ? '\uFEFF' : '';
      ls.forEach(([l, e], i) => {
        s += l;
        if (i < ls.length - 1 || finalEol) s += e;
      });
      return s;
    });
}

// ---------------------------------------------------------------------- sysctl

const KB_KEYS = allKeys();
const sysBlank = fc.constantFrom('', '', '', ' ', '  ', '\t', ' \t ', '\v', '\f');
const sysKey = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KB_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...KB_KEYS).map((k) => k.replace(/\./g, '/')) },
  { weight: 1, arbitrary: fc.constantFrom(...KB_KEYS).chain((k) => fc.nat(k.length - 1).map((i) => k.slice(0, i) + k.slice(i + 1))) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'net.ipv4.ip_forward',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.conf.all.rp_filter',
      'net.ipv4.conf.enp3s0/200.forwarding',
      'net/ipv4/conf/enp3s0.200/forwarding',
      'net.ipv4.conf.*.rp_filter',
      'net.ipv4.conf.eth[0-3].accept_redirects',
      'net.ipv4.netfilter.ip_conntrack_max',
      'net.ipv4.netfilter.ip_conntrack_tcp_timeout_established',
      'net.netfilter.nf_conntrack_tcp_timeout_establised',
      'vm.swappiness',
      'kernel.pid_max',
      'kernel.core_pattern',
      'fs.file-max',
      'net..ipv4',
      '.',
      '/',
      'a',
      'net.日本',
      'net.🚀.x',
    ),
  },
  { weight: 1, arbitrary: funny },
);
const sysValue = fc.oneof(
  fc.constantFrom('0', '1', '2', '-1', '65536', '262144', '2097152', '12262144', '432000', '0x1f', '010', '1e3', '32768 60999', '4096 87380 6291456', 'yes', '|/bin/false', ''),
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map(String),
  fc.nat().map(String),
  fc.tuple(fc.constantFrom('1', '65536', 'x'), fc.constantFrom(' # c', '# c', ' ; 日本', ' #🚀', '#')).map(([a, b]) => a + b),
  funny,
);
export const sysctlLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(sysBlank, fc.constantFrom('', '', '', '-', '- '), sysKey, sysBlank, sysBlank, sysValue, sysBlank).map(([a, m, k, b, c, v, d]) => `${a}${m}${k}${b}=${c}${v}${d}`) },
  { weight: 1, arbitrary: fc.tuple(sysBlank, sysKey, sysBlank).map(([a, k, b]) => `${a}-${k}${b}`) },
  { weight: 3, arbitrary: fc.tuple(sysBlank, fc.constantFrom('#', ';', '# ', '#!'), funny).map(([a, m, t]) => a + m + t) },
  { weight: 2, arbitrary: sysBlank },
  { weight: 1, arbitrary: fc.tuple(sysBlank, sysKey, sysBlank).map(([a, k, b]) => a + k + b) },
  { weight: 1, arbitrary: fc.tuple(sysBlank, fc.constantFrom('=', '= 1', '-=1', '.=1', 'a==1', '==')).map(([a, b]) => a + b) },
  { weight: 1, arbitrary: junk },
);
/** A sysctl.conf / sysctl.d file. */
export const sysctlFile: fc.Arbitrary<string> = document(sysctlLine, 24);

// ---------------------------------------------------------------------- iptables

const TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'];
const BUILTIN: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};
const USER_CHAINS = ['WEB', 'DOCKER', 'KUBE-SERVICES', 'KUBE-SVC-ABCDEFGHIJKLMNOP', 'ufw-before-input', 'LOGDROP', 'a'];
const ODD_CHAINS = ['X'.repeat(29), '-bad', '!x', 'ACCEPT', '日本', '🚀', 'INPUT\r', ''];
const chainName = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...USER_CHAINS, 'INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING') }, { weight: 1, arbitrary: fc.constantFrom(...ODD_CHAINS) });

const quoted = funny.map((t) => `"${t.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
const port = fc.oneof(fc.constantFrom('22', '80', '443', '8080:8090', '1024:', ':1023', '0', '65535', '65536', 'ssh', 'http', '99999', '-1', '80-90'), fc.nat(70000).map(String));
const addr = fc.oneof(
  fc.constantFrom('10.0.0.0/8', '192.168.1.1', '192.168.1.1/32', '0.0.0.0/0', '127.0.0.1', '2001:db8::/32', '::1/128', 'fe80::1', '300.1.2.3', '1.2.3.4/33', '1.2.3', 'localhost', '10.0.0.1-10.0.0.9'),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(32)).map(([a, b, c, d, m]) => `${a}.${b}.${c}.${d}/${m}`),
);
const states = fc.subarray(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT', 'ESTABLISHD', 'new'], { minLength: 1, maxLength: 3 }).map((a) => a.join(','));
const neg = fc.constantFrom('', '', '', '! ');

const matchPart: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(neg, fc.constantFrom('tcp', 'udp', 'icmp', 'all', 'sctp', 'ipv6-icmp', '6', 'bogus')).map(([n, p]) => `${n}-p ${p}`),
  fc.tuple(neg, fc.constantFrom('-s', '-d', '--source', '--dst'), addr).map(([n, o, a]) => `${n}${o} ${a}`),
  fc.tuple(neg, fc.constantFrom('-i', '-o'), fc.constantFrom('eth0', 'lo', 'docker0', 'eth+', 'x'.repeat(17))).map(([n, o, i]) => `${n}${o} ${i}`),
  fc.tuple(fc.constantFrom('-m tcp ', '-m udp ', ''), neg, fc.constantFrom('--dport', '--sport', '--destination-port'), port).map(([m, n, o, p]) => `${m}${n}${o} ${p}`),
  fc.tuple(fc.array(port, { minLength: 1, maxLength: 4 })).map(([ps]) => `-m multiport --dports ${ps.join(',')}`),
  fc.tuple(fc.constantFrom('-m conntrack --ctstate', '-m state --state', '-m conntrack ! --ctstate'), states).map(([m, s]) => `${m} ${s}`),
  quoted.map((q) => `-m comment --comment ${q}`),
  fc.constantFrom(
    '-m limit --limit 5/min --limit-burst 10',
    '-m mark --mark 0x1/0xff',
    '-m addrtype --dst-type LOCAL',
    '-m icmp --icmp-type 8',
    '--tcp-flags SYN,RST,ACK SYN',
    '--syn',
    '-f',
    '-m set --match-set blocklist src',
    '-m recent --name ssh --update --seconds 60 --hitcount 4',
    '-m physdev --physdev-is-bridged',
    '-m statistic --mode random --probability 0.5',
    '-m connlimit --connlimit-above 10',
    '-m bogusmodule --x 1',
    '--bogus-option',
    '-c 10 20',
    '-v',
    '-t nat',
  ),
);
const target: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('-j ACCEPT', '-j DROP', '-j RETURN', '-j REJECT --reject-with icmp-port-unreachable', '-j REJECT --reject-with tcp-reset'),
  fc.constantFrom('-j LOG --log-prefix "IN: "', '-j MASQUERADE', '-j DNAT --to-destination 10.0.0.2:8080', '-j SNAT --to-source 192.0.2.1', '-j REDIRECT --to-ports 3128'),
  fc.constantFrom('-j CT --notrack', '-j NOTRACK', '-j MARK --set-mark 0x1', '-j CONNMARK --restore-mark', '-j TCPMSS --clamp-mss-to-pmtu', '-j NFQUEUE --queue-num 1'),
  fc.tuple(fc.constantFrom('-j', '-g', '--jump', '--goto'), chainName).map(([j, c]) => `${j} ${c}`),
  fc.constant(''),
);
const counters = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([p, b]) => `[${p}:${b}] `) }, { weight: 1, arbitrary: fc.constantFrom('[0:0 ', '[x:y] ', '[1:2]', '[:] ') });

const ruleLine: fc.Arbitrary<string> = fc
  .tuple(counters, fc.constantFrom('-A', '-A', '-A', '-I', '--append', '-I', '-D', '-R', '-C'), chainName, fc.constantFrom('', '', ' 1', ' 0', ' 2'), fc.array(matchPart, { maxLength: 4 }), target)
  .map(([c, cmd, ch, num, ms, t]) => {
    const n = cmd === '-A' || cmd === '--append' ? '' : num;
    return `${c}${cmd} ${ch}${n}${ms.length ? ' ' + ms.join(' ') : ''}${t ? ' ' + t : ''}`;
  });
const otherCommand = fc.oneof(
  fc.tuple(fc.constantFrom('-N', '-X', '-F', '-Z', '--new-chain', '-L', '-S'), chainName).map(([c, n]) => `${c} ${n}`),
  fc.tuple(chainName, fc.constantFrom('ACCEPT', 'DROP', 'RETURN', 'bogus')).map(([c, p]) => `-P ${c} ${p}`),
  fc.tuple(chainName, chainName).map(([a, b]) => `-E ${a} ${b}`),
  fc.constantFrom('-F', '-X', '-Z', '-Q BROKEN', '-A', '-A INPUT -j', '-A INPUT "unterminated', '-A INPUT "" -j ACCEPT', 'COMMIT ', ' COMMIT', ' # indented comment', '   ', '*nat'),
);
const chainDecl = fc
  .tuple(chainName, fc.constantFrom('ACCEPT', 'DROP', '-', '-', 'RETURN', ''), fc.constantFrom(' [0:0]', ' [12:3456]', '', ' [x:y]', ' [0:0] extra'))
  .map(([n, p, c]) => `:${n}${p ? ' ' + p : ''}${c}`);

/** Token-level damage to one line: drop, duplicate or swap an argument. */
function damage(line: string, op: number, at: number): string {
  const toks = line.split(' ');
  if (toks.length < 2) return line;
  const i = at % toks.length;
  if (op === 0) toks.splice(i, 1);
  else if (op === 1) toks.splice(i, 0, toks[i]);
  else {
    const j = (i + 1) % toks.length;
    [toks[i], toks[j]] = [toks[j], toks[i]];
  }
  return toks.join(' ');
}

const bodyLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: ruleLine },
  { weight: 3, arbitrary: chainDecl },
  { weight: 2, arbitrary: otherCommand },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('#', '# ', '#🚀 '), funny).map(([m, t]) => m + t) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: junk },
);

/** One `*table` block: header, declarations of the built-in chains, body, COMMIT (sometimes missing or damaged). */
const tableBlock: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...TABLES) }, { weight: 1, arbitrary: fc.constantFrom('filtr', '', ' filter', 'filter extra', 'FILTER') }),
    fc.array(bodyLine, { maxLength: 10 }),
    fc.oneof({ weight: 8, arbitrary: fc.constant('COMMIT') }, { weight: 1, arbitrary: fc.constantFrom('', 'COMMIT ', ' COMMIT', 'commit', '# COMMIT') }),
    fc.array(fc.tuple(fc.nat(2), fc.nat()), { maxLength: 2 }),
  )
  .map(([t, body, commit, hits]) => {
    const decls = (BUILTIN[t.trim().split(' ')[0]] ?? ['INPUT']).map((c) => `:${c} ACCEPT [0:0]`);
    const lines = [`*${t}`, ...decls, ...body];
    for (const [op, at] of hits) {
      const i = 1 + (at % (lines.length - 1 || 1));
      if (i < lines.length) lines[i] = damage(lines[i], op, at >> 2);
    }
    if (commit) lines.push(commit);
    return lines;
  });

const header = fc.constantFrom('', '# Generated by iptables-save v1.8.9 (nf_tables) on Mon Nov 23 10:00:00 2026', '# Generated by ip6tables-save v1.8.7', '# Completed on Mon Nov 23');

/** An iptables-save dump: a header comment, a few table blocks, stray lines between them. */
export const iptablesFile: fc.Arbitrary<string> = fc
  .tuple(
    header,
    fc.array(fc.tuple(tableBlock, fc.array(fc.oneof(fc.constant(''), fc.constant('# between'), junk, ruleLine), { maxLength: 1 })), { maxLength: 3 }),
    fc.array(eol, { minLength: 1, maxLength: 8 }),
    fc.boolean(),
    fc.nat(30),
  )
  .map(([h, blocks, eols, finalEol, bomDie]) => {
    const lines = [...(h ? [h] : []), ...blocks.flatMap(([b, extra]) => [...b, ...extra])];
    // Mostly one kind of line end per file (as real files have), sometimes mixed.
    const mixed = bomDie % 4 === 0;
    let s = bomDie === 0 ? '\uFEFF' : '';
    lines.forEach((l, i) => {
      s += l;
      if (i < lines.length - 1 || finalEol) s += mixed ? eols[i % eols.length] : eols[0];
    });
    return s;
  });

/** Number of runs for a property: `base` times RELIABILITY_SCALE (default 1; raise it locally for a longer search). */
export function runs(base: number): number {
  const k = Number(process.env.RELIABILITY_SCALE ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(k) && k > 0 ? k : 1)));
}

/** fast-check parameters: the number of runs, and a fixed seed when FC_SEED is set (to replay a failure). */
export function params(numRuns: number): fc.Parameters<unknown> {
  const p: fc.Parameters<unknown> = { numRuns, includeErrorInReport: true };
  if (process.env.FC_SEED) p.seed = Number(process.env.FC_SEED);
  if (process.env.FC_PATH) p.path = process.env.FC_PATH;
  return p;
}

/** One line of a dump (rules, declarations, commands, comments, junk), for edits. */
export const iptablesLine: fc.Arbitrary<string> = bodyLine;

/**
 * A dump the incremental re-parse can take its fast path on (LF line ends, the header line, a
 * long comment past the first 200 characters, then tables): edits far enough into it are
 * re-parsed line by line, and what they give must still be what a full parse gives.
 */
export const iptablesEditableFile: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('iptables', 'ip6tables'), fc.array(tableBlock, { minLength: 1, maxLength: 2 }), fc.boolean())
  .map(([tool, blocks, finalEol]) => {
    const lines = [`# Generated by ${tool}-save v1.8.9 (nf_tables) on Mon Nov 23 10:00:00 2026`, `# ${'x'.repeat(200)}`, ...blocks.flat()];
    return lines.join('\n') + (finalEol ? '\n' : '');
  });
