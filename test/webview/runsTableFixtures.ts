// Runs Table (virtualized grid) helpers: generated runs of any size (the same generator runs in Node
// and, for 10,000 × 500, inside the page so the data need not cross the test's wire), and readers of
// the rendered grid (only the cells in view are in the DOM).
import type { RunSummary } from '../../protocol/runs';
import type { RunsTablePage } from './harness';

export interface Shape {
  runs: number;
  params: number;
  metrics: number;
  /** Metrics (the first ones) that also have min and max. */
  minMax: number;
  tags: number;
  inputs: number;
  seed: number;
}

/** 10,000 runs × 500 columns: 7 run columns + 150 params + 300 metrics + 40 tags + 3 inputs. */
/** A small table for behaviour tests: every row and column fits in `WIDE` at once. */
export const SMALL: Shape = { runs: 25, params: 8, metrics: 4, minMax: 4, tags: 2, inputs: 1, seed: 3 };
/** Wide and tall enough that every row and column of SMALL is drawn. */
export const WIDE = { width: 3400, height: 900 };

export const BIG: Shape = {
  runs: 10_000,
  params: 150,
  metrics: 300,
  minMax: 20,
  tags: 40,
  inputs: 3,
  seed: 6,
};

/**
 * Generated runs, newest first. Self-contained (no imports, no closures), so it can be passed to
 * `page.evaluate` as source. Params `p000`, `p010`, … are the same in every run (for "differing
 * only"); `lr`, `batch`, `seed` and `optimizer` (always "adam") come first; metrics `acc` and `loss`.
 */
export function generateRuns(shape: Shape): RunSummary[] {
  let s = shape.seed >>> 0;
  const random = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (n: number): string => {
    let out = '';
    for (let i = 0; i < n; i++) out += '0123456789abcdef'.charAt(Math.floor(random() * 16));
    return out;
  };
  const pad = (i: number): string => String(i).padStart(3, '0');
  const statuses = ['finished', 'finished', 'finished', 'failed', 'killed', 'crashed', 'running'] as const;
  const commits = [hex(40), hex(40), hex(40), hex(40)];
  const versions = [hex(64), hex(64)];
  const start = Date.parse('2026-10-01T00:00:00.000Z');
  const runs: RunSummary[] = [];
  for (let i = 0; i < shape.runs; i++) {
    const status = statuses[Math.floor(random() * statuses.length)] ?? 'finished';
    const startedAt = new Date(start + i * 60_000).toISOString();
    const durationMs = status === 'crashed' ? 0 : Math.floor(random() * 3_600_000);
    const params: Record<string, string | number | boolean | null> = {
      lr: [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03][Math.floor(random() * 6)] ?? 0.001,
      batch: [32, 64, 128][Math.floor(random() * 3)] ?? 64,
      seed: i % 5,
      optimizer: 'adam',
    };
    for (let p = 4; p < shape.params; p++)
      params[`p${pad(p)}`] = p % 10 === 0 ? 1 : Math.round(random() * 1000) / 100;
    const metrics: Record<string, number> = {
      acc: Math.round(random() * 10_000) / 10_000,
      loss: Math.round(random() * 30_000) / 10_000,
    };
    for (let m = 2; m < shape.metrics; m++) metrics[`m${pad(m)}`] = Math.round(random() * 100_000) / 1000;
    const metricsMin: Record<string, number> = {};
    const metricsMax: Record<string, number> = {};
    Object.keys(metrics)
      .slice(0, shape.minMax)
      .forEach((k) => {
        const v = metrics[k] as number;
        metricsMin[k] = Math.round(v * 0.5 * 10_000) / 10_000;
        metricsMax[k] = Math.round((v * 1.5 + 0.1) * 10_000) / 10_000;
      });
    const tags: Record<string, string> = {};
    for (let t = 0; t < shape.tags; t++)
      tags[`t${pad(t)}`] = t === 0 ? `group-${i % 3}` : `v${Math.floor(random() * 4)}`;
    const inputs: Record<string, string> = {};
    for (let d = 0; d < shape.inputs; d++) inputs[`data/set${d}`] = versions[(i + d) % 2] as string;
    const id = `${startedAt.replace(/\D/g, '').slice(0, 14)}${hex(12)}`;
    runs.push({
      id,
      name: `run-${String(i).padStart(5, '0')}`,
      status,
      command: ['python', 'train.py'],
      commit: commits[i % commits.length] ?? null,
      branch: 'main',
      dirty: i % 7 === 0,
      startedAt,
      endedAt:
        status === 'running' || status === 'crashed'
          ? null
          : new Date(start + i * 60_000 + durationMs).toISOString(),
      durationMs,
      exitCode: status === 'finished' ? 0 : status === 'failed' ? 1 : null,
      metrics,
      lastStep: 100,
      metricsMin,
      metricsMax,
      experiment: i % 2 === 0 ? 'train' : 'sweep',
      params,
      tags,
      inputs,
    });
  }
  return runs.reverse();
}

