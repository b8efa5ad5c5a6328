import { promises as fs } from 'node:fs';
import { LineageError } from '../errors';
import type { ObjectStore } from '../store/objects';
import { decodeTree } from './tree';
import type { DiffNode } from './treeDiff';

/**
 * A version named on the command line: a full SHA-256 or a unique prefix (at least 6 characters) of
 * an object in the store. A tree object is a folder version; any other object is a file version.
 */
export async function resolveVersion(store: ObjectStore, version: string): Promise<DiffNode> {
  const wanted = version.toLowerCase().replace(/^sha256:/, '');
  if (!/^[0-9a-f]{6,64}$/.test(wanted))
    throw new LineageError(`'${version}' is not a version hash (6 to 64 hex digits)`);
  let hash = wanted;
  if (wanted.length < 64) {
    const matches: string[] = [];
    for await (const h of store.list()) if (h.startsWith(wanted)) matches.push(h);
    if (matches.length === 0) throw new LineageError(`no version ${version} in the store`);
    if (matches.length > 1)
      throw new LineageError(`'${version}' is ambiguous: ${matches.slice(0, 4).join(', ')}`);
    hash = matches[0] as string;
  }
  const data = await store.readVerified(hash);
  try {
    const entries = decodeTree(data, store.objectPath(hash));
    let size = 0;
    let files = 0;
    for (const e of entries) {
      if (e.type === 'dir') {
        size += e.size;
        files += e.files;
      } else {
        size += e.type === 'file' ? e.size : 0;
        files += 1;
      }
    }
    return { type: 'dir', hash, size, files };
  } catch {
    return { type: 'file', hash, size: (await fs.stat(store.objectPath(hash))).size, exec: false };
  }
}
