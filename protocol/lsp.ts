import {
  NotificationType,
  RequestType,
  RequestType0,
  type WorkDoneProgressParams,
} from 'vscode-languageserver-protocol';
import type { ListRunsResult, ParamValue } from './runs';
import type { StatusResult } from './datasets';
import type { Problem } from './problem';
import type { DatasetDiff, DatasetLog, TableDiff } from './diff';
import type {
  RunCodeDiffParams,
  RunCodeDiffResult,
  RunCodeFileParams,
  RunCodeFileResult,
  RunPatchInfo,
} from './runCompare';

/** Custom LSP methods between the extension and the language server. Declared once, used by both. */
export const listRunsRequest = new RequestType0<ListRunsResult, void>('lineage/listRuns');
export const statusRequest = new RequestType0<StatusResult, void>('lineage/status');

/**
 * The summaries of some runs, by id: what the extension asks for when `lineage/runsChanged` names
 * runs it already lists (a metric line, a status), instead of listing every run again. An id with
 * no readable run folder comes back as a problem.
 */
export const readRunsRequest = new RequestType<{ ids: string[] }, ListRunsResult, void>('lineage/readRuns');

/** One experiment of lineage.yaml, with the current values of its params files. */
export interface ExperimentInfo {
  name: string;
  /** As written in lineage.yaml: a command string or argv. */
  command: string | string[];
  /** Working directory, relative to the repository root. */
  cwd: string;
  /** Params files, relative to the repository root. */
  paramsFiles: string[];
  /** Params from those files, flattened to dotted keys (later files win); empty if one is unreadable. */
  params: Record<string, ParamValue>;
  /** The main metric (`metric:`), if set. */
  metric?: string;
}
export interface ExperimentsResult {
  /** The repository root (absolute): where `lineage run` is started. Null when no repository is open. */
  root: string | null;
  experiments: ExperimentInfo[];
  /** An invalid lineage.yaml, or params files that cannot be read (their experiment is still listed). */
  problems: Problem[];
}
export const experimentsRequest = new RequestType0<ExperimentsResult, void>('lineage/experiments');

/**
 * Stop a running run recorded on this host: SIGTERM to its recorder (`kill: false`; the command is
 * asked to stop and the run ends `killed` unless it exits 0), or SIGUSR2 (`kill: true`; the
 * recorder kills the command's process group at once). Refused (an error with a message) when the
 * run is not running, has no recorder pid, or runs on another host.
 */
export interface StopRunParams {
  id: string;
  kill: boolean;
}
export interface StopRunResult {
  pid: number;
  signal: 'SIGTERM' | 'SIGUSR2';
}
export const stopRunRequest = new RequestType<StopRunParams, StopRunResult, void>('lineage/stopRun');

/**
 * Track files or folders (`lineage add`). Send a `workDoneToken` to receive `$/progress` reports
 * (percentage and "files · bytes" messages); cancelling the request stops the add and leaves the
 * store and pointers as they were.
 */
export interface AddParams extends WorkDoneProgressParams {
  /** Absolute paths inside the workspace. */
  paths: string[];
}
export interface AddedDataset {
  path: string;
  pointerFile: string;
  files: number;
  size: number;
  /** Files that had to be read; the rest were unchanged. */
  hashedFiles: number;
}
export const addRequest = new RequestType<AddParams, AddedDataset[], void>('lineage/add');

/** Make datasets match their pointers (`lineage checkout`); progress and cancellation as for add. */
export interface CheckoutParams extends WorkDoneProgressParams {
  /** Absolute data or pointer paths; all datasets when empty. */
  paths: string[];
  force: boolean;
}
export interface CheckedOutDataset {
  path: string;
  added: number;
  removed: number;
  modified: number;
}
/** Error code of a checkout refused because it would discard unsaved files; `data: { unsaved: string[] }`. */
export const UNSAVED_FILES_CODE = 4001;
export const checkoutRequest = new RequestType<CheckoutParams, CheckedOutDataset[], void>('lineage/checkout');

export interface RunsChangedParams {
  /** Ids of runs whose files changed; empty when unknown (reload all). */
  ids: string[];
}
export const runsChangedNotification = new NotificationType<RunsChangedParams>('lineage/runsChanged');
export const datasetsChangedNotification = new NotificationType<Record<string, never>>(
  'lineage/datasetsChanged',
);

