import type { Page } from 'playwright-core';

export { startCodeServer, type CodeServer } from '../../scripts/codeServer.mjs';

/** Wait until the workbench has loaded the user settings (dark theme) and the explorer shows `file`. */
export async function waitForWorkbench(page: Page, file: string): Promise<void> {
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 60_000 });
  await page
    .locator('.explorer-folders-view .monaco-list-row', { hasText: file })
    .first()
    .waitFor({ timeout: 60_000 });
}

/** Run a command from the palette by its full title, e.g. "Lineage: Open Runs Table". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>' + title);
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}
