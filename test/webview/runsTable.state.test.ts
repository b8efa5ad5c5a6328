// The Runs Table panel's real bundle (dist/webview/runsTable.{js,css}, built by `npm run build`) in
// Chromium, hosted like a VS Code webview by ./harness.ts, driven only through its UI and messages.
// This file: messages to and from the host, filtering, saved state, live updates, problems, the
// loading, empty and error states, and untrusted text.
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../protocol/problem';
import type { RunSummary } from '../../protocol/runs';
import {
  byName,
  clickHeader,
  column,
  COMMITS,
  filterBox,
  makeRun,
  names,
  prng,
  readTable,
  runsMessage,
  sampleRuns,
  text,
  usePanels,
} from './fixtures';

const panel = usePanels();

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
});
