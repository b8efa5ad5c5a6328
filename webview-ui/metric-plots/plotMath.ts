// Pure helpers of the Metric Plots view (no DOM): smoothing and axis labels.

/**
 * Exponential moving average with TensorBoard's debiasing (the first points are not pulled towards
 * 0): `weight` 0 returns the values, 0.99 smooths heavily. NaN values pass through untouched.
 */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  const out = new Array<number>(values.length);
  let last = 0;
  let debias = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    out[i] = last / debias;
  }
  return out;
}

/** Seconds as an axis label: `45s`, `12m`, `1h 30m`, `2d 4h`. */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${Number(s.toPrecision(3))}s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = Math.round(s - m * 60);
    return `${sign}${m}m${rest ? ` ${rest}s` : ''}`;
  }
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s - h * 3600) / 60);
    return `${sign}${h}h${m ? ` ${m}m` : ''}`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.round((s - d * 86400) / 3600);
  return `${sign}${d}d${h ? ` ${h}h` : ''}`;
}

/** A value as a label: up to 4 significant digits, `k`/`M` for large ones, exponents for tiny ones. */
export function formatValue(v: number): string {
  if (v === null || !Number.isFinite(v)) return '';
  const abs = Math.abs(v);
  if (abs === 0) return '0';
  if (abs >= 1e9 || abs < 1e-3) return v.toExponential(1).replace('e+', 'e');
  if (abs >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(4)));
}
