import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_TEMPLATE } from './config';
import { isErrnoCode } from './errors';
import { ensureRepoDirs, repoAt, type Repo } from './repo';
import { writeFileAtomic } from './util/atomicWrite';

/** What `.lineage/.gitignore` keeps out of git: the store, scratch space and local run records. */
const LINEAGE_GITIGNORE = `# Written by lineage init: local store and run records are shared through a remote, not git.
/cache/
/tmp/
/runs/
/state/
/lock
`;

export interface InitResult {
  repo: Repo;
  created: string[];
}

/** Create `.lineage/`, a commented `lineage.yaml` and `.lineage/.gitignore`; keeps what exists. */
export async function initRepo(root: string): Promise<InitResult> {
  const repo = repoAt(path.resolve(root));
  const created: string[] = [];
  await ensureRepoDirs(repo);
  if (await createIfAbsent(repo.config, CONFIG_TEMPLATE)) created.push('lineage.yaml');
  if (await createIfAbsent(path.join(repo.dir, '.gitignore'), LINEAGE_GITIGNORE))
    created.push('.lineage/.gitignore');
  return { repo, created };
}

async function createIfAbsent(file: string, text: string): Promise<boolean> {
  try {
    await fs.access(file);
    return false;
  } catch (err) {
    if (!isErrnoCode(err, 'ENOENT')) throw err;
  }
  await writeFileAtomic(file, text);
  return true;
}
