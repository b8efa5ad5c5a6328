import { closeSync, openSync, readFileSync, rmSync, writeSync, writevSync } from 'node:fs';
import * as path from 'node:path';
import type { Cell } from './cells';
import { END_BYTE, encodeRow, writeRow } from './rowLines';
import { ByteRows, TextRows, type Rows } from './rows';

/** 0 = before, 1 = after. */
export type Side = 0 | 1;

/** Rows (or bytes of lines) buffered per partition file before they are written. */
const FLUSH_ROWS = 1024;
const FLUSH_BYTES = 64 << 10;

/**
 * The rows of both sides, split into partitions (by a hash the caller computes) so that each
 * partition can be diffed in memory on its own: one partition held in memory for small tables; for
 * big ones, a temp file per side and partition, written in blocks of up to FLUSH_ROWS rows (or
 * about FLUSH_BYTES bytes): a header (text bytes, row count: uint32 LE), the lines (UTF-8, each
 * ended by END), the row numbers (float64 LE), where each line ends in the text (uint32 LE). Rows
 * are encoded straight into a block's bytes and read back as bytes (`ByteRows`), so none is kept
 * as a string.
 */
export class RowStore {
  private readonly memory: [TextRows, TextRows] = [new TextRows(), new TextRows()];
  /** Per side and partition: the block not yet written. */
  private readonly pending: [Block[], Block[]] = [[], []];
  /** Per side and partition: the open file (written synchronously: a block is a quick write to the page cache). */
  private readonly files: [(number | undefined)[], (number | undefined)[]] = [[], []];

  /** `dir` undefined: everything in memory, one partition. */
  constructor(
    readonly partitions: number,
    private readonly dir?: string,
  ) {}

  /**
   * Add rows numbered `first`, `first + 1`, …; `partitionOf[i]` is the partition of `rows[i]`;
   * `escape` when a cell may hold U+001B, U+001E or U+001F (see `rowLines.ts`).
   */
  add(side: Side, rows: Cell[][], first: number, partitionOf: Uint32Array, escape: boolean): void {
    if (this.dir === undefined) {
      const memory = this.memory[side];
      for (let i = 0; i < rows.length; i++) {
        memory.n.push(first + i);
        memory.lines.push(encodeRow(rows[i] as Cell[], escape));
      }
      return;
    }
    const blocks = this.pending[side];
    for (let i = 0; i < rows.length; i++) {
      const p = partitionOf[i] ?? 0;
      const block = (blocks[p] ??= new Block());
      block.add(first + i, rows[i] as Cell[], escape);
      if (block.rows >= FLUSH_ROWS || block.used >= FLUSH_BYTES) this.flush(side, p);
    }
  }

  /** Write what is buffered for a side and close its files. */
  finish(side: Side): void {
    if (this.dir === undefined) return;
    for (let p = 0; p < this.partitions; p++) this.flush(side, p);
    const files = this.files[side];
    for (let p = 0; p < this.partitions; p++) {
      const fd = files[p];
      files[p] = undefined;
      if (fd !== undefined) closeSync(fd);
    }
  }

  /**
   * The rows of one side in one partition, in the order they were added; the file is deleted. (Read
   * synchronously: the caller has nothing else to do meanwhile.)
   */
  load(side: Side, partition: number): Rows {
    if (this.dir === undefined) {
      const rows = this.memory[side];
      this.memory[side] = new TextRows();
      return rows;
    }
    const file = this.fileName(side, partition);
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      return new TextRows(); // nothing was written to this partition
    }
    rmSync(file, { force: true });
    let count = 0;
    for (let at = 0; at < data.length; at += 8 + data.readUInt32LE(at) + 12 * data.readUInt32LE(at + 4)) {
      count += data.readUInt32LE(at + 4);
    }
    const starts = new Uint32Array(count);
    const ends = new Uint32Array(count);
    const n = new Float64Array(count);
    for (let at = 0, i = 0; at < data.length;) {
      const textBytes = data.readUInt32LE(at);
      const rows = data.readUInt32LE(at + 4);
      const text = at + 8;
      at = text + textBytes;
      for (let k = 0; k < rows; k++, at += 8) n[i + k] = data.readDoubleLE(at);
      for (let k = 0; k < rows; k++, i++, at += 4) {
        starts[i] = k === 0 ? text : (ends[i - 1] as number) + 1; // after the END byte
        ends[i] = text + data.readUInt32LE(at);
      }
    }
    return new ByteRows(data, starts, ends, n);
  }

  /** Close any open file (the caller removes the folder). */
  async close(): Promise<void> {
    for (const files of this.files) {
      for (const fd of files) {
        try {
          if (fd !== undefined) closeSync(fd);
        } catch {
          // closing is all that is left to do
        }
      }
      files.length = 0;
    }
  }

  private flush(side: Side, partition: number): void {
    const block = this.pending[side][partition];
    if (!block || block.rows === 0) return;
    const files = this.files[side];
    const fd = (files[partition] ??= openSync(this.fileName(side, partition), 'w'));
    writeAll(fd, block.parts());
    block.clear();
  }

  private fileName(side: Side, partition: number): string {
    return path.join(this.dir ?? '', `${side === 0 ? 'before' : 'after'}-${partition}.rows`);
  }
}

/** Write every byte of `parts` (writev may write less than asked). */
function writeAll(fd: number, parts: Buffer[]): void {
  let written = writevSync(fd, parts);
  for (const part of parts) {
    let at = Math.min(written, part.length);
    written -= at;
    while (at < part.length) at += writeSync(fd, part, at);
  }
}

/** Rows of one side and partition being encoded for the next write (see RowStore), bytes reused. */
class Block {
  rows = 0;
  /** Bytes of lines so far. */
  used = 0;
  private readonly header = Buffer.alloc(8);
  private text = Buffer.allocUnsafe(16 << 10);
  private readonly numbers = Buffer.allocUnsafe(8 * FLUSH_ROWS);
  private readonly ends = Buffer.allocUnsafe(4 * FLUSH_ROWS);

  /** Add row number `n`, its line encoded straight into the block's bytes. */
  add(n: number, cells: Cell[], escape: boolean): void {
    let most = 1; // UTF-8 takes at most 3 bytes per UTF-16 unit; an escaped control takes 2
    for (const cell of cells) most += cell === null ? 1 : 3 * cell.length + 1;
    if (this.used + most > this.text.length) {
      const grown = Buffer.allocUnsafe(2 * (this.used + most));
      this.text.copy(grown, 0, 0, this.used);
      this.text = grown;
    }
    if (escape) this.used += this.text.write(encodeRow(cells, true), this.used, 'utf8');
    else this.used = writeRow(this.text, this.used, cells);
    this.ends.writeUInt32LE(this.used, 4 * this.rows);
    this.text[this.used++] = END_BYTE;
    this.numbers.writeDoubleLE(n, 8 * this.rows++);
  }

  /** The block as written: header, lines, row numbers, line ends (valid until `clear`). */
  parts(): Buffer[] {
    this.header.writeUInt32LE(this.used, 0);
    this.header.writeUInt32LE(this.rows, 4);
    return [
      this.header,
      this.text.subarray(0, this.used),
      this.numbers.subarray(0, 8 * this.rows),
      this.ends.subarray(0, 4 * this.rows),
    ];
  }

  clear(): void {
    this.rows = 0;
    this.used = 0;
  }
}
