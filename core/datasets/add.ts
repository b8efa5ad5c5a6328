import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LineageError, isErrnoCode } from '../errors';
import { ensureGitignoreEntry } from '../git/ignore';
import { ensureRepoDirs, LINEAGE_DIR, repoRelative, type Repo } from '../repo';
import { ObjectStore } from '../store/objects';
import { pointerPathFor, POINTER_SUFFIX, writePointer, type Pointer } from './pointer';
import { scanPath } from './scan';

export interface AddResult {
  /** Data path relative to the repo root. */
  path: string;
  /** Pointer file relative to the repo root. */
  pointerFile: string;
  pointer: Pointer;
  /** True when `.gitignore` gained an entry for the data. */
  ignored: boolean;
}

export function storeOf(repo: Repo): ObjectStore {
  return new ObjectStore(repo.cache, repo.tmp);
}

/**
 * Track a file or directory: hash it into the object store (files, then one tree per directory),
 * write `<path>.lineage` atomically, and make git ignore the data itself.
 * Ordering: every object is stored before the pointer naming it is written.
 */
export async function addPath(repo: Repo, target: string): Promise<AddResult> {
  const abs = path.resolve(target);
  const rel = repoRelative(repo, abs);
  const first = rel.split('/')[0];
  if (first === LINEAGE_DIR || first === '.git') {
    throw new LineageError(`cannot track a path inside ${first}/`, abs);
  }
  if (abs.endsWith(POINTER_SUFFIX))
    throw new LineageError('this is a pointer file; add the data it names', abs);
  try {
    await fs.lstat(abs);
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) throw new LineageError('no such file or directory', abs);
    throw err;
  }
  await ensureRepoDirs(repo);
  const node = await scanPath(abs, storeOf(repo));
  const name = path.basename(abs);
  const pointer: Pointer = {
    schema: 1,
    path: name,
    type: node.type,
    sha256: node.hash,
    size: node.size,
    files: node.type === 'file' ? 1 : node.files,
  };
  const pointerAbs = pointerPathFor(abs);
  await writePointer(pointerAbs, pointer);
  const ignored = await ensureGitignoreEntry(path.dirname(abs), '/' + name);
  return { path: rel, pointerFile: repoRelative(repo, pointerAbs), pointer, ignored };
}
