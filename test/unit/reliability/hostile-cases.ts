// The hostile documents of hostile.test.ts (also handy for profiling one by hand:
// `node --import tsx -e "…CASES.find(…)…"`).

export type Lang = 'sysctl' | 'iptables';
export interface Case {
  name: string;
  langs: Lang[];
  text: () => string;
}

export const MB = 1024 * 1024;
export const rep = (s: string, n: number): string => s.repeat(n);

export function garbageLines(n: number): string {
  // Deterministic noise: printable ASCII, quotes, brackets, option-like words, odd lengths.
  const words = ['-A', '*', ':', '"', '[', ']', '!', '--dport', '=', '#', 'COMMIT', '\t', '-j', 'ACCEPT', '…', '0x', '9999999999'];
  let s = '';
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const k = x % 6;
    let l = '';
    for (let j = 0; j < k; j++) l += words[(x >> (j * 3)) % words.length] + (j % 2 ? ' ' : '');
    s += l + String.fromCharCode(33 + (x % 90)) + '\n';
  }
  return s;
}

export function chainDump(decls: number): string {
  const out = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (let i = 0; i < decls; i++) out.push(`:C${i} - [0:0]`);
  out.push('-A INPUT -j C0', 'COMMIT', '');
  return out.join('\n');
}

/** N0 → N1 → … → N{n}: a jump chain n deep; `loop` closes it back to N0; `declare` uses :X or -N. */
export function deepChain(n: number, { loop = false, jump = '-j', declare = ':' } = {}): string {
  const out = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (let i = 0; i <= n; i++) out.push(declare === ':' ? `:N${i} - [0:0]` : `-N N${i}`);
  out.push(`-A INPUT -p tcp -m conntrack --ctstate NEW -j N0`);
  for (let i = 0; i < n; i++) out.push(`-A N${i} -p tcp -m tcp --dport ${1 + (i % 65000)} ${jump} N${i + 1}`);
  if (loop) out.push(`-A N${n} ${jump} N0`);
  else out.push(`-A N${n} -j ACCEPT`);
  out.push('COMMIT', '');
  return out.join('\n');
}

export const CASES: Case[] = [
  { name: 'one 5 MB line (sysctl value)', langs: ['sysctl', 'iptables'], text: () => `net.core.somaxconn = ${rep('7', 5 * MB)}\n` },
  { name: 'one 5 MB line of rule arguments', langs: ['iptables'], text: () => `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ${rep('-s 10.1.2.3 ', (5 * MB) / 12)}-j ACCEPT\nCOMMIT\n` },
  { name: 'one 5 MB line without a single blank', langs: ['iptables', 'sysctl'], text: () => rep('ab=', (5 * MB) / 3) },
  { name: '300k lines of garbage', langs: ['sysctl'], text: () => garbageLines(300_000) },
  { name: '300k lines of garbage inside a table', langs: ['iptables'], text: () => `*filter\n${garbageLines(300_000)}COMMIT\n` },
  {
    name: 'lone UTF-16 surrogates and NUL bytes',
    langs: ['sysctl', 'iptables'],
    text: () =>
      rep(
        '# \ud800 lone high, \udc00 lone low, \u0000 NUL\nnet.ipv4.ip_forward = \ud800\u0000\nkey\u0000.x = 1\n\udbff=\udfff\n' +
          '*filter\n:IN\u0000PUT ACCEPT [0:0]\n-A INPUT -m comment --comment "\ud83d\u0000" -s \udc00 -j ACCEPT\n-A \ud800 -j \u0000\nCOMMIT\n',
        5_000,
      ),
  },
  { name: 'CR-only line ends', langs: ['sysctl', 'iptables'], text: () => rep('*filter\r:INPUT ACCEPT [0:0]\r-A INPUT -j ACCEPT\rCOMMIT\rnet.ipv4.ip_forward = 1\r# c\r\r', 20_000) },
  { name: 'CRLF and mixed line ends', langs: ['iptables', 'sysctl'], text: () => rep('*filter\r\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\r\rCOMMIT\r\nnet.ipv4.ip_forward = 1\n\r', 20_000) },
  { name: 'BOM before a dump', langs: ['iptables', 'sysctl'], text: () => '\uFEFF*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n' },
  { name: 'BOM before a sysctl file', langs: ['sysctl', 'iptables'], text: () => '\uFEFFnet.netfilter.nf_conntrack_max = 262144\n' },
  { name: 'only a BOM', langs: ['sysctl', 'iptables'], text: () => '\uFEFF' },
  { name: 'empty document', langs: ['sysctl', 'iptables'], text: () => '' },
  {
    name: 'million-digit values (sysctl)',
    langs: ['sysctl'],
    text: () =>
      [
        `net.netfilter.nf_conntrack_max = ${rep('9', 1_000_000)}`,
        `net.netfilter.nf_conntrack_buckets = 1${rep('0', 1_000_000)}`,
        `net.netfilter.nf_conntrack_tcp_timeout_established = -${rep('4', 1_000_000)}`,
        `net.ipv4.ip_local_port_range = ${rep('1', 1_000_000)} ${rep('2', 1_000_000)}`,
        `net.netfilter.nf_conntrack_expect_max = 0x${rep('f', 1_000_000)}`,
        '',
      ].join('\n'),
  },
  {
    name: 'million-digit values (iptables)',
    langs: ['iptables'],
    text: () =>
      [
        '*filter',
        `:INPUT ACCEPT [${rep('9', 1_000_000)}:${rep('8', 1_000_000)}]`,
        `[${rep('7', 1_000_000)}:1] -A INPUT -p tcp --dport ${rep('8', 1_000_000)} -j ACCEPT`,
        `-I INPUT ${rep('3', 1_000_000)} -m limit --limit ${rep('5', 1_000_000)}/sec -j ACCEPT`,
        `-A INPUT -m mark --mark 0x${rep('f', 1_000_000)} -m connlimit --connlimit-above ${rep('6', 1_000_000)} -j DROP`,
        'COMMIT',
        '',
      ].join('\n'),
  },
  { name: '200k declared chains', langs: ['iptables'], text: () => chainDump(200_000) },
  {
    name: 'a 100 KB quoted comment',
    langs: ['iptables', 'sysctl'],
    text: () => `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "${rep('x\\" 日本 🚀 ', 100_000 / 12)}" -p tcp --dport 22 -j ACCEPT\n-A INPUT -m comment --comment "${rep('y', 100_000)}\nCOMMIT\n`,
  },
  { name: '20,000 nested chains (jump)', langs: ['iptables'], text: () => deepChain(20_000) },
  { name: '20,000 nested chains closing a loop', langs: ['iptables'], text: () => deepChain(20_000, { loop: true }) },
  { name: '20,000 nested chains by goto, declared with -N, looping', langs: ['iptables'], text: () => deepChain(20_000, { loop: true, jump: '-g', declare: '-N' }) },
  {
    name: 'self loops and a 2-cycle in every chain',
    langs: ['iptables'],
    text: () => {
      const out = ['*filter', ':INPUT ACCEPT [0:0]'];
      for (let i = 0; i < 5_000; i++) out.push(`:L${i} - [0:0]`);
      for (let i = 0; i < 5_000; i++) out.push(`-A L${i} -j L${i}`, `-A L${i} -j L${i ^ 1}`, `-A INPUT -j L${i}`);
      out.push('COMMIT', '');
      return out.join('\n');
    },
  },
];

