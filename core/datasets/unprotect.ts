import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import { hashFile } from '../store/hash';
import { withRepoLock } from '../store/lock';
import { placeObject } from './place';

/**
 * Make files placed by hardlink or symlink checkout editable: each becomes an independent, writable
 * copy of its object. Files that are already independent are left alone. Returns how many changed.
 */
export async function unprotect(repo: Repo, targets: string[]): Promise<number> {
  return withRepoLock(repo, 'unprotect', async () => {
    let changed = 0;
    for (const target of targets) changed += await unprotectPath(repo, path.resolve(target));
    return changed;
  });
}

async function unprotectPath(repo: Repo, abs: string): Promise<number> {
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!st) throw new LineageError('no such file or directory', abs);
  if (st.isDirectory()) {
    let n = 0;
    for (const name of fs.readdirSync(abs)) n += await unprotectPath(repo, path.join(abs, name));
    return n;
  }
  const object = await objectBehind(repo, abs, st);
  if (!object) return 0;
  const objectStat = fs.statSync(object);
  placeObject(object, abs, (objectStat.mode & 0o111) !== 0, objectStat.size, ['copy']);
  return 1;
}

/** The object a workspace file shares (a symlink into the store, or a hardlink of an object). */
async function objectBehind(repo: Repo, abs: string, st: fs.Stats): Promise<string | null> {
  const objects = path.join(repo.cache, 'sha256') + path.sep;
  if (st.isSymbolicLink()) {
    const target = path.resolve(path.dirname(abs), fs.readlinkSync(abs));
    return target.startsWith(objects) ? target : null;
  }
  if (!st.isFile() || st.nlink < 2 || (st.mode & 0o222) !== 0) return null;
  // A read-only file with several links: its object is named by its content.
  const { hash } = await hashFile(abs);
  const object = path.join(objects, hash.slice(0, 2), hash.slice(2));
  const objectStat = fs.statSync(object, { throwIfNoEntry: false });
  return objectStat && objectStat.ino === st.ino ? object : null;
}
