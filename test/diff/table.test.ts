import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTables, openTableDiff, type TableSource } from '../../core/diff/table/index';
import { LineageError } from '../../core/errors';
import type { ColumnDiff, TableDiff } from '../../protocol/diff';
import { tempDir } from '../helpers/tmp';

// Real data: the CSVs Debian's python3-sklearn ships. Their first line is a sklearn header
// (`150,4,setosa,…`), so keyed tests derive proper tables (header, `id` column) from them.
const SKLEARN = '/usr/lib/python3/dist-packages/sklearn/datasets/data';
const SPECIES = ['setosa', 'versicolor', 'virginica'];
const IRIS_HEADER = ['id', 'sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'];

function sklearnRows(name: string): string[][] {
  const lines = readFileSync(path.join(SKLEARN, name), 'utf8').trim().split('\n');
  return lines.slice(1).map((line) => line.split(','));
}

/** Iris as a proper table: `id` 1…150, the four measurements, the species by name. */
function iris(): string[][] {
  return sklearnRows('iris.csv').map((r, i) => [String(i + 1), ...r.slice(0, 4), SPECIES[Number(r[4])]!]);
}

/** A copy of `row` with some cells replaced. */
function edit(row: string[], cells: Record<number, string>): string[] {
  return row.map((cell, i) => cells[i] ?? cell);
}

function csv(header: string[], rows: string[][]): string {
  return [header, ...rows].map((row) => row.join(',')).join('\n') + '\n';
}

function write(dir: string, name: string, text: string): TableSource {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { file, label: `${name} at HEAD` };
}

