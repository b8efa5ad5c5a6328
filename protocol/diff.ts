import * as z from 'zod/mini';

// ---- File-level dataset diff ---------------------------------------------------------------------

/** One side of a comparison: what the user named and what it resolved to. */
export const diffSideSchema = z.object({
  /** As given: `workspace`, a commit, branch or tag, or a run id. */
  rev: z.string(),
  /** Human label, e.g. `HEAD (3f2a1c0)`, `run brave-lr (01j…)`, `workspace`. */
  label: z.string(),
  /** Full commit id the pointer was read at; null for the workspace. */
  commit: z.nullable(z.string()),
  /** Root hash of the dataset on this side; null when the dataset does not exist there. */
  hash: z.nullable(z.string()),
  size: z.number(),
  files: z.number(),
});
export type DiffSide = z.infer<typeof diffSideSchema>;

export const fileChangeKindSchema = z.enum(['added', 'removed', 'modified', 'renamed']);
export type FileChangeKind = z.infer<typeof fileChangeKindSchema>;

export const fileDiffEntrySchema = z.object({
  /** Path inside the dataset, `/`-separated ('' when the dataset is one file). New path for renames. */
  path: z.string(),
  change: fileChangeKindSchema,
  /** `dir` only for an empty folder. */
  type: z.enum(['file', 'symlink', 'dir']),
  /** Size on the new side (added, modified, renamed) or the old side (removed). */
  size: z.number(),
  /** Modified: size before. */
  oldSize: z.optional(z.number()),
  /** Renamed: the old path (same content, new path). */
  from: z.optional(z.string()),
  /** Content hashes (files only): before and after. */
  oldHash: z.optional(z.string()),
  newHash: z.optional(z.string()),
});
export type FileDiffEntry = z.infer<typeof fileDiffEntrySchema>;

export const datasetDiffSchema = z.object({
  /** Data path relative to the workspace root, e.g. `data/train`. */
  dataset: z.string(),
  a: diffSideSchema,
  b: diffSideSchema,
  counts: z.object({
    added: z.number(),
    removed: z.number(),
    modified: z.number(),
    renamed: z.number(),
    /** Bytes added minus bytes removed. */
    bytesDelta: z.number(),
  }),
  changes: z.array(fileDiffEntrySchema),
  /** Tree objects the diff needed but the local store lacks (their subtrees are not listed). */
  missing: z.array(z.object({ hash: z.string(), path: z.string() })),
});
export type DatasetDiff = z.infer<typeof datasetDiffSchema>;

// ---- Table diff ----------------------------------------------------------------------------------

export const tableFormatSchema = z.enum(['csv', 'tsv', 'jsonl', 'parquet']);
export type TableFormat = z.infer<typeof tableFormatSchema>;

/** Column types, inferred from text formats (every non-empty value parses as the type) or read from Parquet. */
export const columnTypeSchema = z.enum([
  'integer',
  'number',
  'boolean',
  'string',
  'date',
  'timestamp',
  'null',
  'other',
]);
export type ColumnType = z.infer<typeof columnTypeSchema>;

export const columnStatsSchema = z.object({
  /** Non-null values. */
  count: z.number(),
  nulls: z.number(),
  /** Distinct non-null values; `distinctCapped` when counting stopped at the cap. */
  distinct: z.number(),
  distinctCapped: z.boolean(),
  /** Numbers (and dates as ISO text): min, max; numbers: mean. */
  min: z.optional(z.union([z.number(), z.string()])),
  max: z.optional(z.union([z.number(), z.string()])),
  mean: z.optional(z.number()),
  /** Strings and booleans: most frequent values with counts (at most 5). */
  top: z.optional(z.array(z.object({ value: z.string(), count: z.number() }))),
});
export type ColumnStats = z.infer<typeof columnStatsSchema>;

export const columnDiffSchema = z.object({
  name: z.string(),
  change: z.enum(['same', 'added', 'removed', 'retyped']),
  before: z.nullable(columnTypeSchema),
  after: z.nullable(columnTypeSchema),
  statsBefore: z.nullable(columnStatsSchema),
  statsAfter: z.nullable(columnStatsSchema),
  /** Cells of this column that differ among matched rows. */
  changedCells: z.number(),
});
export type ColumnDiff = z.infer<typeof columnDiffSchema>;

/** A cell shown as text (numbers as written, or as Parquet gives them); null for an empty/null cell. */
export const cellSchema = z.nullable(z.string());

export const rowDiffSchema = z.object({
  change: z.enum(['added', 'removed', 'changed']),
  /** Key values (keyed matching), else empty. */
  key: z.array(cellSchema),
  /** 1-based data row numbers (header excluded) on each side, when the row is there. */
  rowBefore: z.nullable(z.number()),
  rowAfter: z.nullable(z.number()),
  /** Cells in `TableDiff.columns` order; null side when the row is absent there. */
  before: z.nullable(z.array(cellSchema)),
  after: z.nullable(z.array(cellSchema)),
  /** Indexes (into `columns`) of the cells that differ, for changed rows. */
  changed: z.array(z.number()),
});
export type RowDiff = z.infer<typeof rowDiffSchema>;

export const tableDiffSchema = z.object({
  /** Path of the table inside the dataset. */
  path: z.string(),
  format: tableFormatSchema,
  /**
   * `key`: rows matched on `keys`. `content`: no key, rows matched by their whole content, so a row
   * whose cells changed shows as one removed and one added row.
   */
  matching: z.enum(['key', 'content']),
  keys: z.array(z.string()),
  /** Union of both sides' columns: the new side's order, then removed columns. */
  columns: z.array(columnDiffSchema),
  rows: z.object({
    before: z.number(),
    after: z.number(),
    added: z.number(),
    removed: z.number(),
    changed: z.number(),
    unchanged: z.number(),
  }),
  /** Keys that appear more than once on a side (their rows are compared in order of appearance). */
  duplicateKeys: z.number(),
  /** One page of changed rows, in key order (keyed) or file order (content). */
  page: z.object({ offset: z.number(), total: z.number(), rows: z.array(rowDiffSchema) }),
  /** Problems that did not stop the diff (e.g. ragged CSV rows), each naming the file. */
  warnings: z.array(z.string()),
});
export type TableDiff = z.infer<typeof tableDiffSchema>;

// ---- Dataset history ------------------------------------------------------------------------------

/** A run linked to a dataset version: it recorded that version as an input, or ran at a commit holding it. */
export const versionRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** `input`: the run recorded this version; `commit`: inferred from the run's commit (and `dirty`). */
  link: z.enum(['input', 'commit']),
  dirty: z.boolean(),
});
export type VersionRun = z.infer<typeof versionRunSchema>;

/** One commit that changed a dataset's pointer file. */
export const datasetVersionSchema = z.object({
  commit: z.string(),
  author: z.string(),
  email: z.string(),
  date: z.string(),
  subject: z.string(),
  /** `removed`: the pointer file was deleted in this commit (hash null). */
  change: z.enum(['added', 'modified', 'removed']),
  hash: z.nullable(z.string()),
  size: z.number(),
  files: z.number(),
  runs: z.array(versionRunSchema),
});
export type DatasetVersion = z.infer<typeof datasetVersionSchema>;

export const datasetLogSchema = z.object({
  dataset: z.string(),
  versions: z.array(datasetVersionSchema),
});
export type DatasetLog = z.infer<typeof datasetLogSchema>;
