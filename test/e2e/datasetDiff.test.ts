import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputDir } from '../helpers/chromium';
import { openWorkbench, runCommand, type Workbench } from '../helpers/codeServer';

const shots = outputDir('e2e');

/**
 * The demo workspace holds two versions of `data/` (v2 relabels 6 rows, drops 3, adds 10 and a
 * NOTES.txt) and `keys: {"data/*.csv": [id]}` in lineage.yaml.
 */
describe('Dataset Diff in a real VS Code (code-server 4.96)', () => {
  let bench: Workbench;
  let page: Page;

  beforeAll(async () => {
    bench = await openWorkbench([{ name: 'baseline', lr: 0.1, epochs: 5 }]);
    ({ page } = bench);
  });

  afterAll(() => bench?.close());

  const panel = (): FrameLocator =>
    page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const quickInput = (): Locator => page.locator('.quick-input-widget .quick-input-box input');

  /** In an open revision picker, type `rev` and accept it. */
  async function pick(title: RegExp, rev: string): Promise<void> {
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: title })
      .waitFor({ timeout: 30_000 });
    await quickInput().fill(rev);
    await page.keyboard.press('Enter');
  }

  it('compares two commits picked from the palette: the file tree of changes, then a table file row by row', async () => {
    await runCommand(page, 'Lineage: Diff Dataset…');
    // One dataset in the workspace: no dataset picker; then the two revisions.
    await pick(/Diff data: compare from/, 'HEAD~1');
    await pick(/Diff data: HEAD~1 → compare to/, 'HEAD');

    const view = panel();
    const rows = view.locator('[role="treeitem"]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(await view.locator('[role="treeitem"][data-path="train.csv"]').textContent()).toMatch(/M/);
    expect(await view.locator('[role="treeitem"][data-path="NOTES.txt"]').textContent()).toMatch(/A/);
    expect(await view.locator('body').textContent()).toMatch(/HEAD~1 \(\w{7}\)/);
    await page.screenshot({ path: path.join(shots, 'dataset-diff-files.png') });

    await view.locator('[role="treeitem"][data-path="train.csv"]').click();
    const counts = view.locator('dl.row-counts');
    await counts.waitFor({ timeout: 30_000 });
    const count = (kind: string): Promise<string | null> =>
      counts.locator(`[data-kind="${kind}"] dd`).textContent();
    expect(await count('added')).toBe('10');
    expect(await count('removed')).toBe('3');
    expect(await count('changed')).toBe('6');
    // Rows are matched on `id` (lineage.yaml keys); the relabelled rows show old → new labels.
    const table = view.locator('table.rows-table');
    expect(await table.locator('thead th.key').allTextContents()).toEqual(['id']);
    expect(await table.locator('tbody tr').count()).toBe(19);
    const changed = table.locator('tbody tr[data-change="changed"]');
    expect(await changed.count()).toBe(6);
    const first = changed.first();
    expect(await first.locator('td.key').textContent()).toBe('4');
    expect([
      await first.locator('del.old').textContent(),
      await first.locator('ins.new').textContent(),
    ]).toEqual(['1', '0']);
    await page.screenshot({ path: path.join(shots, 'dataset-diff-table.png') });
  });

  it('opens a non-table file in an editor tab with its content at the chosen revision', async () => {
    const view = panel();
    await view.locator('[role="treeitem"][data-path="NOTES.txt"]').click();
    const tab = page.locator('.tabs-container .tab', { hasText: 'NOTES.txt' });
    await tab.waitFor({ timeout: 30_000 });
    await page
      .locator('.editor-instance .view-lines', { hasText: 'v2: relabelled 6 points after review' })
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'dataset-diff-open-file.png') });
  });

  it('compares the workspace with a run: the run stands for the data at its commit', async () => {
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Lineage: Compare Dataset with…');
    await pick(/Compare data in the workspace with/, 'baseline');
    const view = panel();
    await expect
      .poll(async () => (await view.locator('body').textContent()) ?? '', { timeout: 30_000 })
      .toMatch(/run baseline/);
    // The run ran on v1; the workspace holds v2.
    await view.locator('[role="treeitem"][data-path="train.csv"]').waitFor({ timeout: 30_000 });
    expect(await view.locator('[role="treeitem"]').count()).toBe(2);
  });
});
