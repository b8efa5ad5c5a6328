import '../shared/base.css';
import './styles.css';
import * as z from 'zod/mini';
import { runsTableToWebviewSchema, type RunsTableToHost } from '../../protocol/webview';
import type { Problem } from '../../protocol/problem';
import type { RunSummary } from '../../protocol/runs';
import { compileFilter, QueryError, summariesData } from '../../core/runs/query';
import { vscodeApi } from '../shared/vscodeApi';
import {
  addNames,
  columnsFor,
  differing,
  emptyNames,
  sortRuns,
  toCsv,
  type Column,
  type Names,
} from './columns';
import { Grid } from './grid';

const stateSchema = z.object({
  sort: z.array(z.object({ column: z.string(), desc: z.boolean() })),
  filter: z.string(),
  /** Columns hidden by the user, and columns hidden by default that the user showed. */
  hidden: z.array(z.string()),
  shown: z.array(z.string()),
  differingOnly: z.boolean(),
  selected: z.array(z.string()),
});
type State = z.infer<typeof stateSchema>;

const api = vscodeApi<State>();
const saved = stateSchema.safeParse(api.getState());
const state: State = saved.success
  ? saved.data
  : {
      sort: [{ column: 'started', desc: true }],
      filter: '',
      hidden: [],
      shown: [],
      differingOnly: false,
      selected: [],
    };
const selected = new Set(state.selected);

let runs: RunSummary[] | null = null;
let problems: Problem[] = [];
const byId = new Map<string, number>();
let names: Names = emptyNames();
let allColumns: Column[] = [];
/** Rows shown (filtered and sorted), and the columns shown. */
let view: RunSummary[] = [];
let shownColumns: Column[] = [];
let filterTest: ((row: number) => boolean) | null = null;
let anchor: string | null = null;

const root = document.getElementById('root') as HTMLElement;
root.innerHTML = `
  <header class="toolbar">
    <h1>Runs</h1>
    <span class="count" aria-live="polite"></span>
    <div class="filter-box">
      <input class="filter" type="search" spellcheck="false" placeholder="Filter: lr < 0.01 and acc > 0.9" aria-label="Filter runs" aria-describedby="filter-error">
      <div id="filter-error" class="filter-error" role="alert" hidden></div>
    </div>
    <label class="toggle" title="Show only columns whose values differ among the shown runs"><input type="checkbox" class="differing"> Differing only</label>
    <details class="column-picker">
      <summary title="Show or hide columns">Columns</summary>
      <div class="picker-panel">
        <input class="picker-find" type="search" placeholder="Find columns" aria-label="Find columns">
        <div class="picker-list" role="group" aria-label="Columns"></div>
      </div>
    </details>
    <button class="export" type="button" title="Save the shown rows and columns as CSV">Export CSV</button>
    <button class="refresh" type="button" title="Reload runs from disk">Refresh</button>
  </header>
  <div class="problems" role="alert" hidden></div>
  <div class="table-wrap"><p class="empty">Loading runs…</p></div>`;
const count = root.querySelector('.count') as HTMLElement;
const filterInput = root.querySelector('.filter') as HTMLInputElement;
const filterError = root.querySelector('.filter-error') as HTMLElement;
const differingBox = root.querySelector('.differing') as HTMLInputElement;
const picker = root.querySelector('.column-picker') as HTMLDetailsElement;
const pickerFind = root.querySelector('.picker-find') as HTMLInputElement;
const pickerList = root.querySelector('.picker-list') as HTMLElement;
const problemsBox = root.querySelector('.problems') as HTMLElement;
const wrap = root.querySelector('.table-wrap') as HTMLElement;
filterInput.value = state.filter;
differingBox.checked = state.differingOnly;

