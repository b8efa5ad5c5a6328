import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineage } from '../../scripts/demo/workspace.mjs';
import { outputDir } from '../helpers/chromium';
import { openWorkbench, paletteCommand, quickInputTitled, type Workbench } from '../helpers/codeServer';

const shots = outputDir('e2e');

/** The Run Compare webview's content frame, once it shows its runs. */
async function compareFrame(page: Page): Promise<Frame> {
  let found: Frame | undefined;
  await expect
    .poll(
      async () => {
        for (const frame of page.frames()) {
          if (
            await frame
              .locator('.run-head')
              .count()
              .catch(() => 0)
          )
            found = frame;
        }
        return found !== undefined;
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return found!;
}

describe('Run Compare in a real VS Code (code-server 4.96)', () => {
  let bench: Workbench;
  let page: Page;

  beforeAll(async () => {
    bench = await openWorkbench([{ name: 'baseline', lr: 0.05, epochs: 30 }]);
    page = bench.page;
    // A second run with another lr, the later data commit, and an uncommitted change to train.py.
    const script = path.join(bench.workspace, 'train.py');
    writeFileSync(script, `WEIGHT_DECAY = 0.01  # L2 weight decay\n${readFileSync(script, 'utf8')}`);
    lineage(
      bench.workspace,
      'run',
      '--experiment',
      'train',
      '--name',
      'weight-decay',
      '--set',
      'lr=0.2',
      '--set',
      'epochs=30',
    );
  });

  afterAll(() => bench?.close());

  it('compares runs picked in the QuickPick or the Runs tree, opens their code changes, and survives a reload', async () => {
    // Once the Runs tree lists the new run, the extension's model has it too.
    await page.locator('.activitybar .action-item a[aria-label^="Lineage"]').click();
    await page
      .locator('.pane .monaco-list-row[role="treeitem"]', { hasText: 'weight-decay' })
      .first()
      .waitFor({ timeout: 30_000 });
    await paletteCommand(page, 'Lineage: Compare Selected Runs', quickInputTitled(page, 'Compare Runs'));
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    for (const name of ['baseline', 'weight-decay']) {
      await rows
        .filter({ hasText: name })
        .locator('.quick-input-list-checkbox, input[type=checkbox]')
        .first()
        .click();
    }
    await page.keyboard.press('Enter');

    const frame = await compareFrame(page);
    expect((await frame.locator('.run-name').allTextContents()).sort()).toEqual(['baseline', 'weight-decay']);
    const lr = frame.locator('.body .row', { has: frame.locator('.cell.key', { hasText: /^lr$/ }) });
    expect(await lr.locator('.cell:not(.key)').allTextContents()).toEqual(
      expect.arrayContaining(['0.05', '0.2']),
    );
    expect(await lr.locator('.cell.changed').count()).toBe(1);
    await page.screenshot({ path: path.join(shots, 'run-compare.png') });

    await frame.locator('.code-button').click();
    // VS Code's multi-file diff editor, titled with both runs, showing the changed train.py.
    await page
      .locator('.tab', { hasText: /Code: run .* ↔ run / })
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .locator('.monaco-diff-editor .view-lines', { hasText: 'L2 weight decay' })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'run-compare-code.png') });
    // Back to the comparison (its webview was not retained while hidden): restored, with the outcome.
    await page.locator('.tab', { hasText: 'Compare 2 Runs' }).first().click();
    const restored = await compareFrame(page);
    await expect.poll(() => restored.locator('.code-status').textContent()).toMatch(/^\d+ changed files?$/);
    expect((await restored.locator('.run-name').allTextContents()).sort()).toEqual([
      'baseline',
      'weight-decay',
    ]);

    // A window reload brings the panel back with the same runs (its serializer and saved state).
    await restored.getByLabel('Differences only').check();
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget .quick-input-box input').fill('>Developer: Reload Window');
    await page
      .locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Reload Window' })
      .first()
      .waitFor();
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.keyboard.press('Enter')]);
    // The Lineage side bar stays open, so wait for the workbench itself, not the explorer.
    await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 60_000 });
    const revived = await compareFrame(page);
    expect((await revived.locator('.run-name').allTextContents()).sort()).toEqual([
      'baseline',
      'weight-decay',
    ]);
    expect(await revived.getByLabel('Differences only').isChecked()).toBe(true);

    // Remove a run (×), then compare both again from the Runs tree: multi-selection, context menu.
    await revived.getByRole('button', { name: 'Remove weight-decay from the comparison' }).click();
    await expect.poll(() => revived.locator('.run-head').count()).toBe(1);
    const tree = page.locator('.pane .monaco-list-row[role="treeitem"]');
    const row = (name: string): Locator => tree.filter({ hasText: name }).first();
    // Both rows selected before the menu opens (a click can land while the tree is still taking focus).
    await expect
      .poll(
        async () => {
          await row('baseline').click();
          await row('weight-decay').click({ modifiers: ['Control'] });
          return [
            await row('baseline').getAttribute('aria-selected'),
            await row('weight-decay').getAttribute('aria-selected'),
          ];
        },
        { timeout: 20_000 },
      )
      .toEqual(['true', 'true']);
    await row('weight-decay').click({ button: 'right' });
    // The menu item is chosen as a user does with the keyboard: hovered (focused), then Enter.
    await page.locator('.context-view .action-label', { hasText: 'Compare Selected Runs' }).first().hover();
    await page.keyboard.press('Enter');
    await expect.poll(() => revived.locator('.run-head').count()).toBe(2);
  });
});
