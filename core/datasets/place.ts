import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LinkStrategy } from '../config';
import { LineageError } from '../errors';

/**
 * Put an object's content at `dest` with the first strategy that works, replacing what is there
 * atomically (a temp name in the same folder, then rename). reflink and copy give an independent,
 * writable file; hardlink and symlink share the read-only object (edit with `lineage unprotect`).
 * Objects are never executable, so an executable file cannot be a hardlink or symlink to one: it
 * falls through to the next strategy.
 * Returns the strategy used.
 */
export function placeObject(
  object: string,
  dest: string,
  exec: boolean,
  size: number,
  strategies: LinkStrategy[],
): LinkStrategy {
  const objectSize = fs.statSync(object, { throwIfNoEntry: false })?.size;
  if (objectSize === undefined)
    throw new LineageError(`its object is missing from the cache (${object})`, dest);
  if (objectSize !== size)
    throw new LineageError(
      `its object is damaged (size ${objectSize}, expected ${size}); run \`lineage fsck\``,
      object,
    );
  for (const strategy of strategies) {
    if ((strategy === 'hardlink' || strategy === 'symlink') && exec) continue;
    const tmp = tempBeside(dest);
    try {
      switch (strategy) {
        case 'reflink':
          fs.copyFileSync(object, tmp, fs.constants.COPYFILE_FICLONE_FORCE);
          fs.chmodSync(tmp, exec ? 0o755 : 0o644);
          break;
        case 'copy':
          fs.copyFileSync(object, tmp);
          fs.chmodSync(tmp, exec ? 0o755 : 0o644);
          break;
        case 'hardlink':
          fs.linkSync(object, tmp);
          break;
        case 'symlink':
          fs.symlinkSync(object, tmp);
          break;
      }
      replace(tmp, dest);
      return strategy;
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      if (strategy === 'copy') throw err;
    }
  }
  // The list had no strategy that works here: copy is always possible.
  return placeObject(object, dest, exec, size, ['copy']);
}

/** Create a symbolic link kept in a dataset. */
export function placeSymlink(target: string, dest: string): void {
  const tmp = tempBeside(dest);
  fs.symlinkSync(target, tmp);
  replace(tmp, dest);
}

function tempBeside(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.lineage-${randomBytes(4).toString('hex')}`);
}

/** Rename over `dest`; a folder in the way (the dataset changed shape) is removed first. */
function replace(tmp: string, dest: string): void {
  const existing = fs.lstatSync(dest, { throwIfNoEntry: false });
  if (existing?.isDirectory()) fs.rmSync(dest, { recursive: true });
  fs.renameSync(tmp, dest);
}