const grid = new Grid({
  onSort: (column, add) => {
    const i = state.sort.findIndex((k) => k.column === column);
    const current = state.sort[i];
    if (add) {
      if (current) current.desc = !current.desc;
      else state.sort.push({ column, desc: false });
    } else state.sort = [{ column, desc: current && state.sort.length === 1 ? !current.desc : false }];
    save();
    refresh();
  },
  onRowClick: (index, mode) => select(index, mode),
  onKey: (key) => keyboard(key),
  isSelected: (id) => selected.has(id),
});

function post(message: RunsTableToHost): void {
  api.postMessage(message);
}

function save(): void {
  state.selected = [...selected];
  api.setState(state);
}

function isShown(c: Column): boolean {
  if (c.id === 'name') return true;
  return c.hiddenByDefault ? state.shown.includes(c.id) : !state.hidden.includes(c.id);
}

/** Filter, sort and pick the columns; then draw what is in view. */
function refresh(): void {
  if (!runs) return;
  const all = runs;
  view = filterTest ? all.filter((_, i) => (filterTest as (row: number) => boolean)(i)) : all;
  const colById = new Map(allColumns.map((c) => [c.id, c]));
  const keys = state.sort.flatMap((k) => {
    const column = colById.get(k.column);
    return column ? [{ column, desc: k.desc }] : [];
  });
  view = sortRuns(view, keys);
  let columns = allColumns.filter(isShown);
  if (state.differingOnly) {
    const diff = differing(columns, view);
    columns = columns.filter((c) => c.id === 'name' || diff.has(c.id));
  }
  shownColumns = columns;
  count.textContent = view.length === all.length ? `${all.length}` : `${view.length} of ${all.length}`;
  if (all.length === 0) {
    wrap.innerHTML =
      '<p class="empty">No runs yet. Record one in a terminal: <code>lineage run -- python train.py</code></p>';
    return;
  }
  if (!wrap.contains(grid.element)) wrap.replaceChildren(grid.element);
  grid.setData(view, columns, state.sort);
}

function applyFilter(): void {
  const text = state.filter;
  filterError.hidden = true;
  filterInput.removeAttribute('aria-invalid');
  if (!runs || text.trim() === '') {
    filterTest = null;
    return;
  }
  try {
    filterTest = compileFilter(text, summariesData(runs)).test;
  } catch (err) {
    // The last good filter stays applied; the error points at the column in the text.
    if (!(err instanceof QueryError)) throw err;
    filterInput.setAttribute('aria-invalid', 'true');
    filterError.hidden = false;
    const caret = Object.assign(document.createElement('pre'), {
      className: 'caret',
      textContent: `${text}\n${' '.repeat(Math.max(0, err.column - 1))}${'^'.repeat(Math.max(1, err.length))}`,
    });
    filterError.replaceChildren(
      Object.assign(document.createElement('span'), { textContent: err.message }),
      caret,
    );
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
  problemsBox.hidden = problems.length === 0;
  problemsBox.textContent = problems.map((p) => `${p.file}: ${p.message}`).join('\n');
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

// ---- selection ---------------------------------------------------------------------------------

function selectionChanged(): void {
  save();
  // Shown runs in table order, then selected runs the filter hides (still selected, still plotted).
  const shown = view.filter((r) => selected.has(r.id)).map((r) => r.id);
  const inView = new Set(shown);
  const hidden = [...selected].filter((id) => byId.has(id) && !inView.has(id));
  post({ type: 'selectionChanged', ids: [...shown, ...hidden] });
  grid.redrawSelection();
}

function select(index: number, mode: 'only' | 'toggle' | 'range'): void {
  const run = view[index];
  if (!run) return;
  grid.cursor = index;
  if (mode === 'range' && anchor !== null) {
    const from = view.findIndex((r) => r.id === anchor);
    const [a, b] = from < 0 ? [index, index] : from < index ? [from, index] : [index, from];
    selected.clear();
    for (let i = a; i <= b; i++) selected.add((view[i] as RunSummary).id);
  } else if (mode === 'toggle') {
    if (selected.has(run.id)) selected.delete(run.id);
    else selected.add(run.id);
    anchor = run.id;
  } else {
    selected.clear();
    selected.add(run.id);
    anchor = run.id;
  }
  selectionChanged();
}

function keyboard(event: KeyboardEvent): boolean {
  if (view.length === 0) return false;
  const page = Math.max(1, grid.pageRows() - 1);
  const moves: Record<string, number> = {
    ArrowDown: 1,
    ArrowUp: -1,
    PageDown: page,
    PageUp: -page,
    Home: -view.length,
    End: view.length,
  };
  const move = moves[event.key];
  if (move !== undefined) {
    const next = Math.min(view.length - 1, Math.max(0, (grid.cursor < 0 ? -1 : grid.cursor) + move));
    if (event.shiftKey) {
      anchor ??= (view[Math.max(0, grid.cursor)] as RunSummary).id;
      select(next, 'range');
    } else grid.cursor = next;
    grid.scrollToRow(next);
    grid.redrawSelection();
    return true;
  }
  if (event.key === ' ' && grid.cursor >= 0) {
    select(grid.cursor, 'toggle');
    return true;
  }
  if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
    for (const r of view) selected.add(r.id);
    selectionChanged();
    return true;
  }
  if (event.key === 'Escape' && selected.size > 0) {
    selected.clear();
    selectionChanged();
    return true;
  }
  return false;
}

// ---- column picker -----------------------------------------------------------------------------

const PICKER_MAX = 300;

function renderPicker(): void {
  const needle = pickerFind.value.trim().toLowerCase();
  const matches = allColumns.filter(
    (c) =>
      c.id !== 'name' &&
      (!needle || c.label.toLowerCase().includes(needle) || c.id.toLowerCase().includes(needle)),
  );
  const items: HTMLElement[] = matches.slice(0, PICKER_MAX).map((c) => {
    const label = document.createElement('label');
    label.className = `picker-item ${c.group}`;
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: isShown(c) });
    box.dataset.column = c.id;
    label.append(box, c.label);
    label.title = c.title;
    return label;
  });
  if (matches.length > PICKER_MAX) {
    items.push(
      Object.assign(document.createElement('div'), {
        className: 'picker-more',
        textContent: `${matches.length - PICKER_MAX} more; type to narrow`,
      }),
    );
  }
  pickerList.replaceChildren(...items);
}

