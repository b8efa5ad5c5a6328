// Medians and friends over a list of timings (seconds).

export function median(values) {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** { n, median, min, max } of the successful samples, or null when there is none. */
export function summarize(samples) {
  const ok = samples.filter((s) => s.ok).map((s) => s.seconds);
  if (ok.length === 0) return null;
  return { n: ok.length, median: median(ok), min: Math.min(...ok), max: Math.max(...ok) };
}

/** Round for JSON output: 4 significant digits. */
export function round(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  return Number(x.toPrecision(4));
}
