import type { MetricPoint } from './metrics';
import { MetricTail } from './tail';

/** One metric of one run, in logging order: steps, times (seconds since the epoch; NaN when absent), values. */
export interface MetricSeries {
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
}

/** One metric's growable columns; `view()` gives typed arrays over the filled part (no copy). */
class Columns {
  private steps = new Float64Array(64);
  private times = new Float64Array(64);
  private values = new Float64Array(64);
  private length = 0;

  push(step: number, time: number, value: number): void {
    if (this.length === this.values.length) {
      const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
        const grown = new Float64Array(a.length * 2);
        grown.set(a);
        return grown;
      };
      this.steps = grow(this.steps);
      this.times = grow(this.times);
      this.values = grow(this.values);
    }
    const i = this.length++;
    this.steps[i] = step;
    this.times[i] = time;
    this.values[i] = value;
  }

  view(): MetricSeries {
    const n = this.length;
    return {
      steps: this.steps.subarray(0, n),
      times: this.times.subarray(0, n),
      values: this.values.subarray(0, n),
    };
  }
}

/**
 * The metric history of one run, read from its metric stream and kept up to date: `update()` reads
 * only the bytes appended since the last call (MetricTail) and returns the new points. Values go
 * straight into typed columns; point objects are made only when the caller wants them.
 */
export class MetricHistory {
  private readonly tail: MetricTail;
  private columns = new Map<string, Columns>();
  private collected: MetricPoint[] | null = null;

  constructor(file: string) {
    this.tail = new MetricTail(file, {
      value: (name, step, time, value) => this.add(name, step, time, value),
      reset: () => {
        this.columns = new Map();
        if (this.collected) this.collected.length = 0;
      },
    });
  }

  /**
   * Read what was appended; `reset` when the stream was replaced and the history started over.
   * `points: false` skips making the new points (a first read only fills the columns).
   */
  async update(options: { points?: boolean } = {}): Promise<{ points: MetricPoint[]; reset: boolean }> {
    this.collected = options.points === false ? null : [];
    try {
      const { reset } = await this.tail.read();
      return { points: this.collected ?? [], reset };
    } finally {
      this.collected = null;
    }
  }

  /** Bytes of the stream read so far. */
  get bytesRead(): number {
    return this.tail.bytesRead;
  }

  private add(name: string, step: number, time: number | undefined, value: number): void {
    let c = this.columns.get(name);
    if (!c) {
      c = new Columns();
      this.columns.set(name, c);
    }
    c.push(step, time ?? Number.NaN, value);
    this.collected?.push({ name, step, time, value });
  }

  /** Metric names, in the order they were first logged. */
  names(): string[] {
    return [...this.columns.keys()];
  }

  series(name: string): MetricSeries | undefined {
    return this.columns.get(name)?.view();
  }
}

/** Read a whole metric stream (`metrics.jsonl`) into per-metric series. */
export async function readMetricHistory(file: string): Promise<Map<string, MetricSeries>> {
  const history = new MetricHistory(file);
  await history.update();
  const out = new Map<string, MetricSeries>();
  for (const name of history.names()) out.set(name, history.series(name) as MetricSeries);
  return out;
}

