import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlainCsvRecords, scanCsv } from '../../core/diff/table/csvPlain';
import { diffTables, type TableSource } from '../../core/diff/table/index';
import { LineageError } from '../../core/errors';
import type { TableDiff } from '../../protocol/diff';
import { tempDir } from '../helpers/tmp';

function write(dir: string, name: string, text: string | Buffer): TableSource {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { file, label: 'table at HEAD' };
}

/** The same table with its first header field quoted: csv-parse reads it, with the same cells. */
function withQuote(text: string): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(bom.length);
  const end = body.search(/[,\t\r\n]|$/);
  return `${bom}"${body.slice(0, end)}"${body.slice(end)}`;
}

/** Diff `before` → `after` (both quote-free) and again with a quote in each file: both must agree. */
async function bothPaths(before: string | null, after: string, name = 't.csv'): Promise<TableDiff> {
  const dir = tempDir();
  const run = async (prefix: string, change: (text: string) => string) => {
    const ext = path.extname(name);
    const b = before === null ? null : write(dir, `${prefix}-b${ext}`, change(before));
    const a = write(dir, `${prefix}-a${ext}`, change(after));
    for (const side of [b, a]) if (side) expect((await scanCsv(side.file)).plain).toBe(prefix === 'plain');
    return diffTables(b, a, name, { pageSize: 10_000, ...(before === null ? {} : { keys: ['id'] }) });
  };
  const plain = await run('plain', (text) => text);
  const quoted = await run('quoted', withQuote);
  expect(plain).toEqual(quoted);
  return plain;
}

describe('CSV without quotes (plain path)', () => {
  it('reads a BOM, CRLF, blank lines and a missing final newline as csv-parse does', async () => {
    const diff = await bothPaths(null, '\uFEFFid,x,y\r\n1,a,2\r\n\r\n2,,3\r\n3,c,4');
    expect(diff.columns.map((c) => c.name)).toEqual(['id', 'x', 'y']);
    expect(diff.page.rows.map((r) => r.after)).toEqual([
      ['1', 'a', '2'],
      ['2', null, '3'],
      ['3', 'c', '4'],
    ]);
  });

  it('warns about ragged rows on the same lines, with an empty last line', async () => {
    const text =
      'id,b,c\n1,2\n\n3,4,5,6\n4,5,6\n' + Array.from({ length: 12 }, (_, i) => `${i + 5}\n`).join('');
    const diff = await bothPaths(null, `${text}\n`);
    expect(diff.warnings[0]).toBe('table at HEAD: line 2: 2 fields, expected 3');
    expect(diff.warnings[1]).toBe('table at HEAD: line 4: 4 fields, expected 3');
    expect(diff.warnings.at(-1)).toBe('table at HEAD: 14 rows in all have a wrong number of fields');
    expect(diff.rows.after).toBe(15);
  });

  it('keeps the first line break as the only record delimiter, like csv-parse', async () => {
    // LF file: a lone CR stays in its cell. CR file: an LF stays in its cell.
    let diff = await bothPaths(null, 'id,x\n1,a\rb\n2,c\r\n');
    expect(diff.page.rows.map((r) => r.after)).toEqual([
      ['1', 'a\rb'],
      ['2', 'c\r'],
    ]);
    diff = await bothPaths(null, 'id,x\r1,a\nb\r2,c');
    expect(diff.page.rows.map((r) => r.after)).toEqual([
      ['1', 'a\nb'],
      ['2', 'c'],
    ]);
    diff = await bothPaths(null, 'id,x');
    expect(diff.columns.map((c) => c.name)).toEqual(['id', 'x']);
    expect(diff.rows.after).toBe(0);
  });

  it('reads TSV, control characters and multi-byte text', async () => {
    const text = 'id\tname\tn\n1\tcafé\t1.5\n2\tred\u001b[0m\t2\n3\t日本\t\n';
    const diff = await bothPaths(null, text, 't.tsv');
    expect(diff.page.rows.map((r) => r.after)).toEqual([
      ['1', 'café', '1.5'],
      ['2', 'red\u001b[0m', '2'],
      ['3', '日本', null],
    ]);
  });

  it('gives the same diff across chunk boundaries (CR LF and multi-byte characters split)', async () => {
    const lines = ['id,name,v'];
    for (let i = 1; i <= 100_000; i++) lines.push(`${i},${'é'.repeat(i % 7)}${i % 3 ? 'x' : ''},${i * 7}`);
    // Row 1 padded so that the CR ending it is the last byte of the first 1 MiB chunk.
    lines[1] = `1,${'p'.repeat((1 << 20) - 1 - Buffer.byteLength('id,name,v\r\n1,,7'))},7`;
    const before = `${lines.join('\r\n')}\r\n`;
    expect(
      Buffer.from(before)
        .subarray((1 << 20) - 1, (1 << 20) + 1)
        .toString(),
    ).toBe('\r\n');
    lines[100] = '100,changed,1';
    lines.splice(30_000, 1);
    const after = `${lines.join('\r\n')}\r\n`;
    expect(Buffer.byteLength(after)).toBeGreaterThan(2 << 20);
    const diff = await bothPaths(before, after);
    expect(diff.rows).toMatchObject({ before: 100_000, after: 99_999, changed: 1, removed: 1 });
  });

  it('refuses a file that gained a quote after it was scanned', async () => {
    const dir = tempDir();
    const source = write(dir, 'c.csv', 'a,b\n1,2\n');
    const scan = await scanCsv(source.file);
    expect(scan).toEqual({ plain: true, lineEnd: '\n' });
    writeFileSync(source.file, 'a,b\n"1",2\n');
    const records = new PlainCsvRecords(source, ',', scan.lineEnd);
    await expect(records.next()).rejects.toThrow(LineageError);
    records.close();
  });
});
