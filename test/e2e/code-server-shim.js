#!/usr/bin/env node
// Stand-in for the VS Code executable, for @vscode/test-electron's `vscodeExecutablePath`.
// It starts code-server (VS Code 1.100.3's real workbench and extension host) and a
// headless Debian Chromium that opens the workbench with the extension-test arguments
// in its `payload` URL parameter, then exits with the code the extension host reports
// through `window.codeAutomationExit`. The tests' console output arrives through
// `window.codeAutomationLog` and is printed here.
//
// Arguments understood (what runTests passes): a workspace folder (positional),
// --extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=, --extensions-dir=.
// Electron-only flags (--no-sandbox, --disable-updates, …) are ignored: code-server
// rejects unknown flags.
// Environment: CODE_SERVER_BIN (default `code-server`), CHROMIUM (default
// /usr/bin/chromium), PLAYWRIGHT_CORE (module path), SHIM_TIMEOUT_MS (default 300000).
'use strict';
const path = require('node:path');
const { startCodeServer, workbenchUrl, launchChromium } = require('./lib/code-server.js');

const argv = process.argv.slice(2);
const opt = (n) => {
  const a = argv.find((x) => x.startsWith(`--${n}=`));
  return a && a.slice(n.length + 3);
};
const folder = argv.find((x) => !x.startsWith('-'));

let server = null;
let browser = null;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (server) server.stop();
    process.exit(130);
  });
}

async function main() {
  server = await startCodeServer({ userDataDir: opt('user-data-dir'), extensionsDir: opt('extensions-dir') });
  const url = workbenchUrl(server.host, {
    folder,
    extensionDevelopmentPath: opt('extensionDevelopmentPath'),
    extensionTestsPath: opt('extensionTestsPath'),
  });
  browser = await launchChromium();
  const { page } = browser;
  let done;
  const exited = new Promise((r) => (done = r));
  await page.exposeFunction('codeAutomationLog', (_type, args) => console.log(...(Array.isArray(args) ? args : [args])));
  await page.exposeFunction('codeAutomationExit', (code) => done(code));
  page.on('pageerror', (e) => console.error(`shim: page error: ${e.message}`));
  await page.goto(url);
  const timeoutMs = Number(process.env.SHIM_TIMEOUT_MS || 300_000);
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), timeoutMs).unref())]);
  if (code !== 0) {
    const shot = path.join(server.userDataDir, 'failure.png');
    await page.screenshot({ path: shot }).then(() => console.error(`shim: screenshot of the workbench: ${shot}`), () => undefined);
  }
  await browser.close();
  server.stop();
  if (code === 'timeout') {
    console.error(`shim: no codeAutomationExit within ${timeoutMs} ms`);
    return 124;
  }
  return typeof code === 'number' ? code : 1;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(`shim: ${e && e.stack ? e.stack : e}`);
    if (browser) await browser.close();
    if (server) server.stop();
    process.exit(1);
  },
);
