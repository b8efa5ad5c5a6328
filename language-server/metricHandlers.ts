import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import { errorMessage } from '../core/errors';
import type { Repo } from '../core/repo';
import { downsample, MetricHistory, type MetricSeries } from '../core/runs/history';
import {
  historyCacheFile,
  readHistoryCache,
  streamId,
  sweepHistoryCache,
  writeHistoryCache,
  type CachedHistory,
  type StreamId,
} from '../core/runs/historyCache';
import { FixedHistory, HistoryPool } from '../core/runs/historyPool';
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
/** Ended streams at least this big are read on the worker threads (smaller ones are quicker here). */
const WORKER_MIN_BYTES = 256 * 1024;

interface Entry {
  /** The history read from the stream and followed while it grows (null while `fixed` serves). */
  history: MetricHistory | null;
  /**
   * An ended run's whole history, read at once: from its cache file (.lineage/state/history) or,
   * without one, from the stream on a worker thread.
   */
  fixed: CachedHistory | FixedHistory | null;
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
  const pool = new HistoryPool();
  let followed = new Set<string>();

  const entryOf = (repo: Repo, id: string): Entry => {
    let e = cache.get(id);
    if (e) {
      cache.delete(id); // re-insert: most recently used last
      cache.set(id, e);
      return e;
    }
    e = {
      history: null,
      fixed: null,
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

  /**
   * Ended runs' histories waiting to be cached: written one after the other once the answer that
   * read them has gone (writing while streams are still being read would slow that answer).
   */
  const toWrite: (() => Promise<unknown>)[] = [];
  let writing = false;
  let swept = false;
  const cacheLater = (
    repo: Repo,
    id: string,
    stream: StreamId,
    history: MetricHistory | FixedHistory,
  ): void => {
    const bytesRead = history instanceof FixedHistory ? history.columns.bytesRead : history.bytesRead;
    if (bytesRead !== stream.size) return; // read while it was changing: not a whole snapshot
    if (!swept) {
      swept = true;
      toWrite.push(() => sweepHistoryCache(path.dirname(historyCacheFile(repo, id))));
    }
    toWrite.push(() =>
      writeHistoryCache(historyCacheFile(repo, id), runFile(repo, id, 'metrics'), stream, history),
    );
  };
  const writeLater = (): void => {
    if (writing || toWrite.length === 0) return;
    writing = true;
    setTimeout(() => {
      void (async () => {
        for (let job = toWrite.shift(); job; job = toWrite.shift()) {
          await job().catch(() => undefined); // a cache that cannot be written only makes a slower start
        }
        writing = false;
      })();
    }, 50);
  };

  /**
   * Catch up with the stream (once more after it ended); the new points, or null when nothing was
   * read. An ended run is served from its history cache when that is valid, and cached otherwise.
   */
  const update = (
    repo: Repo,
    id: string,
    e: Entry,
    points = true,
    preload?: { name: string; withTimes: boolean },
  ): Promise<Awaited<ReturnType<MetricHistory['update']>> | null> => {
    const next = e.queue.then(async () => {
      if (e.ended) return null;
      if (Number.isNaN(e.start)) e.start = await startOf(repo, id);
      const stream = runFile(repo, id, 'metrics');
      const ended = await exists(runFile(repo, id, 'status'));
      const before = ended ? await fs.stat(stream).catch(() => null) : null;
      if (before && !e.history) {
        e.fixed = await readHistoryCache(historyCacheFile(repo, id), before, preload);
        if (!e.fixed && before.size >= WORKER_MIN_BYTES) {
          const fixed = new FixedHistory(await pool.read(stream));
          cacheLater(repo, id, streamId(before), fixed);
          e.fixed = fixed;
        }
        if (e.fixed) {
          e.ended = true;
          return { points: [], reset: false };
        }
      }
      e.history ??= new MetricHistory(stream);
      const result = await e.history.update({ points });
      e.ended = ended;
      if (before) cacheLater(repo, id, streamId(before), e.history);
      return result;
    });
    e.queue = next.catch(() => undefined);
    return next;
  };

  /** The entry's series of `name`; a damaged cache is dropped and the stream read instead. */
  const seriesOf = async (
    repo: Repo,
    id: string,
    e: Entry,
    name: string,
    withTimes: boolean,
  ): Promise<MetricSeries | undefined> => {
    if (e.fixed) {
      try {
        return await e.fixed.series(name, withTimes);
      } catch {
        e.fixed = null;
        e.ended = false;
        await fs.rm(historyCacheFile(repo, id), { force: true }).catch(() => undefined);
        await update(repo, id, e, false); // reads the stream and writes the cache again
        // (TypeScript narrowed e.fixed to null above; update() may have set it.)
        const fixed = e.fixed as Entry['fixed'];
        if (fixed) return fixed.series(name, withTimes);
      }
    }
    return e.history?.series(name);
  };

  const namesOf = (e: Entry): string[] => e.fixed?.names() ?? e.history?.names() ?? [];

  connection.onRequest(metricHistoryRequest, async (params): Promise<MetricHistoryResult> => {
    const repo = repoOf();
    if (!repo) return { metric: '', metrics: [], series: [], problems: [] };
    const ids = params.ids.filter((id) => RUN_ID_PATTERN.test(id));
    followed = new Set(ids);
    const problems: Problem[] = [];
    const withTimes = (params.x ?? 'step') !== 'step';
    const preload = params.metric !== undefined ? { name: params.metric, withTimes } : undefined;
    const entries = await Promise.all(
      ids.map(async (id) => {
        const e = entryOf(repo, id);
        try {
          await update(repo, id, e, false, preload);
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
    for (const [, e] of entries) for (const n of namesOf(e)) names.add(n);
    const metric = params.metric ?? entries.flatMap(([, e]) => namesOf(e))[0] ?? '';
    const found = await Promise.all(entries.map(([id, e]) => seriesOf(repo, id, e, metric, withTimes)));
    const series: MetricRunSeries[] = [];
    entries.forEach(([id, e], i) => {
      const s = found[i];
      if (s) series.push(plotSeries(id, e.start, s, params));
    });
    writeLater();
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
            writeLater();
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
