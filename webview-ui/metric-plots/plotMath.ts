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

/**
 * Which runs are hidden after a click on `id` in the legend: a plain click hides or shows that run;
 * a solo click (Alt or Ctrl/Cmd) shows only that run, or every run again when it already was alone.
 */
export function toggleHidden(
  hidden: ReadonlySet<string>,
  ids: readonly string[],
  id: string,
  solo: boolean,
): Set<string> {
  if (!solo) {
    const next = new Set(hidden);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  }
  const alone = !hidden.has(id) && ids.every((other) => other === id || hidden.has(other));
  return alone ? new Set() : new Set(ids.filter((other) => other !== id));
}

/** Index of the x in `xs` (ascending) nearest to `x`; -1 when `xs` is empty. Ties go to the earlier. */
export function nearestIndex(xs: readonly number[], x: number): number {
  if (xs.length === 0) return -1;
  let a = 0;
  let b = xs.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if ((xs[m] as number) < x) a = m + 1;
    else b = m;
  }
  if (a === 0) return 0;
  if (a === xs.length) return xs.length - 1;
  return x - (xs[a - 1] as number) <= (xs[a] as number) - x ? a - 1 : a;
}

/** An x value as the tooltip's heading: `Step 1,234`, `12m 30s`, or a local date and time. */
export function formatX(axis: 'step' | 'relative' | 'wall', x: number): string {
  if (axis === 'step') return `Step ${Math.round(x).toLocaleString('en-US')}`;
  if (axis === 'relative') return formatDuration(x);
  const d = new Date(x * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

/** Above this many runs on one chart, min/max bands are left out: they would only blur together. */
export const BAND_LIMIT = 20;

/**
 * How many buckets to ask the server for: one per pixel of the plot's width (each keeps its min
 * and max), one per two pixels past `BAND_LIMIT` runs, where no band shows what a bucket folded and
 * dozens of overlapping curves cannot show finer detail anyway.
 */
export function bucketsFor(width: number, runs: number): number {
  const px = Math.round(width || 800);
  return Math.max(100, runs > BAND_LIMIT ? Math.round(px / 2) : px);
}
