// The runs grid: rows and columns virtualized with @tanstack/virtual-core, so only the cells in view
// (plus a few around) are in the DOM. A sticky header row, sticky pinned runs under it, and sticky
// pinned columns on the left (Name, then the columns the user pinned). Rows are runs or group rows.
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualizerOptions,
} from '@tanstack/virtual-core';
import type { Column } from './columns';
import { groupRow, headerCell, runRow, spacer, type CellContext } from './cells';
import type { DisplayRow } from './groups';
import { listenToHeader } from './header';

export const ROW_HEIGHT = 24;
export const HEADER_HEIGHT = 28;

export interface GridEvents {
  /** A header was clicked; `add` (shift-click) adds a sort key instead of replacing them. */
  onSort(column: string, add: boolean): void;
  /** A run row was clicked (index into the rows given to setData). */
  onRowClick(index: number, mode: 'only' | 'toggle' | 'range'): void;
  onToggleGroup(index: number): void;
  onStar(runId: string): void;
  /** A header was dropped on another one (before or after it). */
  onMoveColumn(id: string, target: string, after: boolean): void;
  /** Ctrl+Shift+Left/Right on a header. */
  onMoveColumnBy(id: string, delta: -1 | 1): void;
  /** A key pressed in the grid; true when handled. */
  onKey(event: KeyboardEvent): boolean;
  isSelected(id: string): boolean;
}

export interface GridData {
  rows: DisplayRow[];
  /** The first `pinnedRows` rows stay under the header. */
  pinnedRows: number;
  columns: Column[];
  /** The first `pinnedColumns` columns stay on the left (Name is always one). */
  pinnedColumns: number;
  ctx: Omit<CellContext, 'pinnedLeft' | 'lastPinned'>;
}

interface RowCache {
  el: HTMLElement;
  /** The column range and columns it was drawn for. */
  layout: string;
}

const rowKey = (row: DisplayRow): string =>
  row.kind === 'run' ? `r${row.depth}:${row.run.id}` : `g${row.expanded ? 1 : 0}:${row.group.key}`;

export class Grid {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly pinnedBox: HTMLElement;
  private readonly body: HTMLElement;
  private data: GridData = { rows: [], pinnedRows: 0, columns: [], pinnedColumns: 0, ctx: null as never };
  private pinned: Column[] = [];
  private columns: Column[] = [];
  private ctx: CellContext | null = null;
  private readonly rowVirtualizer: Virtualizer<HTMLElement, HTMLElement>;
  private readonly colVirtualizer: Virtualizer<HTMLElement, HTMLElement>;
  private readonly cache = new Map<string, RowCache>();
  private columnsVersion = 0;
  private headerLayout = '';
  /** A header to focus once drawn again (after a keyboard move). */
  focusColumn: string | null = null;
  /** The focused row (keyboard), an index into the rows; -1 for none. */
  cursor = -1;

  constructor(private readonly events: GridEvents) {
    const div = (className: string, role: string): HTMLElement => {
      const el = document.createElement('div');
      el.className = className;
      el.setAttribute('role', role);
      return el;
    };
    this.element = div('grid', 'grid');
    this.element.tabIndex = 0;
    this.element.setAttribute('aria-label', 'Runs');
    this.element.setAttribute('aria-multiselectable', 'true');
    this.element.setAttribute(
      'aria-description',
      'Arrows move, Shift extends, Space selects, Enter or Right and Left open and close a group, S stars and P pins the run',
    );
    this.header = div('grid-header', 'row');
    this.header.setAttribute('aria-rowindex', '1');
    this.pinnedBox = div('grid-pinned', 'rowgroup');
    this.pinnedBox.setAttribute('aria-label', 'Pinned runs');
    this.body = div('grid-body', 'rowgroup');
    this.element.append(this.header, this.pinnedBox, this.body);

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
      scrollPaddingStart: HEADER_HEIGHT,
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
    this.listen();
  }

