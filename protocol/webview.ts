import * as z from 'zod/mini';
import { datasetDiffSchema, tableDiffSchema } from './diff';
import { listRunsResultSchema, runStatusSchema, type RunSummary } from './runs';

/**
 * Messages between the Runs Table webview and the extension. The webview sends `ready` once it
 * listens; the extension answers with `runs`, then sends only changed runs (`upsert`), or `runs`
 * again when runs were added or removed.
 */
export const runsTableToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('refresh') }),
  /** The selected runs changed (ids, in table order); the metric plots follow it. */
  z.object({ type: z.literal('selectionChanged'), ids: z.array(z.string()) }),
  /** Save this CSV (the visible rows and columns); the extension asks where. */
  z.object({ type: z.literal('exportCsv'), csv: z.string() }),
  /** Star or unstar runs; the extension keeps stars in the workspace state and answers `stars`. */
  z.object({ type: z.literal('setStar'), ids: z.array(z.string()), starred: z.boolean() }),
]);
export type RunsTableToHost = z.infer<typeof runsTableToHostSchema>;

/**
 * `runSummarySchema` checked by hand in one pass, for the Runs Table's big payloads (10,000 runs ×
 * 500 values: seconds through a schema per value). Fields are checked; the params, metrics, tags and
 * inputs records are checked to be records, and their values where the table reads them (a value of
 * the wrong type shows as empty and sorts as missing): reading every value costs a second at that size.
 */
function isRunSummary(v: unknown): v is RunSummary {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const str = (x: unknown): boolean => typeof x === 'string';
  const num = (x: unknown): boolean => typeof x === 'number';
  const nullOr = (x: unknown, f: (y: unknown) => boolean): boolean => x === null || f(x);
  const record = (x: unknown, optional = true): boolean =>
    x === undefined ? optional : typeof x === 'object' && x !== null && !Array.isArray(x);
  return (
    str(r.id) &&
    str(r.name) &&
    runStatusSchema.options.includes(r.status as RunSummary['status']) &&
    Array.isArray(r.command) &&
    r.command.every(str) &&
    nullOr(r.commit, str) &&
    nullOr(r.branch, str) &&
    typeof r.dirty === 'boolean' &&
    str(r.startedAt) &&
    nullOr(r.endedAt, str) &&
    num(r.durationMs) &&
    nullOr(r.exitCode, num) &&
    record(r.metrics, false) &&
    nullOr(r.lastStep, num) &&
    record(r.metricsMin) &&
    record(r.metricsMax) &&
    (r.experiment === undefined || str(r.experiment)) &&
    record(r.params) &&
    record(r.tags) &&
    record(r.inputs) &&
    (r.reproduces === undefined || str(r.reproduces)) &&
    (r.source === undefined || str(r.source))
  );
}
const runSummariesSchema = z.custom<RunSummary[]>(
  (v) => Array.isArray(v) && v.every(isRunSummary),
  'expected run summaries',
);

/** Context-menu commands the webview applies itself (registered as `lineage.runsTable.<name>`). */
export const runsTableCommands = [
  'pinRun',
  'unpinRun',
  'sortAscending',
  'sortDescending',
  'groupByColumn',
  'ungroup',
  'pinColumn',
  'unpinColumn',
  'hideColumn',
  'moveColumnLeft',
  'moveColumnRight',
] as const;

export const runsTableToWebviewSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('runs'),
    result: z.object({ runs: runSummariesSchema, problems: listRunsResultSchema.shape.problems }),
  }),
  /** Changed or new runs only (live updates); merged by id into the runs the webview has. */
  z.object({ type: z.literal('upsert'), runs: runSummariesSchema }),
  z.object({ type: z.literal('error'), message: z.string() }),
  /** The starred runs of this workspace (sent after `runs`, and whenever they change). */
  z.object({ type: z.literal('stars'), ids: z.array(z.string()) }),
  /** A command chosen in the table's native context menu, for the webview to apply. */
  z.object({
    type: z.literal('command'),
    command: z.enum(runsTableCommands),
    runId: z.optional(z.string()),
    columnId: z.optional(z.string()),
  }),
]);
export type RunsTableToWebview = z.infer<typeof runsTableToWebviewSchema>;
export type RunsTableCommand = (typeof runsTableCommands)[number];

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

/** Numbers, checked with one pass instead of a schema per element (plots carry many of them). */
const numberArray = z.custom<number[]>(
  (v) => Array.isArray(v) && v.every((n) => typeof n === 'number'),
  'expected an array of numbers',
);
/** The x axis of the Metric Plots view: step, seconds since each run started, or wall time. */
export const metricAxisSchema = z.enum(['step', 'relative', 'wall']);
const plotRunSchema = z.object({
  id: z.string(),
  /** The run's name, with its short id when another plotted run has the same name. */
  name: z.string(),
  running: z.boolean(),
  /** The run's colour in every view (core/util/runColors.ts over all runs). */
  color: z.optional(z.string()),
});
export type PlotRun = z.infer<typeof plotRunSchema>;
const plotSeriesSchema = z.object({
  id: z.string(),
  start: z.number(),
  x: numberArray,
  y: numberArray,
  min: numberArray,
  max: numberArray,
  count: z.number(),
});
export type PlotSeries = z.infer<typeof plotSeriesSchema>;

/**
 * Messages between the Metric Plots view and the extension. The webview sends `ready`; the host
 * answers with `runs` (the runs to plot; again whenever that set changes). The webview asks for
 * `history` of one metric on its x axis (`range` after a zoom) and gets it back with the same `seq`;
 * while runs train, the host forwards their new points as `points`.
 */
export const metricPlotsToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('history'),
    seq: z.number(),
    ids: z.array(z.string()),
    metric: z.optional(z.string()),
    x: metricAxisSchema,
    buckets: z.number(),
    range: z.optional(z.tuple([z.number(), z.number()])),
  }),
]);
export type MetricPlotsToHost = z.infer<typeof metricPlotsToHostSchema>;

export const metricPlotsToWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runs'), runs: z.array(plotRunSchema) }),
  z.object({
    type: z.literal('history'),
    seq: z.number(),
    metric: z.string(),
    metrics: z.array(z.string()),
    series: z.array(plotSeriesSchema),
  }),
  z.object({
    type: z.literal('points'),
    id: z.string(),
    reset: z.boolean(),
    points: z.array(
      z.object({ name: z.string(), step: z.number(), time: z.nullable(z.number()), value: z.number() }),
    ),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type MetricPlotsToWebview = z.infer<typeof metricPlotsToWebviewSchema>;
