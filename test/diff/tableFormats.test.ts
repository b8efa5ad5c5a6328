import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { diffTables, openTableDiff, tableFormatOf, type TableSource } from '../../core/diff/table/index';
import { LineageError } from '../../core/errors';
import type { ColumnDiff } from '../../protocol/diff';
import { tempDir } from '../helpers/tmp';

const SKLEARN = '/usr/lib/python3/dist-packages/sklearn/datasets/data';

function write(dir: string, name: string, text: string): TableSource {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { file, label: `${name} at HEAD` };
}

function types(columns: ColumnDiff[]): Record<string, [string | null, string | null]> {
  return Object.fromEntries(columns.map((c) => [c.name, [c.before, c.after]]));
}

describe('CSV', () => {
  it('handles a BOM, CRLF, quoted newlines and escaped quotes', async () => {
    const dir = tempDir();
    const before = write(
      dir,
      'b.csv',
      '\uFEFFid,note,n\r\n1,"line one\r\nline two",5\r\n2,"say ""hi""",6\r\n3,plain,7\r\n',
    );
    const after = write(
      dir,
      'a.csv',
      'id,note,n\r\n1,"line one\r\nline 2",5\r\n2,"say ""hi""",6\r\n3,plain,8\r\n',
    );
    const diff = await diffTables(before, after, 'notes.csv', { keys: ['id'] });
    expect(diff.columns.map((c) => c.name)).toEqual(['id', 'note', 'n']);
    expect(diff.rows).toMatchObject({ before: 3, after: 3, changed: 2, unchanged: 1 });
    expect(diff.page.rows[0]).toMatchObject({
      rowBefore: 1,
      before: ['1', 'line one\r\nline two', '5'],
      after: ['1', 'line one\r\nline 2', '5'],
      changed: [1],
    });
    expect(diff.page.rows[1]).toMatchObject({ key: ['3'], rowBefore: 3, changed: [2] });
    expect(diff.warnings).toEqual([]);
  });

  it('keeps control characters in cells, in memory and on disk', async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const cells = ['\u001b[31mred\u001b[0m', 'unit\u001fsep', 'rec\u001esep'];
    const rows = Array.from({ length: 300 }, (_, i) => `${i},${cells[i % 3]},${i % 7}`);
    const before = write(dir, 'b.csv', `id,log,n\n${rows.join('\n')}\n`);
    rows[4] = `4,${cells[0]},9`;
    const after = write(dir, 'a.csv', `id,log,n\n${rows.join('\n')}\n`);
    for (const partitionBytes of [undefined, 1000]) {
      const diff = await diffTables(before, after, 'log.csv', { keys: ['id'], tmpDir: tmp, partitionBytes });
      expect(diff.rows).toMatchObject({ changed: 1, unchanged: 299 });
      expect(diff.page.rows[0]).toMatchObject({
        before: ['4', cells[1], '4'],
        after: ['4', cells[0], '9'],
        changed: [1, 2],
      });
      expect(diff.columns[1]!.statsBefore!.top).toEqual([
        { value: cells[0], count: 100 },
        { value: cells[2], count: 100 },
        { value: cells[1], count: 100 },
      ]);
    }
  });

  it('reads ragged rows with a warning naming the file and line, padding with nulls', async () => {
    const dir = tempDir();
    // Line 2–3 is one record (quoted newline), line 5 is blank (skipped).
    const text = 'a,b,c\n1,"x\ny",3\n4,5\n\n6,7,8\n9,10,11,12\n';
    const diff = await diffTables(null, write(dir, 'r.csv', text), 'r.csv');
    expect(diff.warnings).toEqual([
      'r.csv at HEAD: line 4: 2 fields, expected 3',
      'r.csv at HEAD: line 7: 4 fields, expected 3',
    ]);
    expect(diff.page.rows.map((r) => r.after)).toEqual([
      ['1', 'x\ny', '3'],
      ['4', '5', null],
      ['6', '7', '8'],
      ['9', '10', '11'],
    ]);
    expect(diff.columns[2]!.statsAfter).toMatchObject({ count: 3, nulls: 1 });

    const many = 'a,b\n' + Array.from({ length: 12 }, (_, i) => `${i}\n`).join('');
    const summary = await diffTables(null, write(dir, 'm.csv', many), 'm.csv');
    expect(summary.warnings).toHaveLength(11);
    expect(summary.warnings[10]).toBe('m.csv at HEAD: 12 rows in all have a wrong number of fields');
  });

  it('reads TSV (linnerud, tab-separated with an id column)', async () => {
    const dir = tempDir();
    const lines = readFileSync(path.join(SKLEARN, 'linnerud_exercise.csv'), 'utf8').trim().split('\n');
    const rows = lines.slice(1).map((line, i) => [String(i + 1), ...line.split(' ')]);
    const tsv = (body: string[][]) =>
      ['id\tChins\tSitups\tJumps', ...body.map((r) => r.join('\t'))].join('\n');
    const changed = rows.map((r) => (r[0] === '2' ? [r[0], r[1]!, '111', r[3]!] : r)).slice(0, 19);
    const diff = await diffTables(
      write(dir, 'b.tsv', tsv(rows)),
      write(dir, 'a.tab', tsv(changed)),
      'ex.tsv',
      {
        keys: ['id'],
      },
    );
    expect(diff.format).toBe('tsv');
    expect(types(diff.columns)).toEqual({
      id: ['integer', 'integer'],
      Chins: ['integer', 'integer'],
      Situps: ['integer', 'integer'],
      Jumps: ['integer', 'integer'],
    });
    expect(diff.rows).toEqual({ before: 20, after: 19, added: 0, removed: 1, changed: 1, unchanged: 18 });
    expect(diff.columns[2]).toMatchObject({ changedCells: 1 });
    expect(diff.columns[1]!.statsBefore).toMatchObject({ count: 20, min: 1, max: 17, mean: 9.45 });
  });
});

