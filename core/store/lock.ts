import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineageError, isErrnoCode } from '../errors';
import type { Repo } from '../repo';

const POLL_MS = 100;
/** A `lock.break` older than this was left by a process killed while breaking a lock. */
const BREAK_STALE_MS = 5_000;

interface Owner {
  host: string;
  pid: number;
  what: string;
}

/**
 * Exclusive lock over the store and pointer files: `.lineage/lock`, holding the owner's host and
 * pid. Writers (add, checkout, unprotect, gc, fsck) hold it; readers (status, listing) need not.
 *
 * - Taking it: the owner text is written to a private temp file, then hard-linked to `lock`; the
 *   link either fails (held) or publishes a complete lock in one step.
 * - A lock whose process is dead (same host) is broken only by a process holding `lock.break`
 *   (created exclusively), and only if it still holds the same dead owner's text, so two waiters
 *   can never both break it and then both hold it.
 * - Releasing removes the lock only if it is still ours.
 */
export async function withRepoLock<T>(
  repo: Repo,
  what: string,
  fn: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const file = path.join(repo.dir, 'lock');
  await fs.mkdir(repo.dir, { recursive: true });
  const mine = JSON.stringify({
    host: os.hostname(),
    pid: process.pid,
    what,
    since: new Date().toISOString(),
  });
  const started = Date.now();
  while (!(await tryTake(file, mine))) {
    const text = await readText(file);
    const owner = text === null ? null : parseOwner(text);
    if (text !== null && owner && owner.host === os.hostname() && !processAlive(owner.pid)) {
      await breakStale(file, text);
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
    if ((await readText(file)) === mine) await fs.rm(file, { force: true });
  }
}

async function tryTake(file: string, text: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, text);
  try {
    await fs.link(tmp, file);
    return true;
  } catch (err) {
    if (isErrnoCode(err, 'EEXIST')) return false;
    throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Remove `file` if it still holds `staleText`, while holding `lock.break`. */
async function breakStale(file: string, staleText: string): Promise<void> {
  const breaker = `${file}.break`;
  try {
    await fs.writeFile(breaker, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if (!isErrnoCode(err, 'EEXIST')) throw err;
    const st = await fs.stat(breaker).catch(() => null);
    if (st && Date.now() - st.mtimeMs > BREAK_STALE_MS) await fs.rm(breaker, { force: true });
    await new Promise((r) => setTimeout(r, POLL_MS / 4));
    return;
  }
  try {
    if ((await readText(file)) === staleText) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(breaker, { force: true });
  }
}

async function readText(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return null;
    throw err;
  }
}

function parseOwner(text: string): Owner | null {
  try {
    const owner = JSON.parse(text) as { host?: unknown; pid?: unknown; what?: unknown };
    if (typeof owner.host === 'string' && typeof owner.pid === 'number') {
      return { host: owner.host, pid: owner.pid, what: String(owner.what ?? '') };
    }
  } catch {
    // not a lock we understand: treat as held
  }
  return null;
}

/** True while process `pid` (on this host) lives. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrnoCode(err, 'EPERM');
  }
}
