// The tree of changed files: a filter box, change-kind toggles and a virtualized list (only the rows
// in view are in the DOM, so 20,000 changes scroll smoothly). Keyboard: arrows, Home/End, PageUp/Down,
// Enter/Space; the tree keeps DOM focus and points at the focused row with aria-activedescendant.
import type { FileChangeKind, FileDiffEntry } from '../../protocol/diff';
import { h } from './dom';
import { formatCount, formatEntrySize, KIND_LETTER } from './format';
import { ancestors, buildTree, flatten, KINDS, type FlatTree, type FolderNode, type TreeRow } from './model';

/** Row height in pixels (VS Code's lists use 22). */
export const ROW_HEIGHT = 22;
const OVERSCAN = 8;
const INDENT = 8;

/** The tree's part of the panel state; the tree changes it in place and calls `onStateChange`. */
export interface TreeState {
  filter: string;
  kinds: FileChangeKind[];
  collapsed: string[];
  selected: string | null;
}

/** What the tree tells the panel. */
export interface FileTreeEvents {
  /** A file was chosen (click, Enter or Space). */
  onSelect(entry: FileDiffEntry): void;
  /** Filter, kinds, collapsed folders or selection changed. */
  onStateChange(): void;
}

const KIND_LABEL: Record<FileChangeKind, string> = {
  added: 'Added',
  removed: 'Removed',
  modified: 'Modified',
  renamed: 'Renamed',
};

/** The tree pane. Call `setChanges` with each diff; `element` goes into the page once. */
export class FileTree {
  readonly element: HTMLElement;
  private readonly filterInput: HTMLInputElement;
  private readonly toggles = new Map<FileChangeKind, HTMLButtonElement>();
  private readonly list: HTMLElement;
  private readonly sizer: HTMLElement;
  private readonly status: HTMLElement;
  private root: FolderNode | null = null;
  private tables = new Set<string>();
  private flat: FlatTree = { rows: [], shown: 0, total: 0 };
  /** The row with keyboard focus: a file's path, or `/` + a folder's path (paths never start with `/`). */
  private focusKey: string | null = null;
  /**
   * Row elements in the DOM by row index, with what they show (`f` focused, `s` selected). Rows that
   * did not change stay in place, so a click whose mousedown caused a redraw still lands on its row.
   */
  private drawn = new Map<number, { look: string; el: HTMLElement }>();

