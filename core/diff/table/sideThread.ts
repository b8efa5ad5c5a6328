import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TableFormat } from '../../../protocol/diff';
import { LineageError } from '../../errors';
import { openTable } from './open';
import { readSide } from './readSide';
import type { TableSource } from './reader';
import { RowStore, type Side } from './rowStore';
import type { SideTable } from './schema';

/** One side of a partitioned table diff to read into the partition files in `dir`. */
export interface SideJob {
  source: TableSource;
  format: TableFormat;
  side: Side;
  partitions: number;
  dir: string;
  hashColumns: string[];
}

/** What the worker is sent when it should stop. */
export const STOP = 'stop';

/** An error as a message: a LineageError's parts, or another error's stack. */
interface ErrorMessage {
  message: string;
  lineage?: { detail: string; file: string | undefined };
}

/** What the worker posts back: the side's table, or the error it stopped with. */
export type SideReply = { table: SideTable } | { error: ErrorMessage };

/**
 * The side-reading worker (`sideWorker.ts`, bundled as dist/tableWorker.js) when it sits beside the
 * code running now, as in the bundles in dist/; else null (running from sources, e.g. under vitest).
 */
export function bundledWorker(): string | null {
  const file = path.join(__dirname, 'tableWorker.js');
  return existsSync(file) ? file : null;
}

/** Read one side of a partitioned diff into its partition files; what a worker thread runs. */
export async function readSideJob(job: SideJob, signal?: AbortSignal): Promise<SideTable> {
  const reader = await openTable(job.source, job.format);
  const store = new RowStore(job.partitions, job.dir);
  try {
    return await readSide(reader, job.side, store, job.hashColumns, signal);
  } finally {
    reader.close();
    await store.close();
  }
}

/**
 * `readSideJob` on a worker thread started from `workerFile`, so that the two sides of a big diff
 * are read on two cores. `signal` asks the worker to stop (it closes its files on the way out);
 * the promise settles once the worker has exited.
 */
export function readSideInWorker(workerFile: string, job: SideJob, signal?: AbortSignal): Promise<SideTable> {
  return new Promise<SideTable>((resolve, reject) => {
    let reply: SideReply | undefined;
    const worker = new Worker(workerFile, { workerData: job });
    const stop = () => worker.postMessage(STOP);
    signal?.addEventListener('abort', stop, { once: true });
    worker.on('message', (message: SideReply) => (reply = message));
    worker.on('error', (err) => (reply = { error: { message: err.message } }));
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) reject(signal.reason);
      else if (reply && 'table' in reply) resolve(reply.table);
      else if (reply) reject(replyError(reply.error));
      else reject(new Error(`table worker exited with ${code}`));
    });
  });
}

/** An error as the worker posts it. */
export function errorReply(err: unknown): SideReply {
  if (err instanceof LineageError) {
    return { error: { message: err.message, lineage: { detail: err.detail, file: err.file } } };
  }
  return { error: { message: err instanceof Error ? (err.stack ?? err.message) : String(err) } };
}

function replyError(error: ErrorMessage): Error {
  return error.lineage
    ? new LineageError(error.lineage.detail, error.lineage.file)
    : new Error(error.message);
}
