import { createWriteStream, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openTableDiff } from '../../core/diff/table/index';
import { tempDir } from '../helpers/tmp';

const ROWS = 1_000_000;

/** Write rows `make(1)`…`make(count)` (null skips a row) and then `extra`, in 1 MiB writes. */
async function writeTable(
  file: string,
  make: (i: number) => string | null,
  extra: string[] = [],
): Promise<void> {
  const out = createWriteStream(file);
  let chunk = 'id,name,score,count,flag,day\n';
  for (let i = 1; i <= ROWS; i++) {
    const row = make(i);
    if (row !== null) chunk += row;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk + extra.join(''));
  await once(out, 'finish');
}

function row(i: number, score = (i * 0.37).toFixed(3)): string {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return `${i},name_${i % 5000},${score},${i % 977},${i % 3 === 0},2024-01-${day}\n`;
}

describe('a million-row table', () => {
  it('diffs partition by partition on disk with exact counts', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const before = path.join(dir, 'before.csv');
    const after = path.join(dir, 'after.csv');
    await writeTable(before, (i) => row(i));
    // 1 % of the rows get a new score, 5,000 go, 5,000 new ones come at the end.
    await writeTable(
      after,
      (i) => (i % 200 === 7 ? null : i % 100 === 3 ? row(i, (i * 0.37 + 1).toFixed(3)) : row(i)),
      Array.from({ length: 5000 }, (_, k) => row(ROWS + 1 + k)),
    );

    const session = await openTableDiff(
      { file: before, label: 'before.csv' },
      { file: after, label: 'after.csv' },
      'big.csv',
      { keys: ['id'], tmpDir: tmp },
    );
    try {
      expect(session.partitions).toBeGreaterThan(1); // ~48 MB > the 32 MiB threshold
      const { summary } = session;
      expect(summary.rows).toEqual({
        before: ROWS,
        after: ROWS,
        added: 5000,
        removed: 5000,
        changed: 10_000,
        unchanged: ROWS - 15_000,
      });
      expect(summary.columns.map((c) => [c.name, c.after, c.changedCells])).toEqual([
        ['id', 'integer', 0],
        ['name', 'string', 0],
        ['score', 'number', 10_000],
        ['count', 'integer', 0],
        ['flag', 'boolean', 0],
        ['day', 'date', 0],
      ]);
      expect(summary.columns[0]!.statsAfter).toMatchObject({
        count: ROWS,
        distinct: 100_000,
        distinctCapped: true,
        min: 1,
        max: ROWS + 5000,
      });
      expect(summary.columns[4]!.statsBefore!.top).toEqual([
        { value: 'false', count: 666_667 },
        { value: 'true', count: 333_333 },
      ]);
      const first = await session.page(0, 3);
      expect(first.total).toBe(20_000);
      expect(first.rows.map((r) => [r.change, r.key[0], r.changed])).toEqual([
        ['changed', '3', [2]],
        ['removed', '7', []],
        ['changed', '103', [2]],
      ]);
      const last = await session.page(19_999);
      expect(last.rows.map((r) => [r.change, r.key[0], r.rowAfter])).toEqual([['added', '1005000', ROWS]]);
      expect(readdirSync(tmp)).toHaveLength(1);
    } finally {
      await session.close();
    }
    expect(readdirSync(tmp)).toEqual([]);
  });
});
