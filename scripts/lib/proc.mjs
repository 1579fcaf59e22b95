// Child processes for the test layers: stream a child's output through while keeping
// it for parsing, with a hard time limit that ends the child's whole process group.
import { spawn } from 'node:child_process';

/**
 * Runs `cmd args` and resolves { code, signal, output, timedOut } when it exits.
 * stdout/stderr are echoed to ours as they arrive (unless `quiet`) and kept in `output`.
 * The child leads its own process group so a timeout kills everything it started.
 */
export function run(cmd, args, { cwd, env, timeoutMs = 0, quiet = false, input } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const chunks = [];
    const onData = (stream) => (d) => {
      chunks.push(d);
      if (!quiet) stream.write(d);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    if (input !== undefined) child.stdin.end(input);
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            killGroup(child.pid, 'SIGTERM');
            setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000).unref();
          }, timeoutMs)
        : null;
    const forward = () => killGroup(child.pid, 'SIGTERM');
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    let settled = false;
    const finish = (code, signal, error) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      process.removeListener('SIGINT', forward);
      process.removeListener('SIGTERM', forward);
      // Whatever the child left running in its group goes with it.
      killGroup(child.pid, 'SIGKILL');
      resolve({ code, signal, timedOut, error, output: Buffer.concat(chunks).toString('utf8') });
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** Sends `signal` to the process group led by `pid`; silent when it is already gone. */
export function killGroup(pid, signal = 'SIGTERM') {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* group already gone */
  }
}

/**
 * The last `N passed, N failed[, N skipped]` line in a layer's output, or null.
 * Layers print it as their final summary; earlier matches (nested runners) lose.
 */
export function parseCounts(output) {
  const re = /^\s*(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/gm;
  let m;
  let last = null;
  while ((m = re.exec(output))) last = m;
  if (!last) return null;
  return { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3] ?? 0) };
}

/** The reason of the last `SKIP: reason` line, or null. */
export function parseSkip(output) {
  const all = [...output.matchAll(/^SKIP: (.*)$/gm)];
  return all.length ? all[all.length - 1][1].trim() : null;
}
