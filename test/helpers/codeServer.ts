import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { startCodeServer } from '../../scripts/codeServer.mjs';
import { createDemoWorkspace } from '../../scripts/demo/workspace.mjs';
import { launchChromium } from './chromium';

const VSIX = path.resolve(__dirname, '../../dist/lineage.vsix');

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

/** The quick input's text box (command palette, Quick Open, a command's own prompts). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget .quick-input-box input');
}

/**
 * Run a palette command, then wait for `done` (e.g. the command's own quick input). Retried: a run's
 * terminal closing when its run ends moves the focus, which closes a quick input that is open.
 */
export async function paletteCommand(page: Page, title: string, done: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await quickInput(page).waitFor({ state: 'visible', timeout: 5_000 });
      await quickInput(page).fill('>' + title, { timeout: 5_000 });
      await page
        .locator('.quick-input-widget .monaco-list-row.focused', { hasText: title })
        .first()
        .waitFor({ timeout: 5_000 });
      await page.keyboard.press('Enter');
      await done();
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

/** `done` for paletteCommand: the quick input titled `title` is showing. */
export function quickInputTitled(page: Page, title: string): () => Promise<void> {
  return () =>
    page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 10_000 });
}

export interface Workbench {
  /** The demo workspace folder (a git repository made by scripts/demo/workspace.mjs). */
  workspace: string;
  page: Page;
  close(): Promise<void>;
}

/**
 * A demo workspace with `runs` recorded, opened in code-server with the packaged .vsix installed,
 * in headless Chromium, once the workbench is ready. `close()` stops everything and deletes it all.
 */
export async function openWorkbench(
  runs: { name: string; lr: number; epochs: number }[],
): Promise<Workbench> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lineage-e2e-'));
  const workspace = path.join(scratch, 'demo');
  mkdirSync(workspace);
  createDemoWorkspace(workspace, runs);
  const server = await startCodeServer({
    folder: workspace,
    vsix: VSIX,
    scratch: path.join(scratch, 'code-server'),
  });
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    server.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(server.url);
    await waitForWorkbench(page, 'train.py');
    return { workspace, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}