function column(diff: { columns: ColumnDiff[] }, name: string): ColumnDiff {
  const found = diff.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name}`);
  return found;
}

describe('keyed table diff on iris', () => {
  it('counts added, removed and changed rows and cells, in key order', async () => {
    const dir = tempDir();
    const rows = iris();
    const before = write(dir, 'before.csv', csv(IRIS_HEADER, rows));
    const after = rows
      .filter((r) => r[0] !== '3' && r[0] !== '150')
      .map((r) => {
        if (r[0] === '5') return edit(r, { 3: '1.5' }); // petal_length 1.4 → 1.5
        if (r[0] === '77') return edit(r, { 2: '2.9', 5: 'virginica' }); // two cells
        if (r[0] === '20') return edit(r, { 1: '5.10' }); // same value, new text
        return r;
      });
    after.push(
      ['151', '6.0', '3.0', '4.0', '1.0', 'versicolor'],
      ['152', '7.0', '3.1', '5.5', '2.0', 'virginica'],
    );
    const diff = await diffTables(before, write(dir, 'after.csv', csv(IRIS_HEADER, after)), 'iris.csv', {
      keys: ['id'],
    });

    expect(diff.matching).toBe('key');
    expect(diff.rows).toEqual({ before: 150, after: 150, added: 2, removed: 2, changed: 2, unchanged: 146 });
    expect(diff.duplicateKeys).toBe(0);
    expect(diff.columns.map((c) => [c.name, c.change, c.before, c.after, c.changedCells])).toEqual([
      ['id', 'same', 'integer', 'integer', 0],
      ['sepal_length', 'same', 'number', 'number', 0],
      ['sepal_width', 'same', 'number', 'number', 1],
      ['petal_length', 'same', 'number', 'number', 1],
      ['petal_width', 'same', 'number', 'number', 0],
      ['species', 'same', 'string', 'string', 1],
    ]);
    // Key order compares ids as numbers: 3 < 5 < 77 < 150 < 151 < 152 (as text, "150" < "3").
    expect(diff.page.total).toBe(6);
    expect(diff.page.rows.map((r) => [r.change, r.key[0]])).toEqual([
      ['removed', '3'],
      ['changed', '5'],
      ['changed', '77'],
      ['removed', '150'],
      ['added', '151'],
      ['added', '152'],
    ]);
    const five = diff.page.rows[1]!;
    expect(five).toEqual({
      change: 'changed',
      key: ['5'],
      rowBefore: 5,
      rowAfter: 4, // id 3 was removed above it
      before: ['5', '5.0', '3.6', '1.4', '0.2', 'setosa'],
      after: ['5', '5.0', '3.6', '1.5', '0.2', 'setosa'],
      changed: [3],
    });
    expect(diff.page.rows[2]!.changed).toEqual([2, 5]);
    expect(diff.page.rows[0]).toMatchObject({ rowBefore: 3, rowAfter: null, after: null });
    expect(diff.page.rows[5]).toMatchObject({ rowBefore: null, rowAfter: 150, before: null });
  });

  it('reports per-column statistics for both sides', async () => {
    const dir = tempDir();
    const rows = iris();
    const before = write(dir, 'before.csv', csv(IRIS_HEADER, rows));
    const after = rows.map((r) => (Number(r[0]) <= 10 ? edit(r, { 1: '' }) : r));
    const diff = await diffTables(before, write(dir, 'after.csv', csv(IRIS_HEADER, after)), 'iris.csv', {
      keys: ['id'],
    });

    const sepal = column(diff, 'sepal_length');
    expect(sepal.statsBefore).toMatchObject({ count: 150, nulls: 0, distinct: 35, distinctCapped: false });
    expect(sepal.statsBefore!.min).toBe(4.3);
    expect(sepal.statsBefore!.max).toBe(7.9);
    expect(sepal.statsBefore!.mean).toBeCloseTo(5.843333, 5);
    expect(sepal.statsAfter).toMatchObject({ count: 140, nulls: 10 });
    expect(sepal.changedCells).toBe(10); // a value became empty (null)
    expect(column(diff, 'petal_width').statsBefore).toMatchObject({ distinct: 22, min: 0.1, max: 2.5 });
    expect(column(diff, 'species').statsBefore).toEqual({
      count: 150,
      nulls: 0,
      distinct: 3,
      distinctCapped: false,
      top: [
        { value: 'setosa', count: 50 },
        { value: 'versicolor', count: 50 },
        { value: 'virginica', count: 50 },
      ],
    });
    expect(column(diff, 'id').statsAfter).toMatchObject({
      count: 150,
      distinct: 150,
      min: 1,
      max: 150,
      mean: 75.5,
    });
    expect(diff.rows.changed).toBe(10);
  });

  it('reports added, removed and retyped columns; one-sided columns never change a row', async () => {
    const dir = tempDir();
    const rows = iris();
    const before = write(dir, 'before.csv', csv(IRIS_HEADER, rows));
    // Drop sepal_width, species as its class code (string → integer), add a ratio column.
    const header = ['id', 'sepal_length', 'petal_length', 'petal_width', 'species', 'ratio'];
    const after = rows.map((r) => [r[0]!, r[1]!, r[3]!, r[4]!, String(SPECIES.indexOf(r[5]!)), '0.5']);
    const diff = await diffTables(before, write(dir, 'after.csv', csv(header, after)), 'iris.csv', {
      keys: ['id'],
    });

    expect(diff.columns.map((c) => [c.name, c.change, c.before, c.after])).toEqual([
      ['id', 'same', 'integer', 'integer'],
      ['sepal_length', 'same', 'number', 'number'],
      ['petal_length', 'same', 'number', 'number'],
      ['petal_width', 'same', 'number', 'number'],
      ['species', 'retyped', 'string', 'integer'],
      ['ratio', 'added', null, 'number'],
      ['sepal_width', 'removed', 'number', null],
    ]);
    expect(column(diff, 'ratio')).toMatchObject({ statsBefore: null, changedCells: 0 });
    expect(column(diff, 'sepal_width')).toMatchObject({ statsAfter: null, changedCells: 0 });
    expect(column(diff, 'species').changedCells).toBe(150);
    expect(diff.rows).toMatchObject({ changed: 150, unchanged: 0, added: 0, removed: 0 });
    // Cells in `columns` order; a column absent on a side reads null there.
    expect(diff.page.rows[0]).toMatchObject({
      before: ['1', '5.1', '1.4', '0.2', 'setosa', null, '3.5'],
      after: ['1', '5.1', '1.4', '0.2', '0', '0.5', null],
      changed: [4],
    });
  });

  it('pairs duplicate keys in order of appearance (wine, keyed on its class)', async () => {
    const dir = tempDir();
    const rows = sklearnRows('wine_data.csv');
    const header = [...Array.from({ length: 13 }, (_, i) => `f${i}`), 'class'];
    const before = write(dir, 'before.csv', csv(header, rows));
    const firstOfClass0 = rows.findIndex((r) => r[13] === '0');
    const after = rows.filter((_, i) => i !== firstOfClass0);
    const diff = await diffTables(before, write(dir, 'after.csv', csv(header, after)), 'wine.csv', {
      keys: ['class'],
    });
    // Class 0 has 59 rows before, 58 after: the i-th pairs with the i-th, so every pair differs and
    // the last class-0 row is left over. Classes 1 (71 rows) and 2 (48) pair up unchanged.
    expect(diff.duplicateKeys).toBe(3);
    expect(diff.rows).toEqual({ before: 178, after: 177, added: 0, removed: 1, changed: 58, unchanged: 119 });
  });

  it('compares numbers by value in numeric columns and text exactly elsewhere', async () => {
    const dir = tempDir();
    const before = write(dir, 'b.csv', 'id,x,code,name\n1,1,1.0,a\n2,2.50,x,b\n3,1e3,y,c\n4,7,z,d\n');
    const after = write(dir, 'a.csv', 'id,x,code,name\n1.0,1.0,1,a\n2,2.5,x,b\n3,1000,y,C\n04,7.000,z,d\n');
    const diff = await diffTables(before, after, 't.csv', { keys: ['id'] });
    expect(column(diff, 'x')).toMatchObject({ before: 'number', after: 'number', changedCells: 0 });
    expect(column(diff, 'code')).toMatchObject({ before: 'string', changedCells: 1 }); // "1.0" → "1" is text
    expect(column(diff, 'name').changedCells).toBe(1); // "c" → "C"
    expect(column(diff, 'id')).toMatchObject({ before: 'integer', after: 'number' });
    expect(diff.rows).toEqual({ before: 4, after: 4, added: 0, removed: 0, changed: 2, unchanged: 2 });
    expect(diff.page.rows.map((r) => [r.key, r.changed])).toEqual([
      [['1.0'], [2]],
      [['3'], [3]],
    ]);
  });

  it('matches composite keys, ordering by each key column (numbers by value)', async () => {
    const dir = tempDir();
    const before = write(dir, 'b.csv', 'region,year,value\nb,10,1\na,2,1\nb,2,1\nb,9,1\n');
    const after = write(dir, 'a.csv', 'region,year,value\nb,10.0,2\na,2,1\nb,2,3\nb,11,1\n');
    const diff = await diffTables(before, after, 't.csv', { keys: ['region', 'year'] });
    expect(diff.rows).toEqual({ before: 4, after: 4, added: 1, removed: 1, changed: 2, unchanged: 1 });
    expect(diff.page.rows.map((r) => [r.change, ...r.key])).toEqual([
      ['changed', 'b', '2'],
      ['removed', 'b', '9'],
      ['changed', 'b', '10.0'],
      ['added', 'b', '11'],
    ]);
  });

  it('fails with a LineageError naming the file when a key column is missing, leaving no temp files', async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const before = write(dir, 'before.csv', csv(IRIS_HEADER, iris()));
    const after = write(dir, 'after.csv', 'id,other\n1,2\n');
    const result = openTableDiff(before, after, 'iris.csv', {
      keys: ['species'],
      tmpDir: tmp,
      partitionBytes: 10,
    });
    await expect(result).rejects.toThrow(LineageError);
    await expect(result).rejects.toThrow(
      'after.csv at HEAD: key column "species" not found (columns: id, other)',
    );
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('content matching', () => {
  it('matches whole rows as a multiset: moves are silent, edits are a removal plus an addition', async () => {
    const dir = tempDir();
    // iris.csv as shipped: its sklearn header line names the columns, and it holds one duplicate row.
    const lines = readFileSync(path.join(SKLEARN, 'iris.csv'), 'utf8').trim().split('\n');
    const data = lines.slice(1);
    const edited = [...data];
    const moved = edited.splice(9, 1)[0]!; // data row 10 moves to the end
    edited.push(moved);
    edited[0] = '5.1,3.5,1.4,0.25,0'; // data row 1 edited (petal width 0.2 → 0.25)
    edited.splice(edited.indexOf('4.7,3.2,1.3,0.2,0'), 1); // data row 3 deleted
    edited.push(data[141]!); // a duplicate of row 142 added
    const before = write(dir, 'iris.csv', lines.join('\n') + '\n');
    const after = write(dir, 'iris2.csv', [lines[0], ...edited].join('\n') + '\n');
    const diff = await diffTables(before, after, 'iris.csv');

    expect(diff.matching).toBe('content');
    expect(diff.keys).toEqual([]);
    expect(diff.columns.map((c) => c.name)).toEqual(['150', '4', 'setosa', 'versicolor', 'virginica']);
    expect(diff.rows).toEqual({ before: 150, after: 150, added: 2, removed: 2, changed: 0, unchanged: 148 });
    // File order: the row number on each row's own side, removed first at equal numbers.
    expect(diff.page.rows.map((r) => [r.change, r.rowBefore, r.rowAfter])).toEqual([
      ['removed', 1, null],
      ['added', null, 1],
      ['removed', 3, null],
      ['added', null, 150],
    ]);
    expect(diff.page.rows[1]!.after).toEqual(['5.1', '3.5', '1.4', '0.25', '0']);
    expect(diff.page.rows.every((r) => r.key.length === 0 && r.changed.length === 0)).toBe(true);
  });

  it('matches equal numbers written differently', async () => {
    const dir = tempDir();
    const diff = await diffTables(
      write(dir, 'a.csv', 'x,y\n1,a\n2.50,b\n3,c\n'),
      write(dir, 'b.csv', 'x,y\n1.0,a\n2.5,b\n3,C\n'),
      't.csv',
    );
    expect(diff.rows).toMatchObject({ added: 1, removed: 1, unchanged: 2 });
  });
});

describe('one side missing', () => {
  it('reports every row added when there is no before, and removed when there is no after', async () => {
    const dir = tempDir();
    const header = [...Array.from({ length: 13 }, (_, i) => `f${i}`), 'class'];
    const table = write(dir, 'wine.csv', csv(header, sklearnRows('wine_data.csv')));
    const added: TableDiff = await diffTables(null, table, 'wine.csv', { pageSize: 5 });
    expect(added.rows).toEqual({ before: 0, after: 178, added: 178, removed: 0, changed: 0, unchanged: 0 });
    expect(added.columns.every((c) => c.change === 'added' && c.statsBefore === null)).toBe(true);
    expect(added.page.rows.map((r) => r.rowAfter)).toEqual([1, 2, 3, 4, 5]);
    expect(added.page.total).toBe(178);

    const removed = await diffTables(table, null, 'wine.csv', { keys: ['class', 'f0'] });
    expect(removed.rows).toMatchObject({ before: 178, after: 0, removed: 178 });
    expect(removed.columns.every((c) => c.change === 'removed' && c.statsAfter === null)).toBe(true);
  });
});
