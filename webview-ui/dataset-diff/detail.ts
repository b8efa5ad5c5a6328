// The right pane's states other than a table diff: nothing selected, loading, an error, a non-table file.
import type { FileDiffEntry, TableDiff } from '../../protocol/diff';
import { button, h } from './dom';
import { formatEntrySize, KIND_LETTER } from './format';

/** The pane's heading for a changed file: badge, path, rename source and size. */
export function detailHead(entry: FileDiffEntry, name: string, table?: TableDiff): HTMLElement {
  return h(
    'div',
    { class: 'detail-head' },
    h('span', { class: `badge ${entry.change}`, title: entry.change }, KIND_LETTER[entry.change]),
    h('h2', { title: entry.path || name }, entry.path || name),
    table ? h('span', { class: 'format' }, table.format.toUpperCase()) : null,
    entry.change === 'renamed' && entry.from !== undefined
      ? h('span', { class: 'description' }, `renamed from ${entry.from}`)
      : null,
    h('span', { class: 'size' }, formatEntrySize(entry)),
  );
}

/** Nothing selected yet. */
export function renderNothingSelected(hasChanges: boolean): HTMLElement {
  return h(
    'p',
    { class: 'empty' },
    hasChanges
      ? 'Select a changed file. Tables (CSV, TSV, JSON Lines, Parquet) are compared here; other files open in the diff editor.'
      : 'The two sides of this dataset are identical.',
  );
}

/** Waiting for the host's table diff. */
export function renderLoading(): HTMLElement {
  return h(
    'div',
    { class: 'loading', role: 'status' },
    h('div', { class: 'progress', 'aria-hidden': 'true' }, h('div', { class: 'progress-bit' })),
    h('p', { class: 'empty' }, 'Comparing tables…'),
  );
}

/** The table diff failed: the host's message, and a way to try again. */
export function renderTableError(message: string, retry: () => void): HTMLElement {
  return h(
    'div',
    { class: 'table-error' },
    h('p', { class: 'error', role: 'alert' }, message),
    button('Try Again', retry),
  );
}

/** A file that is not compared here: it was opened in VS Code's diff editor (or can be). */
export function renderFileHint(entry: FileDiffEntry, opened: boolean, open: () => void): HTMLElement {
  if (entry.type === 'dir') {
    return h(
      'p',
      { class: 'empty hint' },
      `An empty folder was ${entry.change === 'removed' ? 'removed' : 'added'}; it has no content to compare.`,
    );
  }
  const what =
    entry.change === 'modified'
      ? 'in the diff editor'
      : entry.change === 'renamed'
        ? 'in an editor (same content, new path)'
        : 'in an editor';
  const hashes = [entry.oldHash, entry.newHash]
    .map((hash) => (hash ? hash.slice(0, 12) : null))
    .filter((hash): hash is string => hash !== null);
  return h(
    'div',
    { class: 'hint' },
    h(
      'p',
      { class: 'empty' },
      opened ? `Opened ${what}. ` : `Not a table: open it ${what}. `,
      'Only tables (CSV, TSV, JSON Lines, Parquet) are compared in this panel.',
    ),
    hashes.length ? h('p', { class: 'hashes' }, `Content: ${hashes.join(' → ')}`) : null,
    button(opened ? 'Open Again' : 'Open', open, { class: 'button primary' }),
  );
}
