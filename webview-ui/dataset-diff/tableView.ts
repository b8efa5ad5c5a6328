// The right pane for a table file: row summary (with how rows were matched and a key chooser),
// warnings, schema diff, column statistics and the current page of changed rows.
import type { TableDiff } from '../../protocol/diff';
import { renderSchema, renderStats } from './columnsView';
import { button, h } from './dom';
import { formatCount } from './format';
import { renderRows } from './rowsView';

/** What the table pane can ask for. */
export interface TableViewOptions {
  /** The longest page the host sent for this table (for Previous). */
  pageSize: number;
  onPage(offset: number): void;
  /** Match rows on these key columns (starts again at the first page). */
  onKeys(keys: string[]): void;
}

/** The label shown when rows are matched by content. */
export const CONTENT_MATCHING_NOTE =
  'No key columns: rows matched by content; a changed row appears as removed + added.';

function rowSummary(table: TableDiff): HTMLElement {
  const { rows } = table;
  const items: [string, number, string][] = [
    ['Before', rows.before, 'before'],
    ['After', rows.after, 'after'],
    ['Added', rows.added, 'added'],
    ['Removed', rows.removed, 'removed'],
    ['Changed', rows.changed, 'changed'],
    ['Unchanged', rows.unchanged, 'unchanged'],
  ];
  if (table.matching === 'key') items.push(['Duplicate keys', table.duplicateKeys, 'duplicates']);
  return h(
    'dl',
    { class: 'row-counts', 'aria-label': 'Rows' },
    ...items.map(([label, n, kind]) =>
      h(
        'div',
        { class: `row-count ${kind}${n === 0 ? ' zero' : ''}`, 'data-kind': kind },
        h('dt', {}, label),
        h('dd', {}, formatCount(n)),
      ),
    ),
  );
}

/** Checkboxes of the columns present on both sides, and Apply. */
function keyChooser(table: TableDiff, onKeys: (keys: string[]) => void): HTMLElement {
  const current = new Set(table.keys);
  const candidates = table.columns.filter((c) => c.before !== null && c.after !== null);
  const boxes = candidates.map((c) => {
    const box = h('input', { type: 'checkbox', value: c.name, checked: current.has(c.name) });
    return { box, label: h('label', { class: 'key-option' }, box, h('span', {}, c.name)) };
  });
  const chosen = (): string[] => boxes.filter((b) => b.box.checked).map((b) => b.box.value);
  const apply = button('Apply', () => onKeys(chosen()), { class: 'button primary' });
  const update = (): void => {
    const keys = chosen();
    apply.disabled = keys.length === 0 || keys.join('\n') === table.keys.join('\n');
  };
  for (const { box } of boxes) box.addEventListener('change', update);
  update();
  const summary = table.matching === 'content' ? 'Set key columns…' : 'Change key columns…';
  return h(
    'details',
    { class: 'keys', open: table.matching === 'content' && candidates.length > 0 && candidates.length <= 12 },
    h('summary', {}, summary),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Match rows on these columns'),
      h('div', { class: 'key-options' }, ...boxes.map((b) => b.label)),
      candidates.length ? apply : h('p', { class: 'empty' }, 'No column is present on both sides.'),
    ),
  );
}

/** Render the table diff of one file. */
export function renderTable(table: TableDiff, options: TableViewOptions): HTMLElement[] {
  const matching =
    table.matching === 'content'
      ? h('p', { class: 'matching content', role: 'note' }, CONTENT_MATCHING_NOTE)
      : h(
          'p',
          { class: 'matching key' },
          `Rows matched on ${table.keys.length === 1 ? 'key column' : 'key columns'} `,
          ...table.keys.flatMap((k, i) => [i ? ', ' : '', h('code', {}, k)]),
          '.',
        );
  const parts: HTMLElement[] = [
    h(
      'section',
      { class: 'table-summary', 'aria-label': 'Row summary' },
      rowSummary(table),
      matching,
      keyChooser(table, options.onKeys),
    ),
  ];
  if (table.warnings.length) {
    parts.push(
      h('div', { class: 'warnings', role: 'status' }, ...table.warnings.map((w) => h('div', {}, w))),
    );
  }
  parts.push(renderSchema(table), renderStats(table), renderRows(table, options));
  return parts;
}
