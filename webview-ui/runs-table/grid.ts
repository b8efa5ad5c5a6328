// The runs grid: rows and columns virtualized with @tanstack/virtual-core, so only the cells in view
// (plus a few around) are in the DOM. A sticky header row and a pinned first column (Name).
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualizerOptions,
} from '@tanstack/virtual-core';
import type { RunSummary } from '../../protocol/runs';
import { runColor } from '../shared/colors';
import type { Column, SortKey } from './columns';

export const ROW_HEIGHT = 24;
export const HEADER_HEIGHT = 28;

export interface GridEvents {
  /** A header was clicked; `add` (shift-click) adds a sort key instead of replacing them. */
  onSort(column: string, add: boolean): void;
  onRowClick(index: number, mode: 'only' | 'toggle' | 'range'): void;
  /** A key pressed in the grid; true when handled. */
  onKey(event: KeyboardEvent): boolean;
  isSelected(id: string): boolean;
}

interface RowCache {
  el: HTMLElement;
  /** The column range and columns it was drawn for. */
  layout: string;
}

export class Grid {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private rows: RunSummary[] = [];
  private pinned: Column | undefined;
  private columns: Column[] = [];
  private sort: SortKey[] = [];
  private readonly rowVirtualizer: Virtualizer<HTMLElement, HTMLElement>;
  private readonly colVirtualizer: Virtualizer<HTMLElement, HTMLElement>;
  private readonly cache = new Map<string, RowCache>();
  private columnsVersion = 0;
  private headerLayout = '';
  /** The focused row (keyboard), an index into the rows; -1 for none. */
  cursor = -1;

