import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { LineageError, isErrnoCode } from './errors';
import type { Repo } from './repo';
import { parseYaml } from './util/yaml';

const configSchema = z.looseObject({
  schema: z.literal(1, { error: 'must be 1' }),
});
export type Config = z.infer<typeof configSchema>;

export const CONFIG_TEMPLATE = `# Lineage configuration (format: docs/formats.md in the Lineage repository).
# Commit this file. Data tracked with \`lineage add\` lives in .lineage/cache (not committed);
# the small \`*.lineage\` pointer files next to your data are what git versions.
schema: 1

# Where \`lineage push\` / \`lineage pull\` will share data and runs (S3-compatible), e.g.:
# remotes:
#   origin: s3://my-bucket/lineage/

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
    if (isErrnoCode(err, 'ENOENT')) return { schema: 1 };
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
