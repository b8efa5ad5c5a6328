import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTables, type TableSource } from '../../core/diff/table/index';
import { KeyIndex } from '../../core/diff/table/keyIndex';
import { tempDir } from '../helpers/tmp';

function write(dir: string, name: string, lines: string[]): TableSource {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, label: name };
}

describe('key index', () => {
  it('maps integer and text keys like a Map, through growth', () => {
    const index = new KeyIndex(4);
    const expected = new Map<string | number, number>();
    const keys: (string | number)[] = [0, -1, 1, '1', '', 2 ** 53 - 1, -(2 ** 53 - 1), 999_999_999_999_999];
    for (let i = 0; i < 5000; i++) keys.push(i * 4096, -i * 65_537, `k${i}`, i * 2 ** 32);
    keys.forEach((key, i) => {
      expect(index.get(key)).toBe(expected.get(key));
      index.set(key, i % 7 === 0 ? -2 - i : i);
      expected.set(key, i % 7 === 0 ? -2 - i : i);
    });
    for (const key of keys) index.set(key, (expected.get(key) ?? 0) + 1);
    for (const key of keys) expect([key, index.get(key)]).toEqual([key, (expected.get(key) ?? 0) + 1]);
    expect(index.get(12.5)).toBeUndefined();
    expect(index.get('0')).toBeUndefined();
  });
});

describe('keys of big tables', () => {
  it('pair rows read from disk exactly as rows held in memory', async () => {
    const dir = tempDir();
    // Numeric key spellings that are equal (1, 1.0, +1) or not (-0 is 0, 007 is 7), negative and long
    // keys, duplicates on either side, keys on one side only.
    const spellings = (i: number) =>
      i % 11 === 0 ? `${i}.0` : i % 13 === 0 ? `+${i}` : i % 17 === 0 ? `00${i}` : String(i);
    const before = ['id,v'];
    const after = ['id,v'];
    for (let i = -300; i < 3000; i++) {
      before.push(`${i},b${i % 5}`);
      if (i % 97 === 0) before.push(`${i},dup${i}`);
      if (i % 50 !== 1) after.push(`${spellings(i)},${i % 9 === 0 ? 'changed' : `b${i % 5}`}`);
      if (i % 89 === 0) after.push(`${i},dup-after${i}`);
    }
    before.push('-0,zero', '0,zero', '12345678901234567890,long', ',null-key', ',null-key');
    after.push('0,zero', '12345678901234567890.0,long', '1234567890123456789,other', ',null-key');
    const a = write(dir, 'a.csv', before);
    const b = write(dir, 'b.csv', after);
    const options = { keys: ['id'], pageSize: 100_000, workerFile: null };
    const memory = await diffTables(a, b, 't.csv', options);
    const disk = await diffTables(a, b, 't.csv', { ...options, tmpDir: tempDir(), partitionBytes: 4000 });
    expect(disk).toEqual(memory);
    expect(memory.duplicateKeys).toBeGreaterThan(60);
    expect(memory.rows.changed).toBeGreaterThan(250);
  });
});
