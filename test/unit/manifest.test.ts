// Facts of the extension manifest (package.json) a user relies on: which files each
// language claims, activation, workspace trust, engine range, grammars.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Language {
  id: string;
  aliases?: string[];
  filenames?: string[];
  extensions?: string[];
  filenamePatterns?: string[];
  firstLine?: string;
  configuration?: string;
}
const languages: Language[] = pkg.contributes.languages;
const lang = (id: string): Language => {
  const l = languages.find((x) => x.id === id);
  assert.ok(l, `language ${id} is contributed`);
  return l;
};

/** VS Code's glob subset used by filenamePatterns: `**`, `*`, `?`; patterns with `/` match the whole path. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/**
 * Which of our languages VS Code would pick for a file: file name first, then
 * filename patterns, then extensions (VS Code's order), else the first line.
 */
function languageFor(path: string, firstLine = ''): string | null {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  for (const l of languages) if (l.filenames?.some((f) => f.toLowerCase() === base)) return l.id;
  for (const l of languages) {
    for (const p of l.filenamePatterns ?? []) {
      if (globToRegExp(p).test(p.includes('/') ? path : base)) return l.id;
    }
  }
  for (const l of languages) if (l.extensions?.some((e) => base.endsWith(e.toLowerCase()))) return l.id;
  for (const l of languages) if (l.firstLine && new RegExp(l.firstLine).test(firstLine)) return l.id;
  return null;
}

test('activation happens only when a sysctl or iptables file opens', () => {
  assert.deepEqual([...pkg.activationEvents].sort(), ['onLanguage:iptables', 'onLanguage:sysctl']);
  assert.equal(pkg.main, './dist/extension.js');
});

test('works in untrusted and virtual workspaces', () => {
  assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, true);
  assert.equal(pkg.capabilities?.virtualWorkspaces, true);
});

test('engines.vscode admits VS Code 1.100 (the test host) and @types/vscode is not newer', () => {
  const min = (range: string): number[] => {
    const m = /^\^?(\d+)\.(\d+)\.(\d+)$/.exec(range.replace(/^~/, ''));
    assert.ok(m, `plain version range: ${range}`);
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  };
  const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const engine = min(pkg.engines.vscode);
  assert.ok(cmp(engine, [1, 100, 0]) <= 0, `engines.vscode ${pkg.engines.vscode} ≤ 1.100`);
  assert.ok(cmp(min(pkg.devDependencies['@types/vscode']), engine) <= 0, '@types/vscode ≤ engines.vscode (vsce refuses otherwise)');
});

test('sysctl claims sysctl.conf, sysctl.d/*.conf and *.sysctl, exactly', () => {
  const s = lang('sysctl');
  assert.deepEqual(s.filenames, ['sysctl.conf']);
  assert.deepEqual(s.extensions, ['.sysctl']);
  assert.deepEqual(s.filenamePatterns, ['**/sysctl.d/*.conf']);
  for (const p of ['/etc/sysctl.conf', '/etc/sysctl.d/99-conntrack.conf', '/usr/lib/sysctl.d/50-default.conf', '/run/sysctl.d/10-x.conf',
    '/usr/local/lib/sysctl.d/1.conf', 'tuning.sysctl', '/srv/ansible/files/sysctl.d/60-net.conf']) {
    assert.equal(languageFor(p), 'sysctl', p);
  }
  for (const p of ['/etc/modprobe.d/nf.conf', '/etc/sysctl.d/README', '/etc/sysctl.d.bak/99.conf', '/etc/sysctl.d/old/99.conf', '/etc/nginx/nginx.conf']) {
    assert.equal(languageFor(p), null, p);
  }
});

test('iptables claims rules.v4/v6, ip(6)tables.rules, *.iptables and iptables-save* files, exactly', () => {
  const i = lang('iptables');
  assert.deepEqual(i.filenames, ['rules.v4', 'rules.v6', 'iptables.rules', 'ip6tables.rules']);
  assert.deepEqual(i.extensions, ['.iptables']);
  assert.deepEqual(i.filenamePatterns, ['**/iptables-save*', '**/ip6tables-save*']);
  for (const p of ['/etc/iptables/rules.v4', '/etc/iptables/rules.v6', '/etc/iptables.rules', '/etc/ip6tables.rules', 'edge.iptables',
    '/root/iptables-save', '/root/iptables-save-2024-05-01.txt', '/backup/ip6tables-save.out']) {
    assert.equal(languageFor(p), 'iptables', p);
  }
});

