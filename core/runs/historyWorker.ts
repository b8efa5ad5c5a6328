/**
 * Entry of the history worker thread (bundled as dist/historyWorker.js, see historyPool.ts): reads
 * each metric stream it is sent into columns and posts them back (their buffers moved, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors';
import { readStreamColumns, type HistoryJob, type HistoryReply } from './historyPool';

parentPort?.on('message', (job: HistoryJob) => {
  readStreamColumns(job.file).then(
    (columns) => {
      const buffers = columns.series.flatMap((s) => [s.steps.buffer, s.times.buffer, s.values.buffer]);
      parentPort?.postMessage({ id: job.id, columns } satisfies HistoryReply, buffers as ArrayBuffer[]);
    },
    (err: unknown) =>
      parentPort?.postMessage({ id: job.id, error: errorMessage(err) } satisfies HistoryReply),
  );
});
