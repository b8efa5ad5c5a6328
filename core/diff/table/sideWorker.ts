/**
 * Entry of the side-reading worker thread (bundled as dist/tableWorker.js, see `sideThread.ts`):
 * reads the side named by `workerData` into its partition files and posts the side's table. A
 * STOP message aborts the reading (files are closed on the way out).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { STOP, errorReply, readSideJob, type SideJob, type SideReply } from './sideThread';

const stop = new AbortController();
parentPort?.on('message', (message) => message === STOP && stop.abort());
parentPort?.unref(); // listening does not keep the thread alive once the side is read
readSideJob(workerData as SideJob, stop.signal).then(
  (table) => parentPort?.postMessage({ table } satisfies SideReply),
  (err: unknown) => parentPort?.postMessage(errorReply(err)),
);
