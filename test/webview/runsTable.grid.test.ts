// The Runs Table's virtualized grid at scale: 10,000 runs × 500 columns generated in the page, first
// paint timed, the DOM bounded, scrolling to either end, and screenshots in light and dark themes.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runColor } from '../../webview-ui/shared/colors';
import { usePanels } from './fixtures';
import { BIG, frames, readGrid, sendGenerated } from './runsTableFixtures';

const panel = usePanels();

/** `#rrggbb` as the browser reports a computed colour. */
function rgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}
const OUT = path.resolve(__dirname, '../../test-output/webview');

describe('Runs Table webview: 10,000 runs × 500 columns', () => {
  it('paints quickly, keeps only the cells in view in the DOM, and scrolls to the last run and column', async () => {
    const p = await panel({ theme: 'dark' });
    const ms = await sendGenerated(p, BIG);
    console.log(`runs table first paint, ${BIG.runs} runs × 500 columns: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(3000);

    expect(await p.page.locator('.count').textContent()).toBe('10000');
    expect(await p.page.locator('.grid').getAttribute('aria-rowcount')).toBe('10001');
    expect(await p.page.locator('.grid').getAttribute('aria-colcount')).toBe('500');
    const cellCount = (): Promise<number> => p.page.locator('.grid .cell').count();
    expect(await cellCount()).toBeLessThan(1500);
    let view = await readGrid(p);
    // Newest first by default (sorted by start, descending).
    expect(view.rows[0]?.cells.name).toBe('run-09999');
    expect(view.columns.slice(0, 4)).toEqual(['name', 'status', 'id', 'experiment']);
    // Each name carries the run's colour, the one the metric plots draw it with.
    const first = p.page.locator('.grid-row[data-index="0"]');
    const runId = (await first.getAttribute('data-run-id')) as string;
    const swatch = await first
      .locator('.cell.pinned .swatch')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(swatch).toBe(rgb(runColor(runId)));

    // Scroll to the bottom right: the last run and the last column are drawn, the name stays pinned.
    await p.page.locator('.grid').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
      el.scrollLeft = el.scrollWidth;
    });
    await frames(p);
    await frames(p);
    view = await readGrid(p);
    expect(view.rows.at(-1)?.cells.name).toBe('run-00000');
    expect(view.columns.at(-1)).toBe('input:data/set2');
    expect(view.columns[0]).toBe('name');
    expect(await cellCount()).toBeLessThan(1500);
    // The last row is really in view, below the sticky header.
    const box = await p.page.locator('.grid-row[data-index="9999"]').boundingBox();
    const grid = await p.page.locator('.grid').boundingBox();
    expect(box && grid && box.y + box.height <= grid.y + grid.height + 1).toBe(true);
    const pinned = await p.page.locator('.grid-row[data-index="9999"] .cell.pinned').boundingBox();
    expect(pinned && grid && Math.abs(pinned.x - grid.x) < 2).toBe(true);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is themed by VS Code's ${theme} theme (screenshot: runs-table-${theme}.png)`, async () => {
      const p = await panel({ theme });
      await sendGenerated(p, { ...BIG, runs: 400 });
      await p.page.locator('.grid-header [data-column="commit"] button').click({ timeout: 5000 });
      await p.page
        .locator('.grid-header [data-column="duration"] button')
        .click({ modifiers: ['Shift'], timeout: 5000 });
      await p.page.locator('.grid-row[data-index="2"] .cell.pinned').click({ timeout: 5000 });
      await p.page
        .locator('.grid-row[data-index="4"] .cell.pinned')
        .click({ modifiers: ['Control'], timeout: 5000 });
      await frames(p);
      await mkdir(OUT, { recursive: true });
      await p.page.screenshot({ path: path.join(OUT, `runs-table-${theme}.png`), timeout: 5000 });
      await p.page.locator('.grid').evaluate((el) => {
        el.scrollLeft = 3000;
        el.scrollTop = 2000;
      });
      await frames(p);
      await filterBox(p).fill('lr < ', { timeout: 5000 });
      await p.page.locator('.column-picker summary').click({ timeout: 5000 });
      await p.page.getByRole('searchbox', { name: 'Find columns' }).fill('acc', { timeout: 5000 });
      await frames(p);
      await p.page.screenshot({ path: path.join(OUT, `runs-table-${theme}-scrolled.png`), timeout: 5000 });
      // The sticky header and the pinned name cells are opaque: scrolled cells never show through.
      const backgrounds = await p.page.evaluate(() =>
        [
          document.querySelector('.grid-header'),
          document.querySelector('.grid-row:not(.selected) .cell.pinned'),
        ].map((el) => getComputedStyle(el as Element).backgroundColor),
      );
      const expected = theme === 'dark' ? 'rgb(31, 31, 31)' : 'rgb(255, 255, 255)';
      expect(backgrounds).toEqual([expected, expected]);
    });
  }
});

function filterBox(p: Awaited<ReturnType<typeof panel>>) {
  return p.page.getByRole('searchbox', { name: 'Filter runs' });
}
