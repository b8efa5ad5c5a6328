// The Dataset Diff panel's real bundle (dist/webview/datasetDiff.{js,css}, built by `npm run build`) in
// Chromium, hosted like a VS Code webview by ./harness.ts, driven only through its UI and messages.
// This file: the header, the tree of changed files (structure, badges, sizes, renames), filtering,
// keyboard navigation, and a 20,000-change diff.
import { describe, expect, it } from 'vitest';
import { ROW_HEIGHT } from '../../webview-ui/dataset-diff/fileTree';
import {
  activeRow,
  diffMessage,
  filterBox,
  makeDiff,
  manyChanges,
  posted,
  readTree,
  text,
  treeLines,
  treeList,
  useDiffPanels,
} from './diffFixtures';

const panel = useDiffPanels();

const SAMPLE_TREE = [
  'images + 3A 1D 1M 1R',
  '  cats + 3A',
  '    cat_001.png A 20.0 KiB',
  '    cat_002.png A 19.0 KiB',
  '    cat_010.png A 17.6 KiB',
  '  dogs + 1D 1M 1R',
  '    dog_014.png D 21.5 KiB',
  '    dog_015.png M 20.5 KiB → 21.0 KiB',
  '    puppy_003.png R images/cats/puppy_003.png → images/dogs/puppy_003.png | 14.6 KiB',
  'meta + 1A 2M',
  '  splits + 1A',
  '    test.parquet A 128.0 KiB',
  '  events.jsonl M 9.3 KiB → 9.6 KiB',
  '  schema.json M 498 B → 512 B',
  'notes/2024/q1 + 1A',
  '  summary.txt A 1.2 KiB',
  'labels.csv M 40.0 KiB → 42.0 KiB',
  'README.md D 2.0 KiB',
  'scratch A empty folder',
];

