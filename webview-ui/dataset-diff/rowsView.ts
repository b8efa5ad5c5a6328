// One page of changed rows: change, key cells, then every column; changed cells show the old value
// struck through and the new one highlighted. Paging asks the host for another offset.
import type { RowDiff, TableDiff } from '../../protocol/diff';
import { button, h } from './dom';
import { formatCount, pageRange } from './format';

type Cell = string | null;

function cellContent(value: Cell): Node {
  return value === null ? h('span', { class: 'null' }, 'null') : document.createTextNode(value);
}

function show(value: Cell): string {
  return value === null ? 'null' : value;
}

/** Indexes (into `table.columns`) of the columns shown after the key cells: all but the keys. */
function shownColumns(table: TableDiff): number[] {
  const keys = new Set(table.keys);
  return table.columns.flatMap((c, i) => (keys.has(c.name) ? [] : [i]));
}

function rowElement(
  row: RowDiff,
  table: TableDiff,
  columns: number[],
  showRowNumbers: boolean,
): HTMLTableRowElement {
  const changed = new Set(row.changed);
  const tr = h('tr', { class: row.change, 'data-change': row.change });
  tr.append(h('td', { class: `change ${row.change}` }, row.change));
  for (const value of row.key) tr.append(h('td', { class: 'key' }, cellContent(value)));
  if (showRowNumbers) {
    const numbers = [row.rowBefore, row.rowAfter].map((n) => (n === null ? '—' : formatCount(n)));
    const text =
      row.change === 'changed' ? numbers.join(' → ') : row.change === 'added' ? numbers[1] : numbers[0];
    tr.append(h('td', { class: 'num line' }, text ?? ''));
  }
  columns.forEach((i) => {
    const before = row.before?.[i] ?? null;
    const after = row.after?.[i] ?? null;
    if (row.change === 'changed' && changed.has(i)) {
      tr.append(
        h(
          'td',
          { class: 'cell changed', title: `${show(before)} → ${show(after)}` },
          h('del', { class: 'old' }, cellContent(before)),
          h('ins', { class: 'new' }, cellContent(after)),
        ),
      );
      return;
    }
    const side = row.change === 'removed' ? 'before' : 'after';
    if (table.columns[i]?.[side] === null) {
      // The column does not exist on the side this row shows: no value, not a null one.
      tr.append(h('td', { class: 'cell absent', title: `no ${table.columns[i]?.name} column ${side}` }));
      return;
    }
    const value = side === 'before' ? before : after;
    tr.append(h('td', { class: 'cell', title: show(value) }, cellContent(value)));
  });
  return tr;
}

/** Paging callbacks and the page size the host uses (the longest page seen). */
export interface RowsViewOptions {
  pageSize: number;
  onPage(offset: number): void;
}

/** The changed rows section of a table diff. */
export function renderRows(table: TableDiff, options: RowsViewOptions): HTMLElement {
  const { offset, total, rows } = table.page;
  const showRowNumbers = table.matching === 'content';
  const range = h('span', { class: 'range', 'aria-live': 'polite' }, pageRange(offset, rows.length, total));
  const previous = button('Previous', () => options.onPage(Math.max(0, offset - options.pageSize)), {
    'aria-label': 'Previous page',
  });
  const next = button('Next', () => options.onPage(offset + rows.length), { 'aria-label': 'Next page' });
  previous.disabled = offset === 0;
  next.disabled = offset + rows.length >= total || rows.length === 0;
  const section = h(
    'section',
    { class: 'rows', 'aria-label': 'Changed rows' },
    h(
      'div',
      { class: 'rows-toolbar' },
      h('h3', {}, 'Changed rows'),
      range,
      h('span', { class: 'pager' }, previous, next),
    ),
  );
  if (total === 0) {
    section.append(h('p', { class: 'empty' }, 'No rows were added, removed or changed.'));
    return section;
  }
  const columns = shownColumns(table);
  const head = h('tr', {}, h('th', { scope: 'col', class: 'change' }, 'Change'));
  for (const key of table.keys) {
    head.append(h('th', { scope: 'col', class: 'key', title: `${key} (key column)` }, key));
  }
  if (showRowNumbers)
    head.append(h('th', { scope: 'col', class: 'num line', title: 'Data row number' }, 'Row'));
  for (const column of columns.map((i) => table.columns[i])) {
    if (!column) continue;
    head.append(
      h(
        'th',
        {
          scope: 'col',
          class: `column ${column.change}`,
          title: `${column.name} (${column.after ?? column.before ?? ''}${column.change === 'same' ? '' : `, ${column.change}`})`,
        },
        column.name,
      ),
    );
  }
  const body = h('tbody', {}, ...rows.map((row) => rowElement(row, table, columns, showRowNumbers)));
  section.append(
    h(
      'div',
      { class: 'rows-wrap' },
      h('table', { class: 'grid rows-table', 'aria-label': 'Changed rows' }, h('thead', {}, head), body),
    ),
  );
  return section;
}
