// Starting code-server and headless Chromium for the extension-host shim and the UI smoke.
// code-server runs in its own process group; `stop()` kills the whole group (server,
// extension host, file watcher), so nothing outlives a test run.
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/** Quiet, deterministic user settings for a test profile. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'editor.hover.delay': 100,
  'editor.minimap.enabled': false,
  'chat.commandCenter.enabled': false,
};

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function killGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * Starts code-server on a free localhost port. Resolves { host, userDataDir, stop, log }
 * once it listens. The user-data dir gets USER_SETTINGS unless it has settings already.
 */
async function startCodeServer({ bin = process.env.CODE_SERVER_BIN || 'code-server', userDataDir, extensionsDir, timeoutMs = 60_000 } = {}) {
  const host = `127.0.0.1:${await freePort()}`;
  const udd = path.resolve(userDataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ud-')));
  // A missing extensions dir makes the workbench skip the development extension.
  for (const d of [udd, extensionsDir, path.join(udd, 'User')]) if (d) fs.mkdirSync(d, { recursive: true });
  const settingsFile = path.join(udd, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify(USER_SETTINGS, null, 2));
  const args = ['--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--bind-addr', host, '--user-data-dir', udd];
  if (extensionsDir) args.push('--extensions-dir', path.resolve(extensionsDir));
  const child = cp.spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const log = [];
  child.stderr.on('data', (d) => log.push(d));
  const stop = () => killGroup(child);
  process.on('exit', stop);
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms`)), timeoutMs);
      child.stdout.on('data', (d) => {
        log.push(d);
        if (/HTTP server listening/.test(d)) {
          clearTimeout(t);
          resolve();
        }
      });
      child.on('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
      child.on('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`code-server exited (${code}): ${Buffer.concat(log).toString().slice(-2000)}`));
      });
    });
  } catch (e) {
    stop();
    throw e;
  }
  return { host, userDataDir: udd, stop, log: () => Buffer.concat(log).toString() };
}

/** The workbench URL for `folder` with extension-development arguments in `payload`. */
function workbenchUrl(host, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const payload = [];
  const remote = (p) => `vscode-remote://${host}${path.resolve(p)}`;
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const where = folder ? `folder=${encodeURIComponent(path.resolve(folder))}` : 'ew=true';
  return `http://${host}/?${where}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Headless Debian Chromium through playwright-core, with a throwaway profile. */
async function launchChromium({ executablePath = process.env.CHROMIUM || '/usr/bin/chromium', viewport } = {}) {
  const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chrome-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, viewport });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const close = async () => {
    await ctx.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { ctx, page, close };
}

module.exports = { USER_SETTINGS, startCodeServer, workbenchUrl, launchChromium, freePort };
