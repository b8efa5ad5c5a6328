import '../shared/base.css';
import './styles.css';
import {
  runsTableToWebviewSchema,
  type RunsTableToHost,
  type RunsTableToWebview,
} from '../../protocol/webview';
import type { Problem } from '../../protocol/problem';
import type { RunSummary } from '../../protocol/runs';
import { compileFilter, QueryError, summariesData } from '../../core/runs/query';
import { runColors } from '../../core/util/runColors';
import { assignRunColors } from '../shared/colors';
import { vscodeApi } from '../shared/vscodeApi';
import { addNames, columnsFor, emptyNames, toCsv, type Column, type Names } from './columns';
import { Grid } from './grid';
import type { Aggregate, DisplayRow } from './groups';
import { setupPicker } from './picker';
import { Selection } from './selection';
import { applyColumnCommand, loadState, moveColumn, moveColumnBy, type State } from './state';
import { buildToolbar, groupable, NONE, setGroupOptions, showFilterError } from './toolbar';
import { buildView } from './view';

const api = vscodeApi<State>();
const state = loadState(api.getState());
const stars = new Set<string>();

let runs: RunSummary[] | null = null;
let problems: Problem[] = [];
const byId = new Map<string, number>();
let names: Names = emptyNames();
let allColumns: Column[] = [];
/** Rows shown (pinned runs, then runs or groups), the runs among them, and the columns shown. */
let rows: DisplayRow[] = [];
let exported: RunSummary[] = [];
let shownColumns: Column[] = [];
let filterTest: ((row: number) => boolean) | null = null;

const t = buildToolbar(document.getElementById('root') as HTMLElement);
t.filter.value = state.filter;
t.differing.checked = state.differingOnly;
t.starred.checked = state.starredOnly;
t.aggregate.value = state.aggregate;

const post = (message: RunsTableToHost): void => api.postMessage(message);
const selection = new Selection(
  state,
  () => rows,
  save,
  (ids) => post({ type: 'selectionChanged', ids }),
  (id) => byId.has(id),
);

const grid: Grid = new Grid({
  onSort: (column, add) => {
    const i = state.sort.findIndex((k) => k.column === column);
    const current = state.sort[i];
    if (add) {
      if (current) current.desc = !current.desc;
      else state.sort.push({ column, desc: false });
    } else state.sort = [{ column, desc: current && state.sort.length === 1 ? !current.desc : false }];
    update();
  },
  onRowClick: (index, mode) => selection.select(index, mode),
  onToggleGroup: (index) => toggleGroup(index),
  onStar: (id) => setStar([id], !stars.has(id)),
  onMoveColumn: (id, target, after) => {
    moveColumn(state, allColumns, id, target, after);
    update();
  },
  onMoveColumnBy: (id, delta) => {
    moveColumnBy(state, allColumns, shownColumns, id, delta);
    update();
  },
  onKey: (event) => keyboard(event),
  isSelected: (id) => selection.has(id),
});
selection.grid = grid;

function save(): void {
  state.selected = selection.ids();
  api.setState(state);
}

function update(): void {
  save();
  refresh();
}

function isShown(c: Column): boolean {
  if (c.id === 'name') return true;
  return c.hiddenByDefault ? state.shown.includes(c.id) : !state.hidden.includes(c.id);
}

function setShown(c: Column, shown: boolean): void {
  const list = c.hiddenByDefault ? state.shown : state.hidden;
  const wanted = c.hiddenByDefault ? shown : !shown;
  const at = list.indexOf(c.id);
  if (wanted && at < 0) list.push(c.id);
  if (!wanted && at >= 0) list.splice(at, 1);
  update();
}

const picker = setupPicker(t, () => allColumns, isShown, setShown);

