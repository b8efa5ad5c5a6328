import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../errors';
import { MetricHistory, type MetricSeries } from './history';

/** A whole stream read into columns: what a history worker sends back. */
export interface StreamColumns {
  names: string[];
  series: MetricSeries[];
  /** Bytes of the stream that were read (its size then). */
  bytesRead: number;
}

/** What the history worker is sent, and what it replies. */
export interface HistoryJob {
  id: number;
  file: string;
}
export type HistoryReply = { id: number; columns: StreamColumns } | { id: number; error: string };

/** Read a whole stream into columns of their exact length (the job a history worker runs). */
export async function readStreamColumns(file: string): Promise<StreamColumns> {
  const history = new MetricHistory(file);
  await history.update({ points: false });
  const names = history.names();
  const series = names.map((name) => {
    const s = history.series(name) as MetricSeries;
    return { steps: s.steps.slice(), times: s.times.slice(), values: s.values.slice() };
  });
  return { names, series, bytesRead: history.bytesRead };
}

/** The columns of an ended run, read once: what the metric handlers serve it from. */
export class FixedHistory {
  private readonly byName: Map<string, MetricSeries>;

  constructor(readonly columns: StreamColumns) {
    this.byName = new Map(columns.names.map((n, i) => [n, columns.series[i] as MetricSeries]));
  }

  names(): string[] {
    return this.columns.names;
  }

  /** (`withTimes` is for the same call as CachedHistory's: the times are always here.) */
  series(name: string, withTimes?: boolean): MetricSeries | undefined {
    void withTimes;
    return this.byName.get(name);
  }
}

/**
 * The history worker (`historyWorker.ts`, bundled as dist/historyWorker.js) when it sits beside the
 * code running now, as in the bundles in dist/; else null (running from sources, e.g. under vitest).
 */
export function bundledHistoryWorker(): string | null {
  const file = path.join(__dirname, 'historyWorker.js');
  return existsSync(file) ? file : null;
}

const IDLE_MS = 10_000;

/**
 * Reads whole metric streams on worker threads, one per core, so that a first answer over many
 * runs is not parsed on one core. Jobs go to the least busy thread; threads are started when jobs
 * come and ended after a while without any. Without a worker file (or when a thread fails), a
 * stream is read on this thread: the answer is the same, only slower.
 */
interface Slot {
  worker: Worker;
  /** Ids of the jobs it was sent and has not answered. */
  jobs: Set<number>;
}

interface Job {
  file: string;
  resolve: (c: StreamColumns) => void;
  reject: (e: Error) => void;
}

export class HistoryPool {
  private slots: Slot[] = [];
  private pending = new Map<number, Job>();
  private nextId = 0;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly workerFile: string | null = bundledHistoryWorker(),
    private readonly size = Math.max(1, os.availableParallelism()),
  ) {}

  read(file: string): Promise<StreamColumns> {
    if (!this.workerFile) return readStreamColumns(file);
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const slot = this.slot(this.workerFile);
    const id = this.nextId++;
    return new Promise<StreamColumns>((resolve, reject) => {
      this.pending.set(id, { file, resolve, reject });
      slot.jobs.add(id);
      slot.worker.ref();
      slot.worker.postMessage({ id, file } satisfies HistoryJob);
    });
  }

  /** End the threads (they end by themselves after a while without jobs). */
  close(): void {
    const slots = this.slots;
    this.slots = [];
    for (const slot of slots) void slot.worker.terminate();
  }

  /** An idle thread, a new one while there are fewer than `size`, else the least busy. */
  private slot(workerFile: string): Slot {
    let best: Slot | null = null;
    for (const s of this.slots) if (!best || s.jobs.size < best.jobs.size) best = s;
    if (best && (best.jobs.size === 0 || this.slots.length >= this.size)) return best;
    const slot: Slot = { worker: new Worker(workerFile), jobs: new Set() };
    slot.worker.on('message', (reply: HistoryReply) => {
      const job = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      slot.jobs.delete(reply.id);
      if (slot.jobs.size === 0) slot.worker.unref();
      if (this.pending.size === 0) this.idle ??= setTimeout(() => this.close(), IDLE_MS).unref();
      if (!job) return;
      if ('columns' in reply) job.resolve(reply.columns);
      else job.reject(new Error(reply.error));
    });
    // A thread that fails (or is ended) hands its unanswered jobs back to this thread.
    const fail = (): void => {
      this.slots = this.slots.filter((s) => s !== slot);
      for (const id of slot.jobs) {
        const job = this.pending.get(id);
        this.pending.delete(id);
        if (job)
          readStreamColumns(job.file).then(job.resolve, (err: unknown) =>
            job.reject(new Error(errorMessage(err))),
          );
      }
      slot.jobs.clear();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', fail);
    this.slots.push(slot);
    return slot;
  }
}
