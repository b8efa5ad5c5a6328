// The Dataset Diff panel: header, tree of changed files (left), and the selected file (right): a table
// diff asked from the host a page at a time, or a hint that the file opened in the diff editor.
import '../shared/base.css';
import './styles.css';
import './tree.css';
import './table.css';
import * as z from 'zod/mini';
import {
  fileChangeKindSchema,
  type DatasetDiff,
  type FileDiffEntry,
  type TableDiff,
} from '../../protocol/diff';
import { datasetDiffToWebviewSchema, type DatasetDiffToHost } from '../../protocol/webview';
import { vscodeApi } from '../shared/vscodeApi';
import { detailHead, renderFileHint, renderLoading, renderNothingSelected, renderTableError } from './detail';
import { button, h } from './dom';
import { FileTree } from './fileTree';
import { renderHeader } from './header';
import { KINDS } from './model';
import { installSash } from './sash';
import { renderTable } from './tableView';

const stateSchema = z.object({
  selected: z.nullable(z.string()),
  collapsed: z.array(z.string()),
  filter: z.string(),
  kinds: z.array(fileChangeKindSchema),
  treeWidth: z.number(),
  /** The selected table's page offset, and key columns chosen in the panel (null: the host's). */
  offset: z.number(),
  keys: z.nullable(z.array(z.string())),
});
type State = z.infer<typeof stateSchema>;

const api = vscodeApi<State>();
const saved = stateSchema.safeParse(api.getState());
const state: State = saved.success
  ? saved.data
  : { selected: null, collapsed: [], filter: '', kinds: [...KINDS], treeWidth: 340, offset: 0, keys: null };
const save = (): void => api.setState(state);
const post = (message: DatasetDiffToHost): void => api.postMessage(message);

let diff: DatasetDiff | null = null;
let entries = new Map<string, FileDiffEntry>();
let tables = new Set<string>();
/** The longest page of changed rows the host sent, per table: the step of Previous. */
const pageSizes = new Map<string, number>();
/** The table whose diff is shown or asked for: choosing it again changes nothing. */
let tableShown: string | null = null;

const root = document.getElementById('root') as HTMLElement;
const header = h('header', { class: 'diff-header' });
const status = h('span', { class: 'status', role: 'status' });
const refresh = button('Refresh', () => post({ type: 'refresh' }), {
  class: 'button secondary refresh',
  title: 'Compare again',
});
const actions = h('span', { class: 'actions' }, status, refresh);
const placeholder = h('p', { class: 'empty placeholder' }, 'Loading diff…');
const detail = h('section', { class: 'detail', 'aria-label': 'Selected file', tabindex: '-1' });
const progress = h(
  'div',
  { class: 'progress top', 'aria-hidden': 'true', hidden: true },
  h('div', { class: 'progress-bit' }),
);
const tree = new FileTree(state, { onSelect: select, onStateChange: save });
const panes = h('div', { class: 'panes', hidden: true }, tree.element);
panes.append(
  installSash(tree.element, state.treeWidth, (width) => {
    state.treeWidth = width;
    save();
  }),
  h('div', { class: 'detail-wrap' }, progress, detail),
);
header.append(h('div', { class: 'title-line' }, h('h1', {}, 'Dataset Diff'), actions));
root.append(header, placeholder, panes);

function datasetName(): string {
  return diff?.dataset.split('/').pop() ?? '';
}

function showDetail(entry: FileDiffEntry | undefined, ...content: HTMLElement[]): void {
  progress.hidden = true;
  detail.removeAttribute('aria-busy');
  detail.replaceChildren(...(entry ? [detailHead(entry, datasetName())] : []), ...content);
}

/**
 * Ask the host for a page of the selected table's diff. `busy`: keep what is shown (another page, other
 * keys) under a progress bar until the host answers; otherwise the caller shows the loading state.
 */
