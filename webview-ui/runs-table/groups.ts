// Grouping of the Runs Table: runs grouped by one or two columns (a param, the commit, the
// experiment…), groups ordered by their aggregate of the sort columns, numeric columns aggregated
// across the group's runs (mean ± std, min, max). Pure: no DOM, so it is unit-tested in Node.
import type { RunSummary } from '../../protocol/runs';
import { sortOrder } from '../../core/runs/query';
import { formatMetric } from '../../core/util/format';
import type { CellValue, Column } from './columns';

/** What a group row shows for a numeric column. */
export type Aggregate = 'mean' | 'min' | 'max';
export const AGGREGATES: Record<Aggregate, string> = { mean: 'mean ± std', min: 'min', max: 'max' };

export interface Stats {
  /** Runs with a number in the column. */
  count: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  min: number;
  max: number;
}

/** Stats of the numbers among `values` (anything else is skipped); null when there are none. */
export function stats(values: Iterable<CellValue>): Stats | null {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || Number.isNaN(v)) continue;
    // Welford's update: stable for large counts and close values.
    count++;
    const delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return null;
  return { count, mean, std: count > 1 ? Math.sqrt(m2 / (count - 1)) : 0, min, max };
}

export interface Group {
  /** Unique among all groups: the path of column=value pairs from the top. */
  key: string;
  depth: number;
  column: Column;
  value: CellValue;
  /** The value as its column shows it ("(none)" when missing). */
  label: string;
  /** Every run in the group (and its subgroups), in sort order. */
  runs: RunSummary[];
  /** Subgroups when grouped by a further column, else null. */
  children: Group[] | null;
}

export type DisplayRow =
  | { kind: 'run'; run: RunSummary; depth: number; pinned: boolean }
  | { kind: 'group'; group: Group; expanded: boolean };

const statsCache = new WeakMap<Group, Map<string, Stats | null>>();

/** The group's stats for a column, computed once per group (groups are rebuilt on every change). */
export function groupStats(group: Group, column: Column): Stats | null {
  let byColumn = statsCache.get(group);
  if (!byColumn) statsCache.set(group, (byColumn = new Map()));
  let s = byColumn.get(column.id);
  if (s === undefined) {
    s = stats(group.runs.map((r) => column.value(r)));
    byColumn.set(column.id, s);
  }
  return s;
}

const commonCache = new WeakMap<Group, Map<string, Common>>();
type Common = { value: CellValue; text: string } | { distinct: number };

/** The one value every run of the group has in a column, or the number of distinct values (to 100). */
export function common(group: Group, column: Column): Common {
  let byColumn = commonCache.get(group);
  if (!byColumn) commonCache.set(group, (byColumn = new Map()));
  const known = byColumn.get(column.id);
  if (known) return known;
  const seen = new Set<CellValue>();
  for (const r of group.runs) {
    seen.add(column.value(r));
    if (seen.size > 99) break; // "99+ values" is enough to tell
  }
  const first = group.runs[0];
  const result: Common =
    seen.size === 1 && first
      ? { value: column.value(first), text: column.text(first) }
      : { distinct: seen.size };
  byColumn.set(column.id, result);
  return result;
}

/** The value of an aggregate, or null when the column has no numbers in the group. */
export function aggregateValue(s: Stats | null, aggregate: Aggregate): number | null {
  return s ? s[aggregate] : null;
}

/** What a group's cell shows: `0.912 ± 0.013`, or the min or max. */
export function aggregateText(s: Stats, aggregate: Aggregate, format?: (v: number) => string): string {
  const f = format ?? formatMetric;
  if (aggregate !== 'mean') return f(s[aggregate]);
  // Two significant digits of the std are enough to read, and keep the cell narrow.
  const std = format ? format(s.std) : formatMetric(Number(s.std.toPrecision(2)));
  return s.count > 1 ? `${f(s.mean)} ± ${std}` : f(s.mean);
}

/** The tooltip of a group's numeric cell: every aggregate and the count. */
export function aggregateTitle(column: Column, s: Stats, groupSize: number): string {
  const f = column.format ?? formatMetric;
  return [
    `${column.title}`,
    `mean ${f(s.mean)} ± ${f(s.std)} (sample std)`,
    `min ${f(s.min)}, max ${f(s.max)}`,
    `${s.count} of ${groupSize} runs have a value`,
  ].join('\n');
}

/**
 * Group `sorted` runs by the columns in `by` (nested in that order). Runs keep their order inside a
 * group; groups are ordered by the sort keys: a key on the grouping column itself orders by the
 * group's value, a numeric key by the group's aggregate, any other by the group's first run.
 * With no sort keys, groups come in the order of their first run.
 */
export function groupRuns(
  sorted: RunSummary[],
  by: Column[],
  keys: { column: Column; desc: boolean }[],
  aggregate: Aggregate,
  parent = '',
  depth = 0,
): Group[] {
  const [column, ...rest] = by;
  if (!column) return [];
  const byValue = new Map<CellValue, Group>();
  const groups: Group[] = [];
  for (const run of sorted) {
    const value = column.value(run);
    let g = byValue.get(value);
    if (!g) {
      const text = value === undefined ? '' : column.text(run);
      g = {
        key: `${parent}${column.id}=${value === undefined ? '-' : JSON.stringify(value)};`,
        depth,
        column,
        value,
        label: text === '' ? '(none)' : text,
        runs: [],
        children: null,
      };
      byValue.set(value, g);
      groups.push(g);
    }
    g.runs.push(run);
  }
  const ordered =
    keys.length === 0
      ? groups
      : sortOrder(
          keys.map((k) =>
            groups.map((g) => {
              if (k.column.id === column.id) return g.value;
              const s = groupStats(g, k.column);
              if (s) return aggregateValue(s, aggregate);
              const first = g.runs[0];
              return first ? k.column.value(first) : undefined;
            }),
          ),
          keys.map((k) => k.desc),
        ).map((i) => groups[i] as Group);
  if (rest.length > 0)
    for (const g of ordered) g.children = groupRuns(g.runs, rest, keys, aggregate, g.key, depth + 1);
  return ordered;
}

/** The rows to show: each group, then (when expanded) its subgroups or its runs. */
export function flatten(
  groups: Group[],
  expanded: ReadonlySet<string>,
  out: DisplayRow[] = [],
): DisplayRow[] {
  for (const group of groups) {
    const open = expanded.has(group.key);
    out.push({ kind: 'group', group, expanded: open });
    if (!open) continue;
    if (group.children) flatten(group.children, expanded, out);
    else for (const run of group.runs) out.push({ kind: 'run', run, depth: group.depth + 1, pinned: false });
  }
  return out;
}
