// The runs index: `.lineage/state/runs-index` keeps the summary of every ended run (one with a
// status.json, which never changes again), so listing 10,000 runs reads one file instead of 20,000.
// It is a hint, checked against a readdir of `.lineage/runs` on every load: new folders are read
// (and added once ended), vanished ones dropped, live runs (no status.json) always read afresh,
// malformed ones reported and retried next time. A missing, damaged or other-version index is
// rebuilt from the run folders. The file is replaced atomically and only when something changed;
// two processes updating it at once each write a complete, correct index (the last one stays).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Problem } from '../../protocol/problem';
import type { RunSummary } from '../../protocol/runs';
import { isErrnoCode } from '../errors';
import type { Repo } from '../repo';
import { writeFileAtomic } from '../util/atomicWrite';
import { decodeIndex, encodeIndex, IndexTable, type IndexRow } from './indexFormat';
import { RUN_ID_PATTERN } from './layout';
import { valueOf, type NameRef, type QueryData, type Value } from './query';
import { readRunFolder, type RunRead } from './summary';

/** Every run of a repository, newest first, readable by row without building every summary. */
export interface RunsTable extends QueryData {
  /** Run folders that could not be read (not rows of the table). */
  readonly problems: Problem[];
  id(row: number): string;
  /** A run's summary; those of ended runs are shared between calls: read-only. */
  summary(row: number): RunSummary;
  /** The summaries of `rows` (default: all), in that order. */
  summaries(rows?: readonly number[]): RunSummary[];
}

export interface LoadRunsOptions {
  /** The time live runs are measured against (tests). */
  now?: number;
  /** Rewrite the index file when it is stale (default true). */
  write?: boolean;
}

/** What the last load did, for tests and the benchmark. */
export interface IndexStats {
  /** Why the index file was not used as it was: missing, unusable (…), or null. */
  rebuilt: string | null;
  /** Run folders read this time (new, live or malformed). */
  read: number;
  /** Whether the index file was (re)written. */
  wrote: boolean;
}

export let lastIndexStats: IndexStats = { rebuilt: null, read: 0, wrote: false };

/** Run folders read between two yields to the event loop (reads are synchronous: see summary.ts). */
const READ_BATCH = 100;

export function runsIndexFile(repo: Repo): string {
  return path.join(repo.dir, 'state', 'runs-index');
}

/** Load every run through the index (see the top of this file). */
export async function loadRuns(repo: Repo, options: LoadRunsOptions = {}): Promise<RunsTable> {
  const now = options.now ?? Date.now();
  let ids: string[];
  try {
    ids = (await fs.readdir(repo.runs)).filter((name) => RUN_ID_PATTERN.test(name));
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return combined(emptyTable(), [], [], []);
    throw err;
  }
  ids.sort().reverse();

  const file = runsIndexFile(repo);
  const memo = memos.get(file) ?? { stamp: undefined, table: null, summaries: new Map<string, RunSummary>() };
  let stored: IndexTable | null = null;
  let rebuilt: string | null = null;
  let stamp = await stampOf(file);
  const fileExists = stamp !== null;
  if (memo.table && stamp === memo.stamp) {
    // This process read or wrote the file as it is now: no need to read it again.
    stored = memo.table;
  } else if (!fileExists) {
    rebuilt = 'missing';
  } else {
    try {
      const decoded = decodeIndex(await fs.readFile(file));
      if ('table' in decoded) stored = decoded.table;
      else rebuilt = `unusable: ${decoded.unusable}`;
    } catch (err) {
      if (!isErrnoCode(err, 'ENOENT')) throw err;
      rebuilt = 'missing';
      stamp = null;
    }
  }

  const storedRow = new Map<string, number>();
  if (stored) stored.ids.forEach((id, row) => storedRow.set(id, row));
  const unknown = ids.filter((id) => !storedRow.has(id));
  const reads: RunRead[] = [];
  for (let i = 0; i < unknown.length; i++) {
    if (i > 0 && i % READ_BATCH === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    reads.push(await readRunFolder(repo, unknown[i] as string, now));
  }
  const ended = new Map<string, RunSummary>();
  const live: RunSummary[] = [];
  const problems: Problem[] = [];
  for (const r of reads) {
    if ('problem' in r) problems.push(r.problem);
    else if (r.ended) ended.set(r.run.id, r.run);
    else live.push(r.run);
  }
  const vanished = stored !== null && ids.length - unknown.length < stored.size;

  let table: IndexTable;
  let wrote = false;
  if (stored && ended.size === 0 && !vanished) {
    table = stored;
  } else {
    // The ended runs, newest first: rows of the stored index, or summaries just read.
    const runs: IndexRow[] = [];
    for (const id of ids) {
      const row = storedRow.get(id);
      if (row !== undefined) runs.push({ table: stored as IndexTable, row });
      else {
        const run = ended.get(id);
        if (run) runs.push(run);
      }
    }
    const bytes = encodeIndex(runs);
    const decoded = decodeIndex(bytes);
    if (!('table' in decoded))
      throw new Error(`runs index: cannot read what was encoded (${decoded.unusable})`);
    table = decoded.table;
    if (options.write !== false && (runs.length > 0 || fileExists)) wrote = await save(file, bytes);
    if (wrote) stamp = await stampOf(file);
    if (vanished) {
      const kept = new Set(table.ids);
      for (const id of memo.summaries.keys()) if (!kept.has(id)) memo.summaries.delete(id);
    }
  }
  // Summaries just read serve later calls too (the table holds the same values).
  for (const [id, run] of ended) memo.summaries.set(id, run);
  memos.set(file, { stamp, table, summaries: memo.summaries });
  lastIndexStats = { rebuilt, read: unknown.length, wrote };
  live.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return combined(table, live, problems, ids, memo.summaries);
}

/**
 * What this process last read or wrote, per index file: the decoded table (reused while the file's
 * stamp is unchanged) and the summaries built from it so far. Ended runs never change, so a summary
 * built once serves every later call. Callers share them, so they must not change them (freezing
 * them would double the cost of a first listing).
 * This is what makes the language server's repeated listings cheap.
 */
interface Memo {
  stamp: string | null | undefined;
  table: IndexTable | null;
  summaries: Map<string, RunSummary>;
}
const memos = new Map<string, Memo>();

/** Forget what this process remembers of every runs index (the next load reads the file). */
export function clearRunsMemo(): void {
  memos.clear();
}

/** The index file's identity (inode, size, modification time in ns), or null when it is absent. */
async function stampOf(file: string): Promise<string | null> {
  try {
    const st = await fs.stat(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return null;
    throw err;
  }
}

/** Replace the index file; a failure (read-only repository, full disk) only costs the next load time. */
async function save(file: string, bytes: Uint8Array): Promise<boolean> {
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, bytes);
    return true;
  } catch {
    return false;
  }
}

