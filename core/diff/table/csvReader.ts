import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import type { Cell } from './cells';
import { ALL_TYPES } from './cells';
import { PlainCsvRecords, scanCsv, type CsvScan } from './csvPlain';
import { BATCH_ROWS, readError, uniqueNames, type TableReader, type TableSource } from './reader';

/** Ragged rows reported one by one; past this, one summary line. */
const RAGGED_REPORTED = 10;

/** Records of a CSV/TSV file, a group at a time. */
interface RecordSource {
  /** The next records (at least one), or null at the end. */
  next(): Promise<string[][] | null>;
  /** True once a record may span lines (a quote was read), so line numbers count its newlines. */
  readonly quoted: boolean;
  mayHoldControls(): boolean;
  close(): void;
}

/**
 * Read CSV or TSV, streaming: the header row names the columns; quoted fields, embedded newlines, a
 * BOM and CRLF are handled; blank lines are skipped; a row with too few or too many fields is padded
 * with nulls or cut, with a warning naming its line. A file without any `"` is split with plain
 * string operations (`csvPlain.ts`), anything else goes through csv-parse; both give the same rows.
 */
export async function openCsv(source: TableSource, delimiter: string): Promise<TableReader> {
  const what = delimiter === '\t' ? 'TSV' : 'CSV';
  let size: number;
  let scan: CsvScan;
  try {
    size = (await stat(source.file)).size;
    scan = await scanCsv(source.file);
  } catch (err) {
    throw readError(err, source, what);
  }
  const records: RecordSource = scan.plain
    ? new PlainCsvRecords(source, delimiter, scan.lineEnd)
    : parsedRecords(source.file, delimiter);

  let pending: string[][] = [];
  let at = 0;
  /** The next record, or undefined at the end. */
  const nextRecord = async (): Promise<string[] | undefined> => {
    while (at >= pending.length) {
      const group = await records.next();
      if (group === null) return undefined;
      pending = group;
      at = 0;
    }
    return pending[at++];
  };

  let header: string[];
  try {
    header = (await nextRecord()) ?? [];
  } catch (err) {
    records.close();
    throw readError(err, source, what);
  }
  let line = 2 + (records.quoted ? newlinesIn(header) : 0);
  const warnings: string[] = [];
  const columns = uniqueNames(header, source, warnings);
  const width = columns.length;

  async function* batches(): AsyncGenerator<Cell[][]> {
    let ragged = 0;
    try {
      let batch: Cell[][] = [];
      for (;;) {
        const next = await nextRecord();
        if (next === undefined) break;
        let record: Cell[] = next;
        const start = line;
        line += 1 + (records.quoted ? newlinesIn(next) : 0);
        if (record.length === 1 && record[0] === '') continue; // blank line
        if (record.length !== width) {
          if (++ragged <= RAGGED_REPORTED) {
            warnings.push(`${source.label}: line ${start}: ${record.length} fields, expected ${width}`);
          }
          record = record.slice(0, width);
        }
        for (let i = 0; i < record.length; i++) if (record[i] === '') record[i] = null;
        batch.push(record);
        if (batch.length >= BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
      if (ragged > RAGGED_REPORTED) {
        warnings.push(`${source.label}: ${ragged} rows in all have a wrong number of fields`);
      }
    } catch (err) {
      throw readError(err, source, what);
    } finally {
      records.close();
    }
  }

  return {
    columns,
    warnings,
    size,
    batches,
    schemaType: () => undefined,
    allowedTypes: () => ALL_TYPES,
    mayHoldControls: () => records.mayHoldControls(),
    close: () => records.close(),
  };
}

/** Records from csv-parse, one at a time, for files that hold a quote. */
function parsedRecords(file: string, delimiter: string): RecordSource {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  // Line numbers: while no quote has been read, a record is one line; after, count its newlines.
  // The flags are set when a chunk is read, before the parser hands out any record from it.
  let quoted = false;
  let controls = false;
  input.on('data', (chunk) => {
    if (typeof chunk === 'string') return;
    if (!quoted && chunk.includes(34)) quoted = true;
    if (!controls && (chunk.includes(0x1b) || chunk.includes(0x1e) || chunk.includes(0x1f))) controls = true;
  });
  const parser = parse({ delimiter, bom: true, relax_column_count: true, relax_quotes: true });
  pipeline(input, parser, () => {}); // errors reach the parser, so the iteration below throws them
  const records: AsyncIterator<string[]> = parser[Symbol.asyncIterator]();
  return {
    async next() {
      const next = await records.next();
      return next.done ? null : [next.value];
    },
    get quoted() {
      return quoted;
    },
    mayHoldControls: () => controls,
    close() {
      input.destroy();
      parser.destroy();
    },
  };
}

function newlinesIn(cells: string[]): number {
  let n = 0;
  for (const cell of cells) {
    for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) n++;
  }
  return n;
}
