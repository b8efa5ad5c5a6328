// The Metric Plots hover tooltip: at the cursor's x, each shown run's value there (the nearest
// logged point, within a few pixels of the runs' own range), highest first, with its step.
import { runColor } from '../shared/colors';
import { formatValue, formatX, nearestIndex } from './plotMath';

/** One run's value at the cursor. */
export interface HoverRow {
  id: string;
  name: string;
  /** The point's x (a step, seconds, or wall time) and its value as drawn (smoothed when smoothing). */
  x: number;
  value: number;
  /** The logged value, when smoothing draws another one. */
  raw?: number;
}

/** The series as the tooltip needs them: x ascending and the values drawn. */
export interface HoverSeries {
  id: string;
  name: string;
  x: readonly number[];
  drawn: readonly (number | null)[];
  raw: readonly number[];
}

const MAX_ROWS = 12;

/** Each series' point nearest to `x`, for the series whose x range reaches within `slack` of it. */
export function rowsAt(
  series: readonly HoverSeries[],
  x: number,
  slack: number,
  smoothed: boolean,
): HoverRow[] {
  const rows: HoverRow[] = [];
  for (const s of series) {
    const n = s.x.length;
    if (n === 0 || x < (s.x[0] as number) - slack || x > (s.x[n - 1] as number) + slack) continue;
    const i = nearestIndex(s.x, x);
    const value = s.drawn[i];
    if (value === null || value === undefined || !Number.isFinite(value)) continue;
    rows.push({
      id: s.id,
      name: s.name,
      x: s.x[i] as number,
      value,
      ...(smoothed && { raw: s.raw[i] as number }),
    });
  }
  return rows.sort((a, b) => b.value - a.value);
}

export class Tooltip {
  readonly el: HTMLElement;

  constructor(parent: HTMLElement) {
    this.el = document.createElement('div');
    this.el.className = 'tooltip';
    this.el.setAttribute('role', 'tooltip');
    this.el.hidden = true;
    parent.append(this.el);
  }

  /** Show `rows` for cursor x `x` at (left, top) in the plot box (flipped to stay inside it). */
  show(
    axis: 'step' | 'relative' | 'wall',
    x: number,
    rows: readonly HoverRow[],
    left: number,
    top: number,
  ): void {
    if (rows.length === 0) return this.hide();
    const heading = document.createElement('div');
    heading.className = 'heading';
    heading.textContent = formatX(axis, x);
    const table = document.createElement('table');
    for (const row of rows.slice(0, MAX_ROWS)) {
      const tr = document.createElement('tr');
      tr.dataset.id = row.id;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = runColor(row.id);
      const name = cell('name', row.name);
      name.prepend(swatch);
      const value = cell('value', formatValue(row.value));
      if (row.raw !== undefined) value.title = `logged ${row.raw}`;
      const at = cell('at', axis === 'step' ? `@ ${row.x.toLocaleString('en-US')}` : formatX(axis, row.x));
      tr.append(name, value, at);
      table.append(tr);
    }
    const parts: HTMLElement[] = [heading, table];
    if (rows.length > MAX_ROWS) parts.push(cell('more', `+${rows.length - MAX_ROWS} more`, 'div'));
    this.el.replaceChildren(...parts);
    this.el.hidden = false;
    const box = (this.el.parentElement as HTMLElement).getBoundingClientRect();
    const { width, height } = this.el.getBoundingClientRect();
    const x0 = left + 16 + width > box.width ? Math.max(0, left - 16 - width) : left + 16;
    const y0 = Math.max(0, Math.min(top - height / 2, box.height - height));
    this.el.style.transform = `translate(${Math.round(x0)}px, ${Math.round(y0)}px)`;
  }

  hide(): void {
    this.el.hidden = true;
  }
}

function cell(className: string, text: string, tag: 'td' | 'div' = 'td'): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}