function emptyTable(): IndexTable {
  const decoded = decodeIndex(encodeIndex([]));
  if (!('table' in decoded)) throw new Error('runs index: empty table');
  return decoded.table;
}

/**
 * The table of all runs: ended runs from the index table, live ones from their summaries, merged
 * newest first (by id). `ids` is the folder listing, newest first (for the row order).
 */
function combined(
  table: IndexTable,
  live: RunSummary[],
  problems: Problem[],
  ids: string[],
  cache = new Map<string, RunSummary>(),
): RunsTable {
  const size = table.size + live.length;
  // Row → index row (>= 0) or ~live position (< 0). Without live runs rows are index rows.
  let src: Int32Array | null = null;
  if (live.length > 0) {
    src = new Int32Array(size);
    const liveAt = new Map(live.map((r, i) => [r.id, i]));
    const tableAt = new Map(table.ids.map((id, i) => [id, i]));
    let row = 0;
    for (const id of ids) {
      const l = liveAt.get(id);
      if (l !== undefined) src[row++] = ~l;
      else {
        const t = tableAt.get(id);
        if (t !== undefined) src[row++] = t;
      }
    }
  }
  let liveNames: { params: Set<string>; metrics: Set<string>; tags: Set<string> } | undefined;
  const names = () => {
    if (!liveNames) {
      liveNames = { params: new Set(), metrics: new Set(), tags: new Set() };
      for (const r of live) {
        for (const k in r.params) liveNames.params.add(k);
        for (const k in r.metrics) liveNames.metrics.add(k);
        for (const k in r.tags) liveNames.tags.add(k);
      }
    }
    return liveNames;
  };
  let tagNames: Set<string> | undefined;
  const tableTags = (): Set<string> => {
    if (!tagNames) {
      tagNames = new Set();
      for (let r = 0; r < table.size; r++) for (const k in table.tagsOf(r)) tagNames.add(k);
    }
    return tagNames;
  };
  const summary = (row: number): RunSummary => {
    const s = src ? (src[row] as number) : row;
    if (s < 0) return live[~s] as RunSummary;
    const id = table.ids[s] as string;
    let run = cache.get(id);
    if (!run) cache.set(id, (run = table.summary(s)));
    return run;
  };
  return {
    size,
    problems,
    id: (row) => {
      const s = src ? (src[row] as number) : row;
      return s >= 0 ? (table.ids[s] as string) : (live[~s] as RunSummary).id;
    },
    summary,
    summaries: (rows) => (rows ? rows.map(summary) : Array.from({ length: size }, (_, r) => summary(r))),
    hasParam: (k) => table.params.has(k) || (live.length > 0 && names().params.has(k)),
    hasMetric: (k) => table.metrics.has(k) || (live.length > 0 && names().metrics.has(k)),
    hasTag: (k) => tableTags().has(k) || (live.length > 0 && names().tags.has(k)),
    paramNames: () => new Set([...table.params.keys(), ...(live.length > 0 ? names().params : [])]),
    metricNames: () => new Set([...table.metrics.keys(), ...(live.length > 0 ? names().metrics : [])]),
    tagNames: () => new Set([...tableTags(), ...(live.length > 0 ? names().tags : [])]),
    reader: (ref: NameRef): ((row: number) => Value) => {
      const fromTable = table.reader(ref);
      if (!src) return fromTable;
      const rows = src;
      return (row) => {
        const s = rows[row] as number;
        return s >= 0 ? fromTable(s) : valueOf(live[~s] as RunSummary, ref);
      };
    },
  };
}
