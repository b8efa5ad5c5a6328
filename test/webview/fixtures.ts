// Shared by the Runs Table webview tests (runsTable.*.test.ts): a per-file browser with pages that
// fail the test on any error, the sample runs the tests send, and helpers that read the rendered panel.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Problem } from '../../protocol/problem';
import type { RunStatus, RunSummary } from '../../protocol/runs';
import type { RunsTableToWebview } from '../../protocol/webview';
import { launchChromium } from '../helpers/chromium';
import { openRunsTable, type OpenOptions, type RunsTablePage } from './harness';
import { prng } from '../../scripts/lib/prng.mjs';

export { prng };

/**
 * Call once at the top level of a test file: launches Chromium for the file and returns a function
 * that opens pages with `open`; each page is closed after its test, and the test fails on any
 * uncaught exception, console error, CSP violation or stray request on any of them.
 */
export function usePages<O, P extends { errors(): Promise<string[]>; close(): Promise<void> }>(
  open: (browser: Browser, options: O) => Promise<P>,
): (options: O) => Promise<P> {
  let browser: Browser;
  const opened: P[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    const pages = opened.splice(0);
    const errors = (await Promise.all(pages.map((p) => p.errors()))).flat();
    await Promise.all(pages.map((p) => p.close()));
    expect(errors).toEqual([]);
  });

  return async (options: O): Promise<P> => {
    const p = await open(browser, options);
    opened.push(p);
    return p;
  };
}

/** `usePages` for the Runs Table. */
export function usePanels(): (options: OpenOptions) => Promise<RunsTablePage> {
  return usePages(openRunsTable);
}

// ---------------------------------------------------------------------------------------------
// Data: what core/runs/list.ts produces for a small project (lowercase ULID ids, newest first).

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** A lowercase ULID for `timeMs`: 10 time characters, 16 random ones. */
function ulid(timeMs: number, random: () => number): string {
  let time = '';
  for (let t = timeMs, i = 0; i < 10; i += 1, t = Math.floor(t / 32)) time = CROCKFORD.charAt(t % 32) + time;
  let rest = '';
  for (let i = 0; i < 16; i += 1) rest += CROCKFORD.charAt(Math.floor(random() * 32));
  return time + rest;
}

function sha(random: () => number): string {
  let s = '';
  for (let i = 0; i < 40; i += 1) s += '0123456789abcdef'.charAt(Math.floor(random() * 16));
  return s;
}

export const COMMITS = {
  main: '3f9c2a1e7b5d48c09e6f1a2b3c4d5e6f70819a2b',
  wide: '8d41e07bc2f9a3d5e6b7c8d9e0f1a2b3c4d5e6f7',
  aug: 'c07e5d9a1b2c3d4e5f60718293a4b5c6d7e8f901',
};

export interface RunSpec {
  name: string;
  status: RunStatus;
  startedAt: string;
  durationMs: number;
  metrics: Record<string, number>;
  commit?: string | null;
  branch?: string | null;
  dirty?: boolean;
  lastStep?: number | null;
  command?: string[];
}

export function makeRun(spec: RunSpec, random: () => number): RunSummary {
  const start = Date.parse(spec.startedAt);
  const ended = spec.status !== 'running' && spec.status !== 'crashed';
  const commit = spec.commit === undefined ? COMMITS.main : spec.commit;
  return {
    id: ulid(start, random),
    name: spec.name,
    status: spec.status,
    command: spec.command ?? ['python', 'train.py', '--run-name', spec.name],
    commit,
    branch: spec.branch === undefined ? (commit ? 'main' : null) : spec.branch,
    dirty: spec.dirty ?? false,
    startedAt: spec.startedAt,
    endedAt: ended ? new Date(start + spec.durationMs).toISOString() : null,
    durationMs: spec.durationMs,
    exitCode: spec.status === 'finished' ? 0 : spec.status === 'failed' ? 1 : null,
    metrics: spec.metrics,
    lastStep: spec.lastStep ?? (Object.keys(spec.metrics).length ? 100 : null),
  };
}

