import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { LineageError } from '../errors';
import { writeFileAtomic } from '../util/atomicWrite';

export const runHeaderSchema = z.looseObject({
  schema: z.literal(1),
  id: z.string(),
  name: z.string(),
  command: z.array(z.string()),
  /** Working directory relative to the repository root ('' for the root). */
  cwd: z.string(),
  commit: z.string().nullable(),
  branch: z.string().nullable(),
  dirty: z.boolean(),
  startedAt: z.string(),
  host: z.string(),
  /** Pid of the `lineage run` process that records the run (to detect crashes on this host). */
  pid: z.number().int(),
  /**
   * Dataset versions the run read: data path (repo-relative) and the root hash in the workspace when
   * it started. Absent in runs recorded before inputs were tracked.
   */
  inputs: z
    .array(
      z.object({
        path: z.string(),
        type: z.enum(['file', 'dir']),
        sha256: z.string(),
        size: z.number(),
        files: z.number(),
      }),
    )
    .optional(),
});
export type RunHeader = z.infer<typeof runHeaderSchema>;

export const metricSummarySchema = z.object({
  last: z.number(),
  min: z.number(),
  max: z.number(),
  step: z.number(),
  count: z.number(),
});
export type MetricSummary = z.infer<typeof metricSummarySchema>;

export const runEndSchema = z.looseObject({
  schema: z.literal(1),
  status: z.enum(['finished', 'failed', 'killed']),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  endedAt: z.string(),
  metrics: z.record(z.string(), metricSummarySchema),
  lastStep: z.number().nullable(),
});
export type RunEnd = z.infer<typeof runEndSchema>;

export async function writeRunJson(file: string, value: RunHeader | RunEnd): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** Read and validate a run's JSON file; `what` names it in errors ("run header", "run status"). */
export async function readRunJson<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  const text = await fs.readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LineageError(`malformed ${what}: not valid JSON`, file);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LineageError(`malformed ${what}: '${issue?.path.join('.')}' ${issue?.message}`, file);
  }
  return parsed.data;
}
