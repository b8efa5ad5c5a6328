import type { Repo } from '../repo';
import { hashFiles } from '../store/hashPool';
import { withRepoLock } from '../store/lock';
import { Staging } from '../store/objects';
import { storeOf } from './add';
import { collectRoots, reachableObjects } from './reachable';
import { TreeMemo } from './treeMemo';

export interface FsckIssue {
  kind: 'corrupt' | 'unreadable' | 'missing' | 'bad-tree' | 'bad-pointer';
  /** The object or file concerned. */
  target: string;
  message: string;
}

export interface FsckResult {
  objects: number;
  bytes: number;
  issues: FsckIssue[];
  /** Where corrupt objects were moved. */
  quarantined: string[];
}

/**
 * Re-hash every object on all cores and move corrupt ones to quarantine; then check that every
 * workspace pointer and every tree reachable from one names objects that are present and sound.
 */
export async function fsck(
  repo: Repo,
  onProgress?: (done: number, total: number) => void,
): Promise<FsckResult> {
  return withRepoLock(repo, 'fsck', async () => {
    await Staging.removeStale(repo.tmp);
    const store = storeOf(repo);
    const hashes: string[] = [];
    for await (const hash of store.list()) hashes.push(hash);
    const results = await hashFiles(
      hashes.map((h) => ({ src: store.objectPath(h), tmp: null, mode: 'hash' as const })),
      (p) => onProgress?.(p.files, hashes.length),
    );
    const issues: FsckIssue[] = [];
    const quarantined: string[] = [];
    let bytes = 0;
    for (const [i, result] of results.entries()) {
      const hash = hashes[i] as string;
      if ('error' in result) {
        issues.push({ kind: 'unreadable', target: hash, message: result.error.message });
      } else if (result.hash !== hash) {
        quarantined.push(await store.quarantine(hash));
        issues.push({
          kind: 'corrupt',
          target: hash,
          message: `content hashes to ${result.hash}; moved to quarantine`,
        });
      } else bytes += result.size;
    }
    const { roots, problems } = await collectRoots(repo, null);
    for (const p of problems) issues.push({ kind: 'bad-pointer', target: p.file, message: p.message });
    const { missing, broken } = await reachableObjects(store, roots);
    for (const [hash, where] of missing) {
      issues.push({ kind: 'missing', target: hash, message: `named by ${where} but not in the store` });
    }
    for (const [hash, message] of broken) issues.push({ kind: 'bad-tree', target: hash, message });
    // The memo vouches for stored trees and so for their files: after damage, trust nothing in it.
    if (issues.length > 0) await TreeMemo.clear(repo);
    return { objects: hashes.length, bytes, issues, quarantined };
  });
}