/** Seven runs covering every status; sent newest first, as listRuns() does. */
export function sampleRuns(): RunSummary[] {
  const random = prng(7);
  const specs: RunSpec[] = [
    {
      name: 'baseline',
      status: 'finished',
      startedAt: '2026-11-24T09:15:00.000Z',
      durationMs: 245_000,
      metrics: { loss: 0.4123, acc: 0.8712, 'val/acc': 0.8534, 'val/loss': 0.4621, epoch: 10 },
      lastStep: 4690,
    },
    {
      name: 'lr-sweep-1',
      status: 'finished',
      startedAt: '2026-11-24T10:02:00.000Z',
      durationMs: 750_000,
      metrics: { loss: 0.3567, acc: 0.8843, 'val/acc': 0.8611, 'val/loss': 0.4389, epoch: 10, lr: 0.003 },
    },
    {
      name: 'lr-sweep-3',
      status: 'failed',
      startedAt: '2026-11-24T10:31:00.000Z',
      durationMs: 12_300,
      metrics: { loss: 12.75, lr: 0.3 },
      lastStep: 14,
    },
    {
      name: 'wider-net',
      status: 'finished',
      startedAt: '2026-11-24T13:40:00.000Z',
      durationMs: 7_412_000,
      commit: COMMITS.wide,
      branch: 'exp/wider',
      dirty: true,
      metrics: { loss: 0.2871, acc: 0.9134, 'val/acc': 0.8967, 'val/loss': 0.3512, epoch: 20, lr: 0.001 },
    },
    {
      name: 'oom-test',
      status: 'crashed',
      startedAt: '2026-11-24T18:05:00.000Z',
      durationMs: 0,
      commit: COMMITS.wide,
      branch: 'exp/wider',
      dirty: true,
      metrics: { loss: 2.9, acc: 0.3318 },
      lastStep: 57,
    },
    {
      name: 'quick-check',
      status: 'killed',
      startedAt: '2026-11-25T07:20:00.000Z',
      durationMs: 950,
      commit: null,
      metrics: {},
      command: ['python', '-c', 'import torch; print(torch.cuda.is_available())'],
    },
    {
      name: 'augment-v2',
      status: 'running',
      startedAt: '2026-11-25T07:58:25.000Z',
      durationMs: 95_000,
      commit: COMMITS.aug,
      metrics: { loss: 0.9031, acc: 0.6125 },
      lastStep: 120,
    },
  ];
  return specs.map((spec) => makeRun(spec, random)).reverse();
}

/** `count` runs of a long sweep, every status, metrics sometimes missing. */
export function manyRuns(count: number): RunSummary[] {
  const random = prng(2000);
  const statuses: RunStatus[] = [
    'finished',
    'finished',
    'finished',
    'failed',
    'killed',
    'crashed',
    'running',
  ];
  const start = Date.parse('2026-10-01T00:00:00.000Z');
  const runs: RunSummary[] = [];
  for (let i = 0; i < count; i += 1) {
    const status = statuses[Math.floor(random() * statuses.length)] ?? 'finished';
    const metrics: Record<string, number> = { loss: Number((random() * 3).toFixed(4)) };
    if (random() < 0.8) metrics.acc = Number(random().toFixed(4));
    if (random() < 0.6) metrics['val/acc'] = Number(random().toFixed(4));
    if (random() < 0.3) metrics.lr = [1e-4, 3e-4, 1e-3, 3e-3][Math.floor(random() * 4)] ?? 1e-3;
    const spec: RunSpec = {
      name: `sweep-${String(i).padStart(4, '0')}`,
      status,
      startedAt: new Date(start + i * 600_000).toISOString(),
      durationMs: status === 'crashed' ? 0 : Math.floor(random() * 3_600_000),
      commit: sha(random),
      dirty: random() < 0.25,
      metrics,
    };
    runs.push(makeRun(spec, random));
  }
  return runs.reverse();
}

export function runsMessage(runs: RunSummary[], problems: Problem[] = []): RunsTableToWebview {
  return { type: 'runs', result: { runs, problems } };
}

export function byName(runs: RunSummary[], name: string): RunSummary {
  const run = runs.find((r) => r.name === name);
  if (!run) throw new Error(`no run named ${name}`);
  return run;
}

// ---------------------------------------------------------------------------------------------
// Reading the panel.

export interface TableView {
  headers: string[];
  ariaSort: Record<string, string | null>;
  ids: string[];
  rows: string[][];
}

/** The rendered table as text: header labels, aria-sort by column id, row ids and cell texts. */
export function readTable(p: RunsTablePage): Promise<TableView> {
  return p.page.evaluate(() => {
    const ths = [...document.querySelectorAll<HTMLTableCellElement>('table.runs thead th')];
    const trs = [...document.querySelectorAll<HTMLTableRowElement>('table.runs tbody tr')];
    return {
      headers: ths.map((th) => th.textContent ?? ''),
      ariaSort: Object.fromEntries(ths.map((th) => [th.dataset.column ?? '', th.getAttribute('aria-sort')])),
      ids: trs.map((tr) => tr.dataset.runId ?? ''),
      rows: trs.map((tr) => [...tr.cells].map((td) => td.textContent ?? '')),
    };
  });
}

/** One column's cell texts, by header label. */
export function column(view: TableView, label: string): string[] {
  const index = view.headers.indexOf(label);
  if (index < 0) throw new Error(`no column ${label} in ${view.headers.join(', ')}`);
  return view.rows.map((row) => row[index] ?? '');
}

export function names(view: TableView): string[] {
  return column(view, 'Name');
}

export async function text(p: RunsTablePage, selector: string): Promise<string | null> {
  return p.page.locator(selector).textContent();
}

export async function clickHeader(p: RunsTablePage, columnId: string): Promise<void> {
  await p.page.locator(`th[data-column="${columnId}"] button`).click();
}

export const filterBox = (p: RunsTablePage) => p.page.getByRole('searchbox', { name: 'Filter runs' });

export const FIXED_HEADERS = ['Name', 'Run', 'Status', 'Commit', 'Started', 'Duration'];