/** Generate runs inside the page, deliver them as a `runs` message and time it to the next frame. */
export async function sendGenerated(p: RunsTablePage, shape: Shape): Promise<number> {
  // A string expression: evaluated by the debugger protocol, so the page's CSP (no eval) allows it.
  return p.page.evaluate<number>(`(async () => {
    const generate = ${generateRuns.toString()};
    const runs = generate(${JSON.stringify(shape)});
    const t0 = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'runs', result: { runs, problems: [] } } }));
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - t0;
  })()`);
}

export interface GridRow {
  /** Run id; empty for a group row. */
  id: string;
  index: number;
  selected: boolean;
  /** Cell texts by column id (a group row's name cell: its label and count). */
  cells: Record<string, string>;
  /** Group rows: their key, label ("lr: 0.001"), run count and whether expanded. */
  group: { key: string; label: string; count: number; expanded: boolean; level: number } | null;
  /** Shown in the pinned rows under the header. */
  pinned: boolean;
  starred: boolean;
}

export interface GridView {
  /** Column ids of the rendered header cells, in order. */
  columns: string[];
  labels: string[];
  ariaSort: Record<string, string | null>;
  /** Rendered rows in table order (pinned runs first). */
  rows: GridRow[];
}

/** The rendered part of the grid. */
export function readGrid(p: RunsTablePage): Promise<GridView> {
  return p.page.evaluate(() => {
    const heads = [...document.querySelectorAll<HTMLElement>('.grid-header [role=columnheader]')];
    const byIndex = new Map(heads.map((h) => [h.getAttribute('aria-colindex'), h.dataset.column ?? '']));
    const rows = [...document.querySelectorAll<HTMLElement>('.grid-pinned .grid-row, .grid-body .grid-row')]
      .map((row) => ({
        id: row.dataset.runId ?? '',
        index: Number(row.dataset.index),
        selected: row.getAttribute('aria-selected') === 'true',
        cells: Object.fromEntries(
          [...row.querySelectorAll<HTMLElement>('.cell')].map((c) => [
            byIndex.get(c.getAttribute('aria-colindex')) ?? '?',
            c.textContent ?? '',
          ]),
        ),
        group:
          row.dataset.group === undefined
            ? null
            : {
                key: row.dataset.group,
                label: row.querySelector('.group-label')?.textContent ?? '',
                count: Number(row.querySelector('.group-count')?.textContent),
                expanded: row.getAttribute('aria-expanded') === 'true',
                level: Number(row.getAttribute('aria-level')),
              },
        pinned: row.parentElement?.classList.contains('grid-pinned') ?? false,
        starred: row.querySelector('.star')?.getAttribute('aria-pressed') === 'true',
      }))
      .sort((a, b) => a.index - b.index);
    return {
      columns: heads.map((h) => h.dataset.column ?? ''),
      labels: heads.map((h) => h.textContent ?? ''),
      ariaSort: Object.fromEntries(heads.map((h) => [h.dataset.column ?? '', h.getAttribute('aria-sort')])),
      rows,
    };
  });
}

/** One column's texts in the rendered rows. */
export function cells(view: GridView, column: string): string[] {
  return view.rows.map((r) => r.cells[column] ?? '');
}

export async function clickHeader(p: RunsTablePage, column: string, shift = false): Promise<void> {
  await p.page
    .locator(`.grid-header [data-column="${column}"] button`)
    .click({ modifiers: shift ? ['Shift'] : [] });
}

export async function clickRow(
  p: RunsTablePage,
  id: string,
  modifiers: ('Shift' | 'Control')[] = [],
): Promise<void> {
  await p.page.locator(`.grid-row[data-run-id="${id}"] .cell.pinned`).click({ modifiers });
}

export const filterBox = (p: RunsTablePage) => p.page.getByRole('searchbox', { name: 'Filter runs' });

/** A toggle of the toolbar (a vscode-checkbox: the checkbox is in its shadow root). */
export const toggle = (p: RunsTablePage, name: string) => p.page.getByRole('checkbox', { name });

/** Turn a toolbar toggle on or off by clicking it, as a user does. */
export async function setToggle(p: RunsTablePage, name: string, on: boolean): Promise<void> {
  if ((await toggle(p, name).isChecked()) === on) return;
  await p.page.locator('vscode-checkbox', { hasText: name }).click();
  if ((await toggle(p, name).isChecked()) !== on)
    throw new Error(`${name} did not turn ${on ? 'on' : 'off'}`);
}

/** Wait until the page has painted (two frames). */
export function frames(p: RunsTablePage): Promise<void> {
  return p.page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}
