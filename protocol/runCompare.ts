import * as z from 'zod/mini';
import { runSummarySchema } from './runs';

/** One run's source tree: its commit with its uncommitted patch applied, as a git tree. */
export interface RunCodeSide {
  id: string;
  name: string;
  commit: string;
  /** The git tree (commit + patch), readable through `lineage/runCodeFile`. */
  tree: string;
  /** `run <name> (<short id>)`, for titles. */
  label: string;
  /** What the tree leaves out, e.g. untracked files too large for the patch. */
  notes: string[];
}

/** A file that differs between two runs' trees (`git diff --name-status -M`). */
export interface RunCodeChange {
  /** A added, D deleted, M modified, R renamed, T type changed. */
  status: 'A' | 'D' | 'M' | 'R' | 'T';
  /** Path in the second run's tree (for D, in the first). */
  path: string;
  /** Renames: the path in the first run's tree. */
  oldPath?: string;
}

export interface RunCodeDiffParams {
  /** Run ids (or unique parts, or names). */
  a: string;
  b: string;
}
export interface RunCodeDiffResult {
  a: RunCodeSide;
  b: RunCodeSide;
  /** Empty when both runs ran the same code. */
  files: RunCodeChange[];
}

export interface RunCodeFileParams {
  tree: string;
  path: string;
}
/** One file's text at a tree; `text` is null for a file absent there, binary or too large (`note` says which). */
export interface RunCodeFileResult {
  text: string | null;
  note?: string;
}

/** What a run's patch of uncommitted changes holds, for the Code section. */
export const runPatchInfoSchema = z.object({
  id: z.string(),
  /** The patch object, or null when the run had no uncommitted changes (or no commit). */
  patch: z.nullable(z.string()),
  /** The patch object is named by the run but absent from the store. */
  missing: z.boolean(),
  files: z.number(),
  added: z.number(),
  removed: z.number(),
  /** Untracked files too large for the patch. */
  omitted: z.array(z.string()),
});
export type RunPatchInfo = z.infer<typeof runPatchInfoSchema>;

/**
 * Messages between the Run Compare webview and the extension. The webview sends `ready`; the host
 * answers with `runs` (the compared runs, in order) and sends `runs` again whenever one of them
 * changes. The webview asks the host to open a dataset diff or the code changes between two runs.
 */
export const runCompareToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Open the Dataset Diff panel for `dataset` between run `a`'s and run `b`'s input versions. */
  z.object({ type: z.literal('openDatasetDiff'), dataset: z.string(), a: z.string(), b: z.string() }),
  /** Open the code changes from run `a` to run `b` in VS Code's diff editor. */
  z.object({ type: z.literal('openCodeChanges'), a: z.string(), b: z.string() }),
  /** Stop comparing this run. */
  z.object({ type: z.literal('removeRun'), id: z.string() }),
]);
export type RunCompareToHost = z.infer<typeof runCompareToHostSchema>;

export const runCompareToWebviewSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('runs'),
    runs: z.array(runSummarySchema),
    /** Ids asked for that are no longer in the repository. */
    missing: z.array(z.string()),
    /** Each run's colour, as every view draws it (core/util/runColors.ts over all runs). */
    colors: z.optional(z.record(z.string(), z.string())),
  }),
  /** What each run's patch holds (sent after `runs`, for the runs it names). */
  z.object({ type: z.literal('patches'), patches: z.array(runPatchInfoSchema) }),
  /** Progress or the outcome of an `openCodeChanges` request, shown next to the code section. */
  z.object({ type: z.literal('codeStatus'), a: z.string(), b: z.string(), message: z.string() }),
]);
export type RunCompareToWebview = z.infer<typeof runCompareToWebviewSchema>;
