import type { RowDiff } from '../../../protocol/diff';
import { type Cell, canonicalNumber, cellsEqual, tupleKey } from './cells';
import { KeyIndex } from './keyIndex';
import { cellAt, decodeRow } from './rowLines';
import type { Rows } from './rows';
import { isCanonicalInteger } from './textScan';

/** A column on both sides, compared cell by cell; `out` is its index in `TableDiff.columns`. */
export interface ColumnPair {
  before: number;
  after: number;
  numeric: boolean;
  out: number;
}

/** How rows of the two sides are paired and compared. */
export interface MatchPlan {
  keyed: boolean;
  /** Keyed: the key columns. Content: every column present on both sides. Indexes on each side. */
  matchBefore: number[];
  matchAfter: number[];
  matchNumeric: boolean[];
  /** Keyed: the non-key columns present on both sides; a difference in any makes a row changed. */
  compared: ColumnPair[];
  /** Both sides have the same columns in the same order: equal lines are equal rows. */
  sameLayout: boolean;
  /** For each column of `TableDiff.columns`, its index on each side, -1 where it is absent. */
  outBefore: number[];
  outAfter: number[];
}

/** Running totals over all partitions. */
export interface MatchTotals {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  duplicateKeys: number;
  /** Per column of `TableDiff.columns`. */
  changedCells: number[];
}

type Unpaired = { before: number[]; after: number[] };

/** In pairUp's key index: a key only the after side has; a group of before rows (GROUP - g). */
const AFTER_ONLY = -1;
const GROUP = -2;

/**
 * Pair the rows of one partition and push a RowDiff for every added, removed or changed row. Rows
 * with equal match keys pair in order of appearance (the i-th before with the i-th after): a multiset
 * match for content, duplicate keys for keyed matching. Content matching pairs identical lines first,
 * then the rest by value (so `1.0` meets `1` in numeric columns). Keyed pairs compare the `compared`
 * columns; columns on one side only never make a row changed.
 */
export function matchPartition(
  plan: MatchPlan,
  before: Rows,
  after: Rows,
  totals: MatchTotals,
  out: RowDiff[],
): void {
  let left: Unpaired = { before: range(before.size), after: range(after.size) };
  if (plan.matchBefore.length > 0) {
    const byValue = (rows: Rows, indexes: number[]) => (i: number) =>
      rowKey(rows, i, indexes, plan.matchNumeric);
    if (plan.keyed) {
      const duplicates = new Set<string | number>();
      left = pairUp(
        left,
        byValue(before, plan.matchBefore),
        byValue(after, plan.matchAfter),
        duplicates,
        (i, j) => compare(plan, before, i, after, j, totals, out),
      );
      totals.duplicateKeys += duplicates.size;
    } else {
      const same = () => totals.unchanged++;
      if (plan.sameLayout) {
        const exact = (rows: Rows) => (i: number) => rows.line(i);
        left = pairUp(left, exact(before), exact(after), undefined, same);
      }
      left = pairUp(
        left,
        byValue(before, plan.matchBefore),
        byValue(after, plan.matchAfter),
        undefined,
        same,
      );
    }
  }
  for (const i of left.before) out.push(rowDiff(plan, totals, 'removed', before, i, undefined, -1, []));
  for (const j of left.after) out.push(rowDiff(plan, totals, 'added', undefined, -1, after, j, []));
}

