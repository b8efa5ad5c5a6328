import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LineageError } from './errors';

/** Paths of one Lineage repository: the folder holding `.lineage/` (usually the git root). */
export interface Repo {
  root: string;
  dir: string;
  cache: string;
  runs: string;
  tmp: string;
  config: string;
}

export const LINEAGE_DIR = '.lineage';
export const CONFIG_FILE = 'lineage.yaml';

export function repoAt(root: string): Repo {
  const dir = path.join(root, LINEAGE_DIR);
  return {
    root,
    dir,
    cache: path.join(dir, 'cache'),
    runs: path.join(dir, 'runs'),
    tmp: path.join(dir, 'tmp'),
    config: path.join(root, CONFIG_FILE),
  };
}

/** The nearest folder at or above `start` that holds `.lineage/` or `lineage.yaml`, or null. */
export function findRepoRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, LINEAGE_DIR)) || existsSync(path.join(dir, CONFIG_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Like findRepoRoot, but an error telling the user to run `lineage init` when there is none. */
export function requireRepo(start: string): Repo {
  const root = findRepoRoot(start);
  if (!root) {
    throw new LineageError(
      `not a Lineage repository (no ${LINEAGE_DIR}/ or ${CONFIG_FILE} here or above); run \`lineage init\``,
      path.resolve(start),
    );
  }
  return repoAt(root);
}

/** Create the store folders if absent (idempotent). */
export async function ensureRepoDirs(repo: Repo): Promise<void> {
  for (const dir of [repo.cache, repo.runs, repo.tmp]) await fs.mkdir(dir, { recursive: true });
}

/** `abs` relative to the repo root with forward slashes; an error if it lies outside. */
export function repoRelative(repo: Repo, abs: string): string {
  const rel = path.relative(repo.root, path.resolve(abs));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new LineageError('path is outside the Lineage repository ' + repo.root, abs);
  }
  return rel.split(path.sep).join('/');
}
