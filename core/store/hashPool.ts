import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashWorkerMain } from './hashWorker';

export type HashMode = 'hash' | 'copy' | 'hardlink' | 'reflink';

export interface HashJob {
  src: string;
  /** Where `copy`, `hardlink` and `reflink` put the object-to-be; null for `hash`. */
  tmp: string | null;
  mode: HashMode;
}

export type HashResult =
  | { i: number; hash: string; size: number; mtimeMs: number; ino: number; mode: number; stored: boolean }
  | { i: number; error: { code: string; message: string } };

export interface HashProgress {
  files: number;
  bytes: number;
}

const WORKER_SOURCE = `(${hashWorkerMain.toString()})()`;

/**
 * Hash files on all cores: worker threads share one job counter, so a thread that drew large files
 * does not hold up the others. Results come back in batches; `onProgress` sees running totals.
 * `signal` stops the workers (results so far are discarded by the caller).
 */
export async function hashFiles(
  jobs: HashJob[],
  onProgress?: (p: HashProgress) => void,
  signal?: AbortSignal,
  /** The store's `sha256/` folder: staged objects it already holds are dropped (see hashWorker). */
  objectsDir: string | null = null,
): Promise<HashResult[]> {
  const results: HashResult[] = new Array<HashResult>(jobs.length);
  if (jobs.length === 0) return results;
  const threads = Math.max(1, Math.min(os.availableParallelism(), jobs.length));
  const counter = new SharedArrayBuffer(4);
  const progress: HashProgress = { files: 0, bytes: 0 };
  const workers = Array.from(
    { length: threads },
    () => new Worker(WORKER_SOURCE, { eval: true, workerData: { jobs, counter, objectsDir } }),
  );
  const stop = (): void => {
    for (const w of workers) void w.terminate();
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.on('message', (batch: HashResult[]) => {
              for (const r of batch) {
                results[r.i] = r;
                progress.files += 1;
                if ('size' in r) progress.bytes += r.size;
              }
              onProgress?.({ ...progress });
            });
            worker.on('error', reject);
            worker.on('exit', (code) =>
              signal?.aborted
                ? reject(signal.reason)
                : code === 0
                  ? resolve()
                  : reject(new Error(`hash worker exited with ${code}`)),
            );
          }),
      ),
    );
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  return results;
}
