import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
  type SchemaElement,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { ColumnType } from '../../../protocol/diff';
import type { Cell } from './cells';
import { readError, uniqueNames, type TableReader, type TableSource } from './reader';

/** Cells per read: a slice of rows of at most this many cells is decoded at a time. */
const SLICE_CELLS = 500_000;

/** Dates and timestamps straight to ISO text, keeping micro- and nanoseconds. */
const parsers = {
  dateFromDays: (days: number) => isoTimestamp(BigInt(days) * 86_400_000n, 1n, 0).slice(0, 10),
  timestampFromMilliseconds: (value: bigint) => isoTimestamp(value, 1n, 0),
  timestampFromMicroseconds: (value: bigint) => isoTimestamp(value, 1000n, 3),
  timestampFromNanoseconds: (value: bigint) => isoTimestamp(value, 1_000_000n, 6),
};

/**
 * Read Parquet with hyparquet (gzip, zstd, brotli and lz4 through hyparquet-compressors), a slice of
 * rows at a time so memory stays bounded whatever the row-group size. Types come from the schema:
 * integers (any width), floats and decimals, booleans, dates, timestamps, strings; nested and binary
 * columns are `other` and shown as JSON or hex. Null rules: `cells.ts`.
 */
export async function openParquet(source: TableSource): Promise<TableReader> {
  let file: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    file = await asyncBufferFromFile(source.file);
    metadata = await parquetMetadataAsync(file, { parsers });
  } catch (err) {
    throw readError(err, source, 'Parquet');
  }
  const top = parquetSchema(metadata).children;
  const warnings: string[] = [];
  const columns = uniqueNames(
    top.map((child) => child.element.name),
    source,
    warnings,
  );
  const types = top.map((child) => typeOf(child.element, child.children.length > 0));
  const size = metadata.row_groups.reduce((sum, group) => sum + Number(group.total_byte_size), 0);
  const sliceRows = Math.max(1024, Math.floor(SLICE_CELLS / Math.max(1, columns.length)));

  async function* batches(): AsyncGenerator<Cell[][]> {
    try {
      let groupStart = 0;
      for (const group of metadata.row_groups) {
        const groupEnd = groupStart + Number(group.num_rows);
        for (let start = groupStart; start < groupEnd; start += sliceRows) {
          let rows: unknown[][] = [];
          await parquetRead({
            file,
            metadata,
            rowStart: start,
            rowEnd: Math.min(start + sliceRows, groupEnd),
            compressors,
            parsers,
            useOffsetIndex: true,
            onComplete: (read) => (rows = read),
          });
          yield rows.map((row) => row.map(cellOf));
        }
        groupStart = groupEnd;
      }
    } catch (err) {
      throw readError(err, source, 'Parquet');
    }
  }

  return {
    columns,
    warnings,
    size,
    batches,
    schemaType: (column) => types[column],
    allowedTypes: () => 0,
    mayHoldControls: () => true, // not worth a look at every string; the store escapes
    close: () => {},
  };
}

function typeOf(element: SchemaElement, nested: boolean): ColumnType {
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  if (nested || element.repetition_type === 'REPEATED') return 'other';
  if (logical === 'DATE' || converted === 'DATE') return 'date';
  if (logical === 'TIMESTAMP' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') {
    return 'timestamp';
  }
  if (element.type === 'INT96') return 'timestamp';
  if (logical === 'DECIMAL' || converted === 'DECIMAL' || logical === 'FLOAT16') return 'number';
  if (logical === 'STRING' || logical === 'ENUM' || logical === 'UUID' || converted === 'UTF8')
    return 'string';
  if (logical !== undefined && logical !== 'INTEGER') return 'other'; // time, JSON, geometry, …
  if (converted !== undefined && !/^U?INT_/.test(converted) && converted !== 'ENUM') return 'other';
  switch (element.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
    case 'INT64':
      return 'integer';
    case 'FLOAT':
    case 'DOUBLE':
      return 'number';
    case 'BYTE_ARRAY':
      return 'string'; // read as UTF-8 text
    default:
      return 'other';
  }
}

function cellOf(value: unknown): Cell {
  switch (typeof value) {
    case 'string':
      return value === '' ? null : value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
      return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    default:
      return null;
  }
}

/** `value` units since the epoch (`perMilli` units per millisecond) as ISO 8601 with `digits` more decimals. */
function isoTimestamp(raw: bigint | number, perMilli: bigint, digits: number): string {
  const value = typeof raw === 'bigint' ? raw : BigInt(Math.trunc(raw));
  let millis = value / perMilli;
  let rest = value % perMilli;
  if (rest < 0n) {
    millis -= 1n;
    rest += perMilli;
  }
  const date = new Date(Number(millis));
  if (Number.isNaN(date.getTime())) return String(value);
  const iso = date.toISOString();
  return digits === 0 ? iso : `${iso.slice(0, -1)}${rest.toString().padStart(digits, '0')}Z`;
}
