import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPointer } from '../../core/datasets/pointer';
import { outputDir } from '../helpers/chromium';
import { openWorkbench, runCommand, type Workbench } from '../helpers/codeServer';

const shots = outputDir('e2e');

const IMAGES = 400;
/** Distinct content per file, so the add really hashes and stores 400 objects. */
const imageBytes = (i: number): Buffer => {
  const data = Buffer.alloc(16 * 1024, i % 251);
  data.write(`image ${i}\n`);
  return data;
};
const imageName = (i: number): string => `img-${String(i).padStart(3, '0')}.png`;

// Big enough that hashing and copying into the store takes seconds, so Cancel lands mid-add. The
// files are sparse: creating them costs no disk and no time, yet `add` reads and copies every byte.
const BIG_FILES = 6;
const BIG_FILE_SIZE = 512 * 1024 * 1024;
const GiB = 1024 ** 3;

describe('Datasets in a real VS Code (code-server 4.96)', () => {
  let bench: Workbench;
  let page: Page;
  let workspace: string;

  beforeAll(async () => {
    bench = await openWorkbench([]);
    ({ page, workspace } = bench);
    // A wider side bar, so tree descriptions ("modified (+0 −1 ~1) · 400 files · …") fit in screenshots.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      const y = sidebar.y + sidebar.height / 2;
      await page.mouse.move(sidebar.x + sidebar.width, y);
      await page.mouse.down();
      await page.mouse.move(sidebar.x + sidebar.width + 180, y, { steps: 5 });
      await page.mouse.up();
    }
  });

  afterAll(() => bench?.close());

  const toast = (text: string | RegExp): Locator =>
    page.locator('.notifications-toasts .notification-toast', { hasText: text });
  const datasetsPane = (): Locator =>
    page.locator('.pane:has(> .pane-header[aria-label="Datasets Section"])');
  const datasetRow = (name: string): Locator =>
    datasetsPane()
      .locator('.monaco-list-row[role="treeitem"]')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) });
  const description = (name: string): Promise<string | null> =>
    datasetRow(name)
      .locator('.label-description')
      .textContent({ timeout: 1_000 })
      .catch(() => null);
  const iconOf = (name: string): Promise<string | null> =>
    datasetRow(name).locator('.custom-view-tree-node-item-icon').getAttribute('class', { timeout: 1_000 });
  const showView = (label: string): Promise<void> =>
    page.locator(`.activitybar .action-item a[aria-label^="${label}"]`).click();

  /** "Lineage: Add Dataset…", then pick `folder` in the simple file dialog (a quick input) with OK. */
  async function addDatasetFromPalette(folder: string, someFile: string): Promise<void> {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Lineage: Add Dataset…');
    await page
      .locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Lineage: Add Dataset…' })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
    // The palette's quick input turns into the open dialog: titled, starting in the workspace folder.
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Lineage: Add Dataset' })
      .waitFor();
    await expect.poll(() => input.inputValue()).toBe(workspace + '/');
    await input.fill(folder + '/');
    await page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: someFile })
      .waitFor();
    // VS Code 1.96's simple dialog labels this button "OK" (it ignores the dialog's openLabel).
    await page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: 'OK' }).click();
    await input.waitFor({ state: 'hidden' });
  }

  const storeObjects = (): string[] => {
    const root = path.join(workspace, '.lineage', 'cache', 'sha256');
    return existsSync(root) ? readdirSync(root, { recursive: true, encoding: 'utf8' }).sort() : [];
  };
  const stagingFolders = (): string[] =>
    readdirSync(path.join(workspace, '.lineage', 'tmp')).filter((n) => n.startsWith('stage-'));

  it('adds a new folder picked in the open dialog and shows it as a clean dataset', async () => {
    const images = path.join(workspace, 'images');
    mkdirSync(images);
    for (let i = 0; i < IMAGES; i++) writeFileSync(path.join(images, imageName(i)), imageBytes(i));

    await addDatasetFromPalette(images, imageName(0));

    await toast(/Lineage: added images \(400 files, [\d.]+ (KiB|MiB)\)/).waitFor({ timeout: 60_000 });
    expect(await readPointer(path.join(workspace, 'images.lineage'))).toMatchObject({
      path: 'images',
      type: 'dir',
      files: IMAGES,
    });
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'images.lineage' })
      .first()
      .waitFor({ timeout: 30_000 });

    await showView('Lineage');
    await expect.poll(() => description('images'), { timeout: 30_000 }).toMatch(/^clean · 400 files · /);
    expect(await iconOf('images')).toContain('codicon-database');
    await page.screenshot({ path: path.join(shots, 'add-dataset.png') });
  });

  it('shows local edits as modified and checks the dataset out again after confirmation', async () => {
    const images = path.join(workspace, 'images');
    writeFileSync(path.join(images, imageName(1)), 'edited by hand\n');
    rmSync(path.join(images, imageName(2)));
    await runCommand(page, 'Notifications: Clear All Notifications');

    const pane = datasetsPane();
    await pane.locator('.pane-header').hover(); // view title actions show on hover
    await pane.locator('.pane-header .action-label[aria-label="Refresh"]').click();
    await expect
      .poll(() => description('images'), { timeout: 30_000 })
      .toMatch(/^modified \(\+0 −1 ~1\) · 400 files · /);
    expect(await iconOf('images')).toContain('codicon-diff-modified');
    expect(await description('data')).toMatch(/^clean · /);

    const row = datasetRow('images');
    await row.hover(); // inline actions show on hover
    const checkout = row.locator('.action-label[aria-label="Checkout Dataset"]');
    await checkout.waitFor();
    await page.screenshot({ path: path.join(shots, 'dataset-modified.png') });
    await checkout.click();

    // The edited file's content is not in the store, so the extension asks before discarding it.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.locator('.dialog-message-text').textContent()).toMatch(
      new RegExp(
        `^Checking out would discard 1 file whose content is not saved in the store: images/${imageName(1)}\\.$`,
      ),
    );
    expect(await dialog.locator('.dialog-message-detail').textContent()).toContain('Lineage: Add Dataset');
    await page.screenshot({ path: path.join(shots, 'checkout-warning.png') });
    await dialog.locator('.monaco-button', { hasText: 'Discard and Check Out' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await toast('Lineage: images: 1 added, 0 removed, 1 modified').waitFor({ timeout: 30_000 });
    // VS Code keeps a progress notification up for at least 800 ms (both checkout attempts had one).
    await expect.poll(() => toast('Lineage: Checking out data').count()).toBe(0);
    expect(readFileSync(path.join(images, imageName(1)))).toEqual(imageBytes(1));
    expect(readFileSync(path.join(images, imageName(2)))).toEqual(imageBytes(2));
    await expect.poll(() => description('images'), { timeout: 30_000 }).toMatch(/^clean · 400 files · /);
    expect(await iconOf('images')).toContain('codicon-database');
    await page.screenshot({ path: path.join(shots, 'checkout-dataset.png') });
  });

  it('cancels a long add from the progress notification without changing anything', async () => {
    const total = BIG_FILES * BIG_FILE_SIZE;
    const { bavail, bsize } = statfsSync(workspace);
    // The sources are sparse, but `add` writes real copies into .lineage/tmp until it is cancelled.
    expect(bavail * bsize, 'free disk space for the staged copies').toBeGreaterThan(total + 2 * GiB);
    const big = path.join(workspace, 'big');
    mkdirSync(big);
    for (let i = 0; i < BIG_FILES; i++) {
      const fd = openSync(path.join(big, `part-${i}.bin`), 'w');
      ftruncateSync(fd, BIG_FILE_SIZE);
      closeSync(fd);
    }
    const gitignore = readFileSync(path.join(workspace, '.gitignore'), 'utf8');
    const objects = storeObjects();
    expect(stagingFolders()).toEqual([]);
    await runCommand(page, 'Notifications: Clear All Notifications');

    try {
      await addDatasetFromPalette(big, 'part-0.bin');

      // Wait for real hashing progress (the scan phase reports "6/6 files · 0 B"), then cancel.
      const progress = toast(/Lineage: Adding data: big: [1-5]\/6 files · /);
      await progress.waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(shots, 'add-progress.png') });
      await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();

      await toast('Lineage: add cancelled; nothing was changed.').waitFor({ timeout: 30_000 });
      await toast('Lineage: Adding data').waitFor({ state: 'hidden' });
      expect(await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).toEqual([
        expect.stringContaining('add cancelled'),
      ]);
      await page.screenshot({ path: path.join(shots, 'add-cancelled.png') });

      // The server answers only after removing its staging folder, so all of this holds already.
      expect(existsSync(path.join(workspace, 'big.lineage'))).toBe(false);
      expect(stagingFolders()).toEqual([]);
      expect(storeObjects()).toEqual(objects);
      expect(readFileSync(path.join(workspace, '.gitignore'), 'utf8')).toBe(gitignore);
      expect(await datasetRow('big').count()).toBe(0);
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });
});