  private listen(): void {
    listenToHeader(this.header, this.events, (id) => (this.focusColumn = id));
    this.element.addEventListener('click', (e) => {
      const target = e.target as HTMLElement;
      if (this.header.contains(target)) return;
      const row = target.closest<HTMLElement>('[data-index]');
      if (!row) return;
      const index = Number(row.dataset.index);
      const starId = target.closest<HTMLElement>('[data-star]')?.dataset.star;
      if (starId) this.events.onStar(starId);
      else if (row.dataset.group !== undefined) this.events.onToggleGroup(index);
      else {
        const mode = e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only';
        this.events.onRowClick(index, mode);
      }
      this.cursor = index;
      this.redrawSelection();
      this.element.focus({ preventScroll: true });
    });
    this.element.addEventListener('contextmenu', (e) => {
      // The native menu acts on the row under the pointer: it becomes the cursor row.
      const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (!row) return;
      this.cursor = Number(row.dataset.index);
      this.redrawSelection();
    });
    this.element.addEventListener('keydown', (e) => {
      if (e.target !== this.element) return;
      if (this.events.onKey(e)) e.preventDefault();
    });
  }

  setData(data: GridData): void {
    const columns = data.columns;
    const pinned = columns.slice(0, Math.max(1, data.pinnedColumns));
    const rest = columns.slice(pinned.length);
    const pinnedLeft = new Map<string, number>();
    let left = 0;
    for (const c of pinned) {
      pinnedLeft.set(c.id, left);
      left += c.width;
    }
    const ctx: CellContext = { ...data.ctx, pinnedLeft, lastPinned: pinned.at(-1)?.id };
    const layout = `${columns.map((c) => c.id).join('\u0000')}|${pinned.length}|${data.ctx.aggregate}`;
    if (layout !== this.headerLayout) {
      this.headerLayout = layout;
      this.columnsVersion++;
    }
    // Group rows are new objects after every change; run rows are kept unless invalidated.
    for (const key of this.cache.keys()) if (key.startsWith('g')) this.cache.delete(key);
    this.data = data;
    this.pinned = pinned;
    this.columns = rest;
    this.ctx = ctx;
    if (this.element.isConnected) {
      // Size and scroll position now, not when the resize observer first reports them.
      const rect = { width: this.element.clientWidth, height: this.element.clientHeight };
      this.rowVirtualizer.scrollRect = rect;
      this.colVirtualizer.scrollRect = rect;
      this.rowVirtualizer.scrollOffset = this.element.scrollTop;
      this.colVirtualizer.scrollOffset = this.element.scrollLeft;
    }
    const top = HEADER_HEIGHT + data.pinnedRows * ROW_HEIGHT;
    this.rowVirtualizer.setOptions({
      ...this.rowVirtualizer.options,
      count: data.rows.length - data.pinnedRows,
      scrollMargin: top,
      scrollPaddingStart: top,
    });
    this.colVirtualizer.setOptions({
      ...this.colVirtualizer.options,
      count: rest.length,
      paddingStart: left,
      scrollPaddingStart: left,
    });
    this.colVirtualizer.measure();
    const grouped = data.rows.some((r) => r.kind === 'group');
    this.element.setAttribute('role', grouped ? 'treegrid' : 'grid');
    this.element.setAttribute('aria-rowcount', String(data.rows.length + 1));
    this.element.setAttribute('aria-colcount', String(columns.length));
    if (this.cursor >= data.rows.length) this.cursor = data.rows.length - 1;
    this.drawHeader(true);
    this.draw();
  }

  /** Runs whose data changed: their rows are drawn again, the others are kept. */
  invalidate(ids: string[]): void {
    const set = new Set(ids);
    for (const key of this.cache.keys()) if (set.has(key.slice(key.indexOf(':') + 1))) this.cache.delete(key);
  }

  invalidateAll(): void {
    this.cache.clear();
  }

  private rowEls(): HTMLElement[] {
    return [
      ...(this.pinnedBox.children as HTMLCollectionOf<HTMLElement>),
      ...(this.body.children as HTMLCollectionOf<HTMLElement>),
    ];
  }

  redrawSelection(): void {
    for (const el of this.rowEls()) {
      const index = Number(el.dataset.index);
      const id = el.dataset.runId;
      if (id !== undefined) {
        const selected = this.events.isSelected(id);
        el.classList.toggle('selected', selected);
        el.setAttribute('aria-selected', String(selected));
      }
      el.classList.toggle('cursor', index === this.cursor);
    }
    const active = this.element.querySelector<HTMLElement>('.grid-row.cursor');
    if (active) this.element.setAttribute('aria-activedescendant', active.id);
    else this.element.removeAttribute('aria-activedescendant');
  }