  constructor(
    private readonly state: TreeState,
    private readonly events: FileTreeEvents,
  ) {
    this.filterInput = h('input', {
      class: 'input filter',
      type: 'search',
      placeholder: 'Filter files',
      'aria-label': 'Filter changed files',
      spellcheck: 'false',
    });
    this.filterInput.value = state.filter;
    this.filterInput.addEventListener('input', () => {
      state.filter = this.filterInput.value;
      this.refresh();
      events.onStateChange();
    });
    this.filterInput.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowDown' || this.flat.rows.length === 0) return;
      e.preventDefault();
      this.list.focus();
    });
    const toggleBar = h('div', { class: 'kind-toggles', role: 'group', 'aria-label': 'Change kinds' });
    for (const kind of KINDS) {
      const toggle = h('button', {
        type: 'button',
        class: `toggle ${kind}`,
        'aria-label': KIND_LABEL[kind],
        'aria-pressed': String(state.kinds.includes(kind)),
        'data-kind': kind,
      });
      toggle.addEventListener('click', () => {
        state.kinds = state.kinds.includes(kind)
          ? state.kinds.filter((k) => k !== kind)
          : KINDS.filter((k) => k === kind || state.kinds.includes(k));
        this.refresh();
        events.onStateChange();
      });
      this.toggles.set(kind, toggle);
      toggleBar.append(toggle);
    }
    this.sizer = h('div', { class: 'tree-sizer' });
    this.list = h('div', {
      class: 'tree',
      role: 'tree',
      tabindex: '0',
      'aria-label': 'Changed files',
    });
    this.list.append(this.sizer);
    this.list.addEventListener('scroll', () => this.renderRows());
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('click', (e) => this.onClick(e));
    // Focus moves to the pressed row (before the tree's focus event would pick the first row).
    this.list.addEventListener('mousedown', (e) => {
      const row = this.rowAt(e);
      if (row) this.focusKey = rowKey(row);
    });
    this.list.addEventListener('focus', () => {
      if (this.focusIndex() < 0 && this.flat.rows.length) this.setFocus(0, false);
    });
    this.status = h('div', { class: 'tree-status', 'aria-live': 'polite' });
    this.element = h(
      'section',
      { class: 'tree-pane', 'aria-label': 'Changed files' },
      h('div', { class: 'tree-toolbar' }, this.filterInput, toggleBar),
      this.list,
      this.status,
    );
    new ResizeObserver(() => this.renderRows()).observe(this.list);
  }

  /** Show a (new) diff's changes; keeps filter, kinds, collapsed folders and selection. */
  setChanges(changes: readonly FileDiffEntry[], rootName: string, tables: readonly string[]): void {
    this.root = buildTree(changes, rootName);
    this.tables = new Set(tables);
    const counts = { added: 0, removed: 0, modified: 0, renamed: 0 };
    for (const c of changes) counts[c.change] += 1;
    for (const [kind, toggle] of this.toggles) {
      toggle.replaceChildren(h('span', { class: 'letter' }, KIND_LETTER[kind]), formatCount(counts[kind]));
    }
    this.refresh();
  }

  /** Mark `path` selected, expand its folders and scroll it into view (no `onSelect`). */
  reveal(path: string): void {
    this.state.selected = path;
    const open = new Set(ancestors(path));
    this.state.collapsed = this.state.collapsed.filter((p) => !open.has(p));
    this.focusKey = path;
    this.refresh();
    const index = this.focusIndex();
    if (index >= 0) this.scrollTo(index);
  }

  /** Rebuild the rows from the changes and the state, then draw the ones in view. */
  private refresh(): void {
    for (const [kind, toggle] of this.toggles) {
      const on = this.state.kinds.includes(kind);
      toggle.setAttribute('aria-pressed', String(on));
      toggle.title = `${on ? 'Hide' : 'Show'} ${KIND_LABEL[kind].toLowerCase()} files`;
    }
    if (!this.root) return;
    this.flat = flatten(
      this.root,
      { text: this.state.filter, kinds: new Set(this.state.kinds) },
      new Set(this.state.collapsed),
    );
    this.sizer.style.height = `${this.flat.rows.length * ROW_HEIGHT}px`;
    this.sizer.replaceChildren();
    this.drawn.clear();
    const { shown, total } = this.flat;
    const filtered = this.state.filter.trim() !== '' || this.state.kinds.length < KINDS.length;
    this.status.textContent =
      shown === 0
        ? total === 0
          ? 'No files changed.'
          : 'No changed files match the filter.'
        : filtered
          ? `${formatCount(shown)} of ${formatCount(total)} files`
          : `${formatCount(total)} ${total === 1 ? 'file' : 'files'}`;
    this.renderRows();
  }

  private focusIndex(): number {
    if (this.focusKey === null) return -1;
    return this.flat.rows.findIndex((row) => rowKey(row) === this.focusKey);
  }

  /** Draw the rows in view (plus a few either side). */
  private renderRows(): void {
    const rows = this.flat.rows;
    const height = this.list.clientHeight || ROW_HEIGHT * 40;
    const first = Math.max(0, Math.floor(this.list.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((this.list.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const focused = this.focusIndex();
    const next = new Map<number, { look: string; el: HTMLElement }>();
    for (let i = first; i < last; i += 1) {
      const row = rows[i];
      if (!row) continue;
      const look = (i === focused ? 'f' : '') + (row.node.path === this.state.selected ? 's' : '');
      const old = this.drawn.get(i);
      if (old?.look === look) {
        next.set(i, old);
        this.drawn.delete(i);
      } else next.set(i, { look, el: this.rowElement(row, i, i === focused) });
    }
    for (const { el } of this.drawn.values()) el.remove();
    for (const { el } of next.values()) if (!el.isConnected) this.sizer.append(el);
    this.drawn = next;
    if (focused >= first && focused < last)
      this.list.setAttribute('aria-activedescendant', `tree-row-${focused}`);
    else this.list.removeAttribute('aria-activedescendant');
  }

  private rowElement(row: TreeRow, index: number, focused: boolean): HTMLElement {
    const el = h('div', {
      id: `tree-row-${index}`,
      role: 'treeitem',
      class: `tree-row ${row.kind}${focused ? ' focused' : ''}`,
      'aria-level': row.depth + 1,
      'aria-setsize': row.siblings,
      'aria-posinset': row.position,
      'data-index': index,
      'data-path': row.node.path,
    });
    el.style.top = `${index * ROW_HEIGHT}px`;
    el.style.paddingLeft = `${4 + row.depth * INDENT}px`;
    for (let d = 0; d < row.depth; d += 1) {
      const guide = h('span', { class: 'guide' });
      guide.style.left = `${4 + d * INDENT + 8}px`;
      el.append(guide);
    }
    if (row.kind === 'folder') {
      el.setAttribute('aria-expanded', String(row.expanded));
      const counts = h('span', { class: 'counts' });
      const words: string[] = [];
      for (const kind of KINDS) {
        const n = row.counts[kind];
        if (!n) continue;
        counts.append(h('span', { class: `count ${kind}` }, `${formatCount(n)}${KIND_LETTER[kind]}`));
        words.push(`${formatCount(n)} ${kind}`);
      }
      counts.title = words.join(', ');
      el.title = `${row.node.path}: ${words.join(', ')}`;
      el.append(
        h('span', { class: 'twistie', 'aria-hidden': 'true' }),
        h('span', { class: 'name' }, row.node.name),
        counts,
      );
      return el;
    }
    const entry = row.node.entry;
    const selected = entry.path === this.state.selected;
    el.setAttribute('aria-selected', String(selected));
    if (selected) el.classList.add('selected');
    el.classList.add(entry.change);
    if (this.tables.has(entry.path)) el.classList.add('table');
    const description =
      entry.change === 'renamed' && entry.from !== undefined
        ? `${entry.from} → ${entry.path}`
        : entry.type === 'dir'
          ? 'empty folder'
          : '';
    const size = formatEntrySize(entry);
    el.title = [`${entry.path || row.node.name} (${entry.change})`, description, size]
      .filter(Boolean)
      .join('\n');
    el.append(
      h('span', { class: 'twistie none', 'aria-hidden': 'true' }),
      h('span', { class: 'icon', 'aria-hidden': 'true' }),
      h('span', { class: 'name' }, row.node.name),
    );
    if (description) el.append(h('span', { class: 'description' }, description));
    el.append(
      h('span', { class: 'size' }, size),
      h(
        'span',
        { class: `badge ${entry.change}`, title: KIND_LABEL[entry.change] },
        KIND_LETTER[entry.change],
      ),
    );
    return el;
  }

  private setFocus(index: number, scroll = true): void {
    const row = this.flat.rows[index];
    if (!row) return;
    this.focusKey = rowKey(row);
    if (scroll) this.scrollTo(index);
    this.renderRows();
  }

  private scrollTo(index: number): void {
    const top = index * ROW_HEIGHT;
    const height = this.list.clientHeight;
    if (top < this.list.scrollTop) this.list.scrollTop = top;
    else if (top + ROW_HEIGHT > this.list.scrollTop + height) this.list.scrollTop = top + ROW_HEIGHT - height;
    this.renderRows();
  }

  private toggleFolder(folder: FolderNode, expand: boolean): void {
    const collapsed = this.state.collapsed.filter((p) => p !== folder.path);
    this.state.collapsed = expand ? collapsed : [...collapsed, folder.path];
    this.focusKey = `/${folder.path}`;
    this.refresh();
    this.events.onStateChange();
  }

  /** Choose the row: open a file, or toggle a folder. */
  private activate(row: TreeRow): void {
    if (row.kind === 'folder') {
      this.toggleFolder(row.node, !row.expanded);
      return;
    }
    this.state.selected = row.node.path;
    this.focusKey = row.node.path;
    this.renderRows();
    this.events.onStateChange();
    this.events.onSelect(row.node.entry);
  }

  private rowAt(e: MouseEvent): TreeRow | undefined {
    const target = (e.target as HTMLElement).closest<HTMLElement>('.tree-row');
    return this.flat.rows[Number(target?.dataset.index ?? -1)];
  }

  private onClick(e: MouseEvent): void {
    const row = this.rowAt(e);
    if (!row) return;
    this.focusKey = rowKey(row);
    this.activate(row);
  }

  private onKey(e: KeyboardEvent): void {
    const rows = this.flat.rows;
    if (rows.length === 0) return;
    const index = this.focusIndex();
    const row = rows[index];
    const page = Math.max(1, Math.floor(this.list.clientHeight / ROW_HEIGHT) - 1);
    const parentIndex = (): number => {
      for (let i = index - 1; i >= 0; i -= 1) if ((rows[i]?.depth ?? 0) < (row?.depth ?? 0)) return i;
      return -1;
    };
    switch (e.key) {
      case 'ArrowDown':
        this.setFocus(Math.min(rows.length - 1, index + 1));
        break;
      case 'ArrowUp':
        this.setFocus(Math.max(0, index - 1));
        break;
      case 'Home':
        this.setFocus(0);
        break;
      case 'End':
        this.setFocus(rows.length - 1);
        break;
      case 'PageDown':
        this.setFocus(Math.min(rows.length - 1, Math.max(0, index) + page));
        break;
      case 'PageUp':
        this.setFocus(Math.max(0, index - page));
        break;
      case 'ArrowRight':
        if (row?.kind === 'folder' && !row.expanded) this.toggleFolder(row.node, true);
        else if (row?.kind === 'folder') this.setFocus(index + 1);
        break;
      case 'ArrowLeft':
        if (row?.kind === 'folder' && row.expanded) this.toggleFolder(row.node, false);
        else if (parentIndex() >= 0) this.setFocus(parentIndex());
        break;
      case 'Enter':
      case ' ':
        if (row) this.activate(row);
        break;
      default:
        return;
    }
    e.preventDefault();
  }
}

function rowKey(row: TreeRow): string {
  return row.kind === 'folder' ? `/${row.node.path}` : row.node.path;
}