test('*.rules in general is not claimed (udev, polkit and others use it)', () => {
  for (const l of languages) {
    for (const e of l.extensions ?? []) assert.notEqual(e.toLowerCase(), '.rules', `${l.id} extension`);
    for (const p of l.filenamePatterns ?? []) assert.ok(!/\*\.rules$/i.test(p), `${l.id} pattern ${p}`);
  }
  for (const p of ['/etc/udev/rules.d/70-persistent-net.rules', '/usr/share/polkit-1/rules.d/50-default.rules', 'foo.rules', '/etc/audit/rules.d/audit.rules']) {
    assert.equal(languageFor(p), null, p);
  }
});

test('firstLine recognises ip(6)tables(-nft|-legacy)-save and xtables-save headers, nothing else', () => {
  const re = new RegExp(lang('iptables').firstLine ?? '(?!)');
  const yes = [
    '# Generated by iptables-save v1.8.9 on Mon May  6 10:00:00 2024',
    '# Generated by iptables-nft-save v1.8.9 (nf_tables) on Mon May  6 10:00:00 2024',
    '# Generated by iptables-legacy-save v1.8.7 on Tue Apr 30 12:00:00 2024',
    '# Generated by ip6tables-save v1.8.4 on Thu Jan  2 08:00:00 2020',
    '# Generated by ip6tables-nft-save v1.8.9 (nf_tables) on Mon May  6 10:00:00 2024',
    '# Generated by ip6tables-legacy-save v1.8.9 on Mon May  6 10:00:00 2024',
    '# Generated by xtables-save v1.8.2 on Fri Mar 13 12:00:00 2020',
  ];
  for (const l of yes) assert.match(l, re);
  const no = ['# Generated by NetworkManager', '#!/bin/sh', '*filter', 'net.ipv4.ip_forward = 1', '# iptables-save output follows', '# Generated by nft-save'];
  for (const l of no) assert.doesNotMatch(l, re);
  // A file with no known name is taken for iptables by its header alone.
  assert.equal(languageFor('/root/backups/firewall-2024-05-01', yes[0]), 'iptables');
  assert.equal(languageFor('/root/backups/notes', '# Generated by NetworkManager'), null);
});

test('each language has a grammar and a language configuration, and their files exist', () => {
  const grammars: { language: string; scopeName: string; path: string }[] = pkg.contributes.grammars;
  for (const [id, scope] of [['sysctl', 'source.sysctl'], ['iptables', 'source.iptables']]) {
    const g = grammars.find((x) => x.language === id);
    assert.ok(g, `grammar for ${id}`);
    assert.equal(g.scopeName, scope);
    const file = join(root, g.path);
    assert.ok(existsSync(file), `${g.path} exists`);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).scopeName, scope, `${g.path} declares ${scope}`);
    const conf = lang(id).configuration;
    assert.ok(conf && existsSync(join(root, conf)), `${conf} exists`);
    const lc = JSON.parse(readFileSync(join(root, conf), 'utf8'));
    assert.equal(lc.comments?.lineComment, '#', `${id} line comments start with #`);
  }
});

test('test tools stay out of the main dependencies: code-server is pinned in test/env', () => {
  assert.equal(pkg.dependencies, undefined, 'the extension bundles its runtime code; no runtime dependencies');
  assert.equal(pkg.devDependencies['code-server'], undefined);
  assert.match(pkg.devDependencies['@vscode/test-electron'], /^\^?2\.5\./);
  const env = JSON.parse(readFileSync(join(root, 'test/env/package.json'), 'utf8'));
  assert.equal(env.dependencies['code-server'], '4.100.3');
  const lock = JSON.parse(readFileSync(join(root, 'test/env/package-lock.json'), 'utf8'));
  assert.equal(lock.packages['node_modules/code-server'].version, '4.100.3');
});
