// Make sure Debian packages that provide peer tools are installed (we run as root on Debian).
import { run } from './proc.mjs';

/**
 * For each { pkg, check: [cmd, ...args] }: run the check; if it fails, `apt-get update` (once) and
 * `apt-get install -y` the missing packages. Returns a map pkg → true (usable) / error string.
 */
export async function ensureDebPackages(wanted, log = console.log) {
  const status = {};
  const missing = [];
  for (const w of wanted) {
    const r = await run(w.check[0], w.check.slice(1), { timeoutMs: 60_000 });
    if (r.ok) status[w.pkg] = true;
    else missing.push(w);
  }
  if (missing.length === 0) return status;
  const names = missing.map((w) => w.pkg);
  log(`installing ${names.join(', ')} with apt-get…`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run('apt-get', ['update'], { env, timeoutMs: 10 * 60_000 });
  const install = await run('apt-get', ['install', '-y', '--no-install-recommends', ...names], {
    env,
    timeoutMs: 20 * 60_000,
  });
  for (const w of missing) {
    const r = await run(w.check[0], w.check.slice(1), { timeoutMs: 60_000 });
    if (r.ok) status[w.pkg] = true;
    else {
      const why = !update.ok ? update.stderr : !install.ok ? install.stderr : r.stderr;
      status[w.pkg] = `not available: ${String(why).trim().split('\n').slice(-1)[0] || 'install failed'}`;
    }
  }
  return status;
}