/** Filter, sort, pin and group the runs, pick the columns; then draw what is in view. */
function refresh(): void {
  if (!runs) return;
  const all = runs;
  const v = buildView({ runs: all, byId, columns: allColumns, state, stars, filter: filterTest, isShown });
  rows = v.rows;
  exported = v.runs;
  shownColumns = v.columns;
  const { pinnedIds } = v;
  const shownRuns = exported.length;
  t.count.textContent = shownRuns === all.length ? `${all.length}` : `${shownRuns} of ${all.length}`;
  const candidates = groupable(allColumns);
  setGroupOptions(t.groupBy, candidates, state.groupBy[0] ?? NONE);
  setGroupOptions(
    t.thenBy,
    candidates.filter((c) => c.id !== state.groupBy[0]),
    state.groupBy[1] ?? NONE,
  );
  t.thenBy.hidden = state.groupBy.length === 0;
  t.aggregate.disabled = state.groupBy.length === 0;
  if (all.length === 0) {
    t.wrap.innerHTML =
      '<p class="empty">No runs yet. Record one in a terminal: <code>lineage run -- python train.py</code></p>';
    return;
  }
  if (!t.wrap.contains(grid.element)) t.wrap.replaceChildren(grid.element);
  grid.setData({
    rows,
    pinnedRows: v.pinnedRows,
    columns: v.columns,
    pinnedColumns: v.pinnedColumns,
    ctx: {
      sort: state.sort,
      aggregate: state.aggregate,
      isStarred: (id) => stars.has(id),
      isPinned: (id) => pinnedIds.has(id),
      columnPinned: (id) => id === 'name' || state.pinnedColumns.includes(id),
      columnGrouped: (id) => state.groupBy.includes(id),
    },
  });
  picker.render();
}

function applyFilter(): void {
  const text = state.filter;
  showFilterError(t, text, null);
  if (!runs || text.trim() === '') {
    filterTest = null;
    return;
  }
  try {
    filterTest = compileFilter(text, summariesData(runs)).test;
  } catch (err) {
    // The last good filter stays applied; the error points at the column in the text.
    if (!(err instanceof QueryError)) throw err;
    showFilterError(t, text, err);
  }
}

/** Rebuild the names and columns from all runs. */
function setRuns(next: RunSummary[]): void {
  runs = next;
  byId.clear();
  names = emptyNames();
  next.forEach((r, i) => {
    byId.set(r.id, i);
    addNames(names, r);
  });
  allColumns = columnsFor(names);
  // Selected runs that are gone stay selected: they may come back (a reload while a run is written).
  applyFilter();
  refresh();
  t.problems.hidden = problems.length === 0;
  t.problems.textContent = problems.map((p) => `${p.file}: ${p.message}`).join('\n');
}

/** Merge changed runs; only their rows are redrawn (unless they move, appear or bring new columns). */
function upsert(changed: RunSummary[]): void {
  if (!runs) return;
  let newNames = false;
  let added = false;
  for (const r of changed) {
    const i = byId.get(r.id);
    if (i === undefined) {
      byId.set(r.id, runs.length);
      runs.unshift(r);
      added = true;
    } else runs[i] = r;
    if (addNames(names, r)) newNames = true;
  }
  if (added) {
    byId.clear();
    runs.forEach((r, i) => byId.set(r.id, i));
  }
  if (newNames) allColumns = columnsFor(names);
  if (added || newNames || state.filter.trim() !== '') applyFilter();
  grid.invalidate(changed.map((r) => r.id));
  refresh();
}

// ---- groups, stars, pins -----------------------------------------------------------------------

function toggleGroup(index: number, open?: boolean): void {
  const row = rows[index];
  if (row?.kind !== 'group') return;
  const at = state.expanded.indexOf(row.group.key);
  const wanted = open ?? at < 0;
  if (wanted && at < 0) state.expanded.push(row.group.key);
  if (!wanted && at >= 0) state.expanded.splice(at, 1);
  update();
}

function setStar(ids: string[], starred: boolean): void {
  for (const id of ids) {
    if (starred) stars.add(id);
    else stars.delete(id);
  }
  grid.invalidate(ids);
  post({ type: 'setStar', ids, starred });
  refresh();
}

