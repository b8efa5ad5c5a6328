import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outputDir } from '../helpers/chromium';
import {
  openWorkbench,
  paletteCommand,
  quickInput as quickInputBox,
  quickInputTitled,
  type Workbench,
} from '../helpers/codeServer';

const shots = outputDir('e2e');

/**
 * The demo workspace has `experiments: train:` in lineage.yaml (python3 train.py, params.yaml with
 * lr, epochs and delay, `metric: acc`). Runs launched from the editor run in terminals; at most two
 * at a time (lineage.maxParallelRuns), the others wait in the Runs tree's queue.
 */
describe('Run Experiment in a real VS Code (code-server 4.96)', () => {
  let bench: Workbench;
  let page: Page;
  let workspace: string;

  beforeAll(async () => {
    bench = await openWorkbench([{ name: 'baseline', lr: 0.05, epochs: 5 }]);
    ({ page, workspace } = bench);
    // A wider side bar, so run descriptions ("step 12 · acc 0.93 · 1a2b3c4d") fit in screenshots.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      const y = sidebar.y + sidebar.height / 2;
      await page.mouse.move(sidebar.x + sidebar.width, y);
      await page.mouse.down();
      await page.mouse.move(sidebar.x + sidebar.width + 120, y, { steps: 5 });
      await page.mouse.up();
    }
    await page.locator('.activitybar .action-item a[aria-label^="Lineage"]').click();
    await runsRow('baseline').first().waitFor({ timeout: 30_000 });
  });

  afterAll(() => bench?.close());
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail')
      await page?.screenshot({ path: path.join(shots, 'run-experiment-failure.png') });
  });

  const runsDir = (): string => path.join(workspace, '.lineage', 'runs');
  const runIds = (): string[] => (existsSync(runsDir()) ? readdirSync(runsDir()).sort() : []);
  const runFile = (id: string, file: string): unknown =>
    JSON.parse(readFileSync(path.join(runsDir(), id, file), 'utf8'));
  const statusOf = (id: string): string | null =>
    existsSync(path.join(runsDir(), id, 'status.json'))
      ? (runFile(id, 'status.json') as { status: string }).status
      : null;

  const quickInput = (): Locator => quickInputBox(page);
  const runsPane = (): Locator => page.locator('.pane:has(> .pane-header[aria-label="Runs Section"])');
  const runsRow = (text: string | RegExp): Locator =>
    runsPane().locator('.monaco-list-row[role="treeitem"]', { hasText: text });
  const description = (row: Locator): Promise<string | null> =>
    row
      .locator('.label-description')
      .textContent({ timeout: 1_000 })
      .catch(() => null);
  const iconOf = (row: Locator): Promise<string | null> =>
    row
      .locator('.custom-view-tree-node-item-icon')
      .getAttribute('class', { timeout: 1_000 })
      .catch(() => null);
  const statusItem = (): Locator => page.locator('.statusbar-item', { hasText: /train( · |$)/ });
  const statusText = async (): Promise<string> =>
    (
      (await statusItem()
        .textContent({ timeout: 1_000 })
        .catch(() => '')) ?? ''
    ).trim();

  const palette = (title: string, done: () => Promise<unknown>): Promise<void> =>
    paletteCommand(page, title, done);
  /**
   * Choose `item` in `row`'s context menu. A run's terminal closing (when its run ends) moves the
   * focus and closes an open menu, so this retries; the menu acts on Enter over the hovered item (a
   * click right after it opens can go unseen).
   */
  async function contextMenu(row: Locator, item: string, screenshot?: string): Promise<void> {
    const action = page.locator('.context-view .action-label', { hasText: item });
    for (let attempt = 1; ; attempt++) {
      await row.click({ button: 'right' });
      try {
        await action.hover({ timeout: 5_000 });
        break;
      } catch (err) {
        if (attempt === 4) throw err;
        await page.keyboard.press('Escape');
      }
    }
    if (screenshot) await page.screenshot({ path: path.join(shots, screenshot) });
    await page.keyboard.press('Enter');
    await action.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  const titled = (title: string): (() => Promise<void>) => quickInputTitled(page, title);

  /**
   * "Lineage: Run Experiment…", pick `train`, type `params` in the params input; resolves with the
   * id of the run folder that appears (or null when the launch was queued).
   */
  async function runTrain(params: string, expectQueued = false): Promise<string | null> {
    const before = new Set(runIds());
    await palette('Lineage: Run Experiment…', titled('Lineage: Run Experiment'));
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'train' }).first().click();
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Lineage: Run train: params' })
      .waitFor({ timeout: 30_000 });
    await quickInput().fill(params);
    await page.keyboard.press('Enter');
    await quickInput().waitFor({ state: 'hidden' });
    if (expectQueued) return null;
    let id: string | undefined;
    await expect
      .poll(
        () => {
          id = runIds().find((x) => !before.has(x));
          return id;
        },
        { timeout: 30_000 },
      )
      .toBeDefined();
    return id!;
  }

  it('runs the train experiment from the palette with changed params, live in a terminal, the status bar and the Runs tree', async () => {
    await palette('Lineage: Run Experiment…', titled('Lineage: Run Experiment'));
    const train = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'train' }).first();
    await train.waitFor();
    expect(await train.textContent()).toContain('python3 train.py');
    expect(await train.textContent()).toContain('lr=0.1 epochs=30 delay=0');
    await page.screenshot({ path: path.join(shots, 'run-experiment-pick.png') });
    await train.click();

    // The params input starts with params.yaml's values; a malformed item is an inline error.
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Lineage: Run train: params' })
      .waitFor({ timeout: 30_000 });
    expect(await quickInput().inputValue()).toBe('lr=0.1 epochs=30 delay=0');
    const message = page.locator('.quick-input-widget .quick-input-message');
    await quickInput().fill('lr=0.3 epochs');
    await message.filter({ hasText: "'epochs' is not key=value" }).waitFor();
    await quickInput().fill('lr=0.3 epochs=16 delay=0.4');
    await message.filter({ hasText: 'Overrides: lr=0.3 epochs=16 delay=0.4' }).waitFor();
    await page.screenshot({ path: path.join(shots, 'run-experiment-params.png') });
    const before = new Set(runIds());
    await page.keyboard.press('Enter');

    // The run starts in its own terminal, with the id the extension chose.
    let id = '';
    await expect
      .poll(() => (id = runIds().find((x) => !before.has(x)) ?? ''), { timeout: 30_000 })
      .not.toBe('');
    const header = runFile(id, 'run.json') as Record<string, unknown>;
    expect(header).toMatchObject({
      name: 'train',
      experiment: 'train',
      command: ['python3', 'train.py'],
      params: { lr: 0.3, epochs: 16, delay: 0.4 },
      overrides: { lr: 0.3, epochs: 16, delay: 0.4 },
      paramsFiles: ['params.yaml'],
    });
    const terminalTab = page.locator('.panel', { hasText: `Lineage: train (${id.slice(-8)})` });
    await terminalTab.first().waitFor({ timeout: 30_000 });
    await page.locator('.panel .terminal-wrapper .xterm').first().waitFor({ timeout: 30_000 });

    // The status bar item and the Runs tree follow the run's step and main metric (acc) live.
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/^train · step \d+ · acc 0\.\d+$/);
    const row = runsRow(id.slice(-8));
    await expect.poll(() => description(row), { timeout: 30_000 }).toMatch(/^step \d+ · acc 0\.\d+ · \w{8}$/);
    expect(await iconOf(row)).toContain('codicon-sync');
    const first = await description(row);
    await expect.poll(() => description(row), { timeout: 30_000 }).not.toBe(first);
    await page.screenshot({ path: path.join(shots, 'run-experiment-live.png') });

    // It finishes: the tree shows its last metrics, the status bar item goes away.
    await expect.poll(() => statusOf(id), { timeout: 60_000 }).toBe('finished');
    await expect.poll(() => iconOf(row), { timeout: 30_000 }).toContain('codicon-pass');
    expect(await description(row)).toMatch(/^loss=0\.\d+ · acc=0\.\d+ · \w{8}$/);
    await statusItem().waitFor({ state: 'hidden', timeout: 30_000 });
    expect(runFile(id, 'status.json')).toMatchObject({ status: 'finished', lastStep: 15 });
    // The terminal closes once `lineage run` has exited; the output stays in the run's output.log.
    expect(readFileSync(path.join(runsDir(), id, 'output.log'), 'utf8')).toContain('epoch  15');
    await page.screenshot({ path: path.join(shots, 'run-experiment-finished.png') });
    await page.locator('.panel .terminal-wrapper').first().waitFor({ state: 'hidden', timeout: 30_000 });
  });

  it('queues launches beyond two running runs, cancels one, and stops and kills runs from the tree', async () => {
    const long = 'lr=0.1 epochs=1000 delay=0.5';
    const a = (await runTrain(long))!;
    const b = (await runTrain(long))!;
    await expect.poll(() => description(runsRow(b.slice(-8))), { timeout: 30_000 }).toMatch(/^step \d+/);
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/^train · step \d+ · acc 0\.\d+ \+1 more$/);
    // Its hover lists both runs, with Terminal, Stop and Kill links.
    await statusItem().hover();
    const hover = page.locator('.monaco-hover', { hasText: 'Lineage runs (2 running)' });
    await hover.waitFor({ timeout: 10_000 });
    expect(await hover.locator('a', { hasText: 'Kill' }).count()).toBe(2);
    await page.screenshot({ path: path.join(shots, 'run-experiment-status-hover.png') });
    await page.mouse.move(700, 300);

    // Two runs are running (lineage.maxParallelRuns = 2): the third waits at the top of the tree.
    await runTrain('lr=0.2 epochs=1000 delay=0.5', true);
    await page
      .locator('.statusbar-item', {
        hasText: /train is queued; it starts when one of the 2 running runs ends/,
      })
      .waitFor({ timeout: 30_000 });
    const queued = runsPane().locator('.monaco-list-row[role="treeitem"]').first();
    await expect
      .poll(() => description(queued), { timeout: 30_000 })
      .toBe('queued · lr=0.2 · epochs=1000 · delay=0.5');
    expect(await iconOf(queued)).toContain('codicon-clock');
    expect(await statusText()).toMatch(/\+1 more 1 queued$/);
    // One more, then cancel it from the tree.
    await runTrain('lr=0.7 epochs=1000 delay=0.5', true);
    const cancelled = runsRow('queued · lr=0.7');
    await cancelled.waitFor({ timeout: 30_000 });
    await cancelled.hover();
    await cancelled.locator('.action-label[aria-label="Cancel Queued Run"]').click();
    await cancelled.waitFor({ state: 'hidden', timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'run-experiment-queue.png') });

    // Stop the first from the tree: it ends `killed`, and the queued run starts in its place.
    const before = new Set(runIds());
    const rowA = runsRow(a.slice(-8));
    await rowA.hover();
    await rowA.locator('.action-label[aria-label="Stop Run"]').click();
    await expect.poll(() => statusOf(a), { timeout: 30_000 }).toBe('killed');
    await expect.poll(() => iconOf(rowA), { timeout: 30_000 }).toContain('codicon-circle-slash');
    let c = '';
    await expect
      .poll(() => (c = runIds().find((x) => !before.has(x)) ?? ''), { timeout: 30_000 })
      .not.toBe('');
    expect(runFile(c, 'run.json')).toMatchObject({ overrides: { lr: 0.2 } });
    await expect
      .poll(() => description(queued), { timeout: 30_000 })
      .not.toBe('queued · lr=0.2 · epochs=1000 · delay=0.5');
    await expect.poll(() => description(runsRow(c.slice(-8))), { timeout: 30_000 }).toMatch(/^step \d+/);
    await page.screenshot({ path: path.join(shots, 'run-experiment-stopped.png') });

    // Kill the second from the tree's context menu; then the third from the palette's pick.
    const rowB = runsRow(b.slice(-8));
    await contextMenu(rowB, 'Kill Run');
    await expect.poll(() => statusOf(b), { timeout: 15_000 }).toBe('killed');
    await palette('Lineage: Kill Run', titled('Lineage: Kill Run'));
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: c.slice(-8) })
      .first()
      .click({ timeout: 30_000 });
    await expect.poll(() => statusOf(c), { timeout: 15_000 }).toBe('killed');
    await statusItem().waitFor({ state: 'hidden', timeout: 30_000 });
    await expect
      .poll(() => iconOf(runsRow(c.slice(-8))), { timeout: 30_000 })
      .toContain('codicon-circle-slash');
    await page.screenshot({ path: path.join(shots, 'run-experiment-killed.png') });
  });

  it('runs the active Python file as a recorded run', async () => {
    // The killed runs' terminals close by themselves; each close moves the focus (and would close
    // Quick Open), so wait for them, and retry.
    await page.locator('.panel .terminal-wrapper').first().waitFor({ state: 'hidden', timeout: 30_000 });
    for (let attempt = 1; ; attempt++) {
      try {
        await page.keyboard.press('Control+P');
        await quickInput().fill('train.py', { timeout: 5_000 });
        await page
          .locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'train.py' })
          .waitFor({ timeout: 5_000 });
        await page.keyboard.press('Enter');
        await page
          .locator('.tabs-container .tab.active', { hasText: 'train.py' })
          .waitFor({ timeout: 10_000 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        await page.keyboard.press('Escape');
      }
    }
    const before = new Set(runIds());
    await palette('Lineage: Run Experiment…', titled('Lineage: Run Experiment'));
    const file = page.locator('.quick-input-widget .monaco-list-row', {
      hasText: 'Run the active Python file',
    });
    expect(await file.textContent()).toContain('train.py');
    await file.click();
    let id = '';
    await expect
      .poll(() => (id = runIds().find((x) => !before.has(x)) ?? ''), { timeout: 30_000 })
      .not.toBe('');
    expect(runFile(id, 'run.json')).toMatchObject({ name: 'train.py', command: ['python3', 'train.py'] });
    expect(runFile(id, 'run.json')).not.toHaveProperty('experiment');
    await expect.poll(() => statusOf(id), { timeout: 60_000 }).toBe('finished');
    await expect.poll(() => iconOf(runsRow(id.slice(-8))), { timeout: 30_000 }).toContain('codicon-pass');
  });

  it('reproduces a finished run from the Runs tree: same commit, patch, params and data, same metrics', async () => {
    const original = runIds().find((id) => {
      const header = runFile(id, 'run.json') as { experiment?: string; overrides?: Record<string, number> };
      return statusOf(id) === 'finished' && header.experiment === 'train' && header.overrides?.epochs === 16;
    });
    expect(original).toBeDefined();
    const before = new Set(runIds());
    await page.locator('.panel .terminal-wrapper').first().waitFor({ state: 'hidden', timeout: 30_000 });
    const row = runsRow(original!.slice(-8));
    await contextMenu(row, 'Reproduce Run', 'run-experiment-reproduce-menu.png');
    let id = '';
    await expect
      .poll(() => (id = runIds().find((x) => !before.has(x)) ?? ''), { timeout: 30_000 })
      .not.toBe('');
    const header = runFile(id, 'run.json') as Record<string, unknown>;
    const first = runFile(original!, 'run.json') as Record<string, unknown>;
    expect(header).toMatchObject({
      reproduces: original,
      commit: first.commit,
      patch: first.patch,
      params: first.params,
      inputs: first.inputs,
    });
    await page
      .locator('.panel', { hasText: `Lineage: reproduce train (${id.slice(-8)})` })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'run-experiment-reproduce.png') });
    await expect.poll(() => statusOf(id), { timeout: 90_000 }).toBe('finished');
    const metrics = (run: string) => (runFile(run, 'status.json') as { metrics: unknown }).metrics;
    expect(metrics(id)).toEqual(metrics(original!));
    await expect.poll(() => iconOf(runsRow(id.slice(-8))), { timeout: 30_000 }).toContain('codicon-pass');
    // The worktree is gone once the reproduction has ended.
    await expect
      .poll(
        () => readdirSync(path.join(workspace, '.lineage', 'worktrees')).filter((n) => n !== '.gitignore'),
        { timeout: 30_000 },
      )
      .toEqual([]);
  });
});
