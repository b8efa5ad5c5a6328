import * as os from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * One folder as read from disk: its entries sorted by the UTF-8 bytes of their names, each with its
 * lstat numbers. `digest` is SHA-256 over the names and those numbers: equal digests mean no entry
 * was added, removed, renamed, replaced or rewritten (size, mtime or inode changed).
 */
export interface DirListing {
  abs: string;
  names: string[];
  /** Four numbers per entry: size, mtimeMs, ino, mode (as lstat reports; zero for a folder). */
  stats: Float64Array;
  digest: string;
  /** The newest mtime among the entries (for the "racy" rule). */
  newestMs: number;
  /** The folder could not be read, or holds a name that is not valid UTF-8 (latin1 rendering). */
  error?: { code: string; badName?: string };
}

/**
 * Read every folder of a tree, starting at `roots`, without following links. Self-contained (it
 * runs as the body of a worker thread too): Node modules come from `process.getBuiltinModule`.
 * `take` hands out the next root index, or -1 when none are left (several threads share it).
 * Stops after `budget` entries when given, returning the folders still to read.
 */
export function listTree(
  roots: string[],
  take: () => number,
  budget: number,
): { listings: DirListing[]; rest: string[] } {
  const fs = process.getBuiltinModule('node:fs');
  const { createHash } = process.getBuiltinModule('node:crypto');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const S_IFMT = 0o170000;
  const S_IFDIR = 0o040000;
  const listings: DirListing[] = [];
  const stack: string[] = [];
  let seen = 0;
  const failed = (abs: string, error: DirListing['error']): void => {
    listings.push({ abs, names: [], stats: new Float64Array(0), digest: '', newestMs: 0, error });
  };
  /** Sorted by UTF-8 bytes: UTF-16 order is the same unless a name holds a surrogate pair. */
  const sortNames = (names: string[]): string[] =>
    names.some((n) => /[\ud800-\udfff]/.test(n))
      ? names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      : names.sort();
  const listOne = (abs: string): void => {
    let names: string[];
    try {
      names = fs.readdirSync(abs); // decoded as UTF-8: bad bytes become U+FFFD, checked below
      const suspect = names.some((n) => n.includes('\ufffd'));
      if (suspect) {
        for (const raw of fs.readdirSync(abs, { encoding: 'buffer' })) {
          try {
            utf8.decode(raw);
          } catch {
            failed(abs, { code: 'EBADNAME', badName: raw.toString('latin1') });
            return;
          }
        }
      }
    } catch (err) {
      failed(abs, { code: (err as { code?: string }).code ?? String(err) });
      return;
    }
    sortNames(names);
    const stats = new Float64Array(names.length * 4);
    let newestMs = 0;
    for (let i = 0; i < names.length; i++) {
      const child = abs + '/' + (names[i] as string);
      const st = fs.lstatSync(child, { throwIfNoEntry: false });
      if (!st) continue; // vanished: mode 0, the walk reports it
      const o = i * 4;
      stats[o + 3] = st.mode;
      if ((st.mode & S_IFMT) === S_IFDIR) {
        stack.push(child);
        continue;
      }
      stats[o] = st.size;
      stats[o + 1] = st.mtimeMs;
      stats[o + 2] = st.ino;
      if (st.mtimeMs > newestMs) newestMs = st.mtimeMs;
    }
    const digest = createHash('sha256').update(names.join('\0')).update(stats).digest('hex');
    listings.push({ abs, names, stats, digest, newestMs });
    seen += names.length;
  };
  for (;;) {
    const abs = stack.pop();
    if (abs !== undefined) {
      if (seen >= budget && listings.length > 0) return { listings, rest: [abs, ...stack] };
      listOne(abs);
      continue;
    }
    const i = take();
    if (i < 0 || i >= roots.length) return { listings, rest: [] };
    stack.push(roots[i] as string);
  }
}

/** Body of a listing worker: share the root counter with the other workers, post the listings. */
function listWorkerMain(list: typeof listTree): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const { roots, counter } = workerData as { roots: string[]; counter: SharedArrayBuffer };
  const next = new Int32Array(counter);
  const { listings } = list(roots, () => Atomics.add(next, 0, 1), Infinity);
  parentPort?.postMessage(listings);
}

const WORKER_SOURCE = `(${listWorkerMain.toString()})(${listTree.toString()})`;

/** Below this many entries a tree is read on this thread alone: starting a worker costs more. */
const IN_PROCESS_ENTRIES = 5_000;

/**
 * Read every folder below `abs` (itself a folder), keyed by absolute path. Small trees are read on
 * this thread; past a few thousand entries the folders not yet read are shared, through one
 * counter, between this thread and a worker per other core (readdir and lstat of 100,000 files
 * are most of a status, and two cores nearly halve them).
 */
export async function listDirs(abs: string): Promise<Map<string, DirListing>> {
  let first = true;
  const start = listTree([abs], () => (first ? ((first = false), 0) : -1), IN_PROCESS_ENTRIES);
  const byPath = new Map(start.listings.map((l) => [l.abs, l]));
  const roots = start.rest;
  if (roots.length === 0) return byPath;
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const helpers = Math.max(0, Math.min(os.availableParallelism(), roots.length) - 1);
  const fromWorkers = Array.from(
    { length: helpers },
    () =>
      new Promise<DirListing[]>((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { roots, counter: counter.buffer },
        });
        worker.once('message', (listings: DirListing[]) => {
          resolve(listings);
          void worker.terminate();
        });
        worker.once('error', reject);
      }),
  );
  // This thread takes its share while the workers start and run.
  const own = listTree(roots, () => Atomics.add(counter, 0, 1), Infinity).listings;
  for (const batch of [own, ...(await Promise.all(fromWorkers))]) for (const l of batch) byPath.set(l.abs, l);
  return byPath;
}

/** A folder read on this thread (one reached through a followed link). */
export function listDir(abs: string): DirListing {
  let first = true;
  const { listings } = listTree([abs], () => (first ? ((first = false), 0) : -1), 0);
  const own = listings[0];
  if (!own) throw new Error(`unreachable: ${abs} was not listed`);
  return own;
}
