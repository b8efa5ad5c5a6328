// Subprocess helpers: run a command, wall-clock it with process.hrtime, keep the tail of its output.
import { spawn } from 'node:child_process';

/** Output kept per stream: the first 64 KiB (enough for error messages; not for data). */
const KEEP = 64 * 1024;

/**
 * Run `cmd args…` and resolve with { code, signal, seconds, stdout, stderr, ok }. Never rejects:
 * a command that cannot start resolves with ok=false and the error in `stderr`.
 * Options: cwd, env (merged over process.env), timeoutMs (SIGKILL after it), input (stdin text).
 */
export function run(cmd, args = [], options = {}) {
  const { cwd, env, timeoutMs = 45 * 60_000 } = options;
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(cmd, args, {
        cwd,
        env: env ? { ...process.env, ...env } : process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      resolve({ ok: false, code: null, signal: null, seconds: 0, stdout: '', stderr: String(err) });
      return;
    }
    const keep = (acc, chunk) => (acc.length > KEEP ? acc : acc + chunk.toString());
    child.stdout.on('data', (c) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c) => (stderr = keep(stderr, c)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, code: null, signal: null, seconds: 0, stdout, stderr: stderr + String(err) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (timedOut) stderr += `\n(killed after ${timeoutMs / 1000} s)`;
      resolve({ ok: code === 0 && !timedOut, code, signal, seconds, stdout, stderr });
    });
  });
}

/** Run a bash script (pipelines, redirections). */
export function sh(script, options = {}) {
  return run('bash', ['-o', 'pipefail', '-c', script], options);
}

/** Like `sh`, but throws with the command's output when it fails (for untimed setup steps). */
export async function mustSh(script, options = {}) {
  const r = await sh(script, options);
  if (!r.ok) throw new Error(`setup step failed (exit ${r.code}): ${script}\n${tail(r.stderr || r.stdout)}`);
  return r;
}

/** Single-quote a string for bash. */
export function q(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/** The last few non-empty lines of a command's output, for error reports. */
export function tail(text, lines = 3) {
  return String(text)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ');
}
