import * as path from 'node:path';
import type { DatasetStatus, StatusResult } from '../../protocol/datasets';
import { readConfig } from '../config';
import { errorMessage, LineageError } from '../errors';
import type { Repo } from '../repo';
import type { ObjectStore } from '../store/objects';
import { storeOf } from './add';
import { findPointerFiles } from './find';
import { POINTER_SUFFIX, readPointer, type Pointer } from './pointer';
import { exists, scan, type ScanProgress } from './scan';
import { StatCache } from './statCache';
import { TreeMemo } from './treeMemo';
import { diffTrees, type DiffNode, type FileChange } from './treeDiff';

export interface StatusOptions {
  /** List the changed files of each modified dataset. */
  files?: boolean;
  /** Only these pointer files (repo-relative); all by default. */
  pointers?: string[];
  onProgress?: (dataset: string, p: ScanProgress) => void;
}

/**
 * Compare every tracked dataset in the workspace with its pointer file. Files whose size, mtime and
 * inode match the stat cache are not read; the rest are hashed on all cores.
 */
export async function datasetStatus(repo: Repo, options: StatusOptions = {}): Promise<StatusResult> {
  const config = await readConfig(repo);
  const store = storeOf(repo);
  const [cache, memo] = await Promise.all([StatCache.load(repo), TreeMemo.load(repo)]);
  const datasets: DatasetStatus[] = [];
  for (const pointerFile of options.pointers ?? (await findPointerFiles(repo))) {
    datasets.push(await statusOf(repo, store, { cache, memo }, config.symlinks, pointerFile, options));
  }
  await Promise.all([cache.save(), memo.save()]);
  return { datasets, problems: [] };
}

async function statusOf(
  repo: Repo,
  store: ObjectStore,
  { cache, memo }: { cache: StatCache; memo: TreeMemo },
  symlinks: 'keep' | 'follow',
  pointerFile: string,
  options: StatusOptions,
): Promise<DatasetStatus> {
  const dataPath = pointerFile.slice(0, -POINTER_SUFFIX.length);
  const base = { path: dataPath, pointer: pointerFile, added: 0, removed: 0, modified: 0 };
  let pointer: Pointer;
  try {
    pointer = await readPointer(path.join(repo.root, pointerFile));
  } catch (err) {
    return { ...base, kind: 'file', state: 'error', hash: '', size: 0, files: 0, message: errorMessage(err) };
  }
  const recorded = {
    ...base,
    kind: pointer.type,
    hash: pointer.sha256,
    size: pointer.size,
    files: pointer.files,
  };
  const abs = path.join(repo.root, dataPath);
  const before = pointerNode(pointer);
  try {
    const after = (await exists(abs))
      ? (
          await scan(abs, {
            repo,
            cache,
            symlinks,
            memo: { memo, objects: store },
            onProgress: (p) => options.onProgress?.(dataPath, p),
          })
        ).root
      : undefined;
    if (!after) return { ...recorded, state: 'missing', removed: pointer.files };
    // A single-file dataset records no exec bit: compare content only.
    const left = before.type === 'file' && after.type === 'file' ? { ...before, exec: after.exec } : before;
    const changes: FileChange[] = [];
    const counts = { added: 0, removed: 0, modified: 0 };
    for await (const change of diffTrees(store, left, after)) {
      counts[change.change] += 1;
      if (options.files) changes.push(change);
    }
    const state = counts.added + counts.removed + counts.modified === 0 ? 'clean' : 'modified';
    return { ...recorded, ...counts, state, ...(options.files ? { changes } : {}) };
  } catch (err) {
    if (err instanceof LineageError) return { ...recorded, state: 'error', message: errorMessage(err) };
    throw err;
  }
}

export function pointerNode(pointer: Pointer): DiffNode {
  return pointer.type === 'file'
    ? { type: 'file', hash: pointer.sha256, size: pointer.size, exec: false }
    : { type: 'dir', hash: pointer.sha256, size: pointer.size, files: pointer.files };
}
