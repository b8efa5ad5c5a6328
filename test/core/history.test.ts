import { appendFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { downsample, MetricHistory, readMetricHistory } from '../../core/runs/history';
import { tempDir } from '../helpers/tmp';

const arr = (a: Float64Array): number[] => [...a];

describe('metric history', () => {
  it('reads per-metric steps, times and values, and appends only new points', async () => {
    const file = path.join(tempDir(), 'metrics.jsonl');
    writeFileSync(file, '{"step":0,"time":10,"loss":1,"acc":0.1}\n{"step":2,"loss":0.5}\n');
    const all = await readMetricHistory(file);
    expect([...all.keys()]).toEqual(['loss', 'acc']);
    const loss = all.get('loss')!;
    expect(arr(loss.steps)).toEqual([0, 2]);
    expect(arr(loss.times)).toEqual([10, Number.NaN]);
    expect(arr(loss.values)).toEqual([1, 0.5]);

    const history = new MetricHistory(file);
    expect((await history.update()).points).toHaveLength(3);
    appendFileSync(file, '{"step":3,"time":13,"loss":0.25}\n');
    const { points } = await history.update();
    expect(points).toEqual([{ name: 'loss', step: 3, time: 13, value: 0.25 }]);
    expect(arr(history.series('loss')!.values)).toEqual([1, 0.5, 0.25]);
    // Many points: the columns grow.
    appendFileSync(file, Array.from({ length: 500 }, (_, i) => `{"step":${i + 4},"loss":${i}}\n`).join(''));
    await history.update();
    expect(history.series('loss')!.steps.length).toBe(503);
    expect(history.series('loss')!.values[502]).toBe(499);
  });

  it('starts over when the stream is replaced', async () => {
    const file = path.join(tempDir(), 'metrics.jsonl');
    writeFileSync(file, '{"a":1}\n{"a":2}\n{"a":3}\n');
    const history = new MetricHistory(file);
    await history.update();
    writeFileSync(file, '{"b":9}\n');
    expect((await history.update()).reset).toBe(true);
    expect(history.names()).toEqual(['b']);
  });
});

describe('downsample', () => {
  it('keeps small inputs exactly, band = value', () => {
    const d = downsample([0, 1, 2, 3], [5, 4, 6, 1], 10);
    expect(arr(d.x)).toEqual([0, 1, 2, 3]);
    expect(arr(d.y)).toEqual([5, 4, 6, 1]);
    expect(arr(d.min)).toEqual([5, 4, 6, 1]);
    expect(arr(d.max)).toEqual([5, 4, 6, 1]);
  });

  it('keeps each bucket min and max, in order, with the bucket band, and both ends', () => {
    // Two buckets over x 0..7: [0..3.5] and (3.5..7].
    const xs = [0, 1, 2, 3, 4, 5, 6, 7];
    const ys = [3, 9, 1, 4, 2, 8, 0, 5];
    const d = downsample(xs, ys, 2);
    expect(arr(d.x)).toEqual([0, 1, 2, 5, 6, 7]);
    expect(arr(d.y)).toEqual([3, 9, 1, 8, 0, 5]);
    expect(arr(d.min)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(arr(d.max)).toEqual([9, 9, 9, 8, 8, 8]);
  });

  it('never loses an extreme: a single spike in 10,000 noisy points survives, ~2 × buckets out', () => {
    const n = 10_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 50) + ((i * 7919) % 13) / 100);
    ys[4321] = 100;
    ys[8765] = -100;
    const d = downsample(xs, ys, 500);
    expect(d.x.length).toBeGreaterThanOrEqual(900);
    expect(d.x.length).toBeLessThanOrEqual(1002);
    expect(Math.max(...d.y)).toBe(100);
    expect(Math.min(...d.y)).toBe(-100);
    expect(arr(d.x)).toContain(4321);
    expect(arr(d.x)).toContain(8765);
    expect(d.x[0]).toBe(0);
    expect(d.x[d.x.length - 1]).toBe(n - 1);
    // x stays ascending, and every point lies inside its band.
    for (let k = 1; k < d.x.length; k++) expect(d.x[k]!).toBeGreaterThan(d.x[k - 1]!);
    for (let k = 0; k < d.x.length; k++) {
      expect(d.min[k]!).toBeLessThanOrEqual(d.y[k]!);
      expect(d.max[k]!).toBeGreaterThanOrEqual(d.y[k]!);
    }
  });

  it('re-samples a zoomed range at full detail, with one neighbour outside each end', () => {
    const n = 10_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1) * i);
    const whole = downsample(xs, ys, 100);
    expect(arr(whole.x).filter((x) => x >= 5000 && x <= 5050)).toHaveLength(0);
    const zoomed = downsample(xs, ys, 100, [5000, 5050]);
    // 51 points in range ≤ 200: all kept, plus x=4999 and x=5051.
    expect(arr(zoomed.x)).toEqual(Array.from({ length: 53 }, (_, i) => 4999 + i));
    const wider = downsample(xs, ys, 10, [2000, 2999]);
    expect(wider.x[0]).toBe(1999);
    expect(wider.x[wider.x.length - 1]).toBe(3000);
    expect(wider.x.length).toBeLessThanOrEqual(24);
    // The band inside the range (the neighbours are points of their own).
    expect(Math.max(...wider.max.subarray(1, -1))).toBe(2999);
    expect(Math.min(...wider.min.subarray(1, -1))).toBe(-2998);
  });

  it('skips NaN values and handles an empty range', () => {
    const d = downsample([0, 1, 2], [1, Number.NaN, 3], 5);
    expect(arr(d.x)).toEqual([0, 2]);
    expect(downsample([0, 1, 2], [1, 2, 3], 5, [10, 20]).x.length).toBe(1); // just the neighbour before
    expect(downsample([], [], 5).x.length).toBe(0);
  });
});
