import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineage } from '../../scripts/demo/workspace.mjs';
import { outputDir } from '../helpers/chromium';
import { openWorkbench, runCommand, type Workbench } from '../helpers/codeServer';

const shots = outputDir('e2e');

describe('Lineage in a real VS Code (code-server 4.96)', () => {
  let bench: Workbench;
  let page: Page;
  let workspace: string;

  beforeAll(async () => {
    bench = await openWorkbench([
      { name: 'baseline', lr: 0.05, epochs: 30 },
      { name: 'high-lr', lr: 0.5, epochs: 30 },
    ]);
    ({ page, workspace } = bench);
  });

  afterAll(() => bench?.close());

  const runsTable = (): FrameLocator =>
    page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  it('opens the Runs Table from the command palette and lists both recorded runs', async () => {
    await runCommand(page, 'Lineage: Open Runs Table');
    const table = runsTable();
    const rows = table.locator('.grid-body .grid-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    const names = await table.locator('.grid-row .cell.pinned').allTextContents();
    expect(names.sort()).toEqual(['baseline', 'high-lr']);
    // Only the columns in view are drawn (the grid is virtualized): the run columns come first.
    const headers = await table.locator('.grid-header [role=columnheader]').allTextContents();
    expect(headers.slice(0, 7)).toEqual([
      'Name',
      'Status',
      'Run',
      'Experiment',
      'Commit',
      'Started',
      'Duration',
    ]);
    expect(await table.locator('.grid-row [data-status]').allTextContents()).toEqual([
      'finished',
      'finished',
    ]);
    await page.screenshot({ path: path.join(shots, 'runs-table.png') });
  });

  it('shows runs and datasets in the Lineage activity-bar trees', async () => {
    await page.locator('.activitybar .action-item a[aria-label^="Lineage"]').click();
    const tree = page.locator('.pane .monaco-list-row[role="treeitem"]');
    await tree.filter({ hasText: 'baseline' }).first().waitFor({ timeout: 30_000 });
    await tree.filter({ hasText: 'high-lr' }).first().waitFor();
    await expect
      .poll(() => tree.filter({ hasText: /^data/ }).filter({ hasText: 'clean' }).count(), { timeout: 30_000 })
      .toBe(1);
    await page.screenshot({ path: path.join(shots, 'trees.png') });
  });

  it('updates the panel and the Runs tree when a new run finishes, without a reload', async () => {
    lineage(
      workspace,
      'run',
      '--name',
      'third',
      '--',
      'python3',
      'train.py',
      '--lr',
      '0.2',
      '--epochs',
      '10',
    );
    const table = runsTable();
    await expect.poll(() => table.locator('.grid-body .grid-row').count(), { timeout: 30_000 }).toBe(3);
    await table
      .locator('.grid-row', { hasText: 'third' })
      .locator('[data-status]', { hasText: 'finished' })
      .waitFor();
    await page
      .locator('.pane .monaco-list-row[role="treeitem"]', { hasText: 'third' })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'runs-table-live-update.png') });
  });

  it("shows the Runs tree's items in a row's native context menu; Star Run stars the run", async () => {
    const table = runsTable();
    const row = table.locator('.grid-row', { hasText: 'baseline' });
    const star = table.locator('.grid-row', { hasText: 'baseline' }).locator('.star');
    expect(await star.getAttribute('aria-pressed')).toBe('false');
    // VS Code draws the menu from the row's data-vscode-context and the webview/context menus.
    const action = (label: string): Locator =>
      page.locator('.context-view .action-label', { hasText: label });
    for (let attempt = 1; ; attempt++) {
      await row.locator('.cell.pinned').click({ button: 'right' });
      try {
        await action('Star Run').hover({ timeout: 5_000 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        await page.keyboard.press('Escape');
      }
    }
    const items = (await page.locator('.context-view .action-label').allTextContents()).map((t) => t.trim());
    expect(items).toEqual(
      expect.arrayContaining([
        'Show Run Output',
        'Reproduce Run',
        'Compare Selected Runs',
        'Star Run',
        'Pin Run',
        'Copy Run Id',
      ]),
    );
    // A finished run: no Stop or Kill; and no Cut / Copy / Paste (preventDefaultContextMenuItems).
    expect(items).not.toContain('Stop Run');
    expect(items).not.toContain('Paste');
    await page.screenshot({ path: path.join(shots, 'runs-table-context-menu.png') });
    await page.keyboard.press('Enter');
    await expect.poll(() => star.getAttribute('aria-pressed'), { timeout: 15_000 }).toBe('true');

    // The header's menu: Hide Column hides it.
    await table.locator('.grid-header [data-column="commit"]').click({ button: 'right' });
    await action('Hide Column').hover({ timeout: 10_000 });
    expect(await action('Group by This Column').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => table.locator('.grid-header [data-column="commit"]').count()).toBe(0);

    // Stars and the table's UI state live in the workspace state. After a reload of the window VS
    // Code brings the table back by itself (its serializer), starred and with the column hidden.
    await runCommand(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar .action-item a[aria-label^="Lineage"]').waitFor({ timeout: 60_000 });
    const starAfter = runsTable().locator('.grid-row', { hasText: 'baseline' }).locator('.star');
    await expect.poll(() => starAfter.getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');
    expect(
      await runsTable()
        .locator('.grid-row', { hasText: 'high-lr' })
        .locator('.star')
        .getAttribute('aria-pressed'),
    ).toBe('false');
    expect(await runsTable().locator('.grid-header [data-column="commit"]').count()).toBe(0);
    // Closed and opened again: a new page, which starts from the workspace's state.
    await runCommand(page, 'View: Close All Editors');
    await expect.poll(() => page.locator('iframe.webview.ready').count(), { timeout: 15_000 }).toBe(0);
    await runCommand(page, 'Lineage: Open Runs Table');
    await runsTable().locator('.grid-row', { hasText: 'baseline' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => runsTable().locator('.grid-header [data-column="status"]').count()).toBe(1);
    expect(await runsTable().locator('.grid-header [data-column="commit"]').count()).toBe(0);
  });
});
