import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { LineageError } from '../errors';
import { writeFileAtomic } from '../util/atomicWrite';

/** A dataset version a run read or wrote: repo-relative data path and root hash. */
export const datasetRefSchema = z.object({
  path: z.string(),
  type: z.enum(['file', 'dir']),
  sha256: z.string(),
  size: z.number(),
  files: z.number(),
  /** Inputs only: the workspace differed from the pointer file when the run started. */
  modified: z.boolean().optional(),
});
export type DatasetRef = z.infer<typeof datasetRefSchema>;

/** A file or folder the run produced, as stored: declared in the experiment, or logged. */
export const outputRefSchema = datasetRefSchema.extend({
  kind: z.enum(['output', 'artifact', 'image']),
  /** The name it was logged under, if any. */
  name: z.string().optional(),
});
export type OutputRef = z.infer<typeof outputRefSchema>;

/** A param value after flattening to dotted keys. */
export const paramValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Where an imported run came from. */
export const runSourceSchema = z.object({
  tool: z.enum(['mlflow', 'dvclive']),
  /** The run's id in that tool. */
  id: z.string(),
  /** The experiment's name (or id) there, if any. */
  experiment: z.string().optional(),
  /** The folder it was imported from, absolute. */
  path: z.string(),
});

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
  /** The uncommitted changes (tracked and untracked files) as a `git diff --binary` patch object. */
  patch: z.string().nullable().optional(),
  /** Untracked files too big for the patch (over 8 MiB), by repo-relative path. */
  patchOmitted: z.array(z.string()).optional(),
  startedAt: z.string(),
  host: z.string(),
  /**
   * Pid of the process that records the run (`lineage run`, or the Python process of a standalone
   * client run), to detect crashes on this host. Absent for imported runs.
   */
  pid: z.number().int().optional(),
  /** The experiment of lineage.yaml this run was launched as. */
  experiment: z.string().optional(),
  /** Params, flattened to dotted keys: params files first, then `--set` overrides. */
  params: z.record(z.string(), paramValueSchema).optional(),
  /** The `--set` overrides alone (a reproduction applies them again). */
  overrides: z.record(z.string(), paramValueSchema).optional(),
  /** Repo-relative params files read. */
  paramsFiles: z.array(z.string()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  /**
   * Dataset versions the run read: data path (repo-relative) and the root hash in the workspace when
   * it started. Absent in runs recorded before inputs were tracked.
   */
  inputs: z.array(datasetRefSchema).optional(),
  /** The run this one reproduces. */
  reproduces: z.string().optional(),
  /** Imported runs: where from. */
  source: runSourceSchema.optional(),
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
  /** `crashed` only for imported runs whose tool recorded them as never finished. */
  status: z.enum(['finished', 'failed', 'killed', 'crashed']),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  endedAt: z.string(),
  metrics: z.record(z.string(), metricSummarySchema),
  lastStep: z.number().nullable(),
  /** Params and tags the script logged in its metric stream (merged over the header's). */
  params: z.record(z.string(), paramValueSchema).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  /** Outputs hashed into the store after exit: declared outputs and logged artifacts. */
  outputs: z.array(outputRefSchema).optional(),
});
export type RunEnd = z.infer<typeof runEndSchema>;

export async function writeRunJson(file: string, value: RunHeader | RunEnd): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** Read and validate a run's JSON file; `what` names it in errors ("run header", "run status"). */
export async function readRunJson<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  return parseRunJson(await fs.readFile(file, 'utf8'), file, schema, what);
}

/** Parse and validate the text of a run's JSON file; errors name `file`. */
export function parseRunJson<T>(text: string, file: string, schema: z.ZodType<T>, what: string): T {
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
