import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RowDiff, TableDiff, TableFormat } from '../../../protocol/diff';
import { LineageError } from '../../errors';
import { ChangeCollector, type ChangeList } from './changes';
import { matchPartition, type MatchTotals } from './match';
import { openTable, tableFormatOf } from './open';
import { changeOrder } from './order';
import { readSide } from './readSide';
import type { TableReader, TableSource } from './reader';
import { RowStore } from './rowStore';
import { planDiff, type SideTable } from './schema';
import { bundledWorker, readSideInWorker } from './sideThread';

/** Options of `openTableDiff`. */
export interface TableDiffOptions {
  /** Key columns (composite allowed); none → rows are matched by content. */
  keys?: string[];
  /** Else from the file extension (`tableFormatOf`). */
  format?: TableFormat;
  /** Rows per page, default 100. */
  pageSize?: number;
  signal?: AbortSignal;
  /** Where big tables are partitioned (default `os.tmpdir()`); always cleaned up. */
  tmpDir?: string;
  /** Inputs bigger than this in all (bytes; Parquet counts uncompressed) are partitioned on disk. Default 32 MiB. */
  partitionBytes?: number;
  /**
   * A partitioned diff reads its after side on a worker thread started from this file while this
   * thread reads the before side. Default `bundledWorker()`; null reads both sides here.
   */
  workerFile?: string | null;
}

/** An open table diff: the summary now, pages of changed rows on demand. */
export interface TableDiffSession {
  /** Everything but the page. */
  summary: Omit<TableDiff, 'page'>;
  /** Partitions the rows were split into on disk; 1 = diffed in memory. */
  partitions: number;
  /** A page of changed rows (offset in changed-row order). */
  page(offset: number, limit?: number): Promise<TableDiff['page']>;
  /** Remove the temp files. */
  close(): Promise<void>;
}

const DEFAULT_PARTITION_BYTES = 32 << 20;
const MAX_PARTITIONS = 256;

/**
 * Compare two versions of a table. `before`/`after` null: the file does not exist on that side (all
 * rows added / removed). `path` is the table's path inside the dataset. Small inputs are diffed in
 * memory; bigger ones are split by a hash of the key (or of the row) into partition files on each
 * side, diffed one partition at a time, so memory follows the partition size, not the table size;
 * their after side is read on a worker thread (`sideThread.ts`) while this thread reads the before
 * side.
 */
