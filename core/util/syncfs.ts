import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Make everything written so far on the file system holding `dir` durable, in one call: coreutils
 * `sync --file-system` (syncfs(2)). Far cheaper than an fsync per file when thousands of objects
 * are published at once. Falls back to fsyncing the given files and folders one by one.
 */
export async function syncFileSystem(dir: string, fallback: string[] = []): Promise<void> {
  try {
    await run('sync', ['--file-system', dir]);
    return;
  } catch {
    // no coreutils sync: fsync what we know about
  }
  for (const file of [...fallback, dir]) {
    const handle = await fs.open(file, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
