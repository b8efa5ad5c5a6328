import * as fs from 'node:fs';
import type { LinkStrategy } from '../config';
import type { Staging } from './staging';

export type StoreMode = 'reflink' | 'hardlink' | 'copy';

/**
 * How `add` gives new objects their bytes: the first strategy of the configured list that works
 * between this dataset and the store, tried on a real file. `reflink` clones (copy-on-write; ext4
 * has none, so it falls back), `hardlink` makes the workspace file and the object one read-only
 * inode, `copy` writes the bytes while hashing them. `symlink` stores by copy (checkout links it).
 */
export function chooseStoreMode(
  strategies: LinkStrategy[],
  sample: string | undefined,
  staging: Staging,
): StoreMode {
  for (const strategy of strategies) {
    if (strategy === 'copy' || strategy === 'symlink') return 'copy';
    if (!sample) continue;
    const probe = staging.next();
    try {
      if (strategy === 'reflink') fs.copyFileSync(sample, probe, fs.constants.COPYFILE_FICLONE_FORCE);
      else fs.linkSync(sample, probe);
      return strategy;
    } catch {
      // not supported here: try the next strategy
    } finally {
      fs.rmSync(probe, { force: true });
    }
  }
  return 'copy';
}
