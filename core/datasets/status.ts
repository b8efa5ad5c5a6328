import * as path from 'node:path';
import type { DatasetStatus, StatusResult } from '../../protocol/datasets';
import { errorMessage, isErrnoCode, LineageError } from '../errors';
import type { Repo } from '../repo';
import type { ObjectStore } from '../store/objects';
import { storeOf } from './add';
import { findPointerFiles } from './find';
import { POINTER_SUFFIX, readPointer } from './pointer';
import { scanPath, type ScanNode } from './scan';
import { decodeTree } from './tree';

interface Counts {
  added: number;
  removed: number;
  modified: number;
}

/** Compare every tracked dataset in the workspace with its pointer file. */
export async function datasetStatus(repo: Repo): Promise<StatusResult> {
  const store = storeOf(repo);
  const datasets: DatasetStatus[] = [];
  for (const pointerFile of await findPointerFiles(repo)) {
    datasets.push(await statusOf(repo, store, pointerFile));
  }
  return { datasets, problems: [] };
}

async function statusOf(repo: Repo, store: ObjectStore, pointerFile: string): Promise<DatasetStatus> {
  const dataPath = pointerFile.slice(0, -POINTER_SUFFIX.length);
  const base = { path: dataPath, pointer: pointerFile, added: 0, removed: 0, modified: 0 };
  let pointer;
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
  let node: ScanNode;
  try {
    node = await scanPath(path.join(repo.root, dataPath));
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return { ...recorded, state: 'missing', removed: pointer.files };
    return { ...recorded, state: 'error', message: errorMessage(err) };
  }
  if (node.hash === pointer.sha256 && node.type === pointer.type) return { ...recorded, state: 'clean' };
  try {
    const counts = await diffCounts(
      store,
      { type: pointer.type, hash: pointer.sha256, files: pointer.files },
      node,
    );
    return { ...recorded, ...counts, state: 'modified' };
  } catch (err) {
    if (err instanceof LineageError) return { ...recorded, state: 'error', message: errorMessage(err) };
    throw err;
  }
}

interface Recorded {
  type: 'file' | 'dir';
  hash: string;
  files: number;
}

const fileCount = (n: ScanNode | Recorded): number => (n.type === 'file' ? 1 : n.files);

/** Count changed files, reading only the stored trees whose hashes differ from the workspace's. */
async function diffCounts(
  store: ObjectStore,
  rec: Recorded | undefined,
  node: ScanNode | undefined,
): Promise<Counts> {
  if (!rec) return { added: node ? fileCount(node) : 0, removed: 0, modified: 0 };
  if (!node) return { added: 0, removed: fileCount(rec), modified: 0 };
  if (rec.hash === node.hash && rec.type === node.type) return { added: 0, removed: 0, modified: 0 };
  if (rec.type === 'file' && node.type === 'file') return { added: 0, removed: 0, modified: 1 };
  if (rec.type !== 'dir' || node.type !== 'dir')
    return { added: fileCount(node), removed: fileCount(rec), modified: 0 };
  const entries = decodeTree(await store.readVerified(rec.hash), store.objectPath(rec.hash));
  const total: Counts = { added: 0, removed: 0, modified: 0 };
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const name of new Set([...byName.keys(), ...node.children.keys()])) {
    const entry = byName.get(name);
    const recChild = entry && {
      type: entry.type,
      hash: entry.hash,
      files: entry.type === 'file' ? 1 : entry.files,
    };
    const c = await diffCounts(store, recChild, node.children.get(name));
    total.added += c.added;
    total.removed += c.removed;
    total.modified += c.modified;
  }
  return total;
}
