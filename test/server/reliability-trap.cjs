// Preloaded (`node --require`) into dist/server.js and dist/cli.js by reliability-reach.test.ts:
// every way to run a command, open a network connection or write a file is wrapped so that a
// call prints `REACHED: <api>` on stderr and throws. The server and the CLI must never get
// there. Reading files stays allowed (the CLI reads what it lints); stdout/stderr are streams,
// not files.
'use strict';
const report = (what) => {
  process.stderr.write(`REACHED: ${what}\n`);
  throw new Error(`forbidden: ${what}`);
};
const wrap = (obj, name, label, allow) => {
  const orig = obj[name];
  if (typeof orig !== 'function') return;
  obj[name] = function (...args) {
    if (allow && allow(...args)) return orig.apply(this, args);
    return report(`${label}.${name}`);
  };
};

const cp = require('child_process');
for (const n of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) wrap(cp, n, 'child_process');

const net = require('net');
for (const n of ['connect', 'createConnection', 'createServer']) wrap(net, n, 'net');
wrap(net.Socket.prototype, 'connect', 'net.Socket');
wrap(net.Server.prototype, 'listen', 'net.Server');
for (const m of ['http', 'https']) {
  const mod = require(m);
  for (const n of ['request', 'get', 'createServer']) wrap(mod, n, m);
}
wrap(require('http2'), 'connect', 'http2');
wrap(require('tls'), 'connect', 'tls');
wrap(require('dgram'), 'createSocket', 'dgram');
const dns = require('dns');
for (const n of ['lookup', 'resolve', 'resolve4', 'resolve6']) wrap(dns, n, 'dns');
if (typeof globalThis.fetch === 'function') globalThis.fetch = () => report('fetch');

const fs = require('fs');
const writing = (flags) => typeof flags === 'string' ? /[wa+]/.test(flags) : typeof flags === 'number' ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND | fs.constants.O_TRUNC)) !== 0 : false;
for (const n of [
  'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'mkdir', 'mkdirSync', 'mkdtemp', 'mkdtempSync',
  'rm', 'rmSync', 'rmdir', 'rmdirSync', 'unlink', 'unlinkSync', 'rename', 'renameSync', 'copyFile', 'copyFileSync', 'cp', 'cpSync',
  'truncate', 'truncateSync', 'symlink', 'symlinkSync', 'link', 'linkSync', 'chmod', 'chmodSync', 'chown', 'chownSync', 'utimes', 'utimesSync',
]) wrap(fs, n, 'fs');
wrap(fs, 'open', 'fs', (_p, flags) => !writing(flags ?? 'r'));
wrap(fs, 'openSync', 'fs', (_p, flags) => !writing(flags ?? 'r'));
// fs.writeSync / fs.write on descriptors 1 and 2 are how stdout/stderr reach a file or a pipe.
wrap(fs, 'writeSync', 'fs', (fd) => fd === 1 || fd === 2);
wrap(fs, 'write', 'fs', (fd) => fd === 1 || fd === 2);
for (const n of ['writeFile', 'appendFile', 'mkdir', 'mkdtemp', 'rm', 'rmdir', 'unlink', 'rename', 'copyFile', 'cp', 'truncate', 'symlink', 'link', 'chmod', 'chown', 'utimes']) {
  wrap(fs.promises, n, 'fs.promises');
}
wrap(fs.promises, 'open', 'fs.promises', (_p, flags) => !writing(flags ?? 'r'));
process.stderr.write('TRAP: armed\n');
