// The schema diff (one row per column) and per-column statistics before and after, side by side.
import type { ColumnDiff, TableDiff } from '../../protocol/diff';
import { h } from './dom';
import { formatCount, statLines, topValues } from './format';

const MARK: Record<ColumnDiff['change'], string> = {
  same: '',
  added: 'added',
  removed: 'removed',
  retyped: 'retyped',
};

/** `integer`, or `integer → number` / `— → string` when the type is not the same on both sides. */
export function typeText(column: ColumnDiff): string {
  if (column.change === 'same') return column.after ?? column.before ?? '';
  return `${column.before ?? '—'} → ${column.after ?? '—'}`;
}

/** The schema diff: column, change mark, type before → after, changed cells among matched rows. */
export function renderSchema(table: TableDiff): HTMLElement {
  const keys = new Set(table.keys);
  const rows = table.columns.map((c) =>
    h(
      'tr',
      { class: `column ${c.change}`, 'data-column': c.name },
      h(
        'th',
        { scope: 'row', class: 'name' },
        c.name,
        keys.has(c.name) ? h('span', { class: 'key-mark', title: 'Key column' }, 'key') : null,
      ),
      h('td', { class: `mark ${c.change}` }, MARK[c.change]),
      h('td', { class: 'type' }, typeText(c)),
      h('td', { class: `num${c.changedCells ? ' emphasis' : ' dim'}` }, formatCount(c.changedCells)),
    ),
  );
  const changed = table.columns.filter((c) => c.change !== 'same').length;
  return h(
    'details',
    { class: 'schema', 'aria-label': 'Schema', open: true },
    h(
      'summary',
      { class: 'section' },
      'Schema ',
      h(
        'span',
        { class: 'subtle' },
        `${formatCount(table.columns.length)} columns${changed ? `, ${formatCount(changed)} changed` : ', unchanged'}`,
      ),
    ),
    h(
      'table',
      { class: 'grid schema-table', 'aria-label': 'Schema diff' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Column'),
          h('th', { scope: 'col' }, 'Change'),
          h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col', class: 'num' }, 'Changed cells'),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

/** A statistic's cell; a timestamp may wrap after its `T` (the text stays as written). */
function statCell(side: 'before' | 'after', value: string): HTMLElement {
  const cell = h('td', { class: `num ${side}`, title: value || null });
  const at = /^\d{4}-\d\d-\d\dT/.test(value) ? 11 : -1;
  if (at < 0) cell.append(value);
  else cell.append(value.slice(0, at), h('wbr'), value.slice(at));
  return cell;
}

function statCard(c: ColumnDiff): HTMLElement {
  const numeric = [c.statsBefore, c.statsAfter].some(
    (s) => s?.min !== undefined || s?.max !== undefined || s?.mean !== undefined,
  );
  const before = statLines(c.statsBefore, numeric);
  const after = statLines(c.statsAfter, numeric);
  const both = c.statsBefore !== null && c.statsAfter !== null;
  const body = before.map((line, i) => {
    const next = after[i]?.value ?? '';
    const changed = both && line.value !== next;
    return h(
      'tr',
      { class: changed ? 'changed' : '', 'data-stat': line.label },
      h('th', { scope: 'row' }, line.label),
      statCell('before', line.value),
      statCell('after', next),
    );
  });
  const topBefore = topValues(c.statsBefore);
  const topAfter = topValues(c.statsAfter);
  if (topBefore.length || topAfter.length) {
    const list = (values: string[]): HTMLElement =>
      h('ul', { class: 'top' }, ...values.map((v) => h('li', { title: v }, v)));
    const changed = both && topBefore.join('\n') !== topAfter.join('\n');
    body.push(
      h(
        'tr',
        { class: changed ? 'changed' : '', 'data-stat': 'top' },
        h('th', { scope: 'row' }, 'top'),
        h('td', { class: 'before' }, list(topBefore)),
        h('td', { class: 'after' }, list(topAfter)),
      ),
    );
  }
  return h(
    'div',
    {
      class: `stat-card ${c.change}`,
      role: 'group',
      'aria-label': `${c.name} statistics`,
      'data-column': c.name,
    },
    h(
      'div',
      { class: 'card-head' },
      h('span', { class: 'name', title: c.name }, c.name),
      h('span', { class: 'type' }, typeText(c)),
      c.change === 'same' ? null : h('span', { class: `mark ${c.change}` }, MARK[c.change]),
    ),
    h(
      'table',
      { class: 'stat-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Statistic')),
          h('th', { scope: 'col', class: 'num' }, 'Before'),
          h('th', { scope: 'col', class: 'num' }, 'After'),
        ),
      ),
      h('tbody', {}, ...body),
    ),
    h(
      'div',
      { class: `changed-cells${c.changedCells ? ' emphasis' : ''}` },
      `${formatCount(c.changedCells)} changed ${c.changedCells === 1 ? 'cell' : 'cells'}`,
    ),
  );
}

/** Statistics of every column, before and after, with values that differ emphasised. */
export function renderStats(table: TableDiff): HTMLElement {
  return h(
    'details',
    { class: 'stats', 'aria-label': 'Column statistics', open: true },
    h('summary', { class: 'section' }, 'Column statistics'),
    h('div', { class: 'stat-grid' }, ...table.columns.map(statCard)),
  );
}