function setPinned(id: string, pinned: boolean): void {
  state.pinnedRuns = state.pinnedRuns.filter((p) => p !== id);
  if (pinned) state.pinnedRuns.push(id);
  grid.invalidate([id]);
  update();
}

function keyboard(event: KeyboardEvent): boolean {
  const row = rows[grid.cursor];
  if (row?.kind === 'group' && ['Enter', ' ', 'ArrowRight', 'ArrowLeft'].includes(event.key)) {
    const open = event.key === 'ArrowRight' ? true : event.key === 'ArrowLeft' ? false : undefined;
    if (open === undefined || open !== row.expanded) toggleGroup(grid.cursor, open);
    return true;
  }
  if (row?.kind === 'run' && !event.ctrlKey && !event.metaKey && !event.altKey) {
    if (event.key === 's') {
      setStar([row.run.id], !stars.has(row.run.id));
      return true;
    }
    if (event.key === 'p') {
      setPinned(row.run.id, !state.pinnedRuns.includes(row.run.id));
      return true;
    }
  }
  return selection.keyboard(event);
}

// ---- context menu commands (chosen in VS Code's native menu, applied here) -------------------------

function command(message: Extract<RunsTableToWebview, { type: 'command' }>): void {
  const { runId, columnId } = message;
  const column = allColumns.find((c) => c.id === columnId);
  if (message.command === 'pinRun' || message.command === 'unpinRun') {
    if (runId) setPinned(runId, message.command === 'pinRun');
  } else if (message.command === 'hideColumn') {
    if (column && column.id !== 'name') setShown(column, false);
  } else if (column) {
    applyColumnCommand(state, allColumns, shownColumns, message.command, column.id);
    update();
  }
}

// ---- toolbar -----------------------------------------------------------------------------------

t.filter.addEventListener('input', () => {
  state.filter = t.filter.value;
  save();
  applyFilter();
  refresh();
});
t.differing.addEventListener('change', () => {
  state.differingOnly = t.differing.checked;
  update();
});
t.starred.addEventListener('change', () => {
  state.starredOnly = t.starred.checked;
  update();
});
t.groupBy.addEventListener('change', () => {
  const first = t.groupBy.value;
  state.groupBy = first !== NONE ? [first, ...state.groupBy.slice(1).filter((id) => id !== first)] : [];
  update();
});
t.thenBy.addEventListener('change', () => {
  const first = state.groupBy[0];
  if (first) state.groupBy = t.thenBy.value !== NONE ? [first, t.thenBy.value] : [first];
  update();
});
t.aggregate.addEventListener('change', () => {
  state.aggregate = t.aggregate.value as Aggregate;
  update();
});
t.exportButton.addEventListener('click', () => {
  if (runs) post({ type: 'exportCsv', csv: toCsv(shownColumns, exported) });
});
t.refresh.addEventListener('click', () => post({ type: 'refresh' }));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = runsTableToWebviewSchema.safeParse(event.data);
  if (!parsed.success) return;
  const message = parsed.data;
  switch (message.type) {
    case 'runs':
      problems = message.result.problems;
      // The table has every run: it colours them as the host does for the plots and compare views.
      assignRunColors(runColors(message.result.runs));
      setRuns(message.result.runs);
      return;
    case 'upsert':
      upsert(message.runs);
      return;
    case 'stars': {
      const changed = new Set([...stars, ...message.ids]);
      stars.clear();
      for (const id of message.ids) stars.add(id);
      grid.invalidate([...changed]);
      refresh();
      return;
    }
    case 'command':
      command(message);
      return;
    case 'error':
      t.wrap.replaceChildren(
        Object.assign(document.createElement('p'), {
          className: 'empty error',
          textContent: message.message,
        }),
      );
      return;
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
});

post({ type: 'ready' });
