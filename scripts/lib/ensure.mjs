// Shared by the test layers: make sure a Debian package is installed (only when
// running as root, as CI does), and report a reason when it cannot be.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

let updated = false;

export function haveCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function dpkgInstalled(pkg) {
  return spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs the missing packages with apt-get when running as root.
 * Returns null on success, or a one-line reason why the packages are not there.
 */
export function ensureApt(pkgs) {
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (!missing.length) return null;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return `not root, cannot apt-get install ${missing.join(' ')}`;
  if (!existsSync('/usr/bin/apt-get')) return 'no apt-get on this machine';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    const u = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 300_000 });
    if (u.status !== 0) return `apt-get update failed (${u.status})`;
    updated = true;
  }
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 900_000 });
  if (r.status !== 0) return `apt-get install ${missing.join(' ')} failed (${r.status})`;
  return null;
}

/** True when this process may create network namespaces (`unshare -n`). */
export function canUnshareNet() {
  return spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}
