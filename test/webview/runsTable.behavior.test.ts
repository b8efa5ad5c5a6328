// The Runs Table: sorting (shift-click adds keys), filter expressions (the CLI's syntax, errors with
// their column), "differing only", the column picker, selection (mouse and keyboard, kept across
// filter and sort, posted to the host), saved state, incremental updates and CSV export.
import { describe, expect, it } from 'vitest';
import { queryRuns } from '../../core/runs/query';
import type { RunSummary } from '../../protocol/runs';
import { usePanels } from './fixtures';
import {
  cells,
  clickHeader,
  clickRow,
  filterBox,
  frames,
  generateRuns,
  readGrid,
  setToggle,
  toggle,
  SMALL,
  WIDE,
} from './runsTableFixtures';

const panel = usePanels();
const viewport = WIDE;

function runs(): RunSummary[] {
  return generateRuns(SMALL);
}

async function open(data = runs(), state?: unknown) {
  const p = await panel({ theme: 'dark', viewport, state });
  await p.send({ type: 'runs', result: { runs: data, problems: [] } });
  return p;
}

const names = async (p: Awaited<ReturnType<typeof open>>): Promise<string[]> =>
  cells(await readGrid(p), 'name');

describe('Runs Table webview: table behaviour', () => {
  it('has the run, param, metric, tag and input columns; min/max only when shown', async () => {
    const p = await open();
    const view = await readGrid(p);
    expect(view.columns).toEqual([
      'name',
      'status',
      'id',
      'experiment',
      'commit',
      'started',
      'duration',
      'param:batch',
      'param:lr',
      'param:optimizer',
      'param:p004',
      'param:p005',
      'param:p006',
      'param:p007',
      'param:seed',
      'metric:acc',
      'metric:loss',
      'metric:m002',
      'metric:m003',
      'tag:t000',
      'tag:t001',
      'input:data/set0',
    ]);
    expect(view.rows).toHaveLength(SMALL.runs);
    expect(view.rows[0]?.cells['param:optimizer']).toBe('adam');
  });

  it('sorts by a clicked header, reverses on a second click, and adds keys with shift-click', async () => {
    const data = runs();
    const p = await open(data);
    await clickHeader(p, 'metric:acc');
    let view = await readGrid(p);
    const acc = cells(view, 'metric:acc').map(Number);
    expect(acc).toEqual([...acc].sort((a, b) => a - b));
    expect(view.ariaSort['metric:acc']).toBe('ascending');
    expect(view.ariaSort.started).toBe('none');

    await clickHeader(p, 'metric:acc');
    view = await readGrid(p);
    expect(view.ariaSort['metric:acc']).toBe('descending');
    expect(cells(view, 'metric:acc').map(Number)).toEqual([...acc].sort((a, b) => b - a));

    await clickHeader(p, 'param:batch');
    await clickHeader(p, 'param:lr', true);
    view = await readGrid(p);
    const expected = queryRuns(data, { sort: 'batch,lr' }).runs.map((r) => r.name);
    expect(cells(view, 'name')).toEqual(expected);
    expect(await p.page.locator('[data-column="param:lr"] button').getAttribute('data-order')).toBe('2');
  });

  it('filters with the CLI syntax and shows errors inline with their column', async () => {
    const data = runs();
    const p = await open(data);
    await filterBox(p).fill('lr < 0.01 and acc > 0.3');
    const expected = queryRuns(data, { filter: 'lr < 0.01 and acc > 0.3', sort: '-started' }).runs;
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(data.length);
    expect(await names(p)).toEqual(expected.map((r) => r.name));
    expect(await p.page.locator('.count').textContent()).toBe(`${expected.length} of ${data.length}`);

    // A bad filter: the message names the column, the last good filter stays applied.
    await filterBox(p).fill('lr < 0.01 and');
    const alert = p.page.locator('.filter-error');
    await expect.poll(() => alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toMatch(/column \d+/);
    expect(await p.page.locator('vscode-textfield.filter').getAttribute('aria-invalid')).toBe('true');
    expect(await p.page.locator('vscode-textfield.filter').getAttribute('invalid')).toBe('');
    expect(await names(p)).toEqual(expected.map((r) => r.name));

    await filterBox(p).fill('nosuchparam > 1');
    expect(await alert.textContent()).toContain("unknown name 'nosuchparam' at column 1");

    await filterBox(p).fill('');
    expect(await alert.isHidden()).toBe(true);
    expect(await names(p)).toHaveLength(data.length);
  });

  it('shows only differing columns when asked, among the shown runs', async () => {
    const p = await open();
    await setToggle(p, 'Differing only', true);
    let view = await readGrid(p);
    expect(view.columns).not.toContain('param:optimizer');
    expect(view.columns).toContain('param:lr');
    expect(view.columns).toContain('name');
    // Among finished runs only, status is the same everywhere.
    await filterBox(p).fill('status == "finished"');
    view = await readGrid(p);
    expect(view.columns).not.toContain('status');
    await setToggle(p, 'Differing only', false);
    view = await readGrid(p);
    expect(view.columns).toContain('status');
    expect(view.columns).toContain('param:optimizer');
  });

  it('hides and shows columns with the column picker', async () => {
    const p = await open();
    await p.page.locator('.column-picker summary').click();
    const picker = p.page.locator('.picker-list');
    await picker.locator('input[data-column="param:batch"]').uncheck();
    await p.page.getByRole('searchbox', { name: 'Find columns' }).fill('acc');
    expect(await picker.locator('input').count()).toBe(3); // acc, acc (min), acc (max)
    await picker.locator('input[data-column="metric.min:acc"]').check();
    const view = await readGrid(p);
    expect(view.columns).not.toContain('param:batch');
    expect(view.columns).toContain('metric.min:acc');
    expect(view.labels).toContain('acc (min)');
    const state = (await p.savedState()) as { hidden: string[]; shown: string[] };
    expect(state.hidden).toEqual(['param:batch']);
    expect(state.shown).toEqual(['metric.min:acc']);
  });

  it('selects runs with click, ctrl-click, shift-click and the keyboard, kept across filter and sort', async () => {
    const data = runs();
    const p = await open(data);
    const ids = (await readGrid(p)).rows.map((r) => r.id);
    const selectedIds = async (): Promise<string[]> =>
      (await readGrid(p)).rows.filter((r) => r.selected).map((r) => r.id);
    const lastPosted = async (): Promise<unknown> => (await p.posted()).at(-1);

    await clickRow(p, ids[1] as string);
    expect(await selectedIds()).toEqual([ids[1]]);
    expect(await lastPosted()).toEqual({ type: 'selectionChanged', ids: [ids[1]] });
    await clickRow(p, ids[4] as string, ['Shift']);
    expect(await selectedIds()).toEqual(ids.slice(1, 5));
    await clickRow(p, ids[8] as string, ['Control']);
    expect(await selectedIds()).toEqual([...ids.slice(1, 5), ids[8]]);
    await clickRow(p, ids[2] as string, ['Control']);
    expect(await selectedIds()).toEqual([ids[1], ids[3], ids[4], ids[8]]);

    // Keyboard: the cursor is on the last clicked row; down, space toggles; shift+down extends.
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('Space');
    expect(await selectedIds()).toEqual([ids[1], ids[4], ids[8]]);
    await p.page.keyboard.press('Space');
    expect(await selectedIds()).toEqual([ids[1], ids[3], ids[4], ids[8]]);
    await p.page.keyboard.press('Shift+ArrowDown');
    expect(await selectedIds()).toEqual([ids[3], ids[4]]);

    // Kept across a filter that hides some and a sort.
    const kept = await selectedIds();
    await filterBox(p).fill(`name == "${data.find((r) => r.id === ids[4])?.name}"`);
    expect(await selectedIds()).toEqual([ids[4]]);
    // Selecting while filtered keeps the hidden selected runs, and the host hears about all of them.
    await clickRow(p, ids[4] as string, ['Control']);
    expect(await lastPosted()).toEqual({ type: 'selectionChanged', ids: [ids[3]] });
    await clickRow(p, ids[4] as string, ['Control']);
    expect(await lastPosted()).toEqual({ type: 'selectionChanged', ids: [ids[4], ids[3]] });
    await filterBox(p).fill('');
    await clickHeader(p, 'name');
    expect((await selectedIds()).sort()).toEqual([...kept].sort());
    const state = (await p.savedState()) as { selected: string[] };
    expect([...state.selected].sort()).toEqual([...kept].sort());
  });

  it('restores sort, filter, hidden columns, differing-only and selection in a fresh page', async () => {
    const data = runs();
    const first = await open(data);
    await clickHeader(first, 'param:lr');
    await clickHeader(first, 'metric:loss', true);
    await filterBox(first).fill('acc > 0.2');
    await setToggle(first, 'Differing only', true);
    await first.page.locator('.column-picker summary').click();
    await first.page.locator('.picker-list input[data-column="duration"]').uncheck();
    await first.page.locator('.column-picker summary').click();
    const before = await readGrid(first);
    await clickRow(first, before.rows[0]?.id as string);
    await clickRow(first, before.rows[2]?.id as string, ['Control']);
    const saved = await first.savedState();
    expect(saved).toMatchObject({
      sort: [
        { column: 'param:lr', desc: false },
        { column: 'metric:loss', desc: false },
      ],
      filter: 'acc > 0.2',
      hidden: ['duration'],
      differingOnly: true,
    });

    const second = await open(data, saved);
    expect(await filterBox(second).inputValue()).toBe('acc > 0.2');
    expect(await toggle(second, 'Differing only').isChecked()).toBe(true);
    const after = await readGrid(second);
    expect(after.columns).toEqual(before.columns);
    expect(after.rows.map((r) => r.id)).toEqual(before.rows.map((r) => r.id));
    expect(after.rows.filter((r) => r.selected).map((r) => r.id)).toEqual([
      before.rows[0]?.id,
      before.rows[2]?.id,
    ]);
    expect(after.ariaSort['param:lr']).toBe('ascending');
  });

  it('merges an upsert: the changed row is redrawn, the other rows stay the same elements', async () => {
    const data = runs();
    const p = await open(data);
    await p.page.evaluate(() => {
      for (const el of document.querySelectorAll<HTMLElement>('.grid-row')) el.dataset.mark = 'old';
    });
    const target = data[3] as RunSummary;
    const changed: RunSummary = {
      ...target,
      status: 'running',
      metrics: { ...target.metrics, acc: 0.12345 },
    };
    await p.send({ type: 'upsert', runs: [changed] });
    const row = p.page.locator(`.grid-row[data-run-id="${target.id}"]`);
    expect(await row.getAttribute('data-mark')).toBeNull();
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('running');
    const view = await readGrid(p);
    expect(view.rows.find((r) => r.id === target.id)?.cells['metric:acc']).toBe('0.1235');
    expect(await p.page.locator('.grid-row[data-mark="old"]').count()).toBe(data.length - 1);

    // A new run with a new metric: added at the top, with its column.
    const fresh: RunSummary = {
      ...target,
      id: 'zzzz-new',
      name: 'brand-new',
      startedAt: '2027-01-01T00:00:00.000Z',
      metrics: { ...target.metrics, f1: 0.5 },
    };
    await p.send({ type: 'upsert', runs: [fresh] });
    const next = await readGrid(p);
    expect(next.rows[0]?.cells.name).toBe('brand-new');
    expect(next.columns).toContain('metric:f1');
    expect(await p.page.locator('.count').textContent()).toBe(String(data.length + 1));
  });

  it('exports the shown rows and columns as CSV through the host', async () => {
    const data = runs();
    const p = await open(data);
    await p.page.locator('.column-picker summary').click();
    for (const id of [
      'status',
      'id',
      'experiment',
      'commit',
      'started',
      'duration',
      'param:p004',
      'param:p005',
      'param:p006',
      'param:p007',
      'metric:m002',
      'metric:m003',
      'tag:t000',
      'tag:t001',
      'param:optimizer',
      'param:seed',
    ])
      await p.page.locator(`.picker-list input[data-column="${id}"]`).uncheck();
    await p.page.locator('.column-picker summary').click();
    await filterBox(p).fill('batch == 64');
    await clickHeader(p, 'name');
    await p.page.getByRole('button', { name: 'Export CSV' }).click();
    const message = (await p.posted()).at(-1) as { type: string; csv: string };
    expect(message.type).toBe('exportCsv');
    const expected = queryRuns(data, { filter: 'batch == 64', sort: 'name' }).runs;
    const lines = message.csv.trimEnd().split('\n');
    expect(lines[0]).toBe('Name,batch,lr,acc,loss,data/set0');
    expect(lines.slice(1)).toEqual(
      expected.map((r) =>
        [r.name, r.params?.batch, r.params?.lr, r.metrics.acc, r.metrics.loss, r.inputs?.['data/set0']].join(
          ',',
        ),
      ),
    );
  });

  it('shows problems, the empty state, host errors, and names as text', async () => {
    const p = await panel({ theme: 'light', viewport });
    expect(await p.posted()).toEqual([{ type: 'ready' }]);
    expect(await p.page.locator('.table-wrap').textContent()).toBe('Loading runs…');
    await p.send({
      type: 'runs',
      result: { runs: [], problems: [{ file: '.lineage/runs/x/header.json', message: 'bad <b>json</b>' }] },
    });
    expect(await p.page.locator('.problems').textContent()).toBe(
      '.lineage/runs/x/header.json: bad <b>json</b>',
    );
    expect(await p.page.locator('.empty').textContent()).toContain('lineage run');
    const [run] = generateRuns({ ...SMALL, runs: 1 });
    await p.send({
      type: 'runs',
      result: { runs: [{ ...(run as RunSummary), name: '<img src=x onerror=alert(1)>' }], problems: [] },
    });
    await p.send({ type: 'nonsense' });
    await p.send({ type: 'upsert', runs: [{ id: 1 }] });
    expect(await p.page.locator('.grid-row .cell.pinned').textContent()).toBe('<img src=x onerror=alert(1)>');
    expect(await p.page.locator('.problems').isHidden()).toBe(true);
    await p.send({ type: 'error', message: 'server gone' });
    expect(await p.page.locator('.empty.error').textContent()).toBe('server gone');
    await p.page.getByRole('button', { name: 'Refresh' }).click();
    expect((await p.posted()).at(-1)).toEqual({ type: 'refresh' });
    await frames(p);
  });
});
