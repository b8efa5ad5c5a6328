// The Runs Table panel's real bundle (dist/webview/runsTable.{js,css}, built by `npm run build`) in
// Chromium, hosted like a VS Code webview by ./harness.ts, driven only through its UI and messages.
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../protocol/problem';
import type { RunStatus, RunSummary } from '../../protocol/runs';
import type { RunsTableToWebview } from '../../protocol/webview';
import { launchChromium, outputDir } from '../helpers/chromium';
import { openRunsTable, THEMES, type OpenOptions, type RunsTablePage } from './harness';

let browser: Browser;
const opened: RunsTablePage[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

// Every test: no uncaught exception, console error, CSP violation or stray request on any page.
afterEach(async () => {
  const pages = opened.splice(0);
  const errors = (await Promise.all(pages.map((p) => p.errors()))).flat();
  await Promise.all(pages.map((p) => p.close()));
  expect(errors).toEqual([]);
});

async function panel(options: OpenOptions): Promise<RunsTablePage> {
  const p = await openRunsTable(browser, options);
  opened.push(p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Data: what core/runs/list.ts produces for a small project (lowercase ULID ids, newest first).

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** A small deterministic PRNG (mulberry32), so generated runs are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

const COMMITS = {
  main: '3f9c2a1e7b5d48c09e6f1a2b3c4d5e6f70819a2b',
  wide: '8d41e07bc2f9a3d5e6b7c8d9e0f1a2b3c4d5e6f7',
  aug: 'c07e5d9a1b2c3d4e5f60718293a4b5c6d7e8f901',
};

interface RunSpec {
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

function makeRun(spec: RunSpec, random: () => number): RunSummary {
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
function sampleRuns(): RunSummary[] {
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
function manyRuns(count: number): RunSummary[] {
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

function runsMessage(runs: RunSummary[], problems: Problem[] = []): RunsTableToWebview {
  return { type: 'runs', result: { runs, problems } };
}

function byName(runs: RunSummary[], name: string): RunSummary {
  const run = runs.find((r) => r.name === name);
  if (!run) throw new Error(`no run named ${name}`);
  return run;
}

// ---------------------------------------------------------------------------------------------
// Reading the panel.

interface TableView {
  headers: string[];
  ariaSort: Record<string, string | null>;
  ids: string[];
  rows: string[][];
}

/** The rendered table as text: header labels, aria-sort by column id, row ids and cell texts. */
function readTable(p: RunsTablePage): Promise<TableView> {
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
function column(view: TableView, label: string): string[] {
  const index = view.headers.indexOf(label);
  if (index < 0) throw new Error(`no column ${label} in ${view.headers.join(', ')}`);
  return view.rows.map((row) => row[index] ?? '');
}

function names(view: TableView): string[] {
  return column(view, 'Name');
}

async function text(p: RunsTablePage, selector: string): Promise<string | null> {
  return p.page.locator(selector).textContent();
}

async function clickHeader(p: RunsTablePage, columnId: string): Promise<void> {
  await p.page.locator(`th[data-column="${columnId}"] button`).click();
}

const filterBox = (p: RunsTablePage) => p.page.getByRole('searchbox', { name: 'Filter runs' });

const FIXED_HEADERS = ['Name', 'Run', 'Status', 'Commit', 'Started', 'Duration'];

// ---------------------------------------------------------------------------------------------

describe('Runs Table webview', () => {
  it('posts ready on load and shows "Loading runs…" until the runs arrive', async () => {
    const p = await panel({ theme: 'dark' });
    expect(await p.posted()).toEqual([{ type: 'ready' }]);
    expect(await text(p, '.table-wrap')).toBe('Loading runs…');
    expect(await p.page.locator('table').count()).toBe(0);
    expect(await text(p, '.count')).toBe('');
    expect(await p.page.locator('.problems').isHidden()).toBe(true);
    expect(await p.savedState()).toBeUndefined();

    await p.send(runsMessage(sampleRuns()));
    expect(await p.page.locator('.empty').count()).toBe(0);
    expect(await p.page.locator('table.runs tbody tr').count()).toBe(7);
    expect(await text(p, '.count')).toBe('7');
    // Receiving data posts nothing back and saves no state.
    expect(await p.posted()).toEqual([{ type: 'ready' }]);
    expect(await p.savedState()).toBeUndefined();
  });

  it('renders one row per run, newest first, with formatted cells and a column per metric', async () => {
    const runs = sampleRuns();
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage(runs));
    const view = await readTable(p);

    // Fixed columns, then the union of metric names across runs, alphabetically.
    expect(view.headers).toEqual([...FIXED_HEADERS, 'acc', 'epoch', 'loss', 'lr', 'val/acc', 'val/loss']);
    // Default sort: started, newest first.
    expect(view.ariaSort).toMatchObject({ started: 'descending', name: 'none', 'metric:loss': 'none' });
    expect(names(view)).toEqual([
      'augment-v2',
      'quick-check',
      'oom-test',
      'wider-net',
      'lr-sweep-3',
      'lr-sweep-1',
      'baseline',
    ]);
    expect(view.ids).toEqual(runs.map((r) => r.id));
    expect(view.rows.every((row) => row.length === view.headers.length)).toBe(true);

    const row = (name: string): string[] => view.rows[names(view).indexOf(name)] ?? [];
    const id8 = (name: string): string => byName(runs, name).id.slice(-8);
    // Name, Run (last 8 of the id), Status, Commit (7 chars, * when dirty), Started (UTC here), Duration.
    expect(row('wider-net')).toEqual([
      'wider-net',
      id8('wider-net'),
      'finished',
      '8d41e07*',
      '2026-11-24 13:40',
      '2h 03m',
      '0.9134',
      '20',
      '0.2871',
      '0.001',
      '0.8967',
      '0.3512',
    ]);
    expect(row('baseline')).toEqual([
      'baseline',
      id8('baseline'),
      'finished',
      '3f9c2a1',
      '2026-11-24 09:15',
      '4m 05s',
      '0.8712',
      '10',
      '0.4123',
      '',
      '0.8534',
      '0.4621',
    ]);
    // Metrics a run never logged are blank cells, not zeros.
    expect(row('lr-sweep-3')).toEqual([
      'lr-sweep-3',
      id8('lr-sweep-3'),
      'failed',
      '3f9c2a1',
      '2026-11-24 10:31',
      '12.3s',
      '',
      '',
      '12.75',
      '0.3',
      '',
      '',
    ]);
    expect(row('quick-check')).toEqual([
      'quick-check',
      id8('quick-check'),
      'killed',
      '—',
      '2026-11-25 07:20',
      '950ms',
      ...Array<string>(6).fill(''),
    ]);
    expect(row('augment-v2').slice(2, 6)).toEqual(['running', 'c07e5d9', '2026-11-25 07:58', '1m 35s']);
    expect(row('oom-test').slice(2, 6)).toEqual(['crashed', '8d41e07*', '2026-11-24 18:05', '0ms']);

    // Status badges carry the status as a class; numeric columns are right-aligned cells.
    const details = await p.page.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLTableRowElement>('table.runs tbody tr')];
      return rows.map((tr) => ({
        badge: tr.querySelector('.badge')?.className,
        status: tr.querySelector<HTMLElement>('td[data-status]')?.dataset.status,
        numeric: [...tr.cells].map((td) => td.classList.contains('num')),
        titles: [...tr.cells].map((td) => td.title),
      }));
    });
    expect(details.map((d) => d.badge)).toEqual(runs.map((r) => `badge ${r.status}`));
    expect(details.map((d) => d.status)).toEqual(runs.map((r) => r.status));
    expect(details[0]?.numeric).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    const wider = details[names(view).indexOf('wider-net')]?.titles ?? [];
    expect(wider[0]).toBe('python train.py --run-name wider-net');
    expect(wider[1]).toBe(byName(runs, 'wider-net').id);
    expect(wider[3]).toBe(`${COMMITS.wide} (uncommitted changes) on exp/wider`);
    expect(wider[8]).toBe('loss = 0.2871 (last value)');
    const quick = details[names(view).indexOf('quick-check')]?.titles ?? [];
    expect(quick[3]).toBe('no git commit');
    expect(quick[8]).toBe('loss: not logged');

    // The table tells assistive technology what it is and how big it is.
    expect(await p.page.getByRole('table', { name: 'Runs' }).getAttribute('aria-rowcount')).toBe('8');
    expect(await p.page.getByRole('columnheader').count()).toBe(12);
  });

  it('sorts by a clicked column: ascending, then descending, with aria-sort following', async () => {
    const p = await panel({ theme: 'light' });
    await p.send(runsMessage(sampleRuns()));

    await clickHeader(p, 'name');
    let view = await readTable(p);
    expect(names(view)).toEqual([
      'augment-v2',
      'baseline',
      'lr-sweep-1',
      'lr-sweep-3',
      'oom-test',
      'quick-check',
      'wider-net',
    ]);
    expect(view.ariaSort).toMatchObject({ name: 'ascending', started: 'none' });
    expect(await p.page.locator('th[data-column="name"] button').getAttribute('data-sorted')).toBe('asc');

    await clickHeader(p, 'name');
    view = await readTable(p);
    expect(names(view)).toEqual([
      'wider-net',
      'quick-check',
      'oom-test',
      'lr-sweep-3',
      'lr-sweep-1',
      'baseline',
      'augment-v2',
    ]);
    expect(view.ariaSort).toMatchObject({ name: 'descending', started: 'none' });
    expect(await p.page.locator('th[data-column="name"] button').getAttribute('data-sorted')).toBe('desc');

    // Durations sort by milliseconds, not by their text ("950ms" > "2h 03m" as strings).
    await clickHeader(p, 'duration');
    view = await readTable(p);
    expect(column(view, 'Duration')).toEqual([
      '0ms',
      '950ms',
      '12.3s',
      '1m 35s',
      '4m 05s',
      '12m 30s',
      '2h 03m',
    ]);
    expect(view.ariaSort).toMatchObject({ duration: 'ascending', name: 'none' });

    // Switching to another column starts ascending again.
    await clickHeader(p, 'started');
    expect(names(await readTable(p))[0]).toBe('baseline');
    expect((await readTable(p)).ariaSort.started).toBe('ascending');
  });

  it('sorts metric columns numerically and keeps runs without the metric last in both directions', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage(sampleRuns()));

    // loss: 12.75 sorts after 2.9 (it would not as text); quick-check never logged loss.
    await clickHeader(p, 'metric:loss');
    let view = await readTable(p);
    expect(column(view, 'loss')).toEqual(['0.2871', '0.3567', '0.4123', '0.9031', '2.9', '12.75', '']);
    expect(names(view).at(-1)).toBe('quick-check');
    expect(view.ariaSort['metric:loss']).toBe('ascending');

    await clickHeader(p, 'metric:loss');
    view = await readTable(p);
    expect(column(view, 'loss')).toEqual(['12.75', '2.9', '0.9031', '0.4123', '0.3567', '0.2871', '']);
    expect(view.ariaSort['metric:loss']).toBe('descending');

    // val/acc: three runs have it, four do not; those four stay at the bottom either way.
    const without = ['augment-v2', 'quick-check', 'oom-test', 'lr-sweep-3'];
    await clickHeader(p, 'metric:val/acc');
    view = await readTable(p);
    expect(names(view).slice(0, 3)).toEqual(['baseline', 'lr-sweep-1', 'wider-net']);
    expect(names(view).slice(3).sort()).toEqual([...without].sort());
    expect(column(view, 'val/acc').slice(3)).toEqual(['', '', '', '']);
    await clickHeader(p, 'metric:val/acc');
    view = await readTable(p);
    expect(names(view).slice(0, 3)).toEqual(['wider-net', 'lr-sweep-1', 'baseline']);
    expect(names(view).slice(3).sort()).toEqual([...without].sort());
    expect(view.ariaSort).toMatchObject({ 'metric:val/acc': 'descending', 'metric:loss': 'none' });

    // lr is logged by three runs: 0.001 < 0.003 < 0.3.
    await clickHeader(p, 'metric:lr');
    expect(column(await readTable(p), 'lr')).toEqual(['0.001', '0.003', '0.3', '', '', '', '']);
  });

  it('filters rows by name, status or commit and shows "N of M"', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage(sampleRuns()));

    await filterBox(p).fill('sweep');
    expect(names(await readTable(p))).toEqual(['lr-sweep-3', 'lr-sweep-1']);
    expect(await text(p, '.count')).toBe('2 of 7');

    await filterBox(p).fill('  CRASHED ');
    expect(names(await readTable(p))).toEqual(['oom-test']);
    expect(await text(p, '.count')).toBe('1 of 7');

    await filterBox(p).fill('8d41e0');
    expect(names(await readTable(p))).toEqual(['oom-test', 'wider-net']);
    expect(await text(p, '.count')).toBe('2 of 7');

    await filterBox(p).fill('no-such-run');
    const view = await readTable(p);
    expect(view.rows).toEqual([]);
    expect(view.headers).toHaveLength(12); // the header stays, so the filter can be seen as the cause
    expect(await text(p, '.count')).toBe('0 of 7');

    await filterBox(p).fill('');
    expect(await p.page.locator('table.runs tbody tr').count()).toBe(7);
    expect(await text(p, '.count')).toBe('7');
  });

  it('saves sort and filter with setState and restores them in a fresh page', async () => {
    const runs = sampleRuns();
    const first = await panel({ theme: 'dark' });
    await first.send(runsMessage(runs));
    await clickHeader(first, 'metric:loss');
    expect(await first.savedState()).toEqual({
      sort: { column: 'metric:loss', descending: false },
      filter: '',
    });
    await filterBox(first).fill('sweep');
    const saved = await first.savedState();
    expect(saved).toEqual({ sort: { column: 'metric:loss', descending: false }, filter: 'sweep' });

    // VS Code hands the saved state to the next instance of the webview (e.g. after it was hidden).
    const second = await panel({ theme: 'dark', state: saved });
    expect(await filterBox(second).inputValue()).toBe('sweep');
    expect(await text(second, '.table-wrap')).toBe('Loading runs…');
    await second.send(runsMessage(runs));
    let view = await readTable(second);
    expect(names(view)).toEqual(['lr-sweep-1', 'lr-sweep-3']);
    expect(view.ariaSort).toMatchObject({ 'metric:loss': 'ascending', started: 'none' });
    expect(await text(second, '.count')).toBe('2 of 7');

    // The restored state keeps working: a second click on the restored column flips it.
    await clickHeader(second, 'metric:loss');
    view = await readTable(second);
    expect(names(view)).toEqual(['lr-sweep-3', 'lr-sweep-1']);
    expect(await second.savedState()).toEqual({
      sort: { column: 'metric:loss', descending: true },
      filter: 'sweep',
    });
    // Restoring never re-posts anything but ready.
    expect(await second.posted()).toEqual([{ type: 'ready' }]);
  });

  it('restores a sort on a metric that no longer exists without breaking', async () => {
    const p = await panel({
      theme: 'dark',
      state: { sort: { column: 'metric:bleu', descending: true }, filter: '' },
    });
    await p.send(runsMessage(sampleRuns()));
    const view = await readTable(p);
    expect(view.rows).toHaveLength(7);
    expect(Object.values(view.ariaSort).every((s) => s === 'none')).toBe(true);
  });

  it('re-renders in place when updated runs arrive, keeping sort and filter', async () => {
    const runs = sampleRuns();
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage(runs));
    await filterBox(p).fill('augment');
    await clickHeader(p, 'metric:loss');
    await p.page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    let view = await readTable(p);
    expect(column(view, 'Status')).toEqual(['running']);
    expect(column(view, 'loss')).toEqual(['0.9031']);

    // augment-v2 finishes with new metrics; a new run starts.
    const running = byName(runs, 'augment-v2');
    const finished: RunSummary = {
      ...running,
      status: 'finished',
      endedAt: new Date(Date.parse(running.startedAt) + 3_723_000).toISOString(),
      durationMs: 3_723_000,
      exitCode: 0,
      metrics: { loss: 0.3012, acc: 0.9021, 'val/acc': 0.8899, 'val/loss': 0.3377, epoch: 20 },
      lastStep: 9380,
    };
    const next = makeRun(
      {
        name: 'augment-v3',
        status: 'running',
        startedAt: '2026-11-25T09:02:00.000Z',
        durationMs: 4_000,
        commit: COMMITS.aug,
        metrics: { loss: 2.2 },
      },
      prng(3),
    );
    await p.send(runsMessage([next, ...runs.map((r) => (r.id === running.id ? finished : r))]));

    view = await readTable(p);
    expect(names(view)).toEqual(['augment-v2', 'augment-v3']); // still filtered and sorted by loss
    expect(view.ariaSort['metric:loss']).toBe('ascending');
    expect(await text(p, '.count')).toBe('2 of 8');
    const row = view.rows[0] ?? [];
    expect(row.slice(2, 6)).toEqual(['finished', 'c07e5d9', '2026-11-25 07:58', '1h 02m']);
    expect(column(view, 'val/acc')).toEqual(['0.8899', '']);
    expect(column(view, 'loss')).toEqual(['0.3012', '2.2']);
    expect(await p.page.locator(`tr[data-run-id="${running.id}"] .badge`).getAttribute('class')).toBe(
      'badge finished',
    );
    expect(await p.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    expect(await p.posted()).toEqual([{ type: 'ready' }]);
  });

  it('shows problems in the alert box, and hides it when they are gone', async () => {
    const runs = sampleRuns();
    const problems: Problem[] = [
      {
        file: '.lineage/runs/01kbx8q2m4z7w9c3t5v6y8n0pd/run.json',
        message: "malformed run header: 'pid' Required",
      },
      {
        file: '.lineage/runs/01kbx9a7r2e5g8j1m4p6s9u2wx/status.json',
        message: 'malformed run status: not valid JSON',
      },
    ];
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage(runs, problems));
    const alert = p.page.getByRole('alert');
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toBe(
      [
        ".lineage/runs/01kbx8q2m4z7w9c3t5v6y8n0pd/run.json: malformed run header: 'pid' Required",
        '.lineage/runs/01kbx9a7r2e5g8j1m4p6s9u2wx/status.json: malformed run status: not valid JSON',
      ].join('\n'),
    );
    // One problem per line on screen (the box is pre-wrap).
    expect(await alert.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    expect(await p.page.locator('table.runs tbody tr').count()).toBe(7);

    await p.send(runsMessage(runs));
    expect(await p.page.locator('.problems').isHidden()).toBe(true);
  });

  it('shows problems even when no run could be read, next to the empty-state hint', async () => {
    const p = await panel({ theme: 'light' });
    await p.send(
      runsMessage(
        [],
        [{ file: '.lineage/runs/01kbx8q2m4z7w9c3t5v6y8n0pd/run.json', message: 'run header is missing' }],
      ),
    );
    expect(await p.page.getByRole('alert').textContent()).toBe(
      '.lineage/runs/01kbx8q2m4z7w9c3t5v6y8n0pd/run.json: run header is missing',
    );
    expect(await p.page.locator('.empty').isVisible()).toBe(true);
  });

  it('shows the empty-state hint with `lineage run` when there are no runs', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage([]));
    expect(await p.page.locator('table').count()).toBe(0);
    expect(await text(p, '.empty')).toBe(
      'No runs yet. Record one in a terminal: lineage run -- python train.py',
    );
    expect(await text(p, '.empty code')).toBe('lineage run -- python train.py');
    expect(await text(p, '.count')).toBe('0');
    expect(await p.page.locator('.problems').isHidden()).toBe(true);

    // ...and the table comes back once a run is recorded.
    await p.send(runsMessage(sampleRuns().slice(0, 1)));
    expect(names(await readTable(p))).toEqual(['augment-v2']);
    expect(await p.page.locator('.empty').count()).toBe(0);
  });

  it('shows an error message from the host in place of the table', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send({
      type: 'error',
      message: "Could not read runs: EACCES: permission denied, scandir '.lineage/runs'",
    });
    expect(await text(p, '.empty.error')).toBe(
      "Could not read runs: EACCES: permission denied, scandir '.lineage/runs'",
    );
    await p.send(runsMessage(sampleRuns()));
    expect(await p.page.locator('.empty.error').count()).toBe(0);
    expect(await p.page.locator('table.runs tbody tr').count()).toBe(7);
  });

  it('ignores invalid messages, before and after data, without errors', async () => {
    const runs = sampleRuns();
    const valid = runs[0] as RunSummary;
    const invalid: unknown[] = [
      null,
      undefined,
      42,
      'runs',
      [],
      {},
      { type: 'RUNS', result: { runs: [], problems: [] } },
      { type: 'refresh' },
      { type: 'ready' },
      { type: 'runs' },
      { type: 'runs', result: null },
      { type: 'runs', result: { runs: [] } },
      { type: 'runs', result: { runs: 'all', problems: [] } },
      { type: 'runs', result: { runs: [{ id: 1 }], problems: [] } },
      { type: 'runs', result: { runs: [{ ...valid, status: 'paused' }], problems: [] } },
      { type: 'runs', result: { runs: [{ ...valid, metrics: { loss: 'high' } }], problems: [] } },
      { type: 'runs', result: { runs: [{ ...valid, durationMs: '95s' }], problems: [] } },
      { type: 'runs', result: { runs: [valid, { ...valid, name: undefined }], problems: [] } },
      { type: 'runs', result: { runs: [], problems: [{ file: 'run.json' }] } },
      { type: 'error' },
      { type: 'error', message: 404 },
    ];
    const p = await panel({ theme: 'dark' });
    for (const message of invalid) await p.send(message);
    expect(await text(p, '.table-wrap')).toBe('Loading runs…');

    await p.send(runsMessage(runs));
    const before = await readTable(p);
    for (const message of invalid) await p.send(message);
    expect(await readTable(p)).toEqual(before);
    expect(await p.page.locator('.problems').isHidden()).toBe(true);
    expect(await p.posted()).toEqual([{ type: 'ready' }]);
  });

  it('renders run names and problems as text, never as markup', async () => {
    const run = makeRun(
      {
        name: '<img src=x onerror="document.title=\'pwned\'">',
        status: 'finished',
        startedAt: '2026-11-24T09:15:00.000Z',
        durationMs: 1000,
        metrics: { '<b>loss</b>': 1 },
      },
      prng(1),
    );
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage([run], [{ file: '<i>x</i>.json', message: '<script>alert(1)</script>' }]));
    expect(names(await readTable(p))).toEqual(['<img src=x onerror="document.title=\'pwned\'">']);
    expect((await readTable(p)).headers.at(-1)).toBe('<b>loss</b>');
    expect(await p.page.getByRole('alert').textContent()).toBe('<i>x</i>.json: <script>alert(1)</script>');
    expect(await p.page.locator('#root img, #root b, #root i, #root script').count()).toBe(0);
    expect(await p.page.title()).toBe('Lineage Runs');
  });

  it('posts refresh when the Refresh button is clicked', async () => {
    const p = await panel({ theme: 'dark' });
    await p.page.getByRole('button', { name: 'Refresh' }).click();
    expect(await p.posted()).toEqual([{ type: 'ready' }, { type: 'refresh' }]);
    await p.send(runsMessage(sampleRuns()));
    await p.page.getByRole('button', { name: 'Refresh' }).click();
    expect(await p.posted()).toEqual([{ type: 'ready' }, { type: 'refresh' }, { type: 'refresh' }]);
    // Refreshing keeps the current table until the host answers.
    expect(await p.page.locator('table.runs tbody tr').count()).toBe(7);
  });

  it('renders 2,000 runs, and sorts and filters them correctly', async () => {
    const runs = manyRuns(2000);
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage(runs));
    let view = await readTable(p);
    expect(view.rows).toHaveLength(2000);
    expect(view.ids).toEqual(runs.map((r) => r.id));
    expect(await text(p, '.count')).toBe('2000');
    expect(await p.page.getByRole('table', { name: 'Runs' }).getAttribute('aria-rowcount')).toBe('2001');
    expect(view.headers).toEqual([...FIXED_HEADERS, 'acc', 'loss', 'lr', 'val/acc']);

    // val/acc descending: same order as sorting the data here (stable), runs without it last.
    await clickHeader(p, 'metric:val/acc');
    await clickHeader(p, 'metric:val/acc');
    const ids = await p.page.$$eval('table.runs tbody tr', (trs) =>
      trs.map((tr) => (tr as HTMLTableRowElement).dataset.runId ?? ''),
    );
    const withMetric = runs.filter((r) => r.metrics['val/acc'] !== undefined);
    const expected = [
      ...[...withMetric].sort((a, b) => (b.metrics['val/acc'] ?? 0) - (a.metrics['val/acc'] ?? 0)),
      ...runs.filter((r) => r.metrics['val/acc'] === undefined),
    ];
    expect(ids).toEqual(expected.map((r) => r.id));

    const crashed = runs.filter((r) => r.status === 'crashed');
    await filterBox(p).fill('crashed');
    view = await readTable(p);
    expect(view.rows).toHaveLength(crashed.length);
    expect(new Set(column(view, 'Status'))).toEqual(new Set(['crashed']));
    expect(await text(p, '.count')).toBe(`${crashed.length} of 2000`);
  });

  it('keeps the toolbar and the column headers in view while the rows scroll', async () => {
    const p = await panel({ theme: 'dark', viewport: { width: 1180, height: 420 } });
    await p.send(runsMessage(manyRuns(200)));
    await p.page.mouse.move(500, 300);
    await p.page.mouse.wheel(0, 2000);
    await p.page.waitForFunction(() => (document.querySelector('.table-wrap')?.scrollTop ?? 0) > 1000);
    const layout = await p.page.evaluate(() => {
      const top = (selector: string): number | undefined =>
        document.querySelector(selector)?.getBoundingClientRect().top;
      return {
        toolbar: top('.toolbar'),
        wrap: top('.table-wrap'),
        header: top('thead th'),
        firstRow: top('tbody tr'),
        refreshAtTop: document.elementFromPoint(1120, 21)?.closest('button')?.textContent,
      };
    });
    expect(layout.toolbar).toBe(0);
    expect(layout.refreshAtTop).toBe('Refresh');
    expect(layout.header).toBe(layout.wrap); // stuck to the top of the scrolling area
    expect(layout.firstRow).toBeLessThan(-1000); // ...while the rows went under it
  });

  it('sorts from the keyboard', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage(sampleRuns()));
    await p.page.locator('th[data-column="metric:loss"] button').focus();
    await p.page.keyboard.press('Enter');
    expect((await readTable(p)).ariaSort['metric:loss']).toBe('ascending');
    expect(column(await readTable(p), 'loss')[0]).toBe('0.2871');
  });

  // render() replaces the whole table, header buttons included; focus must survive it so that a
  // keyboard user can press Enter twice to sort descending.
  it('keeps keyboard focus on the header button after sorting', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(runsMessage(sampleRuns()));
    await p.page.locator('th[data-column="metric:loss"] button').focus();
    await p.page.keyboard.press('Enter');
    await p.page.keyboard.press('Enter');
    expect((await readTable(p)).ariaSort['metric:loss']).toBe('descending');
  });

  // The page does not scroll (only the table does): many problems must not push the table out.
  it('keeps the table visible when there are many problems', async () => {
    const problems = Array.from({ length: 40 }, (_, i) => ({
      file: `.lineage/runs/01kbx8q2m4z7w9c3t5v6y8n${String(i).padStart(3, '0')}/run.json`,
      message: 'run header is missing',
    }));
    const p = await panel({ theme: 'dark', viewport: { width: 1180, height: 420 } });
    await p.send(runsMessage(sampleRuns(), problems));
    const height = await p.page.locator('.table-wrap').evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeGreaterThan(150);
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`is themed by VS Code's ${theme} theme variables (screenshot: runs-table-${theme}.png)`, async () => {
      const colors = THEMES[theme].colors;
      const p = await panel({ theme, viewport: { width: 1180, height: 420 } });
      const runs = sampleRuns();
      await p.send(
        runsMessage(runs, [
          {
            file: '.lineage/runs/01kbx9a7r2e5g8j1m4p6s9u2wx/metrics.jsonl',
            message: "line 3: 'loss' is not a finite number",
          },
        ]),
      );
      await p.page.locator('tbody tr').nth(3).hover(); // show the hover colour too
      const style = await p.page.evaluate(() => {
        const get = (selector: string, property: string): string => {
          const el = document.querySelector(selector);
          return el ? getComputedStyle(el).getPropertyValue(property) : `${selector} missing`;
        };
        return {
          body: [get('body', 'background-color'), get('body', 'color'), get('body', 'font-size')],
          badge: [get('.count', 'background-color'), get('.count', 'color')],
          input: [get('.filter', 'background-color'), get('.filter', 'color')],
          button: [get('.refresh', 'background-color'), get('.refresh', 'color')],
          th: get('th[data-column="name"]', 'background-color'),
          metricHeader: get('th.metric', 'color'),
          status: {
            finished: get('.badge.finished', 'background-color'),
            failed: get('.badge.failed', 'background-color'),
            crashed: get('.badge.crashed', 'background-color'),
            killed: get('.badge.killed', 'background-color'),
            running: get('.badge.running', 'background-color'),
          },
        };
      });
      const rgb = (hex: string | undefined): string => {
        const n = Number.parseInt((hex ?? '').slice(1), 16);
        return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
      };
      expect(style.body).toEqual([rgb(colors['editor-background']), rgb(colors.foreground), '13px']);
      expect(style.badge).toEqual([rgb(colors['badge-background']), rgb(colors['badge-foreground'])]);
      expect(style.input).toEqual([rgb(colors['input-background']), rgb(colors['input-foreground'])]);
      expect(style.button).toEqual([
        rgb(colors['button-secondaryBackground']),
        rgb(colors['button-secondaryForeground']),
      ]);
      expect(style.th).toBe(rgb(colors['editor-background']));
      expect(style.metricHeader).toBe(rgb(colors['symbolIcon-variableForeground']));
      expect(style.status).toEqual({
        finished: rgb(colors['testing-iconPassed']),
        failed: rgb(colors['testing-iconFailed']),
        crashed: rgb(colors['testing-iconFailed']),
        killed: rgb(colors['testing-iconSkipped']),
        running: rgb(colors['charts-blue']),
      });

      await p.page.screenshot({
        path: path.join(outputDir('webview'), `runs-table-${theme}.png`),
        fullPage: true,
        animations: 'disabled',
      });
    });
  }
});
