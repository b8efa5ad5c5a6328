import type { RunSummary } from '../../protocol/runs';
import type { Column, Sort } from './columns';

/** Build the `<table>` for the given columns and rows; header clicks call `onSort(columnId)`. */
export function renderTable(
  columns: Column[],
  runs: RunSummary[],
  sort: Sort | null,
  onSort: (columnId: string) => void,
): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'runs';
  table.setAttribute('aria-label', 'Runs');
  table.setAttribute('aria-rowcount', String(runs.length + 1));

  const headRow = table.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.dataset.column = column.id;
    if (column.numeric) th.classList.add('num');
    if (column.id.startsWith('metric:')) th.classList.add('metric');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = column.label;
    button.title = `Sort by ${column.label}`;
    const sorted = sort?.column === column.id;
    th.setAttribute('aria-sort', sorted ? (sort.descending ? 'descending' : 'ascending') : 'none');
    if (sorted) button.dataset.sorted = sort.descending ? 'desc' : 'asc';
    button.addEventListener('click', () => onSort(column.id));
    th.append(button);
    headRow.append(th);
  }

  const body = table.createTBody();
  for (const run of runs) {
    const tr = body.insertRow();
    tr.dataset.runId = run.id;
    for (const column of columns) {
      const td = tr.insertCell();
      if (column.id === 'status') {
        td.dataset.status = run.status;
        const badge = Object.assign(document.createElement('span'), { className: `badge ${run.status}` });
        td.append(badge, column.text(run));
      } else td.textContent = column.text(run);
      if (column.numeric) td.classList.add('num');
      const title = column.title?.(run);
      if (title) td.title = title;
    }
  }
  return table;
}
