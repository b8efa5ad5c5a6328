import '../shared/base.css';
import './styles.css';
import * as z from 'zod/mini';
import { runsTableToWebviewSchema, type RunsTableToHost } from '../../protocol/webview';
import type { ListRunsResult } from '../../protocol/runs';
import { vscodeApi } from '../shared/vscodeApi';
import { columnsFor, sortRuns } from './columns';
import { renderTable } from './table';

const stateSchema = z.object({
  sort: z.nullable(z.object({ column: z.string(), descending: z.boolean() })),
  filter: z.string(),
});
type State = z.infer<typeof stateSchema>;

const api = vscodeApi<State>();
const saved = stateSchema.safeParse(api.getState());
const state: State = saved.success
  ? saved.data
  : { sort: { column: 'started', descending: true }, filter: '' };
let data: ListRunsResult | null = null;

const root = document.getElementById('root') as HTMLElement;
root.innerHTML = `
  <header class="toolbar">
    <h1>Runs</h1>
    <span class="count" aria-live="polite"></span>
    <input class="filter" type="search" placeholder="Filter by name, status, commit…" aria-label="Filter runs">
    <button class="refresh" type="button" title="Reload runs from disk">Refresh</button>
  </header>
  <div class="problems" role="alert" hidden></div>
  <div class="table-wrap"><p class="empty">Loading runs…</p></div>`;
const count = root.querySelector('.count') as HTMLElement;
const filterInput = root.querySelector('.filter') as HTMLInputElement;
const problemsBox = root.querySelector('.problems') as HTMLElement;
const wrap = root.querySelector('.table-wrap') as HTMLElement;
filterInput.value = state.filter;

function post(message: RunsTableToHost): void {
  api.postMessage(message);
}

function render(): void {
  if (!data) return;
  const needle = state.filter.trim().toLowerCase();
  const visible = needle
    ? data.runs.filter((r) =>
        [r.name, r.id, r.status, r.commit ?? ''].some((s) => s.toLowerCase().includes(needle)),
      )
    : data.runs;
  const columns = columnsFor(data.runs);
  const sortColumn = columns.find((c) => c.id === state.sort?.column);
  const rows = sortRuns(visible, sortColumn, state.sort?.descending ?? false);
  count.textContent = needle ? `${rows.length} of ${data.runs.length}` : `${data.runs.length}`;
  problemsBox.hidden = data.problems.length === 0;
  problemsBox.textContent = data.problems.map((p) => `${p.file}: ${p.message}`).join('\n');
  if (data.runs.length === 0) {
    wrap.innerHTML =
      '<p class="empty">No runs yet. Record one in a terminal: <code>lineage run -- python train.py</code></p>';
    return;
  }
  // Re-rendering replaces the header buttons: keep keyboard focus on the same column's button.
  const focused = (document.activeElement?.closest('th[data-column]') as HTMLElement | null)?.dataset.column;
  wrap.replaceChildren(
    renderTable(columns, rows, state.sort, (column) => {
      state.sort = { column, descending: state.sort?.column === column ? !state.sort.descending : false };
      api.setState(state);
      render();
    }),
  );
  if (focused)
    wrap.querySelector<HTMLButtonElement>(`th[data-column="${CSS.escape(focused)}"] button`)?.focus();
}

filterInput.addEventListener('input', () => {
  state.filter = filterInput.value;
  api.setState(state);
  render();
});
root.querySelector('.refresh')?.addEventListener('click', () => post({ type: 'refresh' }));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = runsTableToWebviewSchema.safeParse(event.data);
  if (!parsed.success) return;
  const message = parsed.data;
  switch (message.type) {
    case 'runs':
      data = message.result;
      render();
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
