import type { RowDiff } from '../../../protocol/diff';
import { type Cell, canonicalNumber, cellsEqual, tupleKey } from './cells';
import { type Rows, cellAt, decodeRow } from './rowStore';

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
  let left: Unpaired = { before: range(before.lines.length), after: range(after.lines.length) };
  if (plan.matchBefore.length > 0) {
    const byValue = (rows: Rows, indexes: number[]) => (i: number) =>
      lineKey(rows.lines[i] ?? '', indexes, plan.matchNumeric);
    if (plan.keyed) {
      const duplicates = new Set<string>();
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
        const exact = (rows: Rows) => (i: number) => rows.lines[i] ?? '';
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
  keyBefore: (i: number) => string,
  keyAfter: (j: number) => string,
  duplicates: Set<string> | undefined,
  onPair: (i: number, j: number) => void,
): Unpaired {
  if (rows.before.length === 0 || rows.after.length === 0) return rows;
  // Key → the before row(s) with it: an index while unpaired, -1 once paired (or when only the after
  // side has it), or every index with the count of those already paired.
  const byKey = new Map<string, number | { rows: number[]; taken: number }>();
  for (const i of rows.before) {
    const key = keyBefore(i);
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, i);
    else {
      if (typeof seen === 'number') byKey.set(key, { rows: [seen, i], taken: 0 });
      else seen.rows.push(i);
      duplicates?.add(key);
    }
  }
  const left: Unpaired = { before: [], after: [] };
  for (const j of rows.after) {
    const key = keyAfter(j);
    const seen = byKey.get(key);
    let partner: number | undefined;
    if (seen === undefined) byKey.set(key, -1);
    else if (typeof seen === 'number') {
      if (seen < 0) duplicates?.add(key);
      else {
        partner = seen;
        byKey.set(key, -1);
      }
    } else {
      if (seen.taken > 0) duplicates?.add(key);
      partner = seen.rows[seen.taken++];
    }
    if (partner === undefined) left.after.push(j);
    else onPair(partner, j);
  }
  for (const seen of byKey.values()) {
    if (typeof seen !== 'number')
      for (let k = seen.taken; k < seen.rows.length; k++) left.before.push(seen.rows[k] ?? -1);
    else if (seen >= 0) left.before.push(seen);
  }
  left.before.sort((x, y) => x - y);
  return left;
}

/** The match key of a line (see `tupleKey`), reading only the cells it needs when it is one column. */
function lineKey(line: string, indexes: number[], numeric: boolean[]): string {
  if (indexes.length !== 1) return tupleKey(decodeRow(line), indexes, numeric);
  const cell = cellAt(line, indexes[0] ?? -1);
  return cell === null ? '' : numeric[0] ? canonicalNumber(cell) : cell;
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
  const lineBefore = before.lines[i] ?? '';
  const lineAfter = after.lines[j] ?? '';
  if (plan.sameLayout && lineBefore === lineAfter) {
    totals.unchanged++;
    return;
  }
  const a = decodeRow(lineBefore);
  const b = decodeRow(lineAfter);
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
  const lineBefore = before?.lines[i];
  const lineAfter = after?.lines[j];
  const cellsBefore = lineBefore === undefined ? undefined : decodeRow(lineBefore);
  const cellsAfter = lineAfter === undefined ? undefined : decodeRow(lineAfter);
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
