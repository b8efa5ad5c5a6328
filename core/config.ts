import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { LineageError, isErrnoCode } from './errors';
import type { Repo } from './repo';
import { parseYaml } from './util/yaml';

export const LINK_STRATEGIES = ['reflink', 'hardlink', 'symlink', 'copy'] as const;
export type LinkStrategy = (typeof LINK_STRATEGIES)[number];

const strings = (what: string) => z.array(z.string(), { error: `must be a list of ${what}` });

/** One experiment of lineage.yaml: what `lineage run --experiment <name>` launches. */
const experimentSchema = z.object({
  /** The command: a string (split like a shell would; run through `sh -c` if it uses operators) or argv. */
  command: z.union([z.string().min(1), z.array(z.string()).min(1)], {
    error: 'must be a command string or a list of arguments',
  }),
  /** Working directory, relative to the repository root. */
  cwd: z.string().default(''),
  /** Params files (YAML, JSON or TOML), relative to the repository root. */
  params: strings('params files').default([]),
  /** Datasets the experiment reads (data paths); by default every tracked dataset. */
  inputs: strings('dataset paths').optional(),
  /** Files or folders the experiment writes, hashed into the store after it exits. */
  outputs: strings('paths').default([]),
  /** The metric the status bar shows and reproductions compare first. */
  metric: z.string().optional(),
  /** Opt-in: metrics printed on stdout as `name=value` or `name: value`. */
  capture: z
    .object({
      /** Names (globs, e.g. `val_*`) to capture. */
      metrics: strings('metric names').min(1),
      /** A printed name whose value is the step (e.g. `epoch`); otherwise each line is the next step. */
      step: z.string().optional(),
    })
    .optional(),
});
export type Experiment = z.infer<typeof experimentSchema>;

const configSchema = z.looseObject({
  schema: z.literal(1, { error: 'must be 1' }),
  /** How checked-out files are placed, in order of preference; each falls back to the next. */
  link: z
    .array(z.enum(LINK_STRATEGIES, { error: `must be one of ${LINK_STRATEGIES.join(', ')}` }))
    .min(1)
    .default(['reflink', 'copy']),
  /** Symbolic links inside a dataset: kept as links, or followed (their targets are tracked). */
  symlinks: z.enum(['keep', 'follow'], { error: 'must be keep or follow' }).default('keep'),
  /** Key columns of tables, by glob of repo-relative paths: how table diffs match rows. */
  keys: z
    .record(z.string(), z.array(z.string(), { error: 'must be a list of column names' }).min(1))
    .default({}),
  experiments: z
    .record(z.string().regex(/^[\w.-]+$/, 'names use letters, digits, _ . -'), experimentSchema)
    .default({}),
});
export type Config = z.infer<typeof configSchema>;

export const CONFIG_TEMPLATE = `# Lineage configuration (format: docs/formats.md in the Lineage repository).
# Commit this file. Data tracked with \`lineage add\` lives in .lineage/cache (not committed);
# the small \`*.lineage\` pointer files next to your data are what git versions.
schema: 1

# How checked-out data is placed in the workspace, in order of preference (each falls back to the
# next): reflink (copy-on-write clone), hardlink and symlink (fast, files become read-only; use
# \`lineage unprotect\` to edit one), copy.
# link: [reflink, copy]

# Symbolic links inside a dataset: keep (store the link itself) or follow (track what it points to).
# Links that point outside the repository are refused either way.
# symlinks: keep

# Where \`lineage push\` / \`lineage pull\` will share data and runs (S3-compatible), e.g.:
# remotes:
#   origin: s3://my-bucket/lineage/

# Key columns that identify a row, for table diffs (\`lineage diff\`, the Dataset Diff panel), by
# glob of repo-relative paths. Without keys, rows are matched by their whole content.
# keys:
#   "data/sales/*.csv": [order_id]
#   "data/events.parquet": [user_id, timestamp]

# Experiments you launch by name, e.g. \`lineage run --experiment train --set lr=0.01\`:
# experiments:
#   train:
#     command: python train.py
#     params: [params.yaml]          # YAML, JSON or TOML; recorded flattened (optimizer.lr)
#     inputs: [data/train.csv]       # datasets read (default: every tracked dataset)
#     outputs: [models/]             # hashed into the store after the run
#     metric: val/acc                # shown in the status bar
#     capture:                       # opt-in: metrics printed as "loss=0.2" or "acc: 0.9"
#       metrics: [loss, acc]
#       step: epoch
`;

/** Read and validate lineage.yaml; a missing file means the defaults. */
export async function readConfig(repo: Repo): Promise<Config> {
  let text: string;
  try {
    text = await fs.readFile(repo.config, 'utf8');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return parseConfig('schema: 1', repo.config);
    throw err;
  }
  return parseConfig(text, repo.config);
}

export function parseConfig(text: string, file: string): Config {
  const value = parseYaml(text, file, 'invalid configuration') ?? {};
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `'${issue.path.join('.')}' ` : '';
    throw new LineageError(`${where}${issue?.message ?? 'invalid configuration'}`, file);
  }
  return parsed.data;
}
