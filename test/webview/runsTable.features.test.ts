// The Runs Table's grouping (aggregates across seeds), stars, pinned runs, column reorder / pin /
// hide, the native context menus' data-vscode-context, and their saved state, in the real bundle.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMetric } from '../../core/util/format';
import type { RunSummary } from '../../protocol/runs';
import { usePanels } from './fixtures';
import { THEMES, type RunsTablePage, type ThemeName } from './harness';
import {
  cells,
  clickHeader,
  clickRow,
  filterBox,
  frames,
  generateRuns,
  readGrid,
  setToggle,
  SMALL,
  WIDE,
} from './runsTableFixtures';

const panel = usePanels();
const viewport = WIDE;
const OUT = path.resolve(__dirname, '../../test-output/webview');
const data = (): RunSummary[] => generateRuns(SMALL);

async function open(runs = data(), state?: unknown, size = viewport) {
  const p = await panel({ theme: 'dark', viewport: size, state });
  await p.send({ type: 'runs', result: { runs, problems: [] } });
  return p;
}

/** Pick an option of a toolbar select (a vscode-single-select) as a user does. */
async function choose(p: RunsTablePage, select: string, option: string): Promise<void> {
  const el = p.page.locator(`vscode-single-select.${select}`);
  await el.click();
  await el.getByRole('option', { name: option, exact: true }).click();
  await frames(p);
}

const command = (p: RunsTablePage, name: string, ids: { runId?: string; columnId?: string }) =>
  p.send({ type: 'command', command: name, ...ids });

/** Mean and sample standard deviation, the textbook way. */
function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { mean, std };
}

