// The Runs Table panel's real bundle (dist/webview/runsTable.{js,css}, built by `npm run build`) in
// Chromium, hosted like a VS Code webview by ./harness.ts, driven only through its UI and messages.
// This file: rendering, columns and cell formats, sorting (by mouse and keyboard), and 2,000 runs.
import { describe, expect, it } from 'vitest';
import {
  byName,
  clickHeader,
  column,
  COMMITS,
  FIXED_HEADERS,
  filterBox,
  manyRuns,
  names,
  readTable,
  runsMessage,
  sampleRuns,
  text,
  usePanels,
} from './fixtures';

const panel = usePanels();

describe('Runs Table webview', () => {
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
});
