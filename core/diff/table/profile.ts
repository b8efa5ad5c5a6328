import type { ColumnStats, ColumnType } from '../../../protocol/diff';
import {
  ALL_TYPES,
  type Cell,
  DATE,
  INTEGER,
  NUMBER,
  TIMESTAMP,
  maskOfType,
  narrowTypes,
  parseNumber,
  typeOfMask,
} from './cells';
import { codeText, decimalHasPoint, decimalValue, isDecimalCode, textCode } from './textCode';
import { IntegerTally } from './integerTally';

/** Distinct values are counted exactly up to this many per column, then `distinctCapped`. */
export const DISTINCT_CAP = 100_000;
const TOP = 5;

/**
 * One column on one side, seen value by value in a single pass: the type (inferred from text, or
 * fixed by a Parquet schema) and the statistics. Numeric min/max/mean are collected while the column
 * can still be numeric, ISO min/max while it can still be a date or timestamp. Value counts (for
 * `distinct` and `top`) stop at the first value past the cap, so for such a column `top` counts only
 * the rows read until then. Plain decimal and date-shaped text (`textCode.ts`, e.g. `42`, `-0.50`,
 * `2024-01-31`) is counted by its code in an IntegerTally, any other text in a map; a text is always
 * in the same one of the two.
 */
export class ColumnProfile {
  private mask: number;
  private values = 0;
  private nulls = 0;
  /** Coded values (counted among the first DISTINCT_CAP distinct values). */
  private coded = new IntegerTally();
  /** Other value → its slot in `tally` (counted among the first DISTINCT_CAP distinct values). */
  private slots = new Map<string, number>();
  /** Occurrences of each counted value, by slot (a typed array: no object per value). */
  private tally = new Uint32Array(64);
  private capped = false;
  private numbers = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;
  private textMin: string | undefined;
  private textMax: string | undefined;

  /** `fixed`: the type from the file's schema; inference is skipped. */
  constructor(private readonly fixed?: ColumnType) {
    this.mask = fixed === undefined ? ALL_TYPES : maskOfType(fixed);
  }

  /** Rows seen before this column first appeared (JSON lines) count as nulls. */
  addNulls(count: number): void {
    this.nulls += count;
  }

  observe(cell: Cell): void {
    if (cell === null) {
      this.nulls++;
      return;
    }
    this.values++;
    const code = textCode(cell);
    const decimal = isDecimalCode(code);
    let mask = this.mask;
    if (mask !== 0 && this.fixed === undefined) {
      // Plain decimal text is a number, an integer too when it has no point, and nothing else.
      if (!decimal) mask = narrowTypes(mask, cell);
      else mask &= decimalHasPoint(code) ? NUMBER : INTEGER | NUMBER;
      this.mask = mask;
    }
    if (mask & (INTEGER | NUMBER)) {
      const n = decimal ? decimalValue(code) : parseNumber(cell);
      if (Number.isFinite(n)) {
        this.numbers++;
        this.sum += n;
        if (n < this.min) this.min = n;
        if (n > this.max) this.max = n;
      }
    }
    if (mask & (DATE | TIMESTAMP)) {
      if (this.textMin === undefined || cell < this.textMin) this.textMin = cell;
      if (this.textMax === undefined || cell > this.textMax) this.textMax = cell;
    }
    if (this.capped) return;
    const room = this.distinct() < DISTINCT_CAP;
    if (code >= 0) {
      if (!this.coded.count(code, room)) this.capped = true;
      return;
    }
    const slot = this.slots.get(cell);
    if (slot !== undefined) this.tally[slot] = (this.tally[slot] ?? 0) + 1;
    else if (room) this.addValue(cell);
    else this.capped = true;
  }

  private distinct(): number {
    return this.coded.size + this.slots.size;
  }

  private addValue(cell: string): void {
    const slot = this.slots.size;
    if (slot === this.tally.length) {
      const grown = new Uint32Array(slot * 2);
      grown.set(this.tally);
      this.tally = grown;
    }
    this.tally[slot] = 1;
    this.slots.set(cell, slot);
  }

  /** The column's type: the schema's, else inferred, limited to the candidates in `allowed`. */
  type(allowed = ALL_TYPES): ColumnType {
    return this.fixed ?? typeOfMask(this.mask & allowed, this.values);
  }

  stats(type: ColumnType): ColumnStats {
    const stats: ColumnStats = {
      count: this.values,
      nulls: this.nulls,
      distinct: this.distinct(),
      distinctCapped: this.capped,
    };
    if ((type === 'integer' || type === 'number') && this.numbers > 0) {
      stats.min = this.min;
      stats.max = this.max;
      stats.mean = this.sum / this.numbers;
    } else if ((type === 'date' || type === 'timestamp') && this.textMin !== undefined) {
      stats.min = this.textMin;
      stats.max = this.textMax;
    } else if (type === 'string' || type === 'boolean') {
      stats.top = this.topValues();
    }
    return stats;
  }

  /** The most frequent values, most frequent first, ties by value. */
  private topValues(): { value: string; count: number }[] {
    const top: { value: string; count: number }[] = [];
    const consider = (count: number, value: string) => {
      let at = top.length;
      while (at > 0 && before(count, value, top[at - 1])) at--;
      if (at >= TOP) return;
      top.splice(at, 0, { value, count });
      if (top.length > TOP) top.pop();
    };
    for (const [value, slot] of this.slots) consider(this.tally[slot] ?? 0, value);
    this.coded.forEach((code, count) => {
      // Only a count that can make the list is worth the text.
      if (top.length < TOP || count >= (top[TOP - 1]?.count ?? 0)) consider(count, codeText(code));
    });
    return top;
  }
}

function before(count: number, value: string, other: { value: string; count: number } | undefined): boolean {
  return other !== undefined && (count > other.count || (count === other.count && value < other.value));
}
