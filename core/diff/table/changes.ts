import { createReadStream, writeFileSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { RowDiff } from '../../../protocol/diff';
import { type ChangeOrder, Heap } from './order';

/** The changed rows of a diff, in order, readable a page at a time. */
export interface ChangeList {
  readonly total: number;
  page(offset: number, limit: number): Promise<RowDiff[]>;
  close(): Promise<void>;
}

/** Byte offset kept for every this many rows of the merged file. */
const INDEX_STEP = 64;
const WRITE_CHUNK = 1 << 20;

/**
 * Collects the changed rows partition by partition. In memory it sorts them at the end; with a
 * folder, each partition's rows are sorted and written as a run, and the runs are merged into one
 * file with a sparse index of byte offsets, so any page is one positioned read.
 */
export class ChangeCollector {
  private readonly rows: RowDiff[] = [];
  private readonly runs: string[] = [];

  constructor(
    private readonly order: ChangeOrder,
    private readonly dir?: string,
  ) {}

  async add(diffs: RowDiff[]): Promise<void> {
    if (this.dir === undefined) {
      for (const diff of diffs) this.rows.push(diff);
      return;
    }
    if (diffs.length === 0) return;
    diffs.sort(this.order);
    const run = path.join(this.dir, `run-${this.runs.length}.jsonl`);
    writeFileSync(run, diffs.map((diff) => `${JSON.stringify(diff)}\n`).join(''));
    this.runs.push(run);
  }

  async finish(): Promise<ChangeList> {
    if (this.dir === undefined) {
      const rows = this.rows.sort(this.order);
      return {
        total: rows.length,
        page: async (offset, limit) => rows.slice(Math.max(0, offset), Math.max(0, offset + limit)),
        close: async () => {},
      };
    }
    const file = path.join(this.dir, 'changes.jsonl');
    const offsets = await merge(this.runs, file, this.order);
    for (const run of this.runs) await rm(run, { force: true });
    return new FileChangeList(file, offsets);
  }
}

class FileChangeList implements ChangeList {
  readonly total: number;
  private readonly fileSize: number;
  private handle: Promise<FileHandle> | undefined;

  /** `offsets[i]`: where row `i * INDEX_STEP` starts; the last entry is the file size. */
  constructor(
    private readonly file: string,
    private readonly offsets: { rows: number; starts: number[] },
  ) {
    this.total = offsets.rows;
    this.fileSize = offsets.starts.at(-1) ?? 0;
  }

  async page(offset: number, limit: number): Promise<RowDiff[]> {
    const first = Math.max(0, offset);
    const end = Math.min(this.total, first + limit);
    if (first >= end) return [];
    const block = Math.floor(first / INDEX_STEP);
    const from = this.offsets.starts[block] ?? 0;
    const to = this.offsets.starts[Math.ceil(end / INDEX_STEP)] ?? this.fileSize;
    const buffer = Buffer.alloc(to - from);
    const handle = await (this.handle ??= open(this.file, 'r'));
    await handle.read(buffer, 0, buffer.length, from);
    const lines = buffer.toString('utf8').split('\n');
    const skip = first - block * INDEX_STEP;
    return lines.slice(skip, skip + (end - first)).map((line) => JSON.parse(line) as RowDiff);
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle).close();
  }
}

interface Head {
  diff: RowDiff;
  line: string;
  run: AsyncIterator<string>;
}

/** K-way merge of sorted runs into `file`; returns the row count and the sparse offset index. */
async function merge(
  runs: string[],
  file: string,
  order: ChangeOrder,
): Promise<{ rows: number; starts: number[] }> {
  const heap = new Heap<Head>((a, b) => order(a.diff, b.diff) < 0);
  const readers = runs.map((run) => createInterface({ input: createReadStream(run), crlfDelay: Infinity }));
  // Take each iterator at once: readline emits lines from the start, and only an iterator buffers them.
  const iterators = readers.map((reader) => reader[Symbol.asyncIterator]());
  const out = await open(file, 'w');
  try {
    for (const iterator of iterators) await pull(heap, iterator);
    const starts: number[] = [];
    let rows = 0;
    let bytes = 0;
    let chunk = '';
    for (let head = heap.pop(); head; head = heap.pop()) {
      if (rows % INDEX_STEP === 0) starts.push(bytes);
      chunk += `${head.line}\n`;
      bytes += Buffer.byteLength(head.line) + 1;
      rows++;
      if (chunk.length >= WRITE_CHUNK) {
        await out.write(chunk);
        chunk = '';
      }
      await pull(heap, head.run);
    }
    await out.write(chunk);
    starts.push(bytes);
    return { rows, starts };
  } finally {
    for (const reader of readers) reader.close();
    await out.close();
  }
}

async function pull(heap: Heap<Head>, run: AsyncIterator<string>): Promise<void> {
  const next = await run.next();
  if (!next.done) heap.push({ diff: JSON.parse(next.value) as RowDiff, line: next.value, run });
}
