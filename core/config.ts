import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { LineageError, isErrnoCode } from './errors';
import type { Repo } from './repo';
import { parseYaml } from './util/yaml';

export const LINK_STRATEGIES = ['reflink', 'hardlink', 'symlink', 'copy'] as const;
export type LinkStrategy = (typeof LINK_STRATEGIES)[number];

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

# Experiments you launch by name, e.g. \`lineage run --experiment train\`:
# experiments:
#   train:
#     command: python train.py
#     params: [params.yaml]
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
