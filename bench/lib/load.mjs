// How busy the machine is: other processes (tests, builds) running next to a benchmark make its
// numbers noisy, so each timed run first waits a little for the CPUs to go quiet and records how
// busy they were.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

function cpuTimes() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total }; // idle + iowait
}

/** Fraction of all CPUs busy over the next `ms` milliseconds (0…1), or null off Linux. */
export async function busyFraction(ms = 250) {
  try {
    const a = cpuTimes();
    await sleep(ms);
    const b = cpuTimes();
    const total = b.total - a.total;
    return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
  } catch {
    return null;
  }
}

/** Wait up to `maxMs` for the CPUs to be at most `threshold` busy; returns the last reading. */
export async function waitForQuiet({ threshold = 0.2, maxMs = 15_000 } = {}) {
  const started = Date.now();
  let busy;
  for (;;) {
    busy = await busyFraction();
    if (busy === null || busy <= threshold || Date.now() - started >= maxMs) break;
  }
  return { busy, waitedMs: Date.now() - started };
}