/** A dataset and two revisions: `workspace`, a commit, branch or tag, or a run (id, prefix, name). */
export interface DiffParams {
  /** Data path relative to the workspace root. */
  dataset: string;
  a: string;
  b: string;
}
export interface DatasetDiffResult {
  diff: DatasetDiff;
  /** Changed files (paths inside the dataset) that are tables, shown as table diffs. */
  tables: string[];
}
export const diffDatasetRequest = new RequestType<DiffParams, DatasetDiffResult, void>('lineage/diffDataset');

export interface DiffTableParams extends DiffParams {
  /** The table's path inside the dataset. */
  path: string;
  offset: number;
  limit?: number;
  /** Key columns; absent = configured keys (lineage.yaml `keys:`), else content matching. */
  keys?: string[];
}
export const diffTableRequest = new RequestType<DiffTableParams, TableDiff, void>('lineage/diffTable');

/** Where both sides of a changed file can be read (absolute paths; null where the file is absent). */
export interface FileSidesParams extends DiffParams {
  path: string;
}
export interface FileSides {
  a: { file: string; label: string } | null;
  b: { file: string; label: string } | null;
}
export const fileSidesRequest = new RequestType<FileSidesParams, FileSides, void>('lineage/fileSides');

/** Revisions worth offering for a dataset: the workspace, branches and tags, its versions, runs. */
export interface RevisionChoice {
  rev: string;
  kind: 'workspace' | 'branch' | 'tag' | 'commit' | 'run';
  label: string;
  description: string;
  detail?: string;
}
export const revisionsRequest = new RequestType<{ dataset: string }, RevisionChoice[], void>(
  'lineage/revisions',
);
export const datasetLogRequest = new RequestType<{ dataset: string }, DatasetLog, void>('lineage/datasetLog');

/** The x axis of a metric plot: the step, seconds since the run started, or wall time (seconds since the epoch). */
export type MetricAxis = 'step' | 'relative' | 'wall';
/**
 * Metric histories of some runs for plotting: one metric (absent: the first one any of the runs
 * logged), each run's series downsampled to about `2 × buckets` points over `range` (in `x` units;
 * absent: everything) keeping each bucket's min and max, with that band per point. The server then
 * follows those runs while they run and sends `lineage/metricPoints` with each appended point.
 */
export interface MetricHistoryParams {
  ids: string[];
  metric?: string;
  buckets: number;
  x?: MetricAxis;
  range?: [number, number];
}
export interface MetricRunSeries {
  id: string;
  /** When the run started (seconds since the epoch): relative time is `time - start`. */
  start: number;
  x: number[];
  y: number[];
  min: number[];
  max: number[];
  /** Points of this metric before downsampling, in range. */
  count: number;
}
export interface MetricHistoryResult {
  /** The metric plotted ('' when none of the runs logged any). */
  metric: string;
  /** Every metric name the runs logged, sorted. */
  metrics: string[];
  series: MetricRunSeries[];
  problems: Problem[];
}
export const metricHistoryRequest = new RequestType<MetricHistoryParams, MetricHistoryResult, void>(
  'lineage/metricHistory',
);
/** New points of a followed run (every metric), or `reset` when its stream was replaced. */
export interface MetricPointsParams {
  id: string;
  reset: boolean;
  points: { name: string; step: number; time: number | null; value: number }[];
}
export const metricPointsNotification = new NotificationType<MetricPointsParams>('lineage/metricPoints');

/**
 * The files changed between two runs' code: each run's commit with its uncommitted patch applied,
 * as git trees made without touching the user's index or object database. An error (with a
 * message) when a run has no commit or its patch object is missing.
 */
export const runCodeDiffRequest = new RequestType<RunCodeDiffParams, RunCodeDiffResult, void>(
  'lineage/runCodeDiff',
);
/** What some runs' patches of uncommitted changes hold (files, lines); unreadable runs are left out. */
export const runPatchInfoRequest = new RequestType<{ ids: string[] }, RunPatchInfo[], void>(
  'lineage/runPatchInfo',
);
/** One file's text in a tree `lineage/runCodeDiff` returned. */
export const runCodeFileRequest = new RequestType<RunCodeFileParams, RunCodeFileResult, void>(
  'lineage/runCodeFile',
);
