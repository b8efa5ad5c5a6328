import { SEP_BYTE } from './rowLines';

/**
 * The rows of one side in one partition: row `i` (0-based, in the order they were added) is data
 * row number `n[i]` (1-based), with its line (`rowLines.ts`).
 */
export interface Rows {
  readonly size: number;
  readonly n: ArrayLike<number>;
  line(i: number): string;
  /**
   * The cell at `index` of row `i` when it can be read in place as a canonical integer
   * (`isCanonicalInteger`), else NaN (the caller reads the cell from the line).
   */
  integerAt(i: number, index: number): number;
  /** Row `i` here and row `j` of `other` have the same line. */
  sameLine(i: number, other: Rows, j: number): boolean;
}

/** Rows kept as strings (a table small enough to be diffed in memory). */
export class TextRows implements Rows {
  readonly n: number[] = [];
  readonly lines: string[] = [];

  get size(): number {
    return this.lines.length;
  }

  line(i: number): string {
    return this.lines[i] ?? '';
  }

  integerAt(): number {
    return NaN;
  }

  sameLine(i: number, other: Rows, j: number): boolean {
    return this.line(i) === other.line(j);
  }
}

/**
 * Rows kept as the UTF-8 bytes they were stored as (a partition read back from disk): row `i` is
 * `data[starts[i] … ends[i])`. A line becomes a string only when asked for; keys and equality are
 * read from the bytes, so most rows of a diff never do.
 */
export class ByteRows implements Rows {
  constructor(
    private readonly data: Buffer,
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    readonly n: Float64Array,
  ) {}

  get size(): number {
    return this.n.length;
  }

  line(i: number): string {
    return this.data.toString('utf8', this.starts[i], this.ends[i]);
  }

  integerAt(i: number, index: number): number {
    const data = this.data;
    const end = this.ends[i] as number;
    let start = this.starts[i] as number;
    for (let k = 0; k < index; k++) {
      const sep = data.indexOf(SEP_BYTE, start);
      if (sep < 0 || sep >= end) return NaN;
      start = sep + 1;
    }
    const negative = data[start] === 45; // -
    const first = negative ? start + 1 : start;
    let value = 0;
    let at = first;
    for (; at < end; at++) {
      const c = data[at] as number;
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
    }
    const digits = at - first;
    if (digits === 0 || digits > 15 || (at < end && data[at] !== SEP_BYTE)) return NaN;
    if (data[first] === 48 && (digits > 1 || negative)) return NaN; // 007, -0
    return negative ? -value : value;
  }

  sameLine(i: number, other: Rows, j: number): boolean {
    if (!(other instanceof ByteRows)) return this.line(i) === other.line(j);
    const start = this.starts[i] as number;
    const length = (this.ends[i] as number) - start;
    const otherStart = other.starts[j] as number;
    if ((other.ends[j] as number) - otherStart !== length) return false;
    const a = this.data;
    const b = other.data;
    for (let k = 0; k < length; k++) if (a[start + k] !== b[otherStart + k]) return false;
    return true;
  }
}
