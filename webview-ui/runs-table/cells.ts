// The Runs Table's cells: header cells, run rows and group rows, as DOM (text only, never HTML).
// Each carries `data-vscode-context`, which VS Code's native webview context menus read.
import type { RunSummary } from '../../protocol/runs';
import { runColor } from '../shared/colors';
import type { Column, SortKey } from './columns';
import { aggregateText, aggregateTitle, common, groupStats, type Aggregate, type Group } from './groups';

/** What a cell needs to know beyond its row and column. */
export interface CellContext {
  sort: SortKey[];
  aggregate: Aggregate;
  /** Left offset of each pinned column (by id), for the sticky position. */
  pinnedLeft: Map<string, number>;
  lastPinned: string | undefined;
  isStarred(id: string): boolean;
  isPinned(id: string): boolean;
  /** Column state for the header's context menu. */
  columnPinned(id: string): boolean;
  columnGrouped(id: string): boolean;
}

function vscodeContext(el: HTMLElement, value: Record<string, unknown>): void {
  el.dataset.vscodeContext = JSON.stringify({ ...value, preventDefaultContextMenuItems: true });
}

function base(column: Column, colIndex: number, ctx: CellContext, head: boolean): HTMLElement {
  const cell = document.createElement('div');
  const left = ctx.pinnedLeft.get(column.id);
  cell.className = `cell${head ? ` head ${column.group}` : ''}${column.numeric ? ' num' : ''}${
    left !== undefined ? ' pinned' : ''
  }`;
  cell.setAttribute('aria-colindex', String(colIndex));
  cell.style.width = `${column.width}px`;
  if (left !== undefined) {
    cell.style.left = `${left}px`;
    // The last pinned column draws the divider.
    if (column.id === ctx.lastPinned) cell.classList.add('pinned-last');
  }
  return cell;
}

export function headerCell(column: Column, colIndex: number, ctx: CellContext): HTMLElement {
  const cell = base(column, colIndex, ctx, true);
  cell.setAttribute('role', 'columnheader');
  cell.dataset.column = column.id;
  const pinned = ctx.columnPinned(column.id);
  vscodeContext(cell, {
    webviewSection: 'column',
    columnId: column.id,
    columnPinned: pinned,
    columnGrouped: ctx.columnGrouped(column.id),
    columnMovable: column.id !== 'name',
  });
  const at = ctx.sort.findIndex((k) => k.column === column.id);
  const key = ctx.sort[at];
  cell.setAttribute('aria-sort', key ? (key.desc ? 'descending' : 'ascending') : 'none');
  if (column.id !== 'name') cell.draggable = true;
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = column.label;
  button.title = `${column.title}\nClick to sort, shift-click to add a sort key${
    column.id === 'name' ? '' : '\nDrag, or Ctrl+Shift+Left/Right, to move the column'
  }`;
  if (key) {
    button.dataset.sorted = key.desc ? 'desc' : 'asc';
    if (ctx.sort.length > 1) button.dataset.order = String(at + 1);
  }
  cell.append(button);
  return cell;
}

function star(run: RunSummary, ctx: CellContext): HTMLElement {
  const starred = ctx.isStarred(run.id);
  const el = document.createElement('span');
  el.className = `star${starred ? ' on' : ''}`;
  el.setAttribute('role', 'button');
  el.setAttribute('aria-pressed', String(starred));
  el.setAttribute('aria-label', starred ? 'Unstar run' : 'Star run');
  el.title = starred ? 'Unstar (S)' : 'Star (S)';
  el.dataset.star = run.id;
  return el;
}

export function runRow(
  run: RunSummary,
  depth: number,
  columns: { column: Column; colIndex: number }[],
  ctx: CellContext,
): HTMLElement {
  const row = document.createElement('div');
  const pinned = ctx.isPinned(run.id);
  row.className = `grid-row${pinned ? ' pinned-run' : ''}`;
  row.setAttribute('role', 'row');
  row.dataset.runId = run.id;
  if (depth > 0) row.setAttribute('aria-level', String(depth + 1));
  vscodeContext(row, {
    webviewSection: 'run',
    runId: run.id,
    runStatus: run.status,
    runStarred: ctx.isStarred(run.id),
    runPinned: pinned,
  });
  for (const { column, colIndex } of columns) {
    const cell = base(column, colIndex, ctx, false);
    cell.setAttribute('role', column.id === 'name' ? 'rowheader' : 'gridcell');
    if (column.id === 'name') {
      if (depth > 0) cell.classList.add(`depth-${Math.min(depth, 2)}`);
      // The run's colour in every view (the metric plots draw it with the same one).
      const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
      swatch.style.background = runColor(run.id);
      cell.append(star(run, ctx), swatch, column.text(run));
    } else if (column.id === 'status') {
      cell.dataset.status = run.status;
      cell.append(Object.assign(document.createElement('span'), { className: `badge ${run.status}` }));
      cell.append(column.text(run));
    } else cell.textContent = column.text(run);
    const title = column.cellTitle?.(run);
    if (title) cell.title = title;
    row.append(cell);
  }
  return row;
}

export function groupRow(
  group: Group,
  expanded: boolean,
  columns: { column: Column; colIndex: number }[],
  ctx: CellContext,
): HTMLElement {
  const row = document.createElement('div');
  row.className = 'grid-row group-row';
  row.setAttribute('role', 'row');
  row.setAttribute('aria-level', String(group.depth + 1));
  row.setAttribute('aria-expanded', String(expanded));
  row.dataset.group = group.key;
  vscodeContext(row, { webviewSection: 'group', groupColumn: group.column.id });
  for (const { column, colIndex } of columns) {
    const cell = base(column, colIndex, ctx, false);
    cell.setAttribute('role', column.id === 'name' ? 'rowheader' : 'gridcell');
    if (column.id === 'name') {
      if (group.depth > 0) cell.classList.add(`depth-${Math.min(group.depth, 2)}`);
      const twisty = Object.assign(document.createElement('span'), {
        className: `twisty${expanded ? ' open' : ''}`,
      });
      twisty.setAttribute('aria-hidden', 'true');
      const label = Object.assign(document.createElement('span'), {
        className: 'group-label',
        textContent: `${group.column.label}: ${group.label}`,
      });
      const count = Object.assign(document.createElement('span'), {
        className: 'group-count',
        textContent: String(group.runs.length),
      });
      count.setAttribute('aria-label', `${group.runs.length} runs`);
      cell.append(twisty, label, count);
      cell.title = `${group.column.title} = ${group.label}\n${group.runs.length} runs`;
    } else if (column.id === group.column.id) {
      cell.textContent = group.label;
    } else {
      const s = column.id === 'started' ? null : groupStats(group, column);
      const first = group.runs[0];
      if (s && s.min === s.max && s.count === group.runs.length && first) {
        // The same number in every run: shown as it is, like any common value.
        cell.textContent = column.text(first);
      } else if (s) {
        cell.textContent = aggregateText(s, ctx.aggregate, column.format);
        cell.title = aggregateTitle(column, s, group.runs.length);
        cell.classList.add('aggregate');
      } else {
        const c = common(group, column);
        if ('text' in c) cell.textContent = c.text;
        else {
          cell.textContent = c.distinct > 99 ? '99+ values' : `${c.distinct} values`;
          cell.classList.add('mixed');
        }
      }
    }
    row.append(cell);
  }
  return row;
}

/** An empty cell that stands for the columns scrolled out of view on the left. */
export function spacer(width: number): HTMLElement {
  const el = document.createElement('div');
  el.className = 'spacer';
  el.style.width = `${Math.max(0, width)}px`;
  return el;
}
