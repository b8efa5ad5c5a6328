import * as z from 'zod/mini';
import { problemSchema } from './problem';

export const datasetStateSchema = z.enum(['clean', 'modified', 'missing', 'error']);
export type DatasetState = z.infer<typeof datasetStateSchema>;

/** How the workspace copy of one tracked dataset compares with its pointer file. */
export const datasetStatusSchema = z.object({
  /** Data path relative to the workspace root, e.g. `data/train`. */
  path: z.string(),
  /** Pointer file relative to the workspace root, e.g. `data/train.lineage`. */
  pointer: z.string(),
  kind: z.enum(['file', 'dir']),
  state: datasetStateSchema,
  /** Root hash recorded in the pointer. */
  hash: z.string(),
  size: z.number(),
  files: z.number(),
  added: z.number(),
  removed: z.number(),
  modified: z.number(),
  /** Set when state is `error`. */
  message: z.optional(z.string()),
  /** The changed files, when asked for (`lineage status --files`). */
  changes: z.optional(
    z.array(
      z.object({
        path: z.string(),
        change: z.enum(['added', 'removed', 'modified']),
        type: z.enum(['file', 'symlink', 'dir']),
        size: z.number(),
      }),
    ),
  ),
});
export type DatasetStatus = z.infer<typeof datasetStatusSchema>;

export const statusResultSchema = z.object({
  datasets: z.array(datasetStatusSchema),
  problems: z.array(problemSchema),
});
export type StatusResult = z.infer<typeof statusResultSchema>;
