import * as z from 'zod/mini';
import { datasetDiffSchema, tableDiffSchema } from './diff';
import { listRunsResultSchema } from './runs';

/**
 * Messages between the Runs Table webview and the extension. The webview sends `ready` once it
 * listens; the extension answers with `runs` and sends it again whenever runs change.
 */
export const runsTableToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('refresh') }),
]);
export type RunsTableToHost = z.infer<typeof runsTableToHostSchema>;

export const runsTableToWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runs'), result: listRunsResultSchema }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type RunsTableToWebview = z.infer<typeof runsTableToWebviewSchema>;

/**
 * Messages between the Dataset Diff webview and the extension. The webview sends `ready`; the
 * extension answers with `diff` (and again after `refresh` or when the workspace side changes).
 * Selecting a table file asks for its table diff a page at a time; other files open in VS Code's
 * diff editor (`openFile`).
 */
export const datasetDiffToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('refresh') }),
  /** Table diff of one changed table file (path inside the dataset), one page of changed rows. */
  z.object({
    type: z.literal('table'),
    path: z.string(),
    offset: z.number(),
    /** Key columns to match rows on; absent = the configured keys (lineage.yaml), else content. */
    keys: z.optional(z.array(z.string())),
  }),
  /** Open a changed non-table file in VS Code's diff editor (or the file, when added/removed). */
  z.object({ type: z.literal('openFile'), path: z.string() }),
]);
export type DatasetDiffToHost = z.infer<typeof datasetDiffToHostSchema>;

export const datasetDiffToWebviewSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('diff'),
    diff: datasetDiffSchema,
    /** Changed files (paths inside the dataset) that can be shown as table diffs. */
    tables: z.array(z.string()),
  }),
  z.object({ type: z.literal('table'), path: z.string(), result: tableDiffSchema }),
  /** The table diff of `path` failed (e.g. a malformed file): shown in place of the table. */
  z.object({ type: z.literal('tableError'), path: z.string(), message: z.string() }),
  z.object({ type: z.literal('loading'), what: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type DatasetDiffToWebview = z.infer<typeof datasetDiffToWebviewSchema>;