describe('Runs Table webview: groups, stars, pins and column layout', () => {
  it('groups by a param with mean ± std (min, max) across seeds, expands, collapses and sorts in groups', async () => {
    const runs = data();
    const p = await open(runs);
    await choose(p, 'group-by', 'lr');
    let view = await readGrid(p);
    const lrs = [...new Set(runs.map((r) => r.params?.lr as number))];
    expect(view.rows).toHaveLength(lrs.length);
    expect(view.rows.every((r) => r.group && !r.group.expanded)).toBe(true);
    expect(await p.page.locator('.grid').getAttribute('role')).toBe('treegrid');
    for (const row of view.rows) {
      const lr = lrs.find((v) => row.group?.label === `lr: ${formatMetric(v)}`) as number;
      const members = runs.filter((r) => r.params?.lr === lr);
      expect(row.group?.count).toBe(members.length);
      const acc = members.map((r) => r.metrics.acc as number);
      const { mean, std } = meanStd(acc);
      expect(row.cells['metric:acc']).toBe(
        acc.length > 1
          ? `${formatMetric(mean)} ± ${formatMetric(Number(std.toPrecision(2)))}`
          : formatMetric(mean),
      );
      const seeds = new Set(members.map((r) => r.params?.seed));
      expect(row.cells['param:seed']).toContain(seeds.size > 1 ? '±' : '');
      expect(row.cells['param:optimizer']).toBe('adam');
      const title = await p.page
        .locator(`.group-row[data-group='${row.group?.key}'] .cell[aria-colindex]`)
        .nth(view.columns.indexOf('metric:acc'))
        .getAttribute('title');
      expect(title).toContain(`min ${formatMetric(Math.min(...acc))}, max ${formatMetric(Math.max(...acc))}`);
    }
    expect(await p.page.locator('.count').textContent()).toBe('25');

    // Expand the first group: its runs follow it, one level down; the keyboard collapses it.
    const first = view.rows[0]?.group;
    await p.page.locator('.group-row').first().click();
    view = await readGrid(p);
    expect(view.rows[0]?.group?.expanded).toBe(true);
    const inside = view.rows.slice(1, 1 + (first?.count ?? 0));
    expect(inside.every((r) => r.group === null)).toBe(true);
    expect(view.rows[1 + (first?.count ?? 0)]?.group).not.toBeNull();
    await p.page.keyboard.press('ArrowLeft');
    expect((await readGrid(p)).rows.filter((r) => !r.group)).toHaveLength(0);
    await p.page.keyboard.press('Enter');
    expect((await readGrid(p)).rows.filter((r) => !r.group)).toHaveLength(first?.count ?? 0);

    // Sort by acc: groups by their mean, runs inside the expanded group by their value.
    await clickHeader(p, 'metric:acc');
    view = await readGrid(p);
    const groupMeans = view.rows.flatMap((r) =>
      r.group
        ? [
            meanStd(
              runs
                .filter((x) => `lr: ${formatMetric(x.params?.lr as number)}` === r.group?.label)
                .map((x) => x.metrics.acc as number),
            ).mean,
          ]
        : [],
    );
    expect(groupMeans).toEqual([...groupMeans].sort((a, b) => a - b));
    const accInside = cells(view, 'metric:acc')
      .filter((_, i) => !view.rows[i]?.group)
      .map(Number);
    expect(accInside.length).toBe(first?.count);
    expect(accInside).toEqual([...accInside].sort((a, b) => a - b));

    // Max instead of mean ± std: the cells and the group order follow.
    await choose(p, 'aggregate', 'max');
    view = await readGrid(p);
    const maxes = view.rows.flatMap((r) => (r.group ? [Number(r.cells['metric:acc'])] : []));
    expect(maxes).toEqual([...maxes].sort((a, b) => a - b));
    expect(await p.savedState()).toMatchObject({
      groupBy: ['param:lr'],
      aggregate: 'max',
      expanded: [first?.key],
    });
  });

  it('filters before grouping and nests a second grouping column', async () => {
    const runs = data();
    const p = await open(runs);
    await filterBox(p).fill('batch != 32');
    await command(p, 'groupByColumn', { columnId: 'experiment' });
    await choose(p, 'then-by', 'batch');
    const kept = runs.filter((r) => r.params?.batch !== 32);
    let view = await readGrid(p);
    expect(view.rows.map((r) => r.group?.label)).toEqual(
      [...new Set(kept.map((r) => r.experiment))].map((e) => `Experiment: ${e}`),
    );
    expect(view.rows.reduce((n, r) => n + (r.group?.count ?? 0), 0)).toBe(kept.length);
    await p.page.locator('.group-row').first().click();
    view = await readGrid(p);
    const sub = view.rows.filter((r) => r.group?.level === 2);
    expect(sub.length).toBeGreaterThan(0);
    expect(sub.every((r) => /^batch: (64|128)$/.test(r.group?.label ?? ''))).toBe(true);
    expect((await p.savedState()) as object).toMatchObject({ groupBy: ['experiment', 'param:batch'] });
  });

  it('stars runs through the host, shows starred only, and pins runs under the header', async () => {
    const runs = data();
    const p = await open(runs, undefined, { width: 1400, height: 400 });
    const ids = (await readGrid(p)).rows.map((r) => r.id);
    await p.page.locator(`.grid-row[data-run-id="${ids[2]}"] .star`).click();
    expect((await p.posted()).at(-1)).toEqual({ type: 'setStar', ids: [ids[2]], starred: true });
    expect((await readGrid(p)).rows.find((r) => r.id === ids[2])?.starred).toBe(true);
    // The host answers with the workspace's stars (another window may have starred one too).
    await p.send({ type: 'stars', ids: [ids[2], ids[5]] });
    await setToggle(p, 'Starred only', true);
    let view = await readGrid(p);
    expect(view.rows.map((r) => r.id)).toEqual([ids[2], ids[5]]);
    expect(await p.page.locator('.count').textContent()).toBe('2 of 25');
    await setToggle(p, 'Starred only', false);

    // Pin one with the keyboard (P on the focused row) and one from the context menu.
    await clickRow(p, ids[7] as string);
    await p.page.keyboard.press('p');
    await command(p, 'pinRun', { runId: ids[3] });
    view = await readGrid(p);
    expect(view.rows.slice(0, 2).map((r) => [r.id, r.pinned])).toEqual([
      [ids[3], true],
      [ids[7], true],
    ]);
    // Whatever the sort and filter, they stay on top.
    await clickHeader(p, 'name');
    await filterBox(p).fill(`name == "${runs.find((r) => r.id === ids[10])?.name}"`);
    view = await readGrid(p);
    // Pinned runs follow the sort among themselves (by name: the older run-… first).
    expect(view.rows.map((r) => r.id)).toEqual([ids[7], ids[3], ids[10]]);
    await filterBox(p).fill('');
    // And stay in view when the table scrolls.
    await p.page.locator('.grid').evaluate((el) => (el.scrollTop = 400));
    await frames(p);
    const grid = await p.page.locator('.grid').boundingBox();
    expect(await p.page.locator('.grid').evaluate((el) => el.scrollTop)).toBeGreaterThan(200);
    // Under the 28 px header (and the grid's 1 px top border), second of the two pinned rows.
    const pinnedRow = await p.page.locator(`.grid-row[data-run-id="${ids[3]}"]`).boundingBox();
    expect(Math.round((pinnedRow?.y ?? 0) - (grid?.y ?? 0))).toBe(1 + 28 + 24);
    await command(p, 'unpinRun', { runId: ids[3] });
    expect((await p.savedState()) as object).toMatchObject({ pinnedRuns: [ids[7]] });
  });

  it('reorders columns by drag and by the keyboard, pins and hides them from the header menu', async () => {
    const p = await open(data(), undefined, { width: 1400, height: 500 });
    const order = async (): Promise<string[]> => (await readGrid(p)).columns;
    const head = (id: string) => p.page.locator(`.grid-header [data-column="${id}"]`);
    await head('param:lr').dragTo(head('status'), { targetPosition: { x: 4, y: 10 } });
    expect((await order()).slice(0, 3)).toEqual(['name', 'param:lr', 'status']);

    await head('param:batch').locator('button').focus();
    await p.page.keyboard.press('Control+Shift+ArrowLeft');
    await p.page.keyboard.press('Control+Shift+ArrowLeft');
    const now = await order();
    expect(now.slice(5, 9)).toEqual(['commit', 'param:batch', 'started', 'duration']);
    expect(
      await p.page.evaluate(() =>
        document.activeElement?.closest('[data-column]')?.getAttribute('data-column'),
      ),
    ).toBe('param:batch');
    expect(now.slice(0, 2)).toEqual(['name', 'param:lr']);
    await command(p, 'moveColumnRight', { columnId: 'param:lr' });
    expect((await order()).slice(0, 3)).toEqual(['name', 'status', 'param:lr']);

    // Pin acc beside Name: it stays on the left when the table scrolls right.
    await command(p, 'pinColumn', { columnId: 'metric:acc' });
    expect((await order()).slice(0, 2)).toEqual(['name', 'metric:acc']);
    await p.page.locator('.grid').evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await frames(p);
    const grid = await p.page.locator('.grid').boundingBox();
    const acc = await head('metric:acc').boundingBox();
    expect(acc && grid && Math.abs(acc.x - (grid.x + 200)) <= 1).toBe(true);
    expect(await order()).toContain('input:data/set0');

    await command(p, 'hideColumn', { columnId: 'param:seed' });
    expect(await order()).not.toContain('param:seed');
    expect((await p.savedState()) as object).toMatchObject({
      pinnedColumns: ['metric:acc'],
      hidden: ['param:seed'],
    });
    const saved = (await p.savedState()) as { order: string[] };
    expect(saved.order.slice(0, 3)).toEqual(['status', 'param:lr', 'id']);
  });

  it('puts data-vscode-context on rows, group rows and headers for the native context menus', async () => {
    const runs = data();
    const p = await open(runs);
    const run = runs[0] as RunSummary;
    await p.send({ type: 'stars', ids: [run.id] });
    const context = (selector: string) =>
      p.page
        .locator(selector)
        .first()
        .evaluate((el) => JSON.parse((el as HTMLElement).dataset.vscodeContext ?? 'null'));
    expect(await context(`.grid-row[data-run-id="${run.id}"]`)).toEqual({
      webviewSection: 'run',
      runId: run.id,
      runStatus: run.status,
      runStarred: true,
      runPinned: false,
      preventDefaultContextMenuItems: true,
    });
    expect(await context('.grid-header [data-column="param:lr"]')).toEqual({
      webviewSection: 'column',
      columnId: 'param:lr',
      columnPinned: false,
      columnGrouped: false,
      columnMovable: true,
      preventDefaultContextMenuItems: true,
    });
    await command(p, 'groupByColumn', { columnId: 'param:lr' });
    expect(await context('.grid-header [data-column="param:lr"]')).toMatchObject({ columnGrouped: true });
    expect(await context('.grid-header [data-column="name"]')).toMatchObject({
      columnPinned: true,
      columnMovable: false,
    });
    expect(await context('.group-row')).toEqual({
      webviewSection: 'group',
      groupColumn: 'param:lr',
      preventDefaultContextMenuItems: true,
    });
  });

  it('restores grouping, aggregate, expanded groups, pins, column layout and starred-only in a fresh page', async () => {
    const runs = data();
    const first = await open(runs);
    const ids = (await readGrid(first)).rows.map((r) => r.id);
    await first.send({ type: 'stars', ids: ids.slice(0, 12) });
    await command(first, 'pinRun', { runId: ids[20] });
    await command(first, 'pinColumn', { columnId: 'metric:loss' });
    await command(first, 'moveColumnLeft', { columnId: 'param:optimizer' });
    await choose(first, 'group-by', 'batch');
    await choose(first, 'aggregate', 'min');
    await first.page.locator('.group-row').nth(1).click();
    await setToggle(first, 'Starred only', true);
    const before = await readGrid(first);
    const saved = await first.savedState();

    const second = await open(runs, saved);
    await second.send({ type: 'stars', ids: ids.slice(0, 12) });
    const after = await readGrid(second);
    expect(after.columns).toEqual(before.columns);
    expect(after.rows.map((r) => [r.id, r.group?.label, r.cells['metric:acc'], r.pinned])).toEqual(
      before.rows.map((r) => [r.id, r.group?.label, r.cells['metric:acc'], r.pinned]),
    );
    expect(after.rows[0]?.id).toBe(ids[20]);
    expect(await second.page.getByRole('checkbox', { name: 'Starred only' }).isChecked()).toBe(true);
    expect(
      await second.page
        .locator('vscode-single-select.aggregate')
        .evaluate((el) => (el as HTMLSelectElement).value),
    ).toBe('min');
  });

  for (const theme of Object.keys(THEMES) as ThemeName[]) {
    it(`draws groups, stars and pins in the ${theme} theme (runs-table-groups-${theme}.png)`, async () => {
      const p = await panel({ theme, viewport: { width: 1180, height: 560 } });
      const runs = generateRuns({ ...SMALL, runs: 60 });
      await p.send({ type: 'runs', result: { runs, problems: [] } });
      await p.send({ type: 'stars', ids: [runs[1]?.id, runs[4]?.id] });
      await command(p, 'pinRun', { runId: runs[4]?.id });
      await command(p, 'pinColumn', { columnId: 'metric:acc' });
      await command(p, 'groupByColumn', { columnId: 'param:lr' });
      await command(p, 'groupByColumn', { columnId: 'param:batch' });
      await p.page.locator('.group-row').first().click();
      await p.page.locator('.group-row').nth(1).click();
      await p.page.locator('.grid-body .grid-row:not(.group-row)').first().click();
      await frames(p);
      await mkdir(OUT, { recursive: true });
      await p.page.screenshot({ path: path.join(OUT, `runs-table-groups-${theme}.png`) });
      await p.page.locator('vscode-single-select.group-by').click();
      await frames(p);
      await p.page.screenshot({ path: path.join(OUT, `runs-table-toolbar-${theme}.png`) });
    });
  }
});
