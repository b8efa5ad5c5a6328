import * as z from 'zod/mini';
import { problemSchema } from './problem';

export const runStatusSchema = z.enum(['running', 'finished', 'failed', 'killed', 'crashed']);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const paramValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type ParamValue = z.infer<typeof paramValueSchema>;

/** One run as the views show it: header, final status and the last value of each metric. */
export const runSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: runStatusSchema,
  command: z.array(z.string()),
  commit: z.nullable(z.string()),
  branch: z.nullable(z.string()),
  dirty: z.boolean(),
  startedAt: z.string(),
  endedAt: z.nullable(z.string()),
  /** Milliseconds from start to end, or to now while running. */
  durationMs: z.number(),
  exitCode: z.nullable(z.number()),
  /** Last logged value of each metric, by metric name. */
  metrics: z.record(z.string(), z.number()),
  /** Step of the last metric line, if any. */
  lastStep: z.nullable(z.number()),
  /** Smallest and largest logged value of each metric. */
  metricsMin: z.optional(z.record(z.string(), z.number())),
  metricsMax: z.optional(z.record(z.string(), z.number())),
  experiment: z.optional(z.string()),
  /** Params flattened to dotted keys. */
  params: z.optional(z.record(z.string(), paramValueSchema)),
  tags: z.optional(z.record(z.string(), z.string())),
  /** Input dataset versions: data path → root hash. */
  inputs: z.optional(z.record(z.string(), z.string())),
  /** The run this one reproduces. */
  reproduces: z.optional(z.string()),
  /** Imported runs: the tool they came from (`mlflow`, `dvclive`). */
  source: z.optional(z.string()),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const listRunsResultSchema = z.object({
  runs: z.array(runSummarySchema),
  problems: z.array(problemSchema),
});
export type ListRunsResult = z.infer<typeof listRunsResultSchema>;
