import { promises as fs } from 'node:fs';
import type { HistoryScope } from '../git/pointerBlobs';
import type { Repo } from '../repo';
import { withRepoLock } from '../store/lock';
import { Staging } from '../store/objects';
import { storeOf } from './add';
import { collectRoots, reachableObjects, type RootProblem } from './reachable';

export interface GcOptions {
  /** Also keep what pointers in git history name: branch tips, or every commit. */
  history: HistoryScope | null;
  /** Delete; without it gc only reports what it would delete. */
  force: boolean;
}

export interface GcResult {
  kept: number;
  unreferenced: { hash: string; size: number }[];
  bytes: number;
  deleted: boolean;
  /** Pointers that could not be read: gc refuses to delete anything while there are any. */
  problems: RootProblem[];
}

/**
 * Remove objects no pointer references: in the workspace, or also in git history. A dry run by
 * default. Unreadable pointers make it refuse to delete, since what they name is unknown.
 */
export async function gc(repo: Repo, options: GcOptions): Promise<GcResult> {
  return withRepoLock(repo, 'gc', async () => {
    await Staging.removeStale(repo.tmp);
    const store = storeOf(repo);
    const { roots, problems } = await collectRoots(repo, options.history);
    const { present, broken } = await reachableObjects(store, roots);
    const unreferenced: GcResult['unreferenced'] = [];
    for await (const hash of store.list()) {
      if (present.has(hash) || broken.has(hash)) continue;
      unreferenced.push({ hash, size: (await fs.stat(store.objectPath(hash))).size });
    }
    const deleted = options.force && problems.length === 0 && broken.size === 0;
    if (deleted) for (const { hash } of unreferenced) await store.remove(hash);
    const brokenProblems = [...broken].map(([hash, message]) => ({ file: store.objectPath(hash), message }));
    return {
      kept: present.size,
      unreferenced,
      bytes: unreferenced.reduce((sum, o) => sum + o.size, 0),
      deleted,
      problems: [...problems, ...brokenProblems],
    };
  });
}
