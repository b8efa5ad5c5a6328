import * as path from 'node:path';
import { errorMessage } from '../errors';
import { pointerBlobs, type HistoryScope } from '../git/pointerBlobs';
import type { Repo } from '../repo';
import { runRoots } from '../runs/roots';
import type { ObjectStore } from '../store/objects';
import { findPointerFiles } from './find';
import { parsePointer, POINTER_SUFFIX, readPointer, type Pointer } from './pointer';
import { decodeTree } from './tree';

export interface Root {
  /** Where the pointer came from: a workspace path, or `<path> (git history)`. */
  source: string;
  pointer: Pointer;
}

export interface RootProblem {
  file: string;
  message: string;
}

/**
 * What keeps objects alive: the workspace's pointers, what runs recorded (patches, inputs, outputs),
 * plus git history's pointers when asked.
 */
export async function collectRoots(
  repo: Repo,
  history: HistoryScope | null,
): Promise<{ roots: Root[]; problems: RootProblem[] }> {
  const roots: Root[] = [];
  const problems: RootProblem[] = [];
  for (const file of await findPointerFiles(repo)) {
    try {
      roots.push({ source: file, pointer: await readPointer(path.join(repo.root, file)) });
    } catch (err) {
      problems.push({ file, message: errorMessage(err) });
    }
  }
  const runs = await runRoots(repo);
  roots.push(...runs.roots);
  problems.push(...runs.problems);
  if (history) {
    for (const [file, text] of pointerBlobs(repo.root, history, POINTER_SUFFIX)) {
      try {
        roots.push({ source: `${file} (git history)`, pointer: parsePointer(text, file) });
      } catch (err) {
        problems.push({ file: `${file} (git history)`, message: errorMessage(err) });
      }
    }
  }
  return { roots, problems };
}

export interface Reachability {
  /** Every object reachable from the roots that is present (trees and files). */
  present: Set<string>;
  /** Referenced but absent: object → first place that names it. */
  missing: Map<string, string>;
  /** Trees that could not be read (corrupt or malformed): object → problem. */
  broken: Map<string, string>;
}

/**
 * Walk the trees reachable from `roots`, each tree once, verifying every tree read. File objects are
 * checked for presence only (fsck re-hashes them separately).
 */
export async function reachableObjects(store: ObjectStore, roots: Root[]): Promise<Reachability> {
  const result: Reachability = { present: new Set(), missing: new Map(), broken: new Map() };
  const visit = async (hash: string, isTree: boolean, where: string): Promise<void> => {
    if (result.present.has(hash) || result.missing.has(hash) || result.broken.has(hash)) return;
    if (!store.has(hash)) {
      result.missing.set(hash, where);
      return;
    }
    result.present.add(hash);
    if (!isTree) return;
    let entries;
    try {
      entries = decodeTree(await store.readVerified(hash), store.objectPath(hash));
    } catch (err) {
      result.present.delete(hash);
      result.broken.set(hash, errorMessage(err));
      return;
    }
    for (const e of entries) {
      if (e.type !== 'symlink') await visit(e.hash, e.type === 'dir', `${where}/${e.name}`);
    }
  };
  for (const { source, pointer } of roots) {
    const dataPath = source.replace(POINTER_SUFFIX, '').replace(/ \(git history\)$/, '');
    await visit(pointer.sha256, pointer.type === 'dir', dataPath);
  }
  return result;
}
