import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shortRunId } from '../../core/util/format';
import { outputDir } from '../helpers/chromium';
import {
  openWorkbench,
  paletteCommand,
  quickInput,
  quickInputTitled,
  type Workbench,
} from '../helpers/codeServer';

const shots = outputDir('e2e');

/**
 * The whole loop of comparing two trainings in the editor: run the demo's `train` experiment twice
 * with different learning rates, select both runs in the Runs Table, and see both loss/accuracy
 * curves in the Metric Plots view, each in its run's colour.
 */
describe('Metric Plots in a real VS Code (code-server 4.96)', () => {
  let bench: Workbench;
  let page: Page;
  let workspace: string;

  beforeAll(async () => {
    bench = await openWorkbench([]);
    ({ page, workspace } = bench);
  });

  afterAll(() => bench?.close());
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail')
      await page?.screenshot({ path: path.join(shots, 'metric-plots-failure.png') });
  });

  const runsDir = (): string => path.join(workspace, '.lineage', 'runs');
  const runIds = (): string[] => (existsSync(runsDir()) ? readdirSync(runsDir()).sort() : []);
  const statusOf = (id: string): string | null => {
    const file = path.join(runsDir(), id, 'status.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { status: string }).status : null;
  };

  /** "Lineage: Run Experiment…" → train with `params`; resolves with the new run's id once it finished. */
  async function runTrain(params: string): Promise<string> {
    const before = new Set(runIds());
    // The pick and the params input both close when a finished run's terminal closes: retried.
    await paletteCommand(page, 'Lineage: Run Experiment…', async () => {
      await quickInputTitled(page, 'Lineage: Run Experiment')();
      await page
        .locator('.quick-input-widget .monaco-list-row', { hasText: 'train' })
        .first()
        .click({ timeout: 5_000 });
      await quickInputTitled(page, 'Lineage: Run train: params')();
    });
    await quickInput(page).fill(params);
    await page.keyboard.press('Enter');
    await quickInput(page).waitFor({ state: 'hidden' });
    let id = '';
    await expect
      .poll(() => (id = runIds().find((x) => !before.has(x)) ?? ''), { timeout: 30_000 })
      .not.toBe('');
    await expect.poll(() => statusOf(id), { timeout: 90_000 }).toBe('finished');
    // Its terminal closes once `lineage run` has exited (moving the focus): wait for that.
    await page.locator('.panel .terminal-wrapper').first().waitFor({ state: 'hidden', timeout: 30_000 });
    return id;
  }

  /** The (nested) frame of the webview whose document has `selector`. */
  async function webview(selector: string): Promise<Frame> {
    let found: Frame | undefined;
    await expect
      .poll(
        async () => {
          for (const f of page.frames()) {
            if (
              await f
                .locator(selector)
                .count()
                .catch(() => 0)
            )
              return (found = f) && true;
          }
          return false;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    return found!;
  }

  let ids: string[] = [];
  let table: Frame | undefined;
  let plots: Frame | undefined;

  /** The background colour of the first element matching `selector` in `frame`, as #rrggbb. */
  const swatchColour = (frame: Frame, selector: string): Promise<string> =>
    frame
      .locator(selector)
      .first()
      .evaluate((el) => {
        const rgb = (getComputedStyle(el).backgroundColor.match(/\d+/g) ?? []).slice(0, 3).map(Number);
        return '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
      });

  it('runs train twice, selects both runs in the Runs Table, and plots both curves in their colours', async () => {
    // Two runs with different learning rates, one after the other: they get neighbouring colours
    // of the run palette, which differ.
    ids = [await runTrain('lr=0.05 epochs=30 delay=0'), await runTrain('lr=0.5 epochs=30 delay=0')];

    // The Runs Table: click the first run, Ctrl+click the second.
    await paletteCommand(page, 'Lineage: Open Runs Table', () => webview('.grid-body .grid-row'));
    table = await webview('.grid-body .grid-row');
    const row = (id: string) => table!.locator(`.grid-row[data-run-id="${id}"]`);
    for (const id of ids) await row(id).waitFor({ timeout: 30_000 });
    await row(ids[0]!).locator('.cell.pinned').click();
    await row(ids[1]!)
      .locator('.cell.pinned')
      .click({ modifiers: ['Control'] });
    for (const id of ids) await expect.poll(() => row(id).getAttribute('aria-selected')).toBe('true');
    await page.screenshot({ path: path.join(shots, 'metric-plots-selection.png') });

    // The Metric Plots view follows the selection: both runs in the legend, both drawn.
    await paletteCommand(page, 'Lineage: Show Metric Plots', () => webview('.plot canvas'));
    plots = await webview('.plot canvas');
    const legend = plots.locator('.legend li');
    await expect
      .poll(async () => (await legend.evaluateAll((li) => li.map((l) => l.getAttribute('data-id')))).sort())
      .toEqual([...ids].sort());
    await expect.poll(() => plots!.locator('.legend li.absent').count()).toBe(0);
    // Both are called after their experiment: the legend tells them apart by their short ids.
    expect((await legend.locator('.name').allTextContents()).sort()).toEqual(
      ids.map((id) => `train · ${shortRunId(id)}`).sort(),
    );
    await expect.poll(() => plots!.locator('#root').getAttribute('data-drawn')).not.toBeNull();
    await expect.poll(() => plots!.locator('.status').textContent()).toMatch(/^2 runs · 60 points$/);
    await page.screenshot({ path: path.join(shots, 'metric-plots-workbench.png') });

    // Each curve in its run's colour, as the legend shows it.
    const colours = await Promise.all(
      ids.map((id) => swatchColour(plots!, `.legend li[data-id="${id}"] .swatch`)),
    );
    expect(colours[0]).not.toBe(colours[1]);
    const png = await plots.locator('.plot canvas').screenshot();
    writeFileSync(path.join(shots, 'metric-plots-canvas.png'), png);
    const counts = await pixelsNear(page, png, colours);
    console.log(`canvas pixels near ${colours.join(', ')}: ${counts.join(', ')}`);
    // Each 30-point curve, 1.5 px wide across a plot hundreds of pixels wide, inks well over 100
    // pixels in its own colour; a missing curve leaves (almost) none.
    expect(counts[0], `pixels of ${colours[0]} (run ${ids[0]})`).toBeGreaterThan(100);
    expect(counts[1], `pixels of ${colours[1]} (run ${ids[1]})`).toBeGreaterThan(100);
  });

  it('gives each run the same colour in the Metric Plots as in the Runs Table', async () => {
    expect(ids, 'needs the runs of the test above').toHaveLength(2);
    for (const id of ids) {
      const inTable = await swatchColour(table!, `.grid-row[data-run-id="${id}"] .swatch`);
      const inPlots = await swatchColour(plots!, `.legend li[data-id="${id}"] .swatch`);
      expect(inPlots, `run ${id}: legend swatch vs Runs Table swatch`).toBe(inTable);
    }
  });
});

/** How many pixels of the PNG `png` lie within a small distance of each `#rrggbb` colour. */
async function pixelsNear(page: Page, png: Buffer, colours: string[]): Promise<number[]> {
  // Decoded by Chromium in a blank page of the same browser (no PNG decoder in the test's deps).
  const scratch = await page.context().browser()!.newPage();
  try {
    return await scratch.evaluate(
      async ({ data, wanted }) => {
        const bitmap = await createImageBitmap(await (await fetch(data)).blob());
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        const px = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
        const rgb = wanted.map((hex) => {
          const n = Number.parseInt(hex.slice(1), 16);
          return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
        });
        const counts = wanted.map(() => 0);
        for (let i = 0; i < px.length; i += 4) {
          rgb.forEach(([r, g, b], k) => {
            const d = Math.abs(px[i]! - r!) + Math.abs(px[i + 1]! - g!) + Math.abs(px[i + 2]! - b!);
            if (d <= 40) counts[k]! += 1;
          });
        }
        return counts;
      },
      { data: `data:image/png;base64,${png.toString('base64')}`, wanted: colours },
    );
  } finally {
    await scratch.close();
  }
}