pickerList.addEventListener('change', (event) => {
  const box = event.target as HTMLInputElement;
  const id = box.dataset.column;
  const column = allColumns.find((c) => c.id === id);
  if (!id || !column) return;
  const list = column.hiddenByDefault ? state.shown : state.hidden;
  const wanted = column.hiddenByDefault ? box.checked : !box.checked;
  const at = list.indexOf(id);
  if (wanted && at < 0) list.push(id);
  if (!wanted && at >= 0) list.splice(at, 1);
  save();
  refresh();
});
picker.addEventListener('toggle', () => {
  if (picker.open) {
    renderPicker();
    pickerFind.focus();
  } else pickerList.replaceChildren();
});
pickerFind.addEventListener('input', renderPicker);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && picker.open) {
    picker.open = false;
    (picker.querySelector('summary') as HTMLElement).focus();
  }
});

// ---- toolbar -----------------------------------------------------------------------------------

filterInput.addEventListener('input', () => {
  state.filter = filterInput.value;
  save();
  applyFilter();
  refresh();
});
differingBox.addEventListener('change', () => {
  state.differingOnly = differingBox.checked;
  save();
  refresh();
});
root.querySelector('.export')?.addEventListener('click', () => {
  if (runs) post({ type: 'exportCsv', csv: toCsv(shownColumns, view) });
});
root.querySelector('.refresh')?.addEventListener('click', () => post({ type: 'refresh' }));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = runsTableToWebviewSchema.safeParse(event.data);
  if (!parsed.success) return;
  const message = parsed.data;
  switch (message.type) {
    case 'runs':
      problems = message.result.problems;
      setRuns(message.result.runs);
      return;
    case 'upsert':
      upsert(message.runs);
      return;
    case 'error':
      wrap.replaceChildren(
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
