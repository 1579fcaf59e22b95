#!/usr/bin/env node
// Installs what the extension-host and UI tests need, outside the main dependencies:
// Debian's chromium / ripgrep / libkrb5-dev (apt, as root) and code-server 4.100.3
// (VS Code 1.100.3, the newest release that runs on Node 20) into test/env with its
// own package-lock.json. `npm ci` runs only when test/env/node_modules is missing or
// was installed from a different lock file.
//
// code-server's install needs three workarounds on a root machine without GitHub:
//  1. its postinstall refuses root unless npm_config_unsafe_perm is set;
//  2. @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache holds
//     the tarball: we seed that cache with Debian's rg;
//  3. node-pty's postinstall runs `npx node-gyp`, which needs npm_config_yes without a TTY
//     (and kerberos builds from source, which needs libkrb5-dev's headers).
//
// Usage as a module: `await ensureTestEnv()` → { codeServer, chromium } or { skip: reason }.
// As a script: installs, prints the paths, exits 0 (or prints `SKIP: reason`, exits 3).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureApt, haveCommand } from '../../scripts/lib/ensure.mjs';
import { run } from '../../scripts/lib/proc.mjs';
import { ROOT, scratchEnv } from '../../scripts/lib/scratch.mjs';

export const ENV_DIR = join(ROOT, 'test', 'env');
export const CODE_SERVER_BIN = join(ENV_DIR, 'node_modules', '.bin', 'code-server');
export const CHROMIUM_BIN = process.env.CHROMIUM || '/usr/bin/chromium';
const STAMP = join(ENV_DIR, 'node_modules', '.conntrack-lens-env.sha256');
// Pinned in code-server 4.100.3's lib/vscode/npm-shrinkwrap.json.
const RG_PKG_VERSION = '1.15.11';
const RG_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

function lockHash() {
  const h = createHash('sha256');
  h.update(readFileSync(join(ENV_DIR, 'package.json')));
  if (existsSync(join(ENV_DIR, 'package-lock.json'))) h.update(readFileSync(join(ENV_DIR, 'package-lock.json')));
  h.update(process.version.split('.')[0]); // native modules are built for this Node major
  return h.digest('hex');
}

/** True when test/env/node_modules matches the lock file it was installed from. */
export function envIsFresh() {
  return existsSync(CODE_SERVER_BIN) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === lockHash();
}

/** Seeds @vscode/ripgrep's download cache with a tarball of Debian's rg; returns a reason on failure. */
async function seedRipgrepCache(env) {
  const rg = '/usr/bin/rg';
  if (!existsSync(rg)) return 'ripgrep is not installed (/usr/bin/rg missing)';
  const cacheDir = join(env.TMPDIR, `vscode-ripgrep-cache-${RG_PKG_VERSION}`);
  const asset = join(cacheDir, RG_ASSET);
  if (existsSync(asset)) return null;
  mkdirSync(cacheDir, { recursive: true });
  const bin = mkdtempSync(join(env.TMPDIR, 'rgbin-'));
  copyFileSync(rg, join(bin, 'rg'));
  const t = await run('tar', ['czf', asset, '-C', bin, 'rg'], { env, quiet: true });
  rmSync(bin, { recursive: true, force: true });
  return t.code === 0 ? null : `could not seed the ripgrep cache: ${t.output.trim()}`;
}

/**
 * Makes sure code-server and chromium are there. Never downloads anything but npm and
 * Debian packages. Returns { codeServer, chromium } or { skip: reason }.
 */
export async function ensureTestEnv({ log = (s) => console.log(s) } = {}) {
  if (process.versions.node.split('.')[0] !== '20') return { skip: `code-server 4.100.3 needs Node 20, this is ${process.version}` };
  const aptReason = ensureApt(['chromium', 'ripgrep', 'libkrb5-dev']);
  if (aptReason) return { skip: aptReason };
  if (!existsSync(CHROMIUM_BIN)) return { skip: `no chromium at ${CHROMIUM_BIN}` };
  if (envIsFresh()) return { codeServer: CODE_SERVER_BIN, chromium: CHROMIUM_BIN };

  const env = scratchEnv({
    ...process.env,
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });
  const seeded = await seedRipgrepCache(env);
  if (seeded) return { skip: seeded };

  const hasLock = existsSync(join(ENV_DIR, 'package-lock.json'));
  rmSync(join(ENV_DIR, 'node_modules'), { recursive: true, force: true });
  const args = hasLock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  log(`installing code-server into test/env (npm ${args[0]}; about a minute)…`);
  const t0 = Date.now();
  const r = await run('npm', args, { cwd: ENV_DIR, env, timeoutMs: 20 * 60_000, quiet: !process.env.VERBOSE_INSTALL });
  if (r.code !== 0 || !existsSync(CODE_SERVER_BIN)) {
    const tail = r.output.trim().split('\n').slice(-25).join('\n');
    console.error(tail);
    return { skip: `code-server could not be installed (npm ${args[0]} exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''})` };
  }
  writeFileSync(STAMP, lockHash() + '\n');
  log(`code-server installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { codeServer: CODE_SERVER_BIN, chromium: CHROMIUM_BIN };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await ensureTestEnv();
  if (r.skip) {
    console.log(`SKIP: ${r.skip}`);
    process.exit(3);
  }
  console.log(`code-server: ${r.codeServer}\nchromium: ${r.chromium}`);
  if (!haveCommand('rg')) console.log('note: rg is not on PATH');
}
