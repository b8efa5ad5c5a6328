import type { ColumnType } from '../../../protocol/diff';
import { LineageError, errorMessage, isErrnoCode } from '../../errors';
import type { Cell } from './cells';

/** One side of a table diff: the bytes to read and how to name them in messages. */
export interface TableSource {
  /** Absolute path of the bytes to read. */
  file: string;
  /** For messages, e.g. `data/iris.csv at HEAD`. */
  label: string;
}

/**
 * A table being read, in batches of rows. Each row is an array of cells in `columns` order; a row may
 * be shorter than `columns` (missing cells are null, see `cells.ts`).
 */
export interface TableReader {
  /** Column names so far: known on opening for CSV, TSV and Parquet; JSON lines add keys as they appear. */
  readonly columns: string[];
  /** Problems that did not stop reading (ragged rows, renamed duplicate columns). */
  readonly warnings: string[];
  /** Rough size of the data in bytes (file size; uncompressed size for Parquet), to pick memory or disk. */
  readonly size: number;
  /** The rows, in file order, in batches. */
  batches(): AsyncGenerator<Cell[][]>;
  /** The type fixed by the file's schema (Parquet), else undefined (inferred from the text). */
  schemaType(column: number): ColumnType | undefined;
  /** Candidate types (`cells.ts` bits) that the way values were written allows, or `other` (nested). */
  allowedTypes(column: number): number | 'other';
  /** True once a cell read so far may hold U+001B, U+001E or U+001F (the row store escapes them). */
  mayHoldControls(): boolean;
  /** Release the file early (reading to the end, or stopping the iteration, releases it too). */
  close(): void;
}

/** Rows per batch that readers aim for. */
export const BATCH_ROWS = 2048;

/**
 * A read failure as a LineageError naming the source: file-system errors by their code, parse errors
 * by their message. LineageErrors and aborts pass through.
 */
export function readError(err: unknown, source: TableSource, what: string): unknown {
  if (err instanceof LineageError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  for (const code of ['ENOENT', 'EACCES', 'EISDIR', 'EPERM', 'EIO']) {
    if (isErrnoCode(err, code)) return new LineageError(`cannot read the file (${code})`, source.label);
  }
  return new LineageError(`not a valid ${what} file: ${errorMessage(err)}`, source.label);
}

/** Column names made unique (`x`, `x.1`, …), with a warning for each rename. */
export function uniqueNames(names: string[], source: TableSource, warnings: string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 1; seen.has(unique); n++) unique = `${name}.${n}`;
    if (unique !== name) warnings.push(`${source.label}: duplicate column "${name}" renamed "${unique}"`);
    seen.add(unique);
    return unique;
  });
}