describe('Dataset Diff webview: header and tree', () => {
  it('posts ready, then shows the dataset, both sides, counts, bytes delta and missing trees', async () => {
    const p = await panel({ theme: 'dark' });
    expect(await posted(p)).toEqual([{ type: 'ready' }]);
    expect(await text(p, '.placeholder')).toBe('Loading diff…');
    expect(await p.page.locator('.panes').isHidden()).toBe(true);

    await p.send(diffMessage());
    expect(await p.page.locator('.placeholder').isHidden()).toBe(true);
    expect(await text(p, 'h1')).toBe('data/train');
    expect(await text(p, '.sides')).toBe('HEAD (3f9c2a1) → workspace');
    expect(await p.page.locator('.side.a').getAttribute('title')).toContain(
      'commit: 3f9c2a1e7b5d48c09e6f1a2b3c4d5e6f70819a2b',
    );
    const summary = await p.page.locator('.summary .count').allTextContents();
    expect(summary).toEqual(['6 added', '2 removed', '4 modified', '1 renamed', '+165.1 KiB']);
    expect(await text(p, '.summary .totals')).toBe('1,204 files, 50.0 MiB → 1,208 files, 50.2 MiB');
    expect(await p.page.getByRole('note').textContent()).toBe(
      '1 tree object is not in the local store, so changes inside it are not listed: archive/2023 (ab12cd34).',
    );
    expect(await text(p, '.detail')).toContain('Select a changed file.');
    expect(await text(p, '.tree-status')).toBe('13 files');
    // Receiving the diff posts nothing and saves no state.
    expect(await posted(p)).toEqual([{ type: 'ready' }]);
    expect(await p.savedState()).toBeUndefined();
  });

  it('shows a side where the dataset does not exist, no missing note, and a diff with no changes', async () => {
    const p = await panel({ theme: 'light' });
    const diff = makeDiff([]);
    await p.send(diffMessage({ ...diff, a: { ...diff.a, hash: null, size: 0, files: 0 } }, []));
    expect(await text(p, '.sides')).toBe('HEAD (3f9c2a1) (absent) → workspace');
    expect(await p.page.getByRole('note').count()).toBe(0);
    expect(await text(p, '.summary')).toContain('No changes');
    expect(await text(p, '.tree-status')).toBe('No files changed.');
    expect(await text(p, '.detail')).toBe('The two sides of this dataset are identical.');
    expect(await readTree(p)).toEqual([]);
  });

  it('renders folders before files, compacts single-child folders, with badges, sizes and renames', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    expect(await treeLines(p)).toEqual(SAMPLE_TREE);

    // Tree semantics for assistive technology.
    const rows = p.page.locator('.tree [role=treeitem]');
    const aria = (name: string) =>
      p.page
        .locator('.tree [role=treeitem]', { has: p.page.locator('.name', { hasText: name }) })
        .first()
        .evaluate((el) =>
          ['aria-level', 'aria-posinset', 'aria-setsize', 'aria-expanded', 'aria-selected'].map((a) =>
            el.getAttribute(a),
          ),
        );
    expect(await rows.count()).toBe(SAMPLE_TREE.length);
    expect(await aria('images')).toEqual(['1', '1', '6', 'true', null]);
    expect(await aria('README.md')).toEqual(['1', '5', '6', null, 'false']);
    expect(await aria('dog_015.png')).toEqual(['3', '2', '3', null, 'false']);
    expect(await aria('summary.txt')).toEqual(['2', '1', '1', null, 'false']);
    // Tables carry the table icon; the badge letters are labelled with the change.
    expect(
      await p.page.locator('.tree-row.table').evaluateAll((els) => els.map((e) => e.dataset.path)),
    ).toEqual(['meta/splits/test.parquet', 'meta/events.jsonl', 'labels.csv']);
    expect(await p.page.locator('.tree-row[data-path="README.md"] .badge').getAttribute('title')).toBe(
      'Removed',
    );
    expect(
      await p.page.locator('.tree-row[data-path="images/dogs/puppy_003.png"]').getAttribute('title'),
    ).toBe(
      'images/dogs/puppy_003.png (renamed)\nimages/cats/puppy_003.png → images/dogs/puppy_003.png\n14.6 KiB',
    );
  });

  it('collapses and expands folders by click, keeping their counts, and saves them', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    await p.page.locator('.tree-row.folder', { hasText: 'dogs' }).click();
    await p.page.locator('.tree-row.folder', { hasText: 'meta' }).click();
    expect(await treeLines(p)).toEqual([
      ...SAMPLE_TREE.slice(0, 5),
      '  dogs - 1D 1M 1R',
      'meta - 1A 2M',
      ...SAMPLE_TREE.slice(14),
    ]);
    expect(await p.savedState()).toMatchObject({ collapsed: ['images/dogs', 'meta'] });
    await p.page.locator('.tree-row.folder', { hasText: 'dogs' }).click();
    expect((await p.savedState()) as { collapsed: string[] }).toMatchObject({ collapsed: ['meta'] });
    expect(await treeLines(p)).toEqual([
      ...SAMPLE_TREE.slice(0, 9),
      'meta - 1A 2M',
      ...SAMPLE_TREE.slice(14),
    ]);
    // Folders do not post anything.
    expect(await posted(p)).toEqual([{ type: 'ready' }]);
  });

  it('filters by a substring of the path or the rename source, and by change kind', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    await filterBox(p).fill('dog');
    expect(await treeLines(p)).toEqual(['images + 1D 1M 1R', ...SAMPLE_TREE.slice(5, 9)]);
    expect(await text(p, '.tree-status')).toBe('3 of 13 files');

    await filterBox(p).fill('CATS/PUPPY'); // case-insensitive, matches the old path of a rename
    expect(await treeLines(p)).toEqual(['images + 1R', '  dogs + 1R', SAMPLE_TREE[8]]);

    await filterBox(p).fill('.csv');
    expect(await treeLines(p)).toEqual([SAMPLE_TREE[16]]);
    await filterBox(p).fill('nothing-like-this');
    expect(await readTree(p)).toEqual([]);
    expect(await text(p, '.tree-status')).toBe('No changed files match the filter.');

    await filterBox(p).fill('');
    const added = p.page.getByRole('button', { name: 'Added' });
    expect(await added.textContent()).toBe('A6');
    expect(await added.getAttribute('aria-pressed')).toBe('true');
    await added.click();
    expect(await added.getAttribute('aria-pressed')).toBe('false');
    expect(await added.getAttribute('title')).toBe('Show added files');
    expect(await treeLines(p)).toEqual([
      'images + 1D 1M 1R',
      ...SAMPLE_TREE.slice(5, 9),
      'meta + 2M',
      ...SAMPLE_TREE.slice(12, 14),
      ...SAMPLE_TREE.slice(16, 18),
    ]);
    expect(await text(p, '.tree-status')).toBe('7 of 13 files');
    await p.page.getByRole('button', { name: 'Modified' }).click();
    await filterBox(p).fill('images');
    expect(await treeLines(p)).toEqual(['images + 1D 1R', '  dogs + 1D 1R', SAMPLE_TREE[6], SAMPLE_TREE[8]]);
    expect(await p.savedState()).toMatchObject({ filter: 'images', kinds: ['removed', 'renamed'] });

    // Turning a kind back on keeps the display order of the kinds.
    await added.click();
    expect(await p.savedState()).toMatchObject({ kinds: ['added', 'removed', 'renamed'] });
    expect(await text(p, '.tree-status')).toBe('5 of 13 files');
  });

  it('navigates with the keyboard: arrows, Left/Right on folders, Home/End, Enter and Space', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    await filterBox(p).focus();
    await p.page.keyboard.press('ArrowDown'); // from the filter box into the tree
    expect(await treeList(p).evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await activeRow(p)).toBe('images');
    const press = async (...keys: string[]): Promise<string | null> => {
      for (const key of keys) await p.page.keyboard.press(key);
      return activeRow(p);
    };
    expect(await press('ArrowDown')).toBe('cats');
    expect(await press('ArrowLeft')).toBe('cats'); // collapses
    expect((await readTree(p)).map((r) => r.name).slice(0, 3)).toEqual(['images', 'cats', 'dogs']);
    expect(await press('ArrowLeft')).toBe('images'); // to the parent
    expect(await press('ArrowRight')).toBe('cats'); // expanded folder: to its first child
    expect(await press('ArrowRight')).toBe('cats'); // expands
    expect(await press('ArrowRight')).toBe('cat_001.png');
    expect(await press('ArrowLeft')).toBe('cats'); // a file: to its folder
    expect(await press('End')).toBe('scratch');
    expect(await press('ArrowDown')).toBe('scratch'); // stays at the end
    expect(await press('Home')).toBe('images');
    expect(await press('ArrowUp')).toBe('images');
    expect(await press('PageDown')).not.toBe('images');
    expect(await posted(p)).toEqual([{ type: 'ready' }]); // moving the focus opens nothing

    // Enter opens a non-table file; Space selects a table.
    await press('Home', 'ArrowDown', 'ArrowDown');
    expect(await activeRow(p)).toBe('cat_001.png');
    await p.page.keyboard.press('Enter');
    expect(await press('End', 'ArrowUp', 'ArrowUp')).toBe('labels.csv');
    await p.page.keyboard.press(' ');
    expect(await posted(p)).toEqual([
      { type: 'ready' },
      { type: 'openFile', path: 'images/cats/cat_001.png' },
      { type: 'table', path: 'labels.csv', offset: 0 },
    ]);
    const selected = (await readTree(p)).filter((r) => r.selected).map((r) => r.name);
    expect(selected).toEqual(['labels.csv']);
    // Enter on a folder toggles it.
    await press('Home', 'Enter');
    expect(await treeLines(p)).toEqual(['images - 3A 1D 1M 1R', ...SAMPLE_TREE.slice(9)]);
  });

  it('renders 20,000 changes with a bounded number of rows in the DOM, and scrolls and filters them', async () => {
    const p = await panel({ theme: 'dark', viewport: { width: 1180, height: 640 } });
    await p.send(diffMessage(makeDiff(manyChanges(20_000)), []));
    expect(await text(p, '.tree-status')).toBe('20,000 files');
    expect(await p.page.locator('.summary .count').allTextContents()).toEqual([
      '4,000 added',
      '4,000 removed',
      '8,000 modified',
      '4,000 renamed',
      expect.stringMatching(/^[+−]/),
    ]);
    const rows = p.page.locator('.tree [role=treeitem]');
    const inDom = await rows.count();
    expect(inDom).toBeGreaterThan(10);
    expect(inDom).toBeLessThan(80);
    // 20 shards + 1,000 parts + 20,000 files: the scroll height is that of every row.
    const height = await treeList(p).evaluate((el) => el.scrollHeight);
    expect(height).toBe(21_020 * ROW_HEIGHT);
    expect((await readTree(p))[0]).toMatchObject({ name: 'shard-00', detail: '200A 200D 400M 200R' });

    await treeList(p).evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect.poll(async () => (await readTree(p)).at(-1)?.name).toBe('img-019999.jpg');
    expect(await rows.count()).toBeLessThan(80);
    await treeList(p).evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await expect.poll(async () => (await readTree(p)).some((r) => r.name.startsWith('img-'))).toBe(true);
    expect(await rows.count()).toBeLessThan(80);

    await treeList(p).focus();
    await p.page.keyboard.press('End');
    expect(await activeRow(p)).toBe('img-019999.jpg');

    await filterBox(p).fill('img-012345');
    expect(await treeLines(p)).toEqual([
      'shard-09 + 1M',
      '  part-023 + 1M',
      '    img-012345.jpg M 29.3 KiB → 29.4 KiB',
    ]);
    await filterBox(p).fill('');
    await p.page.getByRole('button', { name: 'Modified' }).click();
    expect(await text(p, '.tree-status')).toBe('12,000 of 20,000 files');
  });
});
