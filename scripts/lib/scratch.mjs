// A scratch area for test runs: XDG_* and TMPDIR point into it so editors, browsers
// and language servers started by the tests write nothing into $HOME.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/** test/.tmp: everything the tests write (git-ignored). */
export const TEST_TMP = join(ROOT, 'test', '.tmp');

/**
 * The folder holding xdg/{config,data,cache,state,runtime} and tmp. Inside the repo when
 * its path is short; sockets (code-server IPC, Chromium singleton) live under TMPDIR and
 * Unix socket paths are limited to 107 bytes, so a deep checkout falls back to the system
 * temp folder, keyed by the checkout path.
 */
export function scratchDir() {
  const inRepo = join(TEST_TMP, 'xdg');
  if (inRepo.length <= 48) return inRepo;
  return join(tmpdir(), 'conntrack-lens-' + createHash('sha1').update(ROOT).digest('hex').slice(0, 10));
}

/** Environment for child processes with XDG_* and TMPDIR in the scratch dir (created). */
export function scratchEnv(base = process.env) {
  const dir = scratchDir();
  const env = {
    ...base,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_STATE_HOME: join(dir, 'state'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
    TMPDIR: join(dir, 'tmp'),
  };
  for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR', 'TMPDIR']) {
    mkdirSync(env[k], { recursive: true, mode: 0o700 });
  }
  return env;
}

/** True when the XDG/TMPDIR variables already point into a scratch dir (set by scripts/test.mjs). */
export function inScratch(env = process.env) {
  return !!env.TMPDIR && env.TMPDIR.startsWith(scratchDir());
}