describe('JSON lines', () => {
  it('unions keys in first-seen order and types values by their JSON kind', async () => {
    const dir = tempDir();
    const before = [
      '{"id": 1, "name": "a", "score": 1.5, "ok": true, "tags": ["x"], "code": "001"}',
      '{"id": 2, "name": "b", "score": 2, "ok": false, "code": "002"}',
      '',
      '{"id": 3, "name": null, "score": 3.25, "extra": "2024-01-02"}',
    ];
    const after = [
      '{"id": 1, "name": "a", "score": 1.50, "ok": true, "tags": ["x", "y"], "code": "001"}',
      '{"code": "002", "id": 2, "name": "B", "score": 2, "ok": false}',
      '{"id": 4, "name": "d", "score": 4, "ok": true, "code": "004", "extra": "2024-01-03T10:00:00Z"}',
    ];
    const diff = await diffTables(
      write(dir, 'b.jsonl', before.join('\n')),
      write(dir, 'a.ndjson', after.join('\r\n') + '\r\n'),
      't.jsonl',
      { keys: ['id'] },
    );
    expect(diff.format).toBe('jsonl');
    expect(types(diff.columns)).toEqual({
      id: ['integer', 'integer'],
      name: ['string', 'string'],
      score: ['number', 'number'],
      ok: ['boolean', 'boolean'],
      tags: ['other', 'other'],
      code: ['string', 'string'], // JSON strings of digits stay strings
      extra: ['date', 'timestamp'],
    });
    expect(diff.columns.find((c) => c.name === 'extra')).toMatchObject({ change: 'retyped' });
    expect(diff.rows).toEqual({ before: 3, after: 3, added: 1, removed: 1, changed: 2, unchanged: 0 });
    expect(diff.columns.map((c) => c.changedCells)).toEqual([0, 1, 0, 0, 1, 0, 0]);
    expect(diff.columns[1]!.statsBefore).toMatchObject({ count: 2, nulls: 1 });
    expect(diff.columns[6]!.statsBefore).toMatchObject({ count: 1, nulls: 2, min: '2024-01-02' });
    expect(diff.page.rows[0]).toMatchObject({
      key: ['1'],
      before: ['1', 'a', '1.5', 'true', '["x"]', '001', null],
      after: ['1', 'a', '1.5', 'true', '["x","y"]', '001', null],
    });
  });

  it('keeps escaped control characters and lone surrogates readable', async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const lines = (last: string) =>
      Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: i, s: i === 7 ? last : `v${i}` })).join(
        '\n',
      );
    const before = write(dir, 'b.jsonl', lines('a\u001fb\u001b[0m'));
    const after = write(dir, 'a.jsonl', lines('a\u001fc') + '\n{"id": 200, "s": "x\\ud800y"}');
    const diff = await diffTables(before, after, 't.jsonl', {
      keys: ['id'],
      tmpDir: tmp,
      partitionBytes: 500,
    });
    expect(diff.rows).toMatchObject({ changed: 1, added: 1, unchanged: 199 });
    expect(diff.page.rows[0]).toMatchObject({ before: ['7', 'a\u001fb\u001b[0m'], after: ['7', 'a\u001fc'] });
    expect(diff.page.rows[1]!.after).toEqual(['200', 'x\uFFFDy']);
  });

  it('names the file and line of a malformed line, and of a line that is not an object', async () => {
    const dir = tempDir();
    const bad = write(dir, 'bad.jsonl', '{"id": 1}\n\n{"id": 2, "name": }\n');
    await expect(diffTables(bad, null, 'bad.jsonl')).rejects.toThrow(LineageError);
    await expect(diffTables(bad, null, 'bad.jsonl')).rejects.toThrow(
      /^bad\.jsonl at HEAD: line 3: not valid JSON \(/,
    );
    const array = write(dir, 'arr.jsonl', '[1, 2]\n');
    await expect(diffTables(null, array, 'arr.jsonl')).rejects.toThrow(
      'arr.jsonl at HEAD: line 1: expected a JSON object, found an array',
    );
  });

  it('cleans up partition files when a late line is malformed or a key never appears', async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const good = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: i, v: `value ${i}` }));
    const before = write(dir, 'b.jsonl', good.join('\n'));
    const broken = write(dir, 'a.jsonl', [...good, '{"id": 5000, "v": "oops"'].join('\n'));
    const options = { keys: ['id'], tmpDir: tmp, partitionBytes: 10_000 };
    await expect(diffTables(before, broken, 't.jsonl', options)).rejects.toThrow(
      'a.jsonl at HEAD: line 5001: ',
    );
    expect(readdirSync(tmp)).toEqual([]);
    await expect(diffTables(before, before, 't.jsonl', { ...options, keys: ['key'] })).rejects.toThrow(
      'b.jsonl at HEAD: key column "key" not found (columns: id, v)',
    );
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('Parquet', () => {
  const DAY = 86_400_000;
  const SCHEMA = [
    { name: 'root', num_children: 7 },
    { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    { name: 'score', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    { name: 'flag', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
    { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'REQUIRED' },
    { name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'REQUIRED' },
    { name: 'big', type: 'INT64', repetition_type: 'REQUIRED' },
  ] as const;

  /** Column data for rows `ids`, with `edit` overriding some values. */
  function columnData(ids: number[], edit: (id: number) => Record<string, unknown> = () => ({})) {
    const rows = ids.map((id): Record<string, unknown> => ({
      id,
      name: `name ${id % 7}`,
      score: id / 4,
      flag: id % 2 === 0,
      day: new Date(Date.UTC(2024, 0, 1) + (id % 30) * DAY),
      ts: new Date(Date.UTC(2024, 0, 1, 12) + id * 1000),
      big: 9007199254740993n + BigInt(id),
      ...edit(id),
    }));
    return SCHEMA.slice(1).map(({ name }) => ({ name, data: rows.map((row) => row[name]) as never }));
  }

  it('reads types from the schema, across row groups and compression codecs', async () => {
    const dir = tempDir();
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    const before = path.join(dir, 'b.parquet');
    const after = path.join(dir, 'a.parquet');
    parquetWriteFile({
      filename: before,
      columnData: columnData(ids),
      schema: [...SCHEMA],
      rowGroupSize: 300,
      codec: 'GZIP',
      compressors: { GZIP: (input) => gzipSync(input) },
    });
    parquetWriteFile({
      filename: after,
      columnData: columnData([...ids.filter((id) => id !== 20), 1001], (id) =>
        id === 10 ? { score: 99 } : id === 30 ? { name: null } : {},
      ),
      schema: [...SCHEMA],
      rowGroupSize: 256,
      codec: 'BROTLI',
      compressors: { BROTLI: (input) => brotliCompressSync(input) },
    });
    const diff = await diffTables(
      { file: before, label: 'b.parquet' },
      { file: after, label: 'a.parquet' },
      'data/t.parquet',
      { keys: ['id'] },
    );
    expect(diff.format).toBe('parquet');
    expect(types(diff.columns)).toEqual({
      id: ['integer', 'integer'],
      name: ['string', 'string'],
      score: ['number', 'number'],
      flag: ['boolean', 'boolean'],
      day: ['date', 'date'],
      ts: ['timestamp', 'timestamp'],
      big: ['integer', 'integer'],
    });
    expect(diff.rows).toEqual({
      before: 1000,
      after: 1000,
      added: 1,
      removed: 1,
      changed: 2,
      unchanged: 997,
    });
    expect(diff.columns.map((c) => c.changedCells)).toEqual([0, 1, 1, 0, 0, 0, 0]);
    expect(diff.page.rows.map((r) => [r.change, r.key[0]])).toEqual([
      ['changed', '10'],
      ['removed', '20'],
      ['changed', '30'],
      ['added', '1001'],
    ]);
    expect(diff.page.rows[0]).toMatchObject({
      before: ['10', 'name 3', '2.5', 'true', '2024-01-11', '2024-01-01T12:00:10.000Z', '9007199254741003'],
      after: ['10', 'name 3', '99', 'true', '2024-01-11', '2024-01-01T12:00:10.000Z', '9007199254741003'],
      changed: [2],
    });
    expect(diff.columns[4]!.statsBefore).toMatchObject({ min: '2024-01-01', max: '2024-01-30', count: 1000 });
    expect(diff.columns[1]!.statsAfter).toMatchObject({ nulls: 1, distinct: 7 });
  });

  it('refuses a file that is not Parquet, naming it', async () => {
    const dir = tempDir();
    const fake = write(dir, 'x.parquet', 'id,name\n1,a\n');
    await expect(diffTables(fake, fake, 'x.parquet')).rejects.toThrow(
      /^x\.parquet at HEAD: not a valid Parquet file: /,
    );
  });
});

describe('inputs', () => {
  it('names an unreadable file', async () => {
    const missing = { file: '/nonexistent/lineage/t.csv', label: 't.csv at v1' };
    await expect(diffTables(missing, null, 't.csv')).rejects.toThrow(
      't.csv at v1: cannot read the file (ENOENT)',
    );
  });

  it('takes the format from the extension, or from the options', async () => {
    expect(
      ['a.csv', 'd/b.TSV', 'c.tab', 'e.jsonl', 'f.ndjson', 'g.parquet', 'h.csv.gz', 'README', 'i.json'].map(
        tableFormatOf,
      ),
    ).toEqual(['csv', 'tsv', 'tsv', 'jsonl', 'jsonl', 'parquet', null, null, null]);
    const dir = tempDir();
    const text = write(dir, 'data.txt', 'a\tb\n1\t2\n');
    await expect(diffTables(text, text, 'data.txt')).rejects.toThrow(/data\.txt: not a table/);
    const diff = await diffTables(text, text, 'data.txt', { format: 'tsv' });
    expect(diff.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(diff.rows.unchanged).toBe(1);
  });

  it('stops when the signal aborts, leaving no temp files', async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const body = Array.from({ length: 200_000 }, (_, i) => `${i},${i * 3},row ${i}`).join('\n');
    const table = write(dir, 'big.csv', `id,x,s\n${body}\n`);
    const aborted = AbortSignal.abort();
    await expect(diffTables(table, table, 'big.csv', { signal: aborted })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const controller = new AbortController();
    const running = openTableDiff(table, table, 'big.csv', {
      keys: ['id'],
      signal: controller.signal,
      tmpDir: tmp,
      partitionBytes: 1_000_000,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(readdirSync(tmp)).toEqual([]);
  });
});
