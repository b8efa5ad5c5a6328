// The Runs Table's virtualized grid at scale: 10,000 runs × 500 columns generated in the page, first
// paint timed, the DOM bounded, scrolling to either end, and screenshots in light and dark themes.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_PALETTE, runColors } from '../../core/util/runColors';
import { usePanels } from './fixtures';
import { THEMES, type ThemeName } from './harness';
import { BIG, frames, generateRuns, readGrid, sendGenerated } from './runsTableFixtures';

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
    // Each name carries the run's colour, the one the plots and compare views draw it with: runs
    // coloured in start order, so the newest runs, one after another, each have their own colour.
    const colors = runColors(generateRuns(BIG));
    const swatches: string[] = [];
    for (const index of [0, 1, 2, 3]) {
      const row = p.page.locator(`.grid-row[data-index="${index}"]`);
      const runId = (await row.getAttribute('data-run-id')) as string;
      const swatch = await row
        .locator('.cell.pinned .swatch')
        .evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(swatch).toBe(rgb(colors.get(runId) as string));
      swatches.push(swatch);
    }
    expect(new Set(swatches).size).toBe(4);
    expect(swatches[0]).toBe(rgb(RUN_PALETTE[(BIG.runs - 1) % RUN_PALETTE.length] as string));

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

  it('groups 10,000 runs by two params with aggregates, and still paints (time printed)', async () => {
    const state = {
      sort: [{ column: 'metric:acc', desc: true }],
      filter: '',
      hidden: [],
      shown: [],
      differingOnly: false,
      selected: [],
      groupBy: ['param:batch', 'param:seed'],
      aggregate: 'mean',
      expanded: ['param:batch=64;', 'param:batch=64;param:seed=3;'],
      pinnedRuns: [],
      order: [],
      pinnedColumns: ['metric:acc'],
      starredOnly: false,
    };
    const p = await panel({ theme: 'dark', state });
    const ms = await sendGenerated(p, BIG);
    console.log(
      `runs table first paint, ${BIG.runs} runs × 500 columns, grouped by 2 params: ${ms.toFixed(0)} ms`,
    );
    const view = await readGrid(p);
    const groups = view.rows.filter((r) => r.group);
    // The same runs generated here: group sizes and the row count follow from them.
    const runs = generateRuns(BIG);
    const size = (batch: number, seed?: number): number =>
      runs.filter((r) => r.params?.batch === batch && (seed === undefined || r.params?.seed === seed)).length;
    for (const g of groups) {
      const [, batch] = /^batch: (\d+)$/.exec(g.group?.label ?? '') ?? [];
      if (g.group?.level === 1) expect(g.group.count).toBe(size(Number(batch)));
    }
    expect(groups.find((g) => g.group?.label === 'batch: 64')?.group?.expanded).toBe(true);
    expect(groups.filter((g) => g.group?.level === 2).map((g) => g.group?.count)).toEqual(
      groups.filter((g) => g.group?.level === 2).map((g) => size(64, Number(g.group?.label.slice(6)))),
    );
    // 3 batch groups, batch 64's 5 seed groups, seed 3's runs (what is in view is drawn).
    expect(await p.page.locator('.grid').getAttribute('aria-rowcount')).toBe(String(1 + 3 + 5 + size(64, 3)));
    expect(groups.every((g) => / ± /.test(g.cells['metric:acc'] ?? ''))).toBe(true);
    expect(view.columns.slice(0, 2)).toEqual(['name', 'metric:acc']);
    expect(await p.page.locator('.grid .cell').count()).toBeLessThan(1500);
    // Runs of seed 3 inside batch 64 follow their group, sorted by acc, descending.
    const seed3 = view.rows.findIndex((r) => r.group?.key === 'param:batch=64;param:seed=3;');
    const inside = view.rows
      .slice(seed3 + 1)
      .filter((r) => !r.group)
      .slice(0, 10);
    const acc = inside.map((r) => Number(r.cells['metric:acc']));
    expect(acc.length).toBeGreaterThan(0);
    expect(acc).toEqual([...acc].sort((a, b) => b - a));
  });

  for (const theme of Object.keys(THEMES) as ThemeName[]) {
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
      const expected = rgb(THEMES[theme].colors['editor-background'] as string);
      expect(backgrounds).toEqual([expected, expected]);
    });
  }
});

function filterBox(p: Awaited<ReturnType<typeof panel>>) {
  return p.page.getByRole('searchbox', { name: 'Filter runs' });
}