  pageRows(): number {
    return Math.floor((this.element.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT) - this.data.pinnedRows;
  }

  scrollToRow(index: number): void {
    if (index >= this.data.pinnedRows)
      this.rowVirtualizer.scrollToIndex(index - this.data.pinnedRows, { align: 'auto' });
  }

  private columnRange(): { index: number; start: number }[] {
    return this.colVirtualizer.getVirtualItems().map((v) => ({ index: v.index, start: v.start }));
  }

  /** The pinned columns and the columns in view, with their aria-colindex. */
  private drawnColumns(items: { index: number }[]): { column: Column; colIndex: number }[] {
    const out = this.pinned.map((column, i) => ({ column, colIndex: i + 1 }));
    for (const item of items) {
      const column = this.columns[item.index];
      if (column) out.push({ column, colIndex: item.index + this.pinned.length + 1 });
    }
    return out;
  }

  private spacerWidth(items: { start: number }[]): number {
    const pinnedWidth = this.pinned.reduce((w, c) => w + c.width, 0);
    return (items[0]?.start ?? pinnedWidth) - pinnedWidth;
  }

  private drawHeader(force = false): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const items = this.columnRange();
    const key = `${this.columnsVersion}:${items.map((i) => i.index).join(',')}:${JSON.stringify(ctx.sort)}`;
    if (!force && this.header.dataset.layout === key) return;
    this.header.dataset.layout = key;
    this.header.style.width = `${this.colVirtualizer.getTotalSize()}px`;
    const cells = this.drawnColumns(items).map(({ column, colIndex }) => headerCell(column, colIndex, ctx));
    cells.splice(this.pinned.length, 0, spacer(this.spacerWidth(items)));
    // Keep the keyboard focus on its header across redraws (and on a header just moved).
    const focused =
      this.focusColumn ??
      (this.header.contains(document.activeElement)
        ? document.activeElement?.closest<HTMLElement>('[data-column]')?.dataset.column
        : undefined);
    this.header.replaceChildren(...cells);
    if (focused) {
      const button = this.header.querySelector<HTMLElement>(`[data-column="${CSS.escape(focused)}"] button`);
      if (button) {
        button.focus({ preventScroll: true });
        this.focusColumn = null;
      }
    }
  }

  private drawRow(row: DisplayRow, index: number, layout: string, items: { index: number; start: number }[]) {
    const ctx = this.ctx as CellContext;
    const key = rowKey(row);
    let entry = this.cache.get(key);
    if (!entry || entry.layout !== layout) {
      const columns = this.drawnColumns(items);
      const el =
        row.kind === 'run'
          ? runRow(row.run, row.depth, columns, ctx)
          : groupRow(row.group, row.expanded, columns, ctx);
      el.insertBefore(spacer(this.spacerWidth(items)), el.children[this.pinned.length] ?? null);
      entry = { el, layout };
      this.cache.set(key, entry);
    }
    const el = entry.el;
    el.dataset.index = String(index);
    el.id = `row-${index}`;
    el.setAttribute('aria-rowindex', String(index + 2));
    return el;
  }

  private draw(): void {
    if (!this.ctx) return;
    this.drawHeader();
    const width = this.colVirtualizer.getTotalSize();
    const { rows, pinnedRows } = this.data;
    const top = HEADER_HEIGHT + pinnedRows * ROW_HEIGHT;
    this.body.style.height = `${this.rowVirtualizer.getTotalSize()}px`;
    this.body.style.width = `${width}px`;
    this.pinnedBox.style.width = `${width}px`;
    const items = this.columnRange();
    const layout = `${this.columnsVersion}:${items.map((i) => i.index).join(',')}`;
    const pinnedEls: HTMLElement[] = [];
    for (let i = 0; i < pinnedRows; i++) {
      const el = this.drawRow(rows[i] as DisplayRow, i, layout, items);
      el.style.transform = '';
      el.style.width = `${width}px`;
      pinnedEls.push(el);
    }
    const els: HTMLElement[] = [];
    for (const v of this.rowVirtualizer.getVirtualItems()) {
      const row = rows[v.index + pinnedRows];
      if (!row) continue;
      const el = this.drawRow(row, v.index + pinnedRows, layout, items);
      el.style.transform = `translateY(${v.start - top}px)`;
      el.style.width = `${width}px`;
      els.push(el);
    }
    // Keep only rows in view (and their cache entries), so memory stays bounded too.
    const keep = new Set([...pinnedEls, ...els]);
    for (const [id, entry] of this.cache) if (!keep.has(entry.el)) this.cache.delete(id);
    this.pinnedBox.replaceChildren(...pinnedEls);
    this.pinnedBox.hidden = pinnedEls.length === 0;
    this.body.replaceChildren(...els);
    this.redrawSelection();
  }
}
