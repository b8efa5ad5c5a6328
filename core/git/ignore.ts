import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrnoCode } from '../errors';
import { writeFileAtomic } from '../util/atomicWrite';

/**
 * Make sure `dir/.gitignore` holds `entry` on a line of its own; returns true if it was added.
 * Existing content is kept byte for byte; the file is replaced atomically.
 */
export async function ensureGitignoreEntry(dir: string, entry: string): Promise<boolean> {
  const file = path.join(dir, '.gitignore');
  let text = '';
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (!isErrnoCode(err, 'ENOENT')) throw err;
  }
  const lines = text.split(/\r?\n/);
  if (lines.includes(entry)) return false;
  const sep = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  await writeFileAtomic(file, `${text}${sep}${entry}\n`);
  return true;
}