/** A downsampled series: the kept points (`x`, `y`) and, per kept point, its bucket's `min`/`max`. */
export interface Downsampled {
  x: Float64Array;
  y: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/**
 * Reduce a series (xs ascending) to about `2 × buckets` points over `[xmin, xmax]` (default: all of
 * it) without losing extremes: the range is cut into `buckets` equal x intervals and each keeps the
 * points holding its minimum and maximum (in their order), plus its first and last point when the
 * bucket is one of the range's ends, so the line reaches both edges. Every kept point carries its
 * bucket's min and max (the band). NaN values are skipped. One point just outside each end of the
 * range is kept too, so a zoomed line runs to the plot's edges. With at most `2 × buckets` points in
 * range, every point is kept as it is (band = the value).
 */
export function downsample(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  buckets: number,
  range?: [number, number],
): Downsampled {
  const n = Math.min(xs.length, ys.length);
  const lo = range ? lowerBound(xs, n, range[0]) : 0;
  const hi = range ? upperBound(xs, n, range[1]) : n; // exclusive
  const before = range && lo > 0 ? lo - 1 : -1;
  const after = range && hi < n ? hi : -1;
  const b = Math.max(1, Math.floor(buckets));
  let count = 0;
  for (let i = lo; i < hi; i++) if (!Number.isNaN(ys[i] as number)) count++;
  const all = count <= 2 * b;
  const capacity = (all ? count : 2 * b + 2) + 2;
  const x = new Float64Array(capacity);
  const y = new Float64Array(capacity);
  const min = new Float64Array(capacity);
  const max = new Float64Array(capacity);
  let k = 0;
  const keep = (i: number, mn: number, mx: number): void => {
    const v = ys[i] as number;
    if (Number.isNaN(v) || k === capacity) return;
    x[k] = xs[i] as number;
    y[k] = v;
    min[k] = mn;
    max[k] = mx;
    k++;
  };
  if (before >= 0) keep(before, ys[before] as number, ys[before] as number);
  if (all) {
    for (let i = lo; i < hi; i++) keep(i, ys[i] as number, ys[i] as number);
  } else if (hi > lo) {
    const x0 = xs[lo] as number;
    const span = (xs[hi - 1] as number) - x0;
    const picks = [0, 0, 0, 0];
    let i = lo;
    for (let bucket = 0; bucket < b && i < hi; bucket++) {
      const end =
        bucket === b - 1 || span <= 0 ? hi : upperBoundFrom(xs, i, hi, x0 + (span * (bucket + 1)) / b);
      if (end === i) continue;
      let iMin = -1;
      let iMax = -1;
      let vMin = Number.POSITIVE_INFINITY;
      let vMax = Number.NEGATIVE_INFINITY;
      for (let j = i; j < end; j++) {
        const v = ys[j] as number;
        if (v < vMin) {
          vMin = v;
          iMin = j;
        }
        if (v > vMax) {
          vMax = v;
          iMax = j;
        }
      }
      if (iMin >= 0) {
        // The bucket's min and max in order, plus the range's first and last points (at most 4).
        let m = 0;
        if (i === lo) picks[m++] = firstValid(ys, i, end);
        picks[m++] = Math.min(iMin, iMax);
        picks[m++] = Math.max(iMin, iMax);
        if (end === hi) picks[m++] = lastValid(ys, i, end);
        let prev = -1;
        for (let q = 0; q < m; q++) {
          const j = picks[q] as number;
          if (j > prev) keep(j, vMin, vMax);
          if (j > prev) prev = j;
        }
      }
      i = end;
    }
  }
  if (after >= 0) keep(after, ys[after] as number, ys[after] as number);
  return { x: x.subarray(0, k), y: y.subarray(0, k), min: min.subarray(0, k), max: max.subarray(0, k) };
}

function firstValid(ys: ArrayLike<number>, from: number, to: number): number {
  for (let j = from; j < to; j++) if (!Number.isNaN(ys[j] as number)) return j;
  return from;
}

function lastValid(ys: ArrayLike<number>, from: number, to: number): number {
  for (let j = to - 1; j >= from; j--) if (!Number.isNaN(ys[j] as number)) return j;
  return to - 1;
}

/** First index with xs[i] >= v. */
function lowerBound(xs: ArrayLike<number>, n: number, v: number): number {
  let a = 0;
  let b = n;
  while (a < b) {
    const m = (a + b) >>> 1;
    if ((xs[m] as number) < v) a = m + 1;
    else b = m;
  }
  return a;
}

/** First index with xs[i] > v. */
function upperBound(xs: ArrayLike<number>, n: number, v: number): number {
  return upperBoundFrom(xs, 0, n, v);
}

function upperBoundFrom(xs: ArrayLike<number>, from: number, to: number, v: number): number {
  let a = from;
  let b = to;
  while (a < b) {
    const m = (a + b) >>> 1;
    if ((xs[m] as number) <= v) a = m + 1;
    else b = m;
  }
  return a;
}
