import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineageError, isErrnoCode } from '../errors';
import type { Repo } from '../repo';

const POLL_MS = 100;

/**
 * Exclusive lock over the store and pointer files: `.lineage/lock`, created with O_EXCL and holding
 * the owner's host and pid. A lock left by a dead process on this host is taken over. Operations that
 * write (add, checkout, gc, fsck, unprotect) hold it; readers (status, listing) do not need it.
 */
export async function withRepoLock<T>(
  repo: Repo,
  what: string,
  fn: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const file = path.join(repo.dir, 'lock');
  await fs.mkdir(repo.dir, { recursive: true });
  const started = Date.now();
  const me = JSON.stringify({ host: os.hostname(), pid: process.pid, what, since: new Date().toISOString() });
  for (;;) {
    try {
      await fs.writeFile(file, me, { flag: 'wx' });
      break;
    } catch (err) {
      if (!isErrnoCode(err, 'EEXIST')) throw err;
    }
    const owner = await readOwner(file);
    const stale = owner ? owner.host === os.hostname() && !isAlive(owner.pid) : await olderThan(file, 5_000); // a holder killed before it wrote its name
    if (stale) {
      await fs.rm(file, { force: true }); // stale: its process is gone
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      const who = owner ? `pid ${owner.pid} on ${owner.host} (${owner.what})` : 'another process';
      throw new LineageError(
        `the repository is locked by ${who}; wait for it or remove the lock file if it is gone`,
        file,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    await fs.rm(file, { force: true });
  }
}

async function readOwner(file: string): Promise<{ host: string; pid: number; what: string } | null> {
  try {
    const owner = JSON.parse(await fs.readFile(file, 'utf8')) as {
      host?: unknown;
      pid?: unknown;
      what?: unknown;
    };
    if (typeof owner.host === 'string' && typeof owner.pid === 'number') {
      return { host: owner.host, pid: owner.pid, what: String(owner.what ?? '') };
    }
  } catch {
    // being written, or not ours: treat as held
  }
  return null;
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await fs.stat(file)).mtimeMs > ms;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrnoCode(err, 'EPERM');
  }
}
