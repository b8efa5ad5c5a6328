import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTableDiff, type TableSource } from '../../core/diff/table/index';
import { tempDir } from '../helpers/tmp';

const SKLEARN = '/usr/lib/python3/dist-packages/sklearn/datasets/data';

/** breast_cancer.csv as a proper table: `id`, 30 features, the target. */
function breastCancer(): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path.join(SKLEARN, 'breast_cancer.csv'), 'utf8').trim().split('\n');
  const rows = lines.slice(1).map((line, i) => [String(i + 1), ...line.split(',')]);
  const header = ['id', ...Array.from({ length: 30 }, (_, i) => `f${i}`), 'target'];
  return { header, rows };
}

function write(dir: string, name: string, header: string[], rows: string[][]): TableSource {
  const file = path.join(dir, name);
  writeFileSync(file, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
  return { file, label: name };
}

describe('paging changed rows', () => {
  it('gives the same summary and pages in memory and partitioned on disk, at any offset', async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const { header, rows } = breastCancer();
    const after = rows
      .filter((r) => Number(r[0]) % 50 !== 0)
      .map((r) =>
        Number(r[0]) % 3 === 0 ? r.map((cell, i) => (i === 6 ? String(Number(cell) * 2) : cell)) : r,
      );
    for (let id = 1000; id < 1030; id++) after.push([String(id), ...rows[id - 1000]!.slice(1)]);
    const expectedChanged = rows.filter((r) => {
      const id = Number(r[0]);
      return id % 3 === 0 && id % 50 !== 0 && Number(r[6]) !== 0;
    }).length;
    const before = write(dir, 'before.csv', header, rows);
    const changed = write(dir, 'after.csv', header, after);

    const memory = await openTableDiff(before, changed, 'bc.csv', { keys: ['id'], pageSize: 10 });
    const disk = await openTableDiff(before, changed, 'bc.csv', {
      keys: ['id'],
      pageSize: 10,
      tmpDir: tmp,
      partitionBytes: 20_000,
    });
    try {
      expect(memory.partitions).toBe(1);
      expect(disk.partitions).toBeGreaterThan(1);
      expect(readdirSync(tmp)).toHaveLength(1); // the session's folder, until close
      expect(disk.summary).toEqual(memory.summary);
      expect(disk.summary.rows).toEqual({
        before: 569,
        after: 569 - 11 + 30,
        added: 30,
        removed: 11,
        changed: expectedChanged,
        unchanged: 569 - 11 - expectedChanged,
      });
      expect(disk.summary.columns[6]).toMatchObject({ name: 'f5', changedCells: expectedChanged });

      const total = 30 + 11 + expectedChanged;
      const all = await memory.page(0, total);
      expect(all.total).toBe(total);
      expect(all.rows).toHaveLength(total);
      const ids = all.rows.map((r) => Number(r.key[0]));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));

      const pages = [];
      for (let offset = 0; offset < total; offset += 10) {
        const page = await disk.page(offset);
        expect(page).toMatchObject({ offset, total });
        expect(page.rows.length).toBe(Math.min(10, total - offset));
        pages.push(...page.rows);
      }
      expect(pages).toEqual(all.rows);
      expect((await disk.page(65, 70)).rows).toEqual(all.rows.slice(65, 135));
      expect((await disk.page(total - 3, 10)).rows).toEqual(all.rows.slice(-3));
      expect((await disk.page(total + 5)).rows).toEqual([]);
    } finally {
      await memory.close();
      await disk.close();
    }
    expect(readdirSync(tmp)).toEqual([]);
    await expect(disk.page(0)).rejects.toThrow('closed');
  });

  it('matches by content the same way in memory and partitioned on disk', async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const { header, rows } = breastCancer();
    const noId = (r: string[]) => r.slice(1);
    // Shuffled order, 20 rows edited (a removal plus an addition each), 7 rows gone, 5 duplicated.
    const after = [...rows.slice(300), ...rows.slice(7, 300)].map(noId);
    for (let i = 0; i < 20; i++)
      after[i * 10] = after[i * 10]!.map((cell, j) => (j === 0 ? `${cell}1` : cell));
    after.push(...rows.slice(100, 105).map(noId));
    const before = write(dir, 'before.csv', header.slice(1), rows.map(noId));
    const changed = write(dir, 'after.csv', header.slice(1), after);

    const memory = await openTableDiff(before, changed, 'bc.csv');
    const disk = await openTableDiff(before, changed, 'bc.csv', { tmpDir: tmp, partitionBytes: 20_000 });
    try {
      expect(disk.partitions).toBeGreaterThan(1);
      expect(memory.summary.rows).toEqual({
        before: 569,
        after: 569 - 7 + 5,
        added: 20 + 5,
        removed: 20 + 7,
        changed: 0,
        unchanged: 569 - 27,
      });
      expect(disk.summary).toEqual(memory.summary);
      expect(await disk.page(0, 100)).toEqual(await memory.page(0, 100));
    } finally {
      await memory.close();
      await disk.close();
    }
    expect(readdirSync(tmp)).toEqual([]);
  });
});
