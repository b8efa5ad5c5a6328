// Selected runs of the Runs Table: click, ctrl-click, shift-click and the keyboard (arrows, page,
// home/end, shift to extend, space to toggle, ctrl+A, Escape). Group rows are never selected.
import type { Grid } from './grid';
import type { DisplayRow } from './groups';
import type { State } from './state';

export class Selection {
  private readonly selected: Set<string>;
  private anchor: string | null = null;
  grid: Grid | null = null;

  constructor(
    state: State,
    private readonly rows: () => DisplayRow[],
    private readonly save: () => void,
    private readonly post: (ids: string[]) => void,
    /** Whether a run is still listed (selected runs that are gone stay selected, unposted). */
    private readonly exists: (id: string) => boolean,
  ) {
    this.selected = new Set(state.selected);
  }

  has(id: string): boolean {
    return this.selected.has(id);
  }

  ids(): string[] {
    return [...this.selected];
  }

  private runAt(index: number): string | undefined {
    const row = this.rows()[index];
    return row?.kind === 'run' ? row.run.id : undefined;
  }

  /** Save, and tell the host: shown runs in table order, then selected runs the filter hides. */
  private changed(): void {
    this.save();
    const shown = this.rows().flatMap((r) =>
      r.kind === 'run' && this.selected.has(r.run.id) ? [r.run.id] : [],
    );
    const inView = new Set(shown);
    this.post([...shown, ...[...this.selected].filter((id) => this.exists(id) && !inView.has(id))]);
    this.grid?.redrawSelection();
  }

  select(index: number, mode: 'only' | 'toggle' | 'range'): void {
    const id = this.runAt(index);
    if (!id || !this.grid) return;
    this.grid.cursor = index;
    if (mode === 'range' && this.anchor !== null) {
      const rows = this.rows();
      const from = rows.findIndex((r) => r.kind === 'run' && r.run.id === this.anchor);
      const [a, b] = from < 0 ? [index, index] : from < index ? [from, index] : [index, from];
      this.selected.clear();
      for (let i = a; i <= b; i++) {
        const r = rows[i];
        if (r?.kind === 'run') this.selected.add(r.run.id);
      }
    } else if (mode === 'toggle') {
      if (this.selected.has(id)) this.selected.delete(id);
      else this.selected.add(id);
      this.anchor = id;
    } else {
      this.selected.clear();
      this.selected.add(id);
      this.anchor = id;
    }
    this.changed();
  }

  keyboard(event: KeyboardEvent): boolean {
    const grid = this.grid;
    const count = this.rows().length;
    if (!grid || count === 0) return false;
    const page = Math.max(1, grid.pageRows() - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -count,
      End: count,
    };
    const move = moves[event.key];
    if (move !== undefined) {
      const next = Math.min(count - 1, Math.max(0, (grid.cursor < 0 ? -1 : grid.cursor) + move));
      if (event.shiftKey) {
        this.anchor ??= this.runAt(Math.max(0, grid.cursor)) ?? null;
        this.select(next, 'range');
      } else grid.cursor = next;
      grid.scrollToRow(next);
      grid.redrawSelection();
      return true;
    }
    if (event.key === ' ' && grid.cursor >= 0) {
      this.select(grid.cursor, 'toggle');
      return true;
    }
    if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
      for (const r of this.rows()) if (r.kind === 'run') this.selected.add(r.run.id);
      this.changed();
      return true;
    }
    if (event.key === 'Escape' && this.selected.size > 0) {
      this.selected.clear();
      this.changed();
      return true;
    }
    return false;
  }
}
