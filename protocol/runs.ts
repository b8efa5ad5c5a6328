import * as z from 'zod/mini';
import { problemSchema } from './problem';

export const runStatusSchema = z.enum(['running', 'finished', 'failed', 'killed', 'crashed']);
export type RunStatus = z.infer<typeof runStatusSchema>;

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
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const listRunsResultSchema = z.object({
  runs: z.array(runSummarySchema),
  problems: z.array(problemSchema),
});
export type ListRunsResult = z.infer<typeof listRunsResultSchema>;
