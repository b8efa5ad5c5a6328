// The Dataset Diff panel's real bundle (dist/webview/datasetDiff.{js,css}, built by `npm run build`) in
// Chromium, hosted like a VS Code webview by ./harness.ts, driven only through its UI and messages.
// This file: VS Code themes (with screenshots), the resizable divider, and long names in narrow panes.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputDir } from '../helpers/chromium';
import { THEMES } from './harness';
import {
  answerTable,
  clickFile,
  colorOf,
  diffMessage,
  filterBox,
  makeDiff,
  rgb,
  sampleChanges,
  treeList,
  useDiffPanels,
  waitForPosted,
} from './diffFixtures';

const panel = useDiffPanels();

describe('Dataset Diff webview layout', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`is themed by VS Code's ${theme} theme (screenshots: dataset-diff-${theme}.png, dataset-diff-table-${theme}.png)`, async () => {
      const colors = THEMES[theme].colors;
      const p = await panel({ theme, viewport: { width: 1280, height: 760 } });
      await p.send(diffMessage());
      await clickFile(p, 'meta/schema.json'); // a non-table file: the hint
      await p.page.locator('.tree-row[data-path="labels.csv"]').hover();
      const decoration = (kind: string): string => rgb(colors[`gitDecoration-${kind}ResourceForeground`]);
      expect(await colorOf(p, '.tree-row.added .badge')).toBe(decoration('added'));
      expect(await colorOf(p, '.tree-row.removed .badge')).toBe(decoration('deleted'));
      expect(await colorOf(p, '.tree-row.modified .badge')).toBe(decoration('modified'));
      expect(await colorOf(p, '.tree-row.renamed .badge')).toBe(decoration('renamed'));
      expect(await colorOf(p, '.tree-row.renamed .name')).toBe(decoration('renamed'));
      expect(await colorOf(p, '.summary .count.removed')).toBe(decoration('deleted'));
      expect(await colorOf(p, 'body', 'background-color')).toBe(rgb(colors['editor-background']));
      expect(await colorOf(p, '.filter', 'background-color')).toBe(rgb(colors['input-background']));
      expect(await colorOf(p, '.toggle[aria-pressed=true]', 'background-color')).toBe(
        rgb(colors['inputOption-activeBackground']),
      );
      expect(await colorOf(p, '.tree-row[data-path="labels.csv"]', 'background-color')).toBe(
        rgb(colors['list-hoverBackground']),
      );
      // The selected row: active colours while the tree has focus, inactive ones after.
      expect(await colorOf(p, '.tree-row.selected', 'background-color')).toBe(
        rgb(colors['list-activeSelectionBackground']),
      );
      await filterBox(p).focus();
      expect(await colorOf(p, '.tree-row.selected', 'background-color')).toBe(
        rgb(colors['list-inactiveSelectionBackground']),
      );
      expect(await colorOf(p, '.missing', 'background-color')).toBe(
        rgb(colors['inputValidation-warningBackground']),
      );
      await p.page.screenshot({
        path: path.join(outputDir('webview'), `dataset-diff-${theme}.png`),
        animations: 'disabled',
      });

      await clickFile(p, 'labels.csv');
      await waitForPosted(p, 3);
      await answerTable(p);
      await p.page.locator('.rows-table').waitFor();
      expect(await colorOf(p, '.rows-table tr.added td', 'background-color')).toBe(
        rgb(colors['diffEditor-insertedLineBackground']),
      );
      expect(await colorOf(p, '.rows-table tr.removed td', 'background-color')).toBe(
        rgb(colors['diffEditor-removedLineBackground']),
      );
      expect(await colorOf(p, '.rows-table td.changed ins', 'background-color')).toBe(
        rgb(colors['diffEditor-insertedTextBackground']),
      );
      expect(await colorOf(p, '.rows-table td.changed del', 'background-color')).toBe(
        rgb(colors['diffEditor-removedTextBackground']),
      );
      expect(await colorOf(p, '.rows-table td.changed del', 'text-decoration-line')).toBe('line-through');
      expect(await colorOf(p, '.schema-table .mark.retyped')).toBe(decoration('modified'));
      // Focused tree: the selection takes the active colours.
      await treeList(p).focus();
      expect(await colorOf(p, '.tree-row.selected', 'background-color')).toBe(
        rgb(colors['list-activeSelectionBackground']),
      );
      await p.page.screenshot({
        path: path.join(outputDir('webview'), `dataset-diff-table-${theme}.png`),
        animations: 'disabled',
      });
      await p.page.locator('.rows-toolbar').evaluate((el) => {
        const detail = el.closest('.detail') as HTMLElement;
        detail.scrollTop += el.getBoundingClientRect().top - detail.getBoundingClientRect().top - 8;
      });
      await p.page.screenshot({
        path: path.join(outputDir('webview'), `dataset-diff-rows-${theme}.png`),
        animations: 'disabled',
      });
    });
  }

  it('reads in the high-contrast theme, which sends no selection or diff backgrounds (dataset-diff-hc.png)', async () => {
    const colors = THEMES.hc.colors;
    const p = await panel({ theme: 'hc', viewport: { width: 1280, height: 760 } });
    await p.send(diffMessage());
    await clickFile(p, 'labels.csv');
    await waitForPosted(p, 2);
    await answerTable(p);
    await p.page.locator('.rows-table').waitFor();
    await treeList(p).focus();
    // Selection and focus are outlines in the contrast colours, since the backgrounds are absent.
    expect(await colorOf(p, '.tree-row.selected', 'outline-color')).toBe(rgb(colors.contrastActiveBorder));
    expect(await colorOf(p, '.tree-row.selected', 'outline-style')).not.toBe('none');
    expect(await colorOf(p, 'body', 'background-color')).toBe(rgb(colors['editor-background']));
    expect(await colorOf(p, '.tree-row.added .badge')).toBe(
      rgb(colors['gitDecoration-addedResourceForeground']),
    );
    // Changed cells still show what changed: the removed value struck through, the new one marked.
    expect(await colorOf(p, '.rows-table td.changed del', 'text-decoration-line')).toBe('line-through');
    await p.page.screenshot({
      path: path.join(outputDir('webview'), 'dataset-diff-hc.png'),
      animations: 'disabled',
    });
    await p.page.locator('.rows-toolbar').scrollIntoViewIfNeeded();
    await p.page.screenshot({
      path: path.join(outputDir('webview'), 'dataset-diff-rows-hc.png'),
      animations: 'disabled',
    });
  });

  it('resizes the file tree with the divider, by mouse and keyboard, and saves the width', async () => {
    const p = await panel({ theme: 'dark', viewport: { width: 1200, height: 600 } });
    await p.send(diffMessage());
    const pane = p.page.locator('.tree-pane');
    const sash = p.page.getByRole('separator', { name: 'Resize the file tree' });
    expect((await pane.boundingBox())?.width).toBe(340);
    const box = await sash.boundingBox();
    if (!box) throw new Error('no divider');
    await p.page.mouse.move(box.x + box.width / 2, box.y + 100);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + box.width / 2 + 120, box.y + 120, { steps: 4 });
    await p.page.mouse.up();
    expect((await pane.boundingBox())?.width).toBe(460);
    expect(await sash.getAttribute('aria-valuenow')).toBe('460');
    expect(await p.savedState()).toMatchObject({ treeWidth: 460 });

    await sash.focus();
    await p.page.keyboard.press('ArrowLeft');
    await p.page.keyboard.press('ArrowLeft');
    expect((await pane.boundingBox())?.width).toBe(420);
    await p.page.keyboard.press('Home');
    expect((await pane.boundingBox())?.width).toBe(180);
    expect(await p.savedState()).toMatchObject({ treeWidth: 180 });
    // The detail pane fills the rest.
    const detail = await p.page.locator('.detail').boundingBox();
    expect((detail?.x ?? 0) + (detail?.width ?? 0)).toBe(1200);
  });

  it('truncates long names with an ellipsis instead of overflowing a narrow tree', async () => {
    const long = 'a-very-long-file-name-that-does-not-fit-in-the-tree-at-all-0001.csv';
    const p = await panel({ theme: 'light', viewport: { width: 900, height: 500 } });
    await p.send(
      diffMessage(
        makeDiff([
          ...sampleChanges(),
          { path: `deep/${long}`, change: 'modified', type: 'file', size: 2_000_000, oldSize: 1_000_000 },
          {
            path: `deep/renamed-${long}`,
            change: 'renamed',
            type: 'file',
            size: 10,
            from: `deep/old-${long}`,
          },
        ]),
      ),
    );
    await p.page.getByRole('separator').focus();
    await p.page.keyboard.press('Home'); // narrowest tree
    const layout = await p.page.evaluate(() => {
      const tree = document.querySelector('.tree') as HTMLElement;
      const rows = [...document.querySelectorAll<HTMLElement>('.tree .tree-row')];
      const paneRight = tree.getBoundingClientRect().right;
      return {
        horizontalScroll: tree.scrollWidth > tree.clientWidth,
        overflowing: rows
          .flatMap((row) => [...row.querySelectorAll<HTMLElement>('.badge, .size, .counts')])
          .filter((el) => el.getBoundingClientRect().right > paneRight + 0.5).length,
        ellipsis: rows
          .filter((row) => row.dataset.path?.includes('a-very-long'))
          .map((row) => {
            const name = row.querySelector('.name') as HTMLElement;
            return name.scrollWidth > name.clientWidth && getComputedStyle(name).textOverflow === 'ellipsis';
          }),
      };
    });
    await p.page.screenshot({ path: path.join(outputDir('webview'), 'dataset-diff-narrow.png') });
    expect(layout).toEqual({ horizontalScroll: false, overflowing: 0, ellipsis: [true, true] });
  });
});
