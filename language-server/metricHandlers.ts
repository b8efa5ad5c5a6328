import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import { errorMessage } from '../core/errors';
import type { Repo } from '../core/repo';
import { downsample, MetricHistory, type MetricSeries } from '../core/runs/history';
import { RUN_ID_PATTERN, runFile } from '../core/runs/layout';
import {
  metricHistoryRequest,
  metricPointsNotification,
  type MetricAxis,
  type MetricHistoryParams,
  type MetricHistoryResult,
  type MetricRunSeries,
} from '../protocol/lsp';
import type { Problem } from '../protocol/problem';

/** Histories kept beyond the runs being followed, before the least recently asked for are dropped. */
const MAX_CACHED = 400;
const MAX_BUCKETS = 10_000;

interface Entry {
  history: MetricHistory;
  /** Run start, seconds since the epoch (NaN until the header is read). */
  start: number;
  /** status.json was there after the last read: the stream will not grow. */
  ended: boolean;
  /** Reads of one stream run one after the other (a MetricTail is not re-entrant). */
  queue: Promise<unknown>;
}

export interface MetricFollower {
  /** The runs watcher saw these runs change: send the new points of the followed ones. */
  runsChanged(ids: string[]): void;
}

/**
 * `lineage/metricHistory` (downsampled series of one metric for some runs) and `lineage/metricPoints`
 * (new points of the runs last asked for, while they run). Each run's stream is parsed once and then
 * only its appended bytes are read (core/runs/history.ts); ended runs are not read again.
 */
export function registerMetricHandlers(connection: Connection, repoOf: () => Repo | null): MetricFollower {
  const cache = new Map<string, Entry>();
  let followed = new Set<string>();

  const entryOf = (repo: Repo, id: string): Entry => {
    let e = cache.get(id);
    if (e) {
      cache.delete(id); // re-insert: most recently used last
      cache.set(id, e);
      return e;
    }
    e = {
      history: new MetricHistory(runFile(repo, id, 'metrics')),
      start: Number.NaN,
      ended: false,
      queue: Promise.resolve(),
    };
    cache.set(id, e);
    for (const old of cache.keys()) {
      if (cache.size <= MAX_CACHED) break;
      if (!followed.has(old) && old !== id) cache.delete(old);
    }
    return e;
  };

  /** Catch up with the stream (once more after it ended); the new points, or null when nothing was read. */
  const update = (
    repo: Repo,
    id: string,
    e: Entry,
  ): Promise<Awaited<ReturnType<MetricHistory['update']>> | null> => {
    const next = e.queue.then(async () => {
      if (e.ended) return null;
      if (Number.isNaN(e.start)) e.start = await startOf(repo, id);
      const ended = await exists(runFile(repo, id, 'status'));
      const result = await e.history.update();
      e.ended = ended;
      return result;
    });
    e.queue = next.catch(() => undefined);
    return next;
  };

  connection.onRequest(metricHistoryRequest, async (params): Promise<MetricHistoryResult> => {
    const repo = repoOf();
    if (!repo) return { metric: '', metrics: [], series: [], problems: [] };
    const ids = params.ids.filter((id) => RUN_ID_PATTERN.test(id));
    followed = new Set(ids);
    const problems: Problem[] = [];
    const entries = await Promise.all(
      ids.map(async (id) => {
        const e = entryOf(repo, id);
        try {
          await update(repo, id, e);
        } catch (err) {
          problems.push({
            file: path.relative(repo.root, runFile(repo, id, 'metrics')),
            message: errorMessage(err),
          });
        }
        return [id, e] as const;
      }),
    );
    const names = new Set<string>();
    for (const [, e] of entries) for (const n of e.history.names()) names.add(n);
    const metric = params.metric ?? entries.flatMap(([, e]) => e.history.names())[0] ?? '';
    const series: MetricRunSeries[] = [];
    for (const [id, e] of entries) {
      const s = e.history.series(metric);
      if (s) series.push(plotSeries(id, e.start, s, params));
    }
    return { metric, metrics: [...names].sort(), series, problems };
  });

  return {
    runsChanged(ids) {
      const repo = repoOf();
      if (!repo) return;
      for (const id of ids) {
        const e = cache.get(id);
        if (!e || e.ended || !followed.has(id)) continue;
        void update(repo, id, e).then(
          (result) => {
            if (!result || (result.points.length === 0 && !result.reset)) return;
            void connection.sendNotification(metricPointsNotification, {
              id,
              reset: result.reset,
              points: result.points.map((p) => ({
                name: p.name,
                step: p.step,
                time: p.time ?? null,
                value: p.value,
              })),
            });
          },
          () => undefined,
        );
      }
    },
  };
}

/** One run's series of the request's metric on its x axis, downsampled. */
function plotSeries(
  id: string,
  start: number,
  s: MetricSeries,
  params: MetricHistoryParams,
): MetricRunSeries {
  const axis: MetricAxis = params.x ?? 'step';
  const n = s.values.length;
  let xs: Float64Array;
  let ys: Float64Array;
  if (axis === 'step') {
    xs = s.steps;
    ys = s.values;
  } else {
    // Points without a time have no place on a time axis.
    const origin = axis === 'relative' ? (Number.isNaN(start) ? firstTime(s.times) : start) : 0;
    xs = new Float64Array(n);
    ys = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const t = s.times[i] as number;
      if (Number.isNaN(t)) continue;
      xs[k] = t - origin;
      ys[k++] = s.values[i] as number;
    }
    xs = xs.subarray(0, k);
    ys = ys.subarray(0, k);
  }
  [xs, ys] = ascending(xs, ys);
  const buckets = Math.min(MAX_BUCKETS, Math.max(1, Math.floor(params.buckets) || 1));
  const d = downsample(xs, ys, buckets, params.range);
  const count = params.range ? countIn(xs, params.range) : xs.length;
  return {
    id,
    start,
    x: plain(d.x),
    y: plain(d.y),
    min: plain(d.min),
    max: plain(d.max),
    count,
  };
}

/** The points sorted by x when they are not already (a step logged twice, a clock stepping back). */
function ascending(xs: Float64Array, ys: Float64Array): [Float64Array, Float64Array] {
  let sorted = true;
  for (let i = 1; i < xs.length && sorted; i++) if ((xs[i] as number) < (xs[i - 1] as number)) sorted = false;
  if (sorted) return [xs, ys];
  const order = Array.from(xs.keys()).sort((a, b) => (xs[a] as number) - (xs[b] as number) || a - b);
  return [Float64Array.from(order, (i) => xs[i] as number), Float64Array.from(order, (i) => ys[i] as number)];
}

/** A typed array as a plain one (what JSON carries); a loop is several times faster than Array.from here. */
function plain(t: Float64Array): number[] {
  const a = new Array<number>(t.length);
  for (let i = 0; i < t.length; i++) a[i] = t[i] as number;
  return a;
}

function countIn(xs: Float64Array, [a, b]: [number, number]): number {
  let c = 0;
  for (const x of xs) if (x >= a && x <= b) c++;
  return c;
}

function firstTime(times: Float64Array): number {
  for (const t of times) if (!Number.isNaN(t)) return t;
  return 0;
}

async function startOf(repo: Repo, id: string): Promise<number> {
  try {
    const header = JSON.parse(await fs.readFile(runFile(repo, id, 'header'), 'utf8')) as {
      startedAt?: unknown;
    };
    const ms = typeof header.startedAt === 'string' ? Date.parse(header.startedAt) : Number.NaN;
    return ms / 1000;
  } catch {
    return Number.NaN;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
