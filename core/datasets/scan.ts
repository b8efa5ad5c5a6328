import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LineageError } from '../errors';
import { hashFile } from '../store/hash';
import type { ObjectStore } from '../store/objects';
import { compareNames, encodeTree, type TreeEntry } from './tree';
import { hashBytes } from '../store/hash';

/** A file or directory of the workspace as hashed by a scan. */
export type ScanNode =
  | { type: 'file'; hash: string; size: number; exec: boolean }
  | { type: 'dir'; hash: string; size: number; files: number; children: Map<string, ScanNode> };

/**
 * Hash a file or directory tree. With a store, every file and tree object is also written to it
 * (files first, then the tree that names them, so a stored tree never names a missing object).
 */
export async function scanPath(abs: string, store?: ObjectStore): Promise<ScanNode> {
  const stat = await fs.lstat(abs);
  if (stat.isSymbolicLink()) throw new LineageError('symbolic links are not supported yet', abs);
  if (stat.isFile()) return scanFile(abs, (stat.mode & 0o111) !== 0, store);
  if (stat.isDirectory()) return scanDir(abs, store);
  throw new LineageError('not a regular file or directory', abs);
}

async function scanFile(abs: string, exec: boolean, store?: ObjectStore): Promise<ScanNode> {
  const { hash, size } = await hashFile(abs);
  if (store) await store.putFile(abs, hash);
  return { type: 'file', hash, size, exec };
}

async function scanDir(abs: string, store?: ObjectStore): Promise<ScanNode> {
  const names = (await fs.readdir(abs)).sort(compareNames);
  const children = new Map<string, ScanNode>();
  const entries: TreeEntry[] = [];
  let size = 0;
  let files = 0;
  for (const name of names) {
    const child = await scanPath(path.join(abs, name), store);
    children.set(name, child);
    size += child.size;
    if (child.type === 'file') {
      files += 1;
      entries.push({ name, type: 'file', hash: child.hash, size: child.size, exec: child.exec });
    } else {
      files += child.files;
      entries.push({ name, type: 'dir', hash: child.hash, size: child.size, files: child.files });
    }
  }
  const bytes = encodeTree(entries);
  const hash = store ? await store.putBytes(bytes) : hashBytes(bytes);
  return { type: 'dir', hash, size, files, children };
}
