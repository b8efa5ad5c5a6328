import type { ColumnDiff, ColumnStats, ColumnType } from '../../../protocol/diff';
import { isNumeric } from './cells';
import type { ColumnPair, MatchPlan } from './match';

/** What one side's reading found. */
export interface SideTable {
  columns: string[];
  types: ColumnType[];
  stats: ColumnStats[];
  rows: number;
  warnings: string[];
}

/**
 * The schema diff and the match plan. Columns: the new side's order, then the removed ones in the
 * old side's order. A column on both sides is `same` or `retyped`; it compares by value when it is
 * numeric (integer or number) on both sides, by text otherwise. Keyed matching compares every
 * common non-key column; content matching matches rows on all common columns (none in common: no
 * row matches). Added and removed columns never make a row changed; their `changedCells` stay 0.
 */
export function planDiff(
  before: SideTable | null,
  after: SideTable | null,
  keys: string[],
): { columns: ColumnDiff[]; plan: MatchPlan } {
  const names = [...(after?.columns ?? [])];
  const inAfter = new Set(names);
  for (const name of before?.columns ?? []) if (!inAfter.has(name)) names.push(name);
  const beforeIndex = indexOf(before);
  const afterIndex = indexOf(after);

  const columns: ColumnDiff[] = [];
  const outBefore: number[] = [];
  const outAfter: number[] = [];
  const compared: ColumnPair[] = [];
  const numeric = new Map<string, boolean>();
  for (const name of names) {
    const b = beforeIndex.get(name) ?? -1;
    const a = afterIndex.get(name) ?? -1;
    const typeBefore = b < 0 ? null : (before?.types[b] ?? null);
    const typeAfter = a < 0 ? null : (after?.types[a] ?? null);
    const change = b < 0 ? 'added' : a < 0 ? 'removed' : typeBefore === typeAfter ? 'same' : 'retyped';
    columns.push({
      name,
      change,
      before: typeBefore,
      after: typeAfter,
      statsBefore: b < 0 ? null : (before?.stats[b] ?? null),
      statsAfter: a < 0 ? null : (after?.stats[a] ?? null),
      changedCells: 0,
    });
    outBefore.push(b);
    outAfter.push(a);
    // One side missing entirely: the other side decides (only key order depends on it then).
    const isNum =
      (typeBefore === null || isNumeric(typeBefore)) && (typeAfter === null || isNumeric(typeAfter));
    numeric.set(name, isNum && (typeBefore !== null || typeAfter !== null));
    if (a >= 0 && b >= 0) compared.push({ before: b, after: a, numeric: isNum, out: columns.length - 1 });
  }

  const keyed = keys.length > 0;
  const matched = keyed ? keys : compared.map((pair) => names[pair.out] ?? '');
  const plan: MatchPlan = {
    keyed,
    matchBefore: matched.map((name) => beforeIndex.get(name) ?? -1),
    matchAfter: matched.map((name) => afterIndex.get(name) ?? -1),
    matchNumeric: matched.map((name) => numeric.get(name) === true),
    compared: keyed ? compared.filter((pair) => !keys.includes(names[pair.out] ?? '')) : [],
    sameLayout:
      before !== null &&
      after !== null &&
      before.columns.length === after.columns.length &&
      before.columns.every((name, i) => after.columns[i] === name),
    outBefore,
    outAfter,
  };
  return { columns, plan };
}

function indexOf(side: SideTable | null): Map<string, number> {
  return new Map((side?.columns ?? []).map((name, i) => [name, i]));
}
