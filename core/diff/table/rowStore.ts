import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Cell } from './cells';

/**
 * Rows of one side as encoded lines: `lines[i]` is data row number `n[i]` (1-based). A line is the
 * cells joined by SEP (U+001F), a null cell empty (no cell is the empty string, see cells.ts). Cells
 * of a reader that may hold U+001B, U+001E or U+001F have them escaped (ESC, then the character +
 * 0x40), so a line never holds END and two rows with the same cells in the same columns have equal
 * lines. ASCII text stays one byte per character in memory and on disk.
 */
export interface Rows {
  n: ArrayLike<number>;
  lines: string[];
}

/** 0 = before, 1 = after. */
export type Side = 0 | 1;

const ESC = '\u001b';
const END = '\u001e';
const SEP = '\u001f';
// Control characters are the point of these two patterns.
/** Characters a cell must not hold as they are. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u001b\u001e\u001f]/g;
// eslint-disable-next-line no-control-regex
const ESCAPED = /\u001b(.)/gs;
/** Rows buffered per partition file before they are written. */
const FLUSH_ROWS = 1024;

/** A row's line; `escape` when a cell may hold a character of CONTROLS. */
export function encodeRow(cells: Cell[], escape: boolean): string {
  if (!escape) return cells.join(SEP);
  return cells
    .map((cell) => cell?.replace(CONTROLS, (c) => ESC + String.fromCharCode(c.charCodeAt(0) + 0x40)))
    .join(SEP);
}

/** A line's cells. */
export function decodeRow(line: string): Cell[] {
  const cells: Cell[] = line.split(SEP);
  const escaped = line.includes(ESC);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    if (cell === '') cells[i] = null;
    else if (escaped) cells[i] = unescape(cell);
  }
  return cells;
}

/** The cell at `index` of a line, without splitting all of it. */
export function cellAt(line: string, index: number): Cell {
  let start = 0;
  for (let i = 0; i < index; i++) {
    start = line.indexOf(SEP, start) + 1;
    if (start === 0) return null;
  }
  const end = line.indexOf(SEP, start);
  const text = end < 0 ? line.slice(start) : line.slice(start, end);
  return text === '' ? null : unescape(text);
}

function unescape(text: string): string {
  return text.includes(ESC)
    ? text.replace(ESCAPED, (_, c: string) => String.fromCharCode(c.charCodeAt(0) - 0x40))
    : text;
}

/**
 * The rows of both sides, split into partitions (by a hash the caller computes) so that each
 * partition can be diffed in memory on its own: one partition held in memory for small tables; for
 * big ones, a temp file per side and partition, written in blocks of up to FLUSH_ROWS rows: a header
 * (text bytes, row count: uint32 LE), the lines (UTF-8, each ended by END), the row numbers
 * (float64 LE).
 */
export class RowStore {
  private readonly memory: [{ n: number[]; lines: string[] }, { n: number[]; lines: string[] }] = [
    { n: [], lines: [] },
    { n: [], lines: [] },
  ];
  /** Per side and partition: rows not yet written. */
  private readonly pending: [{ n: number[]; lines: string[] }[], { n: number[]; lines: string[] }[]] = [
    [],
    [],
  ];
  private readonly files: [(FileHandle | undefined)[], (FileHandle | undefined)[]] = [[], []];

  /** `dir` undefined: everything in memory, one partition. */
  constructor(
    readonly partitions: number,
    private readonly dir?: string,
  ) {}

  /**
   * Add rows numbered `first`, `first + 1`, …; `partitionOf[i]` is the partition of `rows[i]`;
   * `escape` when a cell may hold a character of CONTROLS.
   */
  async add(
    side: Side,
    rows: Cell[][],
    first: number,
    partitionOf: Uint32Array,
    escape: boolean,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i++) {
      const p = this.dir === undefined ? 0 : (partitionOf[i] ?? 0);
      const buffer =
        this.dir === undefined ? this.memory[side] : (this.pending[side][p] ??= { n: [], lines: [] });
      buffer.n.push(first + i);
      buffer.lines.push(encodeRow(rows[i] as Cell[], escape));
      if (this.dir !== undefined && buffer.n.length >= FLUSH_ROWS) await this.flush(side, p);
    }
  }

  /** Write what is buffered for a side and close its files. */
  async finish(side: Side): Promise<void> {
    if (this.dir === undefined) return;
    for (let p = 0; p < this.partitions; p++) await this.flush(side, p);
    const files = this.files[side];
    for (let p = 0; p < this.partitions; p++) {
      await files[p]?.close();
      files[p] = undefined;
    }
  }

  /** The rows of one side in one partition, in the order they were added; the file is deleted. */
  async load(side: Side, partition: number): Promise<Rows> {
    if (this.dir === undefined) {
      const rows = this.memory[side];
      this.memory[side] = { n: [], lines: [] };
      return rows;
    }
    const rows = { n: [] as number[], lines: [] as string[] };
    const file = this.fileName(side, partition);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      return rows; // nothing was written to this partition
    }
    await rm(file, { force: true });
    for (let at = 0; at < data.length;) {
      const textBytes = data.readUInt32LE(at);
      const count = data.readUInt32LE(at + 4);
      at += 8;
      const lines = data.toString('utf8', at, at + textBytes).split(END);
      for (let k = 0; k < count; k++) rows.lines.push(lines[k] ?? '');
      at += textBytes;
      for (let k = 0; k < count; k++, at += 8) rows.n.push(data.readDoubleLE(at));
    }
    return rows;
  }

  /** Close any open file (the caller removes the folder). */
  async close(): Promise<void> {
    for (const files of this.files) {
      for (const file of files) await file?.close().catch(() => {});
      files.length = 0;
    }
  }

  private async flush(side: Side, partition: number): Promise<void> {
    const buffer = this.pending[side][partition];
    if (!buffer || buffer.n.length === 0) return;
    this.pending[side][partition] = { n: [], lines: [] };
    const text = Buffer.from(`${buffer.lines.join(END)}${END}`, 'utf8');
    const header = Buffer.alloc(8);
    header.writeUInt32LE(text.length, 0);
    header.writeUInt32LE(buffer.n.length, 4);
    const numbers = Buffer.alloc(8 * buffer.n.length);
    buffer.n.forEach((n, k) => numbers.writeDoubleLE(n, 8 * k));
    const files = this.files[side];
    const file = (files[partition] ??= await open(this.fileName(side, partition), 'w'));
    await file.writev([header, text, numbers]);
  }

  private fileName(side: Side, partition: number): string {
    return path.join(this.dir ?? '', `${side === 0 ? 'before' : 'after'}-${partition}.rows`);
  }
}
