// The Run Compare panel's real bundle (dist/webview/runCompare.{js,css}) in Chromium, hosted like a
// VS Code webview by ./harness.ts and fed as the extension host feeds it.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runColors } from '../../core/util/runColors';
import { outputDir } from '../helpers/chromium';
import { THEMES, type ThemeName } from './harness';
import { bigComparison, SWEEP, useCompare, visibleRows } from './runCompareFixtures';

const open = useCompare();
const [BASE, SMALL, SGD, TINY] = SWEEP as [
  (typeof SWEEP)[0],
  (typeof SWEEP)[0],
  (typeof SWEEP)[0],
  (typeof SWEEP)[0],
];
const rowOf = (rows: string[][], key: string): string[] | undefined => rows.find((r) => r[0] === key);

/** The colours the host sends: every run's, by start order over all runs (here the sweep). */
const COLORS = runColors(SWEEP);
const HOST_COLORS = Object.fromEntries(COLORS);

describe('Run Compare webview', () => {
  it('renders params, metrics, tags, datasets and code side by side, in every theme', async () => {
    for (const theme of Object.keys(THEMES) as ThemeName[]) {
      const p = await open({ theme });
      await expect.poll(() => p.posted()).toEqual([{ type: 'ready' }]);
      await p.send({ type: 'runs', runs: SWEEP, missing: [], colors: HOST_COLORS });
      const page = p.page;
      await expect.poll(() => page.locator('.run-head').count()).toBe(4);
      expect(await page.locator('.run-name').allTextContents()).toEqual([
        'baseline',
        'small-lr',
        'sgd-new-data',
        'tiny',
      ]);
      const swatches = await page
        .locator('.swatch')
        .evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
      expect(swatches).toEqual(SWEEP.map((r) => hexToRgb(COLORS.get(r.id) as string)));
      for (const name of ['Params', 'Metrics', 'Tags', 'Datasets', 'Code']) {
        await expect
          .poll(() => page.getByRole('button', { name: new RegExp(`^${name} \\d`) }).count())
          .toBe(1);
      }
      const rows = await visibleRows(p);
      expect(rowOf(rows, 'lr')).toEqual(['lr', '0.1', '0.01', '0.01', '0.001']);
      expect(rowOf(rows, 'optimizer')).toEqual(['optimizer', 'adam', 'adam', 'sgd', 'adam']);
      expect(rowOf(rows, 'acc')?.[1]).toBe('0.810.2 … 0.81'); // last, then min … max
      expect(rowOf(rows, 'note')).toEqual(['note', '—', '—', 'new data', '—']);
      expect(rowOf(rows, 'uncommitted changes')).toEqual([
        'uncommitted changes',
        'false',
        'false',
        'true',
        'false',
      ]);
      expect(await page.locator('.run-head .status').allTextContents()).toEqual([
        'finished',
        'finished',
        'failed',
        'finished',
      ]);
      await page.screenshot({ path: path.join(outputDir('webview'), `run-compare-${theme}.png`) });
    }
  });

  it('highlights cells that differ from the baseline and hides equal rows with Differences only', async () => {
    const p = await open({ theme: 'dark' });
    await p.send({ type: 'runs', runs: SWEEP, missing: [], colors: HOST_COLORS });
    const page = p.page;
    await expect.poll(() => page.locator('.run-head').count()).toBe(4);
    // lr differs; the baseline's cell is never "changed", the others are where they differ.
    const changed = (key: string) =>
      page.evaluate((k) => {
        const row = [...document.querySelectorAll('.grid .row')].find(
          (r) => r.firstElementChild?.textContent === k,
        )!;
        return [...row.querySelectorAll('.cell:not(.key)')].map((c) => c.classList.contains('changed'));
      }, key);
    expect(await changed('lr')).toEqual([false, true, true, true]);
    expect(await changed('optimizer')).toEqual([false, false, true, false]);
    expect(await changed('batch')).toEqual([false, false, false, false]);
    const bg = await page.evaluate(() => {
      const c = document.querySelector('.cell.changed')!;
      const plain = document.querySelector('.row.same .cell:not(.key)')!;
      return [getComputedStyle(c).backgroundColor, getComputedStyle(plain).backgroundColor];
    });
    expect(bg[0]).not.toBe(bg[1]);

    expect(rowOf(await visibleRows(p), 'batch')).toBeDefined();
    await page.getByLabel('Differences only').check();
    const rows = await visibleRows(p);
    expect(rowOf(rows, 'batch')).toBeUndefined();
    expect(rowOf(rows, 'team')).toBeUndefined();
    expect(rowOf(rows, 'lr')).toBeDefined();
    expect(rowOf(rows, 'data/train')).toBeDefined();
    expect(await p.savedState()).toMatchObject({ diffOnly: true });

    // Find: only rows whose key holds the text (with Differences only still on).
    await page.getByLabel('Find rows by key').fill('LO');
    expect((await visibleRows(p)).map((r) => r[0])).toEqual(['loss']);
    expect(await page.locator('.section-toggle').allTextContents()).toEqual(['▾Metrics 2 · 2 differ']);
    await page.getByLabel('Find rows by key').fill('');
    expect(await p.savedState()).toMatchObject({ find: '' });

    // Another baseline: differences are judged against it.
    await page.getByLabel('Baseline run').selectOption(SGD.id);
    expect(await changed('optimizer')).toEqual([true, true, false, true]);
    expect(await p.savedState()).toMatchObject({ baseline: SGD.id });
  });

  it('draws parallel coordinates with one line per run in its colour, and highlights on hover and keys', async () => {
    const p = await open({ theme: 'light' });
    await p.send({ type: 'runs', runs: SWEEP, missing: [], colors: HOST_COLORS });
    const page = p.page;
    const lines = page.locator('svg.parallel path.run-line');
    await expect.poll(() => lines.count()).toBe(4);
    expect(
      await lines.evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-run'), e.getAttribute('stroke')]),
      ),
    ).toEqual(SWEEP.map((r) => [r.id, COLORS.get(r.id)]));
    // Axes: the differing params (lr, layers, optimizer as ordinal), then the metric; batch does not differ.
    expect(
      await page
        .locator('svg.parallel .axis')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-axis'))),
    ).toEqual(['layers', 'lr', 'optimizer', 'acc']);
    // Every line crosses every axis (4 points).
    expect(await lines.first().getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+ (L[\d.]+ [\d.]+ ?){3}$/);
    await page.getByLabel('Metric axis of the parallel coordinates').selectOption('loss');
    await expect.poll(() => page.locator('svg.parallel .metric-axis').getAttribute('data-axis')).toBe('loss');

    const box = (await page.locator(`svg.parallel path[data-run="${TINY.id}"]`).boundingBox())!;
    // Hover the line where it crosses the first axis.
    const d = (await page.locator(`svg.parallel path[data-run="${TINY.id}"]`).getAttribute('d'))!;
    const [x, y] = d.slice(1).split(' ').map(Number) as [number, number];
    const svg = (await page.locator('svg.parallel').boundingBox())!;
    await page.mouse.move(svg.x + x, svg.y + y);
    await expect
      .poll(() => page.locator('.pc-host .chart-tooltip').textContent())
      .toMatch(/^tiny, loss=0\.9/);
    expect(await page.locator('svg.parallel .hover').getAttribute('data-run')).toBe(TINY.id);
    expect(box.width).toBeGreaterThan(0);
    await page.mouse.move(0, 0);
    // Keyboard: focus the chart, arrows walk through the runs.
    await page.locator('svg.parallel').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('svg.parallel .hover').getAttribute('data-run')).toBe(BASE.id);
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('svg.parallel .hover').getAttribute('data-run')).toBe(SMALL.id);
    await expect.poll(() => page.locator('.pc-host [aria-live]').textContent()).toMatch(/^small-lr/);
  });

  it('plots a chosen metric against a chosen param', async () => {
    const p = await open({ theme: 'dark' });
    await p.send({ type: 'runs', runs: SWEEP, missing: [], colors: HOST_COLORS });
    const page = p.page;
    const points = page.locator('svg.scatter circle.point');
    await expect.poll(() => points.count()).toBe(4);
    await page.getByLabel('Scatter param (x)').selectOption('lr');
    await page.getByLabel('Scatter metric (y)').selectOption('acc');
    const at = async () =>
      Object.fromEntries(
        await points.evaluateAll((els) =>
          els.map((e) => [
            e.getAttribute('data-run'),
            [Number(e.getAttribute('cx')), Number(e.getAttribute('cy'))],
          ]),
        ),
      ) as Record<string, [number, number]>;
    let xy = await at();
    // Larger lr further right; higher acc further up (smaller y).
    expect(xy[BASE.id]![0]).toBeGreaterThan(xy[SMALL.id]![0]);
    expect(xy[SMALL.id]![0]).toBe(xy[SGD.id]![0]);
    expect(xy[TINY.id]![0]).toBeLessThan(xy[SMALL.id]![0]);
    expect(xy[SMALL.id]![1]).toBeLessThan(xy[BASE.id]![1]);
    expect(await points.evaluateAll((els) => els.map((e) => e.getAttribute('fill')))).toEqual(
      SWEEP.map((r) => COLORS.get(r.id)),
    );
    await page.getByLabel('Scatter metric (y)').selectOption('loss');
    xy = await at();
    expect(xy[TINY.id]![1]).toBeLessThan(xy[BASE.id]![1]); // loss 0.9 is the highest
    // A categorical param: ordinal positions.
    await page.getByLabel('Scatter param (x)').selectOption('optimizer');
    xy = await at();
    expect(xy[BASE.id]![0]).toBe(xy[TINY.id]![0]);
    expect(xy[SGD.id]![0]).toBeGreaterThan(xy[BASE.id]![0]);
    expect(await p.savedState()).toMatchObject({ scParam: 'optimizer', scMetric: 'loss' });
  });

  it('asks the host for a dataset diff and for code changes, and shows the outcome', async () => {
    const p = await open({ theme: 'dark' });
    await p.send({ type: 'runs', runs: SWEEP, missing: [], colors: HOST_COLORS });
    const page = p.page;
    const diffLinks = page.getByRole('button', { name: /^Diff data\/train between/ });
    await expect.poll(() => diffLinks.count()).toBe(1);
    await diffLinks.click();
    const codeButton = page.getByRole('button', { name: 'Open code changes from baseline to sgd-new-data' });
    await codeButton.click();
    expect(await page.getByRole('button', { name: /^Open code changes/ }).count()).toBe(3);
    await page.getByRole('button', { name: 'Remove tiny from the comparison' }).click();
    expect((await p.posted()).slice(1)).toEqual([
      { type: 'openDatasetDiff', dataset: 'data/train', a: BASE.id, b: SGD.id },
      { type: 'openCodeChanges', a: BASE.id, b: SGD.id },
      { type: 'removeRun', id: TINY.id },
    ]);
    // What each patch holds arrives after the runs.
    await p.send({
      type: 'patches',
      patches: [
        { id: BASE.id, patch: null, missing: false, files: 0, added: 0, removed: 0, omitted: [] },
        {
          id: SGD.id,
          patch: 'c'.repeat(64),
          missing: false,
          files: 2,
          added: 7,
          removed: 3,
          omitted: ['big.bin'],
        },
      ],
    });
    await expect
      .poll(async () => rowOf(await visibleRows(p), 'patch'))
      .toEqual(['patch', 'none', '—', 'cccccccc · 2 files +7 −3 · 1 left out (too large)', '—']);
    await p.send({ type: 'codeStatus', a: BASE.id, b: SGD.id, message: '2 changed files' });
    // Under each run's button: what its comparison with the baseline found (only sgd's so far).
    await expect
      .poll(() => page.locator('.code-status').allTextContents())
      .toEqual(['', '2 changed files', '']);
    await page.locator('.table-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('.charts summary').click(); // charts folded: more room for the table
    await expect.poll(() => page.getByText('2 changed files').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(outputDir('webview'), 'run-compare-code-section.png') });

    // Live update: the host sends the runs again (tiny removed, a metric changed).
    await p.send({
      type: 'runs',
      runs: [BASE, SMALL, { ...SGD, metrics: { ...SGD.metrics, acc: 0.99 } }],
      missing: [],
    });
    await expect.poll(() => page.locator('.run-head').count()).toBe(3);
    expect(rowOf(await visibleRows(p), 'acc')?.[3]).toMatch(/^0\.99/);
  });

  it('restores its state after the webview is reloaded (a hidden panel coming back)', async () => {
    const first = await open({ theme: 'dark' });
    await first.send({ type: 'runs', runs: SWEEP, missing: [] });
    await expect.poll(() => first.page.locator('.run-head').count()).toBe(4);
    await first.page.getByLabel('Differences only').check();
    await first.page.getByLabel('Baseline run').selectOption(SMALL.id);
    await first.page.getByLabel('Scatter param (x)').selectOption('layers');
    await first.page.getByRole('button', { name: /Tags/ }).click();
    const state = await first.savedState();
    expect(state).toMatchObject({
      ids: SWEEP.map((r) => r.id), // what the host's serializer revives the panel with
      diffOnly: true,
      baseline: SMALL.id,
      scParam: 'layers',
      collapsed: ['tags'],
    });

    const second = await open({ theme: 'dark', state });
    await second.send({ type: 'runs', runs: SWEEP, missing: [] });
    const page = second.page;
    await expect.poll(() => page.locator('.run-head').count()).toBe(4);
    expect(await page.getByLabel('Differences only').isChecked()).toBe(true);
    expect(await page.getByLabel('Baseline run').inputValue()).toBe(SMALL.id);
    expect(await page.getByLabel('Scatter param (x)').inputValue()).toBe('layers');
    expect(await page.locator('.run-head.baseline .run-name').textContent()).toBe('small-lr');
    expect(await page.getByRole('button', { name: /Tags/ }).getAttribute('aria-expanded')).toBe('false');
    expect(rowOf(await visibleRows(second), 'team')).toBeUndefined();
    expect(rowOf(await visibleRows(second), 'batch')).toBeUndefined();
  });

  it('stays responsive at 200 runs × 500 keys', async () => {
    const runs = bigComparison(200, 500);
    const p = await open({ theme: 'dark' });
    const page = p.page;
    /** Run `action` in the page and time it until the next frame has been drawn. */
    const timed = (action: string, arg?: string): Promise<number> =>
      page.evaluate(
        ([code, json]) => {
          const t0 = performance.now();
          new Function('json', code)(json);
          return new Promise<number>((resolve) =>
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)),
          );
        },
        [action, arg ?? ''] as const,
      );
    const renderMs = await timed(
      "window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(json), origin: window.origin }))",
      JSON.stringify({ type: 'runs', runs, missing: [] }),
    );
    const parseMs = await page.locator('#root').getAttribute('data-parse-ms');
    // Only the columns in view are drawn; the table knows all of them.
    expect(await page.locator('div.grid').getAttribute('aria-colcount')).toBe('201');
    expect(await page.locator('.run-head').count()).toBeLessThan(20);
    expect(await page.locator('.run-name').first().textContent()).toBe('run-001');
    expect(await page.locator('svg.parallel path.run-line').count()).toBe(200);
    expect(Number(await page.locator('div.grid').getAttribute('data-lines'))).toBeGreaterThan(520);

    const toggle = "document.querySelector('.diff-only').click()";
    const onMs = await timed(toggle);
    // The even params are equal across the runs: about half the rows are left out.
    expect(Number(await page.locator('div.grid').getAttribute('data-lines'))).toBeLessThan(300);
    expect(await page.locator('div.grid .row.same').count()).toBe(0);
    const offMs = await timed(toggle);
    const scrollMs = await timed(
      "const el = document.querySelector('.table-scroll'); el.scrollTop = el.scrollHeight / 2; el.scrollLeft = el.scrollWidth / 2;",
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // The runs in the middle are drawn now, in the header and the rows.
    const names = await page.locator('.run-name').allTextContents();
    expect(names).toContain('run-100');
    expect(names).not.toContain('run-001');
    // The key column stays in view while scrolled sideways.
    const keyLeft = await page.evaluate(() => {
      const scroller = document.querySelector('.table-scroll')!.getBoundingClientRect();
      const rows = [...document.querySelectorAll('div.grid .body .row')];
      const visible = rows.find((r) => {
        const b = r.getBoundingClientRect();
        return b.top > scroller.top + 80 && b.bottom < scroller.bottom;
      })!;
      return visible.querySelector('.cell.key')!.getBoundingClientRect().left - scroller.left;
    });
    expect(Math.abs(keyLeft)).toBeLessThan(2);
    console.log(
      `run compare 200 runs × 500 keys: message to first frame ${renderMs.toFixed(0)} ms (validation ${parseMs} ms), ` +
        `differences only on ${onMs.toFixed(0)} ms / off ${offMs.toFixed(0)} ms, scroll to the middle ${scrollMs.toFixed(0)} ms`,
    );
  });
});

function hexToRgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}
