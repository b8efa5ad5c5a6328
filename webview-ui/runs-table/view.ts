// What the Runs Table shows, from the runs and the UI state: pinned runs first (whatever the filter),
// then the filtered runs (starred only, when asked), sorted, grouped when a grouping is chosen; and
// the columns in the user's order, pinned ones first. Pure: no DOM.
import type { RunSummary } from '../../protocol/runs';
import { differing, sortRuns, type Column } from './columns';
import { flatten, groupRuns, type DisplayRow } from './groups';
import { arrange, layout, type State } from './state';

export interface ViewInput {
  runs: RunSummary[];
  byId: Map<string, number>;
  columns: Column[];
  state: State;
  stars: ReadonlySet<string>;
  /** The compiled filter (by index into `runs`), or null for none. */
  filter: ((row: number) => boolean) | null;
  isShown(column: Column): boolean;
}

export interface View {
  rows: DisplayRow[];
  pinnedRows: number;
  pinnedIds: Set<string>;
  /** The runs shown (pinned, then by group), for CSV export and "differing only". */
  runs: RunSummary[];
  columns: Column[];
  pinnedColumns: number;
}

export function buildView({ runs, byId, columns: all, state, stars, filter, isShown }: ViewInput): View {
  const colById = new Map(all.map((c) => [c.id, c]));
  const keys = state.sort.flatMap((k) => {
    const column = colById.get(k.column);
    return column ? [{ column, desc: k.desc }] : [];
  });
  const pinnedIds = new Set(state.pinnedRuns.filter((id) => byId.has(id)));
  const body = sortRuns(
    runs.filter(
      (r, i) => !pinnedIds.has(r.id) && (!filter || filter(i)) && (!state.starredOnly || stars.has(r.id)),
    ),
    keys,
  );
  const pinned = sortRuns(
    [...pinnedIds].map((id) => runs[byId.get(id) as number] as RunSummary),
    keys,
  );
  const by = state.groupBy.flatMap((id) => colById.get(id) ?? []);
  const groups = by.length > 0 ? groupRuns(body, by, keys, state.aggregate) : null;
  const rows = pinned.map((run): DisplayRow => ({ kind: 'run', run, depth: 0, pinned: true }));
  if (groups) flatten(groups, new Set(state.expanded), rows);
  else for (const run of body) rows.push({ kind: 'run', run, depth: 0, pinned: false });
  const shownRuns = [...pinned, ...(groups ? groups.flatMap((g) => g.runs) : body)];

  let columns = arrange(all, state.order).filter(isShown);
  if (state.differingOnly) {
    const diff = differing(columns, shownRuns);
    columns = columns.filter((c) => c.id === 'name' || diff.has(c.id));
  }
  const { columns: ordered, pinnedCount } = layout(columns, state.pinnedColumns);
  return {
    rows,
    pinnedRows: pinned.length,
    pinnedIds,
    runs: shownRuns,
    columns: ordered,
    pinnedColumns: pinnedCount,
  };
}
