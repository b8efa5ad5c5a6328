/**
 * The table diff engine: compares two versions of a CSV, TSV, JSON lines or Parquet table and
 * produces a `TableDiff` (protocol/diff.ts): schema changes, per-column statistics, row counts and
 * pages of changed rows. Cell, null and type rules: `cells.ts`.
 */
export { tableFormatOf } from './open';
export type { TableSource } from './reader';
export { diffTables, openTableDiff, type TableDiffOptions, type TableDiffSession } from './session';
