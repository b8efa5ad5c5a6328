// The Dataset Diff panel's real bundle (dist/webview/datasetDiff.{js,css}, built by `npm run build`) in
// Chromium, hosted like a VS Code webview by ./harness.ts, driven only through its UI and messages.
// This file: table files (request, schema diff, statistics, changed rows, paging, key columns, errors)
// and non-table files (openFile).
import { describe, expect, it } from 'vitest';
import {
  answerTable,
  clickFile,
  diffMessage,
  posted,
  readGrid,
  readRowCounts,
  readRows,
  tableDiff,
  text,
  useDiffPanels,
} from './diffFixtures';

const panel = useDiffPanels();

const changedStats = (p: Awaited<ReturnType<typeof panel>>, column: string): Promise<string[]> =>
  p.page
    .locator(`.stat-card[data-column="${column}"] tr.changed`)
    .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.stat ?? ''));

describe('Dataset Diff webview: tables', () => {
  it('asks for a table when it is selected, then shows rows, schema diff, statistics and changed rows', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    await clickFile(p, 'labels.csv');
    expect(await posted(p)).toEqual([{ type: 'ready' }, { type: 'table', path: 'labels.csv', offset: 0 }]);
    expect(await p.page.getByRole('status').filter({ hasText: 'Comparing tables…' }).isVisible()).toBe(true);
    expect(await text(p, '.detail-head h2')).toBe('labels.csv');
    // Choosing the same table again asks nothing more.
    await clickFile(p, 'labels.csv');
    expect(await posted(p)).toHaveLength(2);

    await answerTable(p);
    expect(await p.page.locator('.loading').count()).toBe(0);
    expect(await p.page.locator('.detail-head').textContent()).toBe('Mlabels.csvCSV40.0 KiB → 42.0 KiB');
    expect(await readRowCounts(p)).toEqual({
      Before: '1,000',
      After: '1,030',
      Added: '40',
      Removed: '10',
      Changed: '200',
      Unchanged: '790',
      'Duplicate keys': '2',
    });
    expect(await text(p, '.matching')).toBe('Rows matched on key column id.');
    expect(await p.page.locator('.matching.content').count()).toBe(0);

    expect(await text(p, '.schema summary')).toBe('Schema 5 columns, 3 changed');
    expect(await readGrid(p, '.schema-table')).toEqual([
      ['idkey', '', 'integer', '0'],
      ['label', '', 'string', '67'],
      ['score', 'retyped', 'integer → number', '200'],
      ['split', 'added', '— → string', '0'],
      ['weight', 'removed', 'number → —', '0'],
    ]);

    expect(await readGrid(p, '.stat-card[data-column="score"] .stat-table')).toEqual([
      ['count', '1,000', '1,030'],
      ['nulls', '0', '0'],
      ['distinct', '100', '1,030'],
      ['min', '0', '0.01'],
      ['max', '99', '99.98'],
      ['mean', '49.5', '50.12'],
    ]);
    expect(await changedStats(p, 'score')).toEqual(['count', 'distinct', 'min', 'max', 'mean']);
    expect(await text(p, '.stat-card[data-column="score"] .changed-cells')).toBe('200 changed cells');
    expect(await readGrid(p, '.stat-card[data-column="label"] .stat-table')).toEqual([
      ['count', '1,000', '1,028'],
      ['nulls', '0', '2'],
      ['distinct', '3', '3'],
      ['top', 'cat ×512, dog ×480, bird ×8', 'cat ×530, dog ×490, bird ×8'],
    ]);
    expect(await changedStats(p, 'label')).toEqual(['count', 'nulls', 'top']);
    // A column on one side only: its other side is blank and nothing is flagged as changed.
    expect(await readGrid(p, '.stat-card[data-column="split"] .stat-table')).toEqual([
      ['count', '', '1,030'],
      ['nulls', '', '0'],
      ['distinct', '', '2'],
      ['top', '', 'train ×824, val ×206'],
    ]);
    expect(await changedStats(p, 'split')).toEqual([]);
    expect(await text(p, '.stat-card[data-column="weight"] .mark')).toBe('removed');

    const view = await readRows(p);
    expect(view.headers).toEqual(['Change', 'id', 'label', 'score', 'split', 'weight']);
    expect(view.rows).toHaveLength(100);
    expect(view.rows.slice(0, 7)).toEqual([
      ['added', '1000', 'cat', '0.5', 'val', ''],
      ['added', '1003', 'dog', '1.5', 'train', ''],
      ['added', '1006', 'bird', '2.5', 'train', ''],
      ['added', '1009', 'cat', '3.5', 'train', ''],
      ['removed', '1012', 'dog', '4', '', '1.0'],
      ['changed', '1015', 'bird', '5 → 5.5', 'val', ''],
      ['changed', '1018', 'cat → dog', '6 → 6.5', 'train', ''],
    ]);
    const changedRow = p.page.locator('.rows-table tbody tr').nth(6);
    expect(await changedRow.getAttribute('class')).toBe('changed');
    expect(await changedRow.locator('td.cell.changed').first().getAttribute('title')).toBe('cat → dog');
    expect(await changedRow.locator('td.cell.changed del').allTextContents()).toEqual(['cat', '6']);
    expect(await changedRow.locator('td.cell.changed ins').allTextContents()).toEqual(['dog', '6.5']);
    expect(await p.page.locator('.rows-table tbody tr.added').count()).toBe(16);
    expect(await p.page.locator('.rows-table tbody tr.removed').count()).toBe(4);
    expect(await text(p, '.range')).toBe('Rows 1–100 of 250');
    expect(await p.page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
    expect(await p.page.getByRole('button', { name: 'Next page' }).isEnabled()).toBe(true);
    expect(await posted(p)).toHaveLength(2);
  });

  it('pages through changed rows: Next and Previous post the offsets, and the range follows', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    await clickFile(p, 'labels.csv');
    await answerTable(p);
    const next = p.page.getByRole('button', { name: 'Next page' });
    const previous = p.page.getByRole('button', { name: 'Previous page' });

    await next.click();
    expect((await posted(p)).at(-1)).toEqual({ type: 'table', path: 'labels.csv', offset: 100 });
    // While the host works, the current page stays, marked busy.
    expect(await p.page.locator('.detail').getAttribute('aria-busy')).toBe('true');
    expect(await p.page.locator('.progress.top').isVisible()).toBe(true);
    expect(await text(p, '.range')).toBe('Rows 1–100 of 250');
    await answerTable(p);
    expect(await p.page.locator('.detail').getAttribute('aria-busy')).toBeNull();
    expect(await text(p, '.range')).toBe('Rows 101–200 of 250');
    expect((await readRows(p)).rows[0]).toEqual(['added', '1300', 'dog', '0.5', 'val', '']);

    await next.click();
    expect((await posted(p)).at(-1)).toEqual({ type: 'table', path: 'labels.csv', offset: 200 });
    await answerTable(p);
    expect(await text(p, '.range')).toBe('Rows 201–250 of 250');
    expect((await readRows(p)).rows).toHaveLength(50);
    expect(await next.isDisabled()).toBe(true);
    expect(await p.savedState()).toMatchObject({ selected: 'labels.csv', offset: 200, keys: null });

    await previous.click();
    expect((await posted(p)).at(-1)).toEqual({ type: 'table', path: 'labels.csv', offset: 100 });
    await answerTable(p);
    expect(await text(p, '.range')).toBe('Rows 101–200 of 250');
    await previous.click();
    expect((await posted(p)).at(-1)).toEqual({ type: 'table', path: 'labels.csv', offset: 0 });
    expect(await posted(p)).toHaveLength(6);

    // Large counts are grouped: a new table of 2,000 rows, all added.
    await clickFile(p, 'meta/splits/test.parquet');
    await answerTable(p);
    expect(await text(p, '.range')).toBe('Rows 1–100 of 2,000');
    expect(await readRowCounts(p)).toMatchObject({ Before: '0', After: '2,000', Added: '2,000' });
    expect((await readRows(p)).headers).toEqual(['Change', 'row_id', 'file', 'label']);
  });

  it('labels content matching, and posts the key columns chosen, then shows the keyed diff', async () => {
    const p = await panel({ theme: 'light' });
    await p.send(diffMessage());
    await clickFile(p, 'meta/events.jsonl');
    await answerTable(p);
    expect(await p.page.locator('.matching.content').textContent()).toBe(
      'No key columns: rows matched by content; a changed row appears as removed + added.',
    );
    expect(await readRowCounts(p)).toEqual({
      Before: '500',
      After: '505',
      Added: '12',
      Removed: '7',
      Changed: '0',
      Unchanged: '493',
    });
    expect(await text(p, '.warnings')).toBe('meta/events.jsonl: line 212: not valid JSON, skipped');
    let view = await readRows(p);
    expect(view.headers).toEqual(['Change', 'Row', 'event_id', 'ts', 'kind', 'value']);
    expect(view.rows.slice(0, 2)).toEqual([
      ['removed', '40', '40', '2026-11-17T08:00:00Z', 'view', '1'],
      ['added', '40', '40', '2026-11-17T08:00:00Z', 'view', '1.5'],
    ]);

    // The key chooser is open for content matching; Apply needs a choice.
    const chooser = p.page.locator('details.keys');
    expect(await chooser.getAttribute('open')).toBe('');
    expect(await text(p, 'details.keys summary')).toBe('Set key columns…');
    const apply = chooser.getByRole('button', { name: 'Apply' });
    expect(await apply.isDisabled()).toBe(true);
    expect(
      await chooser.getByRole('checkbox').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(['event_id', 'ts', 'kind', 'value']);
    await chooser.getByRole('checkbox', { name: 'event_id' }).check();
    await apply.click();
    expect((await posted(p)).at(-1)).toEqual({
      type: 'table',
      path: 'meta/events.jsonl',
      offset: 0,
      keys: ['event_id'],
    });
    await answerTable(p);
    expect(await text(p, '.matching')).toBe('Rows matched on key column event_id.');
    expect(await p.page.locator('.matching.content').count()).toBe(0);
    view = await readRows(p);
    expect(view.headers).toEqual(['Change', 'event_id', 'ts', 'kind', 'value']);
    expect(view.rows[0]).toEqual(['changed', '40', '2026-11-17T08:00:00Z', 'view', '1 → 1.5']);
    expect(await readRowCounts(p)).toMatchObject({ Changed: '7', Added: '5', 'Duplicate keys': '0' });
    expect(await p.savedState()).toMatchObject({ selected: 'meta/events.jsonl', keys: ['event_id'] });

    // Keyed now: the chooser is closed, shows the current keys, and Apply waits for a different choice.
    expect(await text(p, 'details.keys summary')).toBe('Change key columns…');
    expect(await chooser.getAttribute('open')).toBeNull();
    await chooser.locator('summary').click();
    expect(await chooser.getByRole('checkbox', { name: 'event_id' }).isChecked()).toBe(true);
    expect(await apply.isDisabled()).toBe(true);
    await chooser.getByRole('checkbox', { name: 'kind' }).check();
    await apply.click();
    expect((await posted(p)).at(-1)).toEqual({
      type: 'table',
      path: 'meta/events.jsonl',
      offset: 0,
      keys: ['event_id', 'kind'],
    });
  });

  it('shows a table error in place, and tries again on request', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    await clickFile(p, 'labels.csv');
    await p.send({ type: 'tableError', path: 'meta/events.jsonl', message: 'not this one' }); // not selected
    expect(await p.page.locator('.loading').count()).toBe(1);
    await p.send({
      type: 'tableError',
      path: 'labels.csv',
      message: 'labels.csv: line 17: unterminated quoted field',
    });
    expect(await p.page.getByRole('alert').textContent()).toBe(
      'labels.csv: line 17: unterminated quoted field',
    );
    expect(await p.page.locator('.loading').count()).toBe(0);
    expect(await text(p, '.detail-head h2')).toBe('labels.csv');

    await p.page.getByRole('button', { name: 'Try Again' }).click();
    expect((await posted(p)).at(-1)).toEqual({ type: 'table', path: 'labels.csv', offset: 0 });
    expect(await p.page.locator('.loading').count()).toBe(1);
    await answerTable(p);
    expect(await p.page.getByRole('alert').count()).toBe(0);
    expect(await text(p, '.range')).toBe('Rows 1–100 of 250');
  });

  it('ignores table answers for a file that is no longer selected', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    await clickFile(p, 'labels.csv');
    await clickFile(p, 'meta/events.jsonl');
    expect(await posted(p)).toEqual([
      { type: 'ready' },
      { type: 'table', path: 'labels.csv', offset: 0 },
      { type: 'table', path: 'meta/events.jsonl', offset: 0 },
    ]);
    await p.send({ type: 'table', path: 'labels.csv', result: tableDiff('labels.csv', 0) });
    expect(await p.page.locator('.loading').count()).toBe(1);
    expect(await text(p, '.detail-head h2')).toBe('meta/events.jsonl');
    await answerTable(p);
    expect(await text(p, '.detail-head h2')).toBe('meta/events.jsonl');
    expect((await readRows(p)).headers[1]).toBe('Row');
  });

  it('posts openFile for other files and shows a hint; an empty folder posts nothing', async () => {
    const p = await panel({ theme: 'dark' });
    await p.send(diffMessage());
    await clickFile(p, 'meta/schema.json');
    expect(await posted(p)).toEqual([{ type: 'ready' }, { type: 'openFile', path: 'meta/schema.json' }]);
    expect(await text(p, '.hint .empty')).toBe(
      'Opened in the diff editor. Only tables (CSV, TSV, JSON Lines, Parquet) are compared in this panel.',
    );
    expect(await text(p, '.detail-head')).toBe('Mmeta/schema.json498 B → 512 B');
    await p.page.getByRole('button', { name: 'Open Again' }).click();
    expect(await posted(p)).toHaveLength(3);
    expect((await posted(p)).at(-1)).toEqual({ type: 'openFile', path: 'meta/schema.json' });

    await clickFile(p, 'images/dogs/puppy_003.png');
    expect((await posted(p)).at(-1)).toEqual({ type: 'openFile', path: 'images/dogs/puppy_003.png' });
    expect(await text(p, '.detail-head .description')).toBe('renamed from images/cats/puppy_003.png');
    expect(await text(p, '.hint .empty')).toContain('Opened in an editor (same content, new path).');

    await clickFile(p, 'scratch');
    expect(await posted(p)).toHaveLength(4);
    expect(await text(p, '.detail')).toContain('An empty folder was added; it has no content to compare.');
  });
});
