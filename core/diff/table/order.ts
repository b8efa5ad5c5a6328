import type { RowDiff } from '../../../protocol/diff';
import { type Cell, parseNumber } from './cells';

/** Orders changed rows for paging. */
export type ChangeOrder = (a: RowDiff, b: RowDiff) => number;

const KIND_RANK = { removed: 0, changed: 1, added: 2 } as const;

/**
 * Keyed: by key tuple (null first; numeric key columns by value, others by UTF-16 text), then by
 * row number (duplicate keys), then removed before changed before added. Content: file order, the
 * row number on the row's own side, a removed row before an added one at the same number.
 */
export function changeOrder(keyed: boolean, keyNumeric: boolean[]): ChangeOrder {
  return (a, b) => {
    if (keyed) {
      for (let i = 0; i < keyNumeric.length; i++) {
        const byKey = compareCells(a.key[i] ?? null, b.key[i] ?? null, keyNumeric[i] === true);
        if (byKey !== 0) return byKey;
      }
    }
    const byRow = position(a) - position(b);
    return byRow !== 0 ? byRow : KIND_RANK[a.change] - KIND_RANK[b.change];
  };
}

function position(diff: RowDiff): number {
  return diff.rowAfter ?? diff.rowBefore ?? 0;
}

function compareCells(a: Cell, b: Cell, numeric: boolean): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (numeric) {
    const x = parseNumber(a);
    const y = parseNumber(b);
    if (x < y) return -1;
    if (x > y) return 1;
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A binary min-heap under `less`. */
export class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i] as T, items[parent] as T)) break;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && this.less(items[left] as T, items[least] as T)) least = left;
      if (right < items.length && this.less(items[right] as T, items[least] as T)) least = right;
      if (least === i) break;
      [items[i], items[least]] = [items[least] as T, items[i] as T];
      i = least;
    }
    return top;
  }
}