function requestTable(path: string, offset: number, busy = false): void {
  state.offset = offset;
  save();
  post(state.keys ? { type: 'table', path, offset, keys: state.keys } : { type: 'table', path, offset });
  if (!busy) return;
  progress.hidden = false;
  detail.setAttribute('aria-busy', 'true');
}

/** A file was chosen in the tree. */
function select(entry: FileDiffEntry): void {
  if (tables.has(entry.path)) {
    if (tableShown === entry.path) return;
    tableShown = entry.path;
    state.offset = 0;
    state.keys = null;
    showDetail(entry, renderLoading());
    requestTable(entry.path, 0);
    return;
  }
  tableShown = null;
  if (entry.type !== 'dir') post({ type: 'openFile', path: entry.path });
  showDetail(entry, hint(entry, true));
}

function hint(entry: FileDiffEntry, opened: boolean): HTMLElement {
  return renderFileHint(entry, opened, () => {
    post({ type: 'openFile', path: entry.path });
    showDetail(entry, hint(entry, true));
  });
}

/** Show the selection after a (new) diff: restore it, or forget it when the file is gone. */
function showSelection(): void {
  const entry = state.selected === null ? undefined : entries.get(state.selected);
  tableShown = entry && tables.has(entry.path) ? entry.path : null;
  if (!entry) {
    if (state.selected !== null) {
      state.selected = null; // the file is no longer changed
      save();
    }
    showDetail(undefined, renderNothingSelected(entries.size > 0));
    return;
  }
  tree.reveal(entry.path); // expands its folders
  save();
  if (tables.has(entry.path)) {
    showDetail(entry, renderLoading());
    requestTable(entry.path, state.offset);
  } else showDetail(entry, hint(entry, false));
}

function showTable(result: TableDiff): void {
  const entry = entries.get(result.path);
  if (!entry || state.selected !== result.path) return; // an answer for an earlier selection
  const size = Math.max(pageSizes.get(result.path) ?? 0, result.page.rows.length);
  pageSizes.set(result.path, size);
  state.offset = result.page.offset;
  save();
  const scroll = detail.scrollTop;
  const head = detailHead(entry, datasetName(), result);
  showDetail(
    undefined,
    head,
    ...renderTable(result, {
      pageSize: size,
      onPage: (offset) => requestTable(result.path, offset, true),
      onKeys: (keys) => {
        state.keys = keys;
        requestTable(result.path, 0, true);
      },
    }),
  );
  detail.scrollTop = scroll;
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = datasetDiffToWebviewSchema.safeParse(event.data);
  if (!parsed.success) return;
  const message = parsed.data;
  switch (message.type) {
    case 'diff':
      diff = message.diff;
      entries = new Map(diff.changes.map((c) => [c.path, c]));
      tables = new Set(message.tables.filter((t) => entries.has(t)));
      pageSizes.clear();
      status.textContent = '';
      placeholder.classList.remove('error');
      placeholder.removeAttribute('role');
      header.replaceChildren(...renderHeader(diff, actions));
      placeholder.hidden = true;
      panes.hidden = false;
      tree.setChanges(diff.changes, datasetName(), [...tables]);
      showSelection();
      return;
    case 'table':
      showTable(message.result);
      return;
    case 'tableError': {
      const entry = entries.get(message.path);
      if (!entry || state.selected !== message.path) return;
      tableShown = null; // choosing the file again tries again
      showDetail(
        entry,
        renderTableError(message.message, () => {
          tableShown = entry.path;
          showDetail(entry, renderLoading());
          requestTable(entry.path, state.offset);
        }),
      );
      return;
    }
    case 'loading':
      if (diff) status.textContent = message.what;
      else placeholder.textContent = message.what;
      return;
    case 'error':
      placeholder.hidden = false;
      placeholder.textContent = message.message;
      placeholder.classList.add('error');
      placeholder.setAttribute('role', 'alert');
      panes.hidden = true;
      return;
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
});

post({ type: 'ready' });
