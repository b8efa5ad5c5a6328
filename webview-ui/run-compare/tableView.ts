import type { RunPatchInfo } from '../../protocol/runCompare';
import type { RunSummary } from '../../protocol/runs';
import { buildSections } from './model';
import { headHtml, linesHtml, tableLines, type Line, type TableInput } from './table';

/** Fixed sizes, so that only the rows and columns in view need to be in the DOM. */
const ROW_H = 24;
const KEY_W = 240;
const COL_W = 170;
/** Rows and columns drawn beyond the view on each side, so small scrolls need no redraw. */
const MORE_ROWS = 15;
const MORE_COLS = 2;

export interface TableOptions {
  baseline: number;
  collapsed: Set<string>;
  diffOnly: boolean;
  /** Only rows whose key holds this text. */
  find: string;
  codeStatus: Map<string, string>;
  patches: Map<string, RunPatchInfo>;
}

/**
 * The comparison table, virtualized both ways: a sticky header row of runs and a sticky key column,
 * and only the rows and run columns in view (plus a margin) in the DOM; the grid's size stands for
 * the rest, so the scrollbars are true. 200 runs × 500 keys cost what 30 rows × 10 columns cost.
 */
export class TableView {
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private runs: RunSummary[] = [];
  private input: TableInput | null = null;
  private lines: Line[] = [];
  private painted = '';

  constructor(
    private readonly scroller: HTMLElement,
    private readonly grid: HTMLElement,
  ) {
    this.head = grid.querySelector('.row.head') as HTMLElement;
    this.body = grid.querySelector('.body') as HTMLElement;
    grid.style.setProperty('--row-h', `${ROW_H}px`);
    grid.style.setProperty('--key-w', `${KEY_W}px`);
    grid.style.setProperty('--col-w', `${COL_W}px`);
    let frame = 0;
    scroller.addEventListener('scroll', () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => this.paint());
    });
    new ResizeObserver(() => this.paint()).observe(scroller);
  }

  render(runs: RunSummary[], options: TableOptions): void {
    this.runs = runs;
    const sections = buildSections(runs, options.baseline, options.patches);
    this.input = { runs, sections, ...options };
    this.lines = tableLines(sections, options.collapsed, options.diffOnly, runs.length, options.find);
    this.grid.style.setProperty('--n', String(runs.length));
    this.grid.setAttribute('aria-rowcount', String(this.lines.length + 1));
    this.grid.setAttribute('aria-colcount', String(runs.length + 1));
    this.grid.dataset.lines = String(this.lines.length);
    this.paint(true);
  }

  /** Draw the rows and columns in view (and a few around them); the rest is empty space. */
  paint(force = false): void {
    const { scroller, head, body, grid, input, lines } = this;
    if (!input) return;
    const left = scroller.scrollLeft;
    const c0 = Math.max(0, Math.floor(left / COL_W) - MORE_COLS);
    const c1 = Math.min(
      this.runs.length,
      Math.ceil((left + scroller.clientWidth - KEY_W) / COL_W) + MORE_COLS,
    );
    if (force || !this.painted.startsWith(`${c0}:${c1}:`)) {
      head.innerHTML = headHtml(input, c0, c1);
      // Inline style attributes are refused by the CSP; the CSSOM is not.
      for (const swatch of head.querySelectorAll<HTMLElement>('.swatch[data-color]')) {
        swatch.style.background = swatch.dataset.color ?? '';
      }
    }
    const headH = head.offsetHeight;
    const top = Math.max(0, scroller.scrollTop - headH);
    const r0 = Math.max(0, Math.floor(top / ROW_H) - MORE_ROWS);
    const r1 = Math.min(lines.length, Math.ceil((top + scroller.clientHeight) / ROW_H) + MORE_ROWS);
    const key = `${c0}:${c1}:${r0}:${r1}`;
    if (!force && key === this.painted) return;
    this.painted = key;
    const focused = this.focusKey();
    grid.style.setProperty('--c0', String(c0));
    grid.style.height = `${headH + lines.length * ROW_H}px`;
    body.style.transform = `translateY(${headH + r0 * ROW_H}px)`;
    body.innerHTML = linesHtml(input, lines, r0, r1, c0, c1);
    if (focused) grid.querySelector<HTMLElement>(focused)?.focus({ preventScroll: true });
  }

  /** A selector for the focused control in the table, to focus it again after a redraw. */
  private focusKey(): string | null {
    const el = document.activeElement;
    if (!(el instanceof HTMLElement) || !this.grid.contains(el)) return null;
    const label = el.getAttribute('aria-label');
    if (label) return `[aria-label="${CSS.escape(label)}"]`;
    return el.dataset.section ? `[data-section="${CSS.escape(el.dataset.section)}"]` : null;
  }
}
