import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Below this many files, one thread is faster than starting workers. */
const PARALLEL_FROM = 20_000;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

export interface FileStat {
  size: number;
  mtimeMs: number;
  ino: number;
  mode: number;
}

/** Body of a stat worker (started from source; self-contained): lstat a slice of paths. */
function statWorkerMain(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const fs = process.getBuiltinModule('node:fs');
  const paths = workerData as string[];
  const out = new Float64Array(paths.length * 4);
  paths.forEach((p, i) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st) out[i * 4 + 3] = -1;
    else out.set([st.size, st.mtimeMs, st.ino, st.mode], i * 4);
  });
  parentPort?.postMessage(out, [out.buffer]);
}

const WORKER_SOURCE = `(${statWorkerMain.toString()})()`;

/**
 * lstat many files: in this thread for a few, split across two worker threads for many (the
 * kernel work of 100,000 lstat calls is most of a status; two cores halve it). `null` for a path
 * that vanished; a non-regular file's mode tells the caller it changed type.
 */
export async function statFiles(paths: string[]): Promise<(FileStat | null)[]> {
  if (paths.length < PARALLEL_FROM) {
    return paths.map((p) => {
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      return st ? { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, mode: st.mode } : null;
    });
  }
  const half = Math.ceil(paths.length / 2);
  const slices = [paths.slice(0, half), paths.slice(half)];
  const arrays = await Promise.all(
    slices.map(
      (slice) =>
        new Promise<Float64Array>((resolve, reject) => {
          const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: slice });
          worker.once('message', (data: Float64Array) => {
            resolve(data);
            void worker.terminate();
          });
          worker.once('error', reject);
        }),
    ),
  );
  const result: (FileStat | null)[] = [];
  for (const array of arrays) {
    for (let i = 0; i < array.length; i += 4) {
      const mode = array[i + 3] as number;
      result.push(
        mode < 0
          ? null
          : { size: array[i] as number, mtimeMs: array[i + 1] as number, ino: array[i + 2] as number, mode },
      );
    }
  }
  return result;
}

export function isRegularFile(mode: number): boolean {
  return (mode & S_IFMT) === S_IFREG;
}
