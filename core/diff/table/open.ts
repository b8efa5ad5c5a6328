import type { TableFormat } from '../../../protocol/diff';
import { openCsv } from './csvReader';
import { openJsonLines } from './jsonlReader';
import { openParquet } from './parquetReader';
import type { TableReader, TableSource } from './reader';

/** Format from a path's extension (.csv, .tsv, .tab, .jsonl, .ndjson, .parquet), or null when it is not a table. */
export function tableFormatOf(path: string): TableFormat | null {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  switch (ext) {
    case 'csv':
      return 'csv';
    case 'tsv':
    case 'tab':
      return 'tsv';
    case 'jsonl':
    case 'ndjson':
      return 'jsonl';
    case 'parquet':
      return 'parquet';
    default:
      return null;
  }
}

/** Open a table; the header or schema is read now, rows on demand. */
export async function openTable(source: TableSource, format: TableFormat): Promise<TableReader> {
  switch (format) {
    case 'csv':
      return openCsv(source, ',');
    case 'tsv':
      return openCsv(source, '\t');
    case 'jsonl':
      return openJsonLines(source);
    case 'parquet':
      return openParquet(source);
  }
}
