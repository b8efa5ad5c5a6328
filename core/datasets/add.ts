import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readConfig, type LinkStrategy } from '../config';
import { LineageError, isErrnoCode } from '../errors';
import { ensureGitignoreEntry } from '../git/ignore';
import { ensureRepoDirs, LINEAGE_DIR, repoRelative, type Repo } from '../repo';
import { withRepoLock } from '../store/lock';
import { ObjectStore, Staging } from '../store/objects';
import { chooseStoreMode } from '../store/storeMode';
import { pointerPathFor, POINTER_SUFFIX, writePointer, type Pointer } from './pointer';
import { scan, walkOptions, type ScanNode, type ScanProgress } from './scan';
import { StatCache } from './statCache';
import { TreeMemo } from './treeMemo';
import { walk, walkFiles } from './walk';

export interface AddResult {
  /** Data path relative to the repo root. */
  path: string;
  /** Pointer file relative to the repo root. */
  pointerFile: string;
  pointer: Pointer;
  /** True when `.gitignore` gained an entry for the data. */
  ignored: boolean;
  /** Files that were read (the rest were unchanged by the stat cache). */
  hashedFiles: number;
}

export interface AddOptions {
  onProgress?: (dataset: string, p: ScanProgress) => void;
  signal?: AbortSignal;
}

export function storeOf(repo: Repo): ObjectStore {
  return new ObjectStore(repo.cache, repo.tmp);
}

/** Track files or folders (see addOne), holding the repository lock throughout. */
export async function addPaths(
  repo: Repo,
  targets: string[],
  options: AddOptions = {},
): Promise<AddResult[]> {
  await ensureRepoDirs(repo);
  return withRepoLock(repo, 'add', async () => {
    await Staging.removeStale(repo.tmp);
    const [cache, memo] = await Promise.all([StatCache.load(repo), TreeMemo.load(repo)]);
    const results: AddResult[] = [];
    try {
      for (const target of targets) {
        if (options.signal?.aborted) {
          // Datasets finished before the cancel stay added: say so rather than "nothing changed".
          const done = results.map((r) => r.path).join(', ');
          throw new LineageError(`cancelled${done ? ` after adding ${done}` : ''}`);
        }
        results.push(await addOne(repo, { cache, memo }, target, options));
      }
    } finally {
      await Promise.all([cache.save(), memo.save()]);
    }
    return results;
  });
}

export async function addPath(repo: Repo, target: string, options: AddOptions = {}): Promise<AddResult> {
  const [result] = await addPaths(repo, [target], options);
  if (!result) throw new Error('unreachable: add returned nothing');
  return result;
}

/**
 * Hash a file or folder into the store (files, then one tree per folder), write `<path>.lineage`
 * atomically, and make git ignore the data. Ordering: every object is durable in the store before
 * the pointer naming it is written, so a pointer never names a missing object.
 */
async function addOne(
  repo: Repo,
  { cache, memo }: { cache: StatCache; memo: TreeMemo },
  target: string,
  options: AddOptions,
): Promise<AddResult> {
  const abs = path.resolve(target);
  const rel = repoRelative(repo, abs);
  const first = rel.split('/')[0];
  if (first === LINEAGE_DIR || first === '.git')
    throw new LineageError(`cannot track a path inside ${first}/`, abs);
  if (abs.endsWith(POINTER_SUFFIX))
    throw new LineageError('this is a pointer file; add the data it names', abs);
  let stat;
  try {
    stat = await fs.lstat(abs);
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) throw new LineageError('no such file or directory', abs);
    throw err;
  }
  const config = await readConfig(repo);
  if (stat.isSymbolicLink() && config.symlinks === 'keep') {
    throw new LineageError('is a symbolic link; add what it points to, or set `symlinks: follow`', abs);
  }
  const { root, hashedFiles } = await storePath(repo, { cache, memo }, abs, {
    link: config.link,
    symlinks: config.symlinks,
    onProgress: options.onProgress && ((p) => options.onProgress?.(rel, p)),
    signal: options.signal,
  });
  const name = path.basename(abs);
  const pointer: Pointer = {
    schema: 1,
    path: name,
    type: root.type,
    sha256: root.hash,
    size: root.size,
    files: root.type === 'file' ? 1 : root.files,
  };
  const pointerAbs = pointerPathFor(abs);
  // .gitignore first: a crash between the two never leaves pinned data visible to git.
  const ignored = await ensureGitignoreEntry(path.dirname(abs), '/' + name);
  await writePointer(pointerAbs, pointer);
  return { path: rel, pointerFile: repoRelative(repo, pointerAbs), pointer, ignored, hashedFiles };
}

export interface StoreOptions {
  link: LinkStrategy[];
  symlinks: 'keep' | 'follow';
  onProgress?: (p: ScanProgress) => void;
  signal?: AbortSignal;
}

/**
 * Hash a file or folder into the store: every file object, then its trees, all durable before this
 * returns. The caller holds the repository lock. `link` chooses how objects get their bytes (see
 * chooseStoreMode); pass `['copy']` when the files must stay writable (run outputs).
 */
export async function storePath(
  repo: Repo,
  { cache, memo }: { cache: StatCache; memo: TreeMemo },
  abs: string,
  options: StoreOptions,
): Promise<{ root: Extract<ScanNode, { type: 'file' | 'dir' }>; hashedFiles: number }> {
  const objects = storeOf(repo);
  const staging = await objects.stage();
  try {
    const walked = await walk(abs, walkOptions(repo, options.symlinks));
    const mode = chooseStoreMode(options.link, walkFiles(walked)[0]?.abs, staging);
    const { root, hashedFiles } = await scan(abs, {
      repo,
      cache,
      symlinks: options.symlinks,
      store: { objects, staging, mode },
      memo: { memo, objects },
      walked,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    if (root.type === 'symlink') throw new LineageError('is a symbolic link', abs);
    options.signal?.throwIfAborted(); // the last moment a cancel leaves no trace
    return { root, hashedFiles };
  } finally {
    await staging.remove();
  }
}
