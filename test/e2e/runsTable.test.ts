import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace, lineage } from '../../scripts/demo/workspace.mjs';
import { launchChromium, outputDir } from '../helpers/chromium';
import { runCommand, startCodeServer, waitForWorkbench, type CodeServer } from '../helpers/codeServer';

const VSIX = path.resolve(__dirname, '../../dist/lineage.vsix');
const shots = outputDir('e2e');

describe('Lineage in a real VS Code (code-server 4.96)', () => {
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  // Lives for the whole file (the per-test temp folders of helpers/tmp would vanish after test 1).
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lineage-e2e-'));

  beforeAll(async () => {
    workspace = path.join(scratch, 'demo');
    mkdirSync(workspace);
    createDemoWorkspace(workspace, [
      { name: 'baseline', lr: 0.05, epochs: 30 },
      { name: 'high-lr', lr: 0.5, epochs: 30 },
    ]);
    server = await startCodeServer({
      folder: workspace,
      vsix: VSIX,
      scratch: path.join(scratch, 'code-server'),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(server.url);
    await waitForWorkbench(page, 'train.py');
  });

  afterAll(async () => {
    await browser?.close();
    server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const runsTable = (): FrameLocator =>
    page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  it('opens the Runs Table from the command palette and lists both recorded runs', async () => {
    await runCommand(page, 'Lineage: Open Runs Table');
    const table = runsTable();
    const rows = table.locator('table.runs tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    const names = await table.locator('tbody tr td:first-child').allTextContents();
    expect(names.sort()).toEqual(['baseline', 'high-lr']);
    const headers = await table.locator('thead th').allTextContents();
    expect(headers).toEqual(['Name', 'Run', 'Status', 'Commit', 'Started', 'Duration', 'acc', 'loss']);
    expect(await table.locator('tbody td[data-status]').allTextContents()).toEqual(['finished', 'finished']);
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
    await expect.poll(() => table.locator('table.runs tbody tr').count(), { timeout: 30_000 }).toBe(3);
    await table
      .locator('tbody tr', { hasText: 'third' })
      .locator('td[data-status]', { hasText: 'finished' })
      .waitFor();
    await page
      .locator('.pane .monaco-list-row[role="treeitem"]', { hasText: 'third' })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'runs-table-live-update.png') });
  });
});