export async function openTableDiff(
  before: TableSource | null,
  after: TableSource | null,
  tablePath: string,
  options: TableDiffOptions = {},
): Promise<TableDiffSession> {
  const { signal } = options;
  signal?.throwIfAborted();
  const format =
    options.format ?? tableFormatOf(after?.file ?? before?.file ?? '') ?? tableFormatOf(tablePath);
  if (format === null) throw new LineageError('not a table (.csv, .tsv, .jsonl or .parquet)', tablePath);
  const keys = [...new Set(options.keys ?? [])];
  const pageSize = Math.max(1, options.pageSize ?? 100);
  const readers: TableReader[] = [];
  let dir: string | undefined;
  let store: RowStore | undefined;
  let changes: ChangeList | undefined;
  const stopWorker = new AbortController();
  let worker: Promise<SideTable> | undefined;
  const cleanup = async () => {
    stopWorker.abort();
    await worker?.catch(() => {}); // it has exited: its files can go
    for (const reader of readers) reader.close();
    await store?.close();
    await changes?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  };
  try {
    const sources = [before, after] as const;
    const opened: (TableReader | null)[] = [];
    for (const source of sources) {
      const reader = source && (await openTable(source, format));
      if (reader) readers.push(reader);
      opened.push(reader);
      // Columns are final on opening, except for JSON lines (checked again after reading).
      if (source && reader && format !== 'jsonl') checkKeys(keys, reader.columns, source);
    }
    const [first, second] = opened;
    const size = readers.reduce((sum, reader) => sum + reader.size, 0);
    const threshold = options.partitionBytes ?? DEFAULT_PARTITION_BYTES;
    let partitions = 1;
    if (size > threshold) {
      partitions = Math.min(MAX_PARTITIONS, Math.max(2, Math.ceil(size / Math.max(1, threshold / 8))));
      dir = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'lineage-table-'));
    }
    store = new RowStore(partitions, dir);
    const hashColumns = keys.length > 0 ? keys : contentHashColumns(first?.columns, second?.columns);
    const workerFile = options.workerFile === undefined ? bundledWorker() : options.workerFile;
    if (dir !== undefined && first && second && after && workerFile !== null) {
      second.close(); // the worker opens it again
      const stop = signal ? AbortSignal.any([signal, stopWorker.signal]) : stopWorker.signal;
      const job = { source: after, format, side: 1 as const, partitions, dir, hashColumns };
      worker = readSideInWorker(workerFile, job, stop);
      worker.catch(() => {}); // awaited below, unless the before side fails first
    }
    const sides: (SideTable | null)[] = [];
    for (const [side, reader] of [first, second].entries()) {
      const source = sources[side];
      if (!reader || !source) {
        sides.push(null);
        continue;
      }
      const table =
        side === 1 && worker
          ? await worker
          : await readSide(reader, side === 0 ? 0 : 1, store, hashColumns, signal);
      checkKeys(keys, table.columns, source);
      sides.push(table);
    }
    const [sideBefore = null, sideAfter = null] = sides;
    const { columns, plan } = planDiff(sideBefore, sideAfter, keys);
    const collector = new ChangeCollector(changeOrder(plan.keyed, plan.matchNumeric), dir);
    const totals: MatchTotals = {
      added: 0,
      removed: 0,
      changed: 0,
      unchanged: 0,
      duplicateKeys: 0,
      changedCells: [],
    };
    for (let p = 0; p < partitions; p++) {
      signal?.throwIfAborted();
      const out: RowDiff[] = [];
      matchPartition(plan, store.load(0, p), store.load(1, p), totals, out);
      await collector.add(out);
    }
    changes = await collector.finish();
    columns.forEach((column, i) => (column.changedCells = totals.changedCells[i] ?? 0));
    const list = changes;
    const summary: Omit<TableDiff, 'page'> = {
      path: tablePath,
      format,
      matching: keys.length > 0 ? 'key' : 'content',
      keys,
      columns,
      rows: {
        before: sideBefore?.rows ?? 0,
        after: sideAfter?.rows ?? 0,
        added: totals.added,
        removed: totals.removed,
        changed: totals.changed,
        unchanged: totals.unchanged,
      },
      duplicateKeys: totals.duplicateKeys,
      warnings: [...(sideBefore?.warnings ?? []), ...(sideAfter?.warnings ?? [])],
    };
    let closed = false;
    return {
      summary,
      partitions,
      async page(offset, limit = pageSize) {
        if (closed) throw new Error('table diff session is closed');
        return { offset, total: list.total, rows: await list.page(offset, limit) };
      },
      async close() {
        closed = true;
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Open, take page 0, close. */
export async function diffTables(
  before: TableSource | null,
  after: TableSource | null,
  tablePath: string,
  options?: TableDiffOptions,
): Promise<TableDiff> {
  const session = await openTableDiff(before, after, tablePath, options);
  try {
    return { ...session.summary, page: await session.page(0) };
  } finally {
    await session.close();
  }
}

function checkKeys(keys: string[], columns: string[], source: TableSource): void {
  for (const key of keys) {
    if (!columns.includes(key)) {
      const shown = columns.length > 20 ? `${columns.slice(0, 20).join(', ')}, …` : columns.join(', ');
      throw new LineageError(`key column "${key}" not found (columns: ${shown || 'none'})`, source.label);
    }
  }
}

/**
 * Content matching partitions rows by the columns both sides have on opening: a subset of the
 * columns it matches on, so rows that can match land in the same partition. With none in common
 * (or one side missing) nothing can match, and every column spreads the rows.
 */
function contentHashColumns(a: string[] = [], b: string[] = []): string[] {
  const inB = new Set(b);
  const common = a.filter((name) => inB.has(name));
  return (common.length > 0 ? common : [...new Set([...a, ...b])]).sort();
}
