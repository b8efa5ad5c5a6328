// The Dataset Diff panel's real bundle (dist/webview/datasetDiff.{js,css}, built by `npm run build`) in
// Chromium, hosted like a VS Code webview by ./harness.ts, driven only through its UI and messages.
// This file: saved and restored UI state, new diffs (refresh), host errors, and bad input.
import { describe, expect, it } from 'vitest';
import {
  answerTable,
  clickFile,
  diffMessage,
  filterBox,
  makeDiff,
  posted,
  readRows,
  readTree,
  sampleChanges,
  sampleDiff,
  tableDiff,
  text,
  treeLines,
  useDiffPanels,
} from './diffFixtures';

const panel = useDiffPanels();

describe('Dataset Diff webview: state and messages', () => {
  it('saves selection, page, folders, filter and kinds, and restores them in a fresh page', async () => {
    const first = await panel({ theme: 'dark' });
    await first.send(diffMessage());
    await first.page.locator('.tree-row.folder', { hasText: 'notes' }).click();
    await first.page.getByRole('button', { name: 'Renamed' }).click();
    await clickFile(first, 'labels.csv');
    await answerTable(first);
    await first.page.getByRole('button', { name: 'Next page' }).click();
    await answerTable(first);
    await filterBox(first).fill('a');
    const saved = await first.savedState();
    expect(saved).toEqual({
      selected: 'labels.csv',
      collapsed: ['notes/2024/q1'],
      filter: 'a',
      kinds: ['added', 'removed', 'modified'],
      treeWidth: 340,
      offset: 100,
      keys: null,
    });

    // VS Code hands the saved state to the next instance of the webview (e.g. after it was hidden).
    const second = await panel({ theme: 'dark', state: saved });
    expect(await second.page.locator('.filter').inputValue()).toBe('a'); // hidden until the diff arrives
    expect(await text(second, '.placeholder')).toBe('Loading diff…');
    expect(await posted(second)).toEqual([{ type: 'ready' }]);
    await second.send(diffMessage());
    // The selected table is asked for again, at the saved page.
    expect(await posted(second)).toEqual([
      { type: 'ready' },
      { type: 'table', path: 'labels.csv', offset: 100 },
    ]);
    expect(await second.page.getByRole('button', { name: 'Renamed' }).getAttribute('aria-pressed')).toBe(
      'false',
    );
    expect(await treeLines(second)).toContain('notes/2024/q1 - 1A');
    expect((await readTree(second)).filter((r) => r.selected).map((r) => r.name)).toEqual(['labels.csv']);
    await answerTable(second);
    expect(await text(second, '.range')).toBe('Rows 101–200 of 250');
    expect(await second.savedState()).toEqual(saved);
  });

  it('restores chosen key columns, and reveals a restored file inside collapsed folders without opening it', async () => {
    const keyed = await panel({
      theme: 'dark',
      state: {
        selected: 'meta/events.jsonl',
        collapsed: [],
        filter: '',
        kinds: ['added', 'removed', 'modified', 'renamed'],
        treeWidth: 300,
        offset: 0,
        keys: ['event_id'],
      },
    });
    await keyed.send(diffMessage());
    expect((await posted(keyed)).at(-1)).toEqual({
      type: 'table',
      path: 'meta/events.jsonl',
      offset: 0,
      keys: ['event_id'],
    });
    expect((await keyed.page.locator('.tree-pane').boundingBox())?.width).toBe(300);

    const p = await panel({
      theme: 'light',
      state: {
        selected: 'images/dogs/dog_015.png',
        collapsed: ['images', 'images/dogs', 'meta'],
        filter: '',
        kinds: ['added', 'removed', 'modified', 'renamed'],
        treeWidth: 340,
        offset: 0,
        keys: null,
      },
    });
    await p.send(diffMessage());
    const lines = await treeLines(p);
    expect(lines.slice(0, 2)).toEqual(['images + 3A 1D 1M 1R', '  cats + 3A']);
    expect(lines).toContain('    dog_015.png M 20.5 KiB → 21.0 KiB');
    expect(lines).toContain('meta - 1A 2M');
    expect(await p.savedState()).toMatchObject({ collapsed: ['meta'] });
    // Restoring does not reopen the diff editor: the hint offers to.
    expect(await posted(p)).toEqual([{ type: 'ready' }]);
    expect(await text(p, '.hint .empty')).toContain('Not a table: open it in the diff editor.');
    await p.page.getByRole('button', { name: 'Open', exact: true }).click();
    expect(await posted(p)).toEqual([
      { type: 'ready' },
      { type: 'openFile', path: 'images/dogs/dog_015.png' },
    ]);
  });

  it('falls back to defaults when the restored state is not its own', async () => {
    const p = await panel({ theme: 'dark', state: { sort: { column: 'name' }, filter: 3 } });
    await p.send(diffMessage());
    expect(await filterBox(p).inputValue()).toBe('');
    expect(await readTree(p)).toHaveLength(19);
    expect(await posted(p)).toEqual([{ type: 'ready' }]);
  });

  it('keeps the selection over a new diff (Refresh), and drops it when the file is no longer changed', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    await clickFile(p, 'labels.csv');
    await answerTable(p);
    await p.page.getByRole('button', { name: 'Refresh' }).click();
    expect((await posted(p)).at(-1)).toEqual({ type: 'refresh' });
    await p.send({ type: 'loading', what: 'Comparing HEAD with the workspace…' });
    expect(await text(p, '.diff-header .status')).toBe('Comparing HEAD with the workspace…');

    await p.send(diffMessage());
    expect(await text(p, '.diff-header .status')).toBe('');
    expect((await posted(p)).at(-1)).toEqual({ type: 'table', path: 'labels.csv', offset: 0 });
    await answerTable(p);
    expect(await text(p, '.range')).toBe('Rows 1–100 of 250');

    const without = sampleChanges().filter((c) => c.path !== 'labels.csv');
    await p.send(diffMessage(makeDiff(without), ['meta/events.jsonl']));
    expect(await text(p, '.detail')).toContain('Select a changed file.');
    expect(await p.savedState()).toMatchObject({ selected: null });
    expect(await p.page.locator('.tree-row.table').count()).toBe(1);
    expect(await text(p, '.tree-status')).toBe('12 files');
    expect((await posted(p)).filter((m) => m.type === 'table')).toHaveLength(2);
  });

  it('shows loading and error messages from the host in place of the panes, until a diff arrives', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send({ type: 'loading', what: 'Reading trees…' });
    expect(await text(p, '.placeholder')).toBe('Reading trees…');
    await p.send({ type: 'error', message: "Unknown revision 'v9': not a commit, branch, tag or run" });
    expect(await p.page.getByRole('alert').textContent()).toBe(
      "Unknown revision 'v9': not a commit, branch, tag or run",
    );
    expect(await p.page.locator('.panes').isHidden()).toBe(true);
    await p.send(diffMessage());
    expect(await p.page.getByRole('alert').count()).toBe(0);
    expect(await p.page.locator('.panes').isVisible()).toBe(true);
    await p.send({ type: 'error', message: 'The dataset data/train is not tracked any more' });
    expect(await p.page.getByRole('alert').textContent()).toBe(
      'The dataset data/train is not tracked any more',
    );
    expect(await p.page.locator('.panes').isHidden()).toBe(true);
  });

  it('ignores invalid messages, before and after the diff, without errors', async () => {
    const diff = sampleDiff();
    const invalid: unknown[] = [
      null,
      42,
      'diff',
      {},
      { type: 'DIFF', diff, tables: [] },
      { type: 'ready' },
      { type: 'diff', diff },
      { type: 'diff', diff: { ...diff, counts: null }, tables: [] },
      {
        type: 'diff',
        diff: { ...diff, changes: [{ path: 'x', change: 'copied', type: 'file', size: 1 }] },
        tables: [],
      },
      {
        type: 'diff',
        diff: { ...diff, changes: [{ path: 'x', change: 'added', type: 'file', size: '1' }] },
        tables: [],
      },
      { type: 'table', path: 'labels.csv' },
      { type: 'table', path: 'labels.csv', result: { path: 'labels.csv' } },
      { type: 'tableError', path: 'labels.csv' },
      { type: 'loading' },
      { type: 'error', message: 404 },
    ];
    const p = await panel({ theme: 'dark' });
    for (const message of invalid) await p.send(message);
    expect(await text(p, '.placeholder')).toBe('Loading diff…');
    await p.send(diffMessage());
    await clickFile(p, 'labels.csv');
    for (const message of invalid) await p.send(message);
    expect(await p.page.locator('.loading').count()).toBe(1);
    expect(await treeLines(p)).toHaveLength(19);
    expect(await posted(p)).toEqual([{ type: 'ready' }, { type: 'table', path: 'labels.csv', offset: 0 }]);
    // A table answer for a path the diff does not list is ignored too.
    await p.send({
      type: 'table',
      path: 'other.csv',
      result: { ...tableDiff('labels.csv', 0), path: 'other.csv' },
    });
    expect(await p.page.locator('.loading').count()).toBe(1);
  });

  it('renders names and cell values as text, never as markup', async () => {
    const evil = '<img src=x onerror="document.title=\'pwned\'">';
    const p = await panel({ theme: 'dark' });
    const diff = makeDiff([
      { path: `${evil}/<b>x.csv`, change: 'modified', type: 'file', size: 2, oldSize: 1 },
    ]);
    await p.send(diffMessage({ ...diff, dataset: '<i>data</i>' }, [`${evil}/<b>x.csv`]));
    expect(await text(p, 'h1')).toBe('<i>data</i>');
    expect((await readTree(p)).map((r) => r.name)).toEqual([evil, '<b>x.csv']);
    await p.page.locator('.tree-row.file').click();
    const request = (await posted(p)).at(-1);
    expect(request).toEqual({ type: 'table', path: `${evil}/<b>x.csv`, offset: 0 });
    const table = tableDiff('labels.csv', 0);
    const row = table.page.rows[6];
    if (!row?.after) throw new Error('fixture changed');
    row.after[1] = '<script>document.title="pwned"</script>';
    await p.send({
      type: 'table',
      path: `${evil}/<b>x.csv`,
      result: { ...table, path: `${evil}/<b>x.csv` },
    });
    expect((await readRows(p)).rows[6]?.[2]).toBe('cat → <script>document.title="pwned"</script>');
    expect(await p.page.locator('#root img, #root b, #root i, #root script').count()).toBe(0);
    expect(await p.page.title()).toBe('Lineage Dataset Diff');
  });
});