/** Pair rows with equal keys in order of appearance; returns the rows left unpaired. */
function pairUp(
  rows: Unpaired,
  keyBefore: (i: number) => string | number,
  keyAfter: (j: number) => string | number,
  duplicates: Set<string | number> | undefined,
  onPair: (i: number, j: number) => void,
): Unpaired {
  if (rows.before.length === 0 || rows.after.length === 0) return rows;
  // Key → the before row with it (>= 0), AFTER_ONLY when only the after side has the key, or
  // group g (GROUP - g) when the before side has it more than once: every such row, with the count
  // of those already paired.
  const byKey = new KeyIndex(rows.before.length);
  const groups: { rows: number[]; taken: number }[] = [];
  for (const i of rows.before) {
    const key = keyBefore(i);
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, i);
    else {
      if (seen >= 0) {
        byKey.set(key, GROUP - groups.length);
        groups.push({ rows: [seen, i], taken: 0 });
      } else groups[GROUP - seen]?.rows.push(i);
      duplicates?.add(key);
    }
  }
  const paired = new Uint8Array((rows.before.at(-1) ?? 0) + 1); // rows.before is in ascending order
  const after: number[] = [];
  for (const j of rows.after) {
    const key = keyAfter(j);
    const seen = byKey.get(key);
    let partner: number | undefined;
    if (seen === undefined) byKey.set(key, AFTER_ONLY);
    else if (seen === AFTER_ONLY || (seen >= 0 && paired[seen] === 1)) duplicates?.add(key);
    else if (seen >= 0) partner = seen;
    else {
      const group = groups[GROUP - seen];
      if (group) {
        if (group.taken > 0) duplicates?.add(key);
        partner = group.rows[group.taken++];
      }
    }
    if (partner === undefined) after.push(j);
    else {
      paired[partner] = 1;
      onPair(partner, j);
    }
  }
  return { before: rows.before.filter((i) => paired[i] === 0), after };
}

/**
 * The match key of row `i` (see `tupleKey`), reading only the cell it needs when it is one column.
 * A numeric key whose canonical text is a short integer is that number (numbers hash faster than
 * text, and never equal a text key): equal keys stay equal, different ones different.
 */
function rowKey(rows: Rows, i: number, indexes: number[], numeric: boolean[]): string | number {
  if (indexes.length !== 1) return tupleKey(decodeRow(rows.line(i)), indexes, numeric);
  const index = indexes[0] ?? -1;
  if (numeric[0]) {
    const n = rows.integerAt(i, index);
    if (!Number.isNaN(n)) return n;
  }
  const cell = cellAt(rows.line(i), index);
  if (cell === null) return '';
  if (!numeric[0]) return cell;
  const text = canonicalNumber(cell);
  return isCanonicalInteger(text) ? Number(text) : text;
}

function compare(
  plan: MatchPlan,
  before: Rows,
  i: number,
  after: Rows,
  j: number,
  totals: MatchTotals,
  out: RowDiff[],
): void {
  if (plan.sameLayout && before.sameLine(i, after, j)) {
    totals.unchanged++;
    return;
  }
  const a = decodeRow(before.line(i));
  const b = decodeRow(after.line(j));
  let changed: number[] | undefined;
  for (const pair of plan.compared) {
    if (!cellsEqual(a[pair.before] ?? null, b[pair.after] ?? null, pair.numeric)) {
      (changed ??= []).push(pair.out);
      totals.changedCells[pair.out] = (totals.changedCells[pair.out] ?? 0) + 1;
    }
  }
  if (changed === undefined) totals.unchanged++;
  else out.push(rowDiff(plan, totals, 'changed', before, i, after, j, changed));
}

function rowDiff(
  plan: MatchPlan,
  totals: MatchTotals,
  change: RowDiff['change'],
  before: Rows | undefined,
  i: number,
  after: Rows | undefined,
  j: number,
  changed: number[],
): RowDiff {
  totals[change]++;
  const cellsBefore = before && decodeRow(before.line(i));
  const cellsAfter = after && decodeRow(after.line(j));
  let key: Cell[] = [];
  if (plan.keyed) {
    key = cellsAfter
      ? pick(cellsAfter, plan.matchAfter)
      : cellsBefore
        ? pick(cellsBefore, plan.matchBefore)
        : [];
  }
  return {
    change,
    key,
    rowBefore: before?.n[i] ?? null,
    rowAfter: after?.n[j] ?? null,
    before: cellsBefore ? pick(cellsBefore, plan.outBefore) : null,
    after: cellsAfter ? pick(cellsAfter, plan.outAfter) : null,
    changed,
  };
}

function pick(cells: Cell[], indexes: number[]): Cell[] {
  return indexes.map((i) => (i < 0 ? null : (cells[i] ?? null)));
}

function range(n: number): number[] {
  const all = new Array<number>(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all;
}