  constructor(private readonly events: GridEvents) {
    this.element = document.createElement('div');
    this.element.className = 'grid';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Runs');
    this.element.setAttribute('aria-multiselectable', 'true');
    this.header = document.createElement('div');
    this.header.className = 'grid-header';
    this.header.setAttribute('role', 'row');
    this.header.setAttribute('aria-rowindex', '1');
    this.body = document.createElement('div');
    this.body.className = 'grid-body';
    this.body.setAttribute('role', 'rowgroup');
    this.element.append(this.header, this.body);

    const common = {
      getScrollElement: () => this.element,
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange: () => this.draw(),
    } satisfies Partial<VirtualizerOptions<HTMLElement, HTMLElement>>;
    this.rowVirtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      ...common,
      count: 0,
      estimateSize: () => ROW_HEIGHT,
      scrollMargin: HEADER_HEIGHT,
      overscan: 8,
      initialRect: { width: 1000, height: 600 },
    });
    this.colVirtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      ...common,
      count: 0,
      horizontal: true,
      estimateSize: (i) => this.columns[i]?.width ?? 100,
      overscan: 3,
      initialRect: { width: 1000, height: 600 },
    });
    this.rowVirtualizer._willUpdate();
    this.colVirtualizer._willUpdate();

    this.header.addEventListener('click', (e) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-column]');
      if (cell?.dataset.column) this.events.onSort(cell.dataset.column, e.shiftKey);
    });
    this.body.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (!row) return;
      const mode = e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only';
      this.events.onRowClick(Number(row.dataset.index), mode);
      this.element.focus({ preventScroll: true });
    });
    this.element.addEventListener('keydown', (e) => {
      if (e.target !== this.element) return;
      if (this.events.onKey(e)) e.preventDefault();
    });
  }

  setData(rows: RunSummary[], columns: Column[], sort: SortKey[]): void {
    const [pinned, ...rest] = columns;
    const layout = columns.map((c) => c.id).join('\u0000');
    if (layout !== this.headerLayout) {
      this.headerLayout = layout;
      this.columnsVersion++;
      this.cache.clear();
    }
    this.rows = rows;
    this.pinned = pinned;
    this.columns = rest;
    this.sort = sort;
    const pinnedWidth = pinned?.width ?? 0;
    if (this.element.isConnected) {
      // Size and scroll position now, not when the resize observer first reports them.
      const rect = { width: this.element.clientWidth, height: this.element.clientHeight };
      this.rowVirtualizer.scrollRect = rect;
      this.colVirtualizer.scrollRect = rect;
      this.rowVirtualizer.scrollOffset = this.element.scrollTop;
      this.colVirtualizer.scrollOffset = this.element.scrollLeft;
    }
    this.rowVirtualizer.setOptions({ ...this.rowVirtualizer.options, count: rows.length });
    this.colVirtualizer.setOptions({
      ...this.colVirtualizer.options,
      count: rest.length,
      paddingStart: pinnedWidth,
    });
    this.colVirtualizer.measure();
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.element.setAttribute('aria-colcount', String(columns.length));
    if (this.cursor >= rows.length) this.cursor = rows.length - 1;
    this.drawHeader(true);
    this.draw();
  }

  /** Runs whose data changed: their rows are drawn again, the others are kept. */
  invalidate(ids: string[]): void {
    for (const id of ids) this.cache.delete(id);
  }

  redrawSelection(): void {
    for (const el of this.body.children as HTMLCollectionOf<HTMLElement>) {
      const index = Number(el.dataset.index);
      const id = el.dataset.runId ?? '';
      const selected = this.events.isSelected(id);
      el.classList.toggle('selected', selected);
      el.setAttribute('aria-selected', String(selected));
      el.classList.toggle('cursor', index === this.cursor);
    }
    const active = this.body.querySelector<HTMLElement>('.cursor');
    if (active) this.element.setAttribute('aria-activedescendant', active.id);
    else this.element.removeAttribute('aria-activedescendant');
  }

  pageRows(): number {
    return Math.floor((this.element.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT);
  }

  scrollToRow(index: number): void {
    this.rowVirtualizer.scrollToIndex(index, { align: 'auto' });
  }

  private totalWidth(): number {
    return this.colVirtualizer.getTotalSize();
  }

  private columnRange(): { first: number; items: { index: number; start: number }[] } {
    const items = this.colVirtualizer.getVirtualItems().map((v) => ({ index: v.index, start: v.start }));
    return { first: items[0]?.index ?? 0, items };
  }

  private drawHeader(force = false): void {
    const { items } = this.columnRange();
    const key = `${this.columnsVersion}:${items.map((i) => i.index).join(',')}:${JSON.stringify(this.sort)}`;
    if (!force && this.header.dataset.layout === key) return;
    this.header.dataset.layout = key;
    this.header.style.width = `${this.totalWidth()}px`;
    const cells: HTMLElement[] = [];
    if (this.pinned) cells.push(this.headerCell(this.pinned, 1, true));
    cells.push(this.spacer(items));
    for (const item of items) {
      const column = this.columns[item.index];
      if (column) cells.push(this.headerCell(column, item.index + 2, false));
    }
    this.header.replaceChildren(...cells);
  }

  private headerCell(column: Column, colIndex: number, pinned: boolean): HTMLElement {
    const cell = document.createElement('div');
    cell.className = `cell head ${column.group}${column.numeric ? ' num' : ''}${pinned ? ' pinned' : ''}`;
    cell.setAttribute('role', 'columnheader');
    cell.setAttribute('aria-colindex', String(colIndex));
    cell.dataset.column = column.id;
    cell.style.width = `${column.width}px`;
    const at = this.sort.findIndex((k) => k.column === column.id);
    const key = this.sort[at];
    cell.setAttribute('aria-sort', key ? (key.desc ? 'descending' : 'ascending') : 'none');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = column.label;
    button.title = `${column.title}\nClick to sort, shift-click to add a sort key`;
    if (key) {
      button.dataset.sorted = key.desc ? 'desc' : 'asc';
      if (this.sort.length > 1) button.dataset.order = String(at + 1);
    }
    cell.append(button);
    return cell;
  }

  private spacer(items: { start: number }[]): HTMLElement {
    const spacer = document.createElement('div');
    spacer.className = 'spacer';
    const first = items[0]?.start ?? 0;
    spacer.style.width = `${Math.max(0, first - (this.pinned?.width ?? 0))}px`;
    return spacer;
  }

  private draw(): void {
    this.drawHeader();
    const width = this.totalWidth();
    this.body.style.height = `${this.rowVirtualizer.getTotalSize()}px`;
    this.body.style.width = `${width}px`;
    const range = this.columnRange();
    const layout = `${this.columnsVersion}:${range.items.map((i) => i.index).join(',')}`;
    const els: HTMLElement[] = [];
    for (const v of this.rowVirtualizer.getVirtualItems()) {
      const run = this.rows[v.index];
      if (!run) continue;
      let entry = this.cache.get(run.id);
      if (!entry || entry.layout !== layout) {
        entry = { el: this.drawRow(run, range.items), layout };
        this.cache.set(run.id, entry);
      }
      const el = entry.el;
      el.dataset.index = String(v.index);
      el.id = `row-${v.index}`;
      el.setAttribute('aria-rowindex', String(v.index + 2));
      el.style.transform = `translateY(${v.start - HEADER_HEIGHT}px)`;
      el.style.width = `${width}px`;
      els.push(el);
    }
    // Keep only rows in view (and their cache entries), so memory stays bounded too.
    const keep = new Set(els);
    for (const [id, entry] of this.cache) if (!keep.has(entry.el)) this.cache.delete(id);
    this.body.replaceChildren(...els);
    this.redrawSelection();
  }

  private drawRow(run: RunSummary, items: { index: number; start: number }[]): HTMLElement {
    const row = document.createElement('div');
    row.className = 'grid-row';
    row.setAttribute('role', 'row');
    row.dataset.runId = run.id;
    if (this.pinned) row.append(this.cell(run, this.pinned, 1, true));
    row.append(this.spacer(items));
    for (const item of items) {
      const column = this.columns[item.index];
      if (column) row.append(this.cell(run, column, item.index + 2, false));
    }
    return row;
  }

  private cell(run: RunSummary, column: Column, colIndex: number, pinned: boolean): HTMLElement {
    const cell = document.createElement('div');
    cell.className = `cell${column.numeric ? ' num' : ''}${pinned ? ' pinned' : ''}`;
    cell.setAttribute('role', pinned ? 'rowheader' : 'gridcell');
    cell.setAttribute('aria-colindex', String(colIndex));
    cell.style.width = `${column.width}px`;
    if (column.id === 'name') {
      // The run's colour in every view (the metric plots draw it with the same one).
      const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
      swatch.style.background = runColor(run.id);
      cell.append(swatch, column.text(run));
    } else if (column.id === 'status') {
      cell.dataset.status = run.status;
      cell.append(Object.assign(document.createElement('span'), { className: `badge ${run.status}` }));
      cell.append(column.text(run));
    } else cell.textContent = column.text(run);
    const title = column.cellTitle?.(run);
    if (title) cell.title = title;
    return cell;
  }
}
