import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrnoCode } from '../errors';
import type { Repo } from '../repo';
import { writeFileAtomic } from '../util/atomicWrite';

/** What a file looked like when it was hashed. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Entries modified this close to the cache's write time are not trusted ("racy" stamps, as in git). */
const RACY_MS = 10;

/**
 * (path, size, mtime, inode) → SHA-256, so that status and re-add read no bytes of unchanged files.
 * Stored as one JSON file in `.lineage/state/`, replaced atomically. It is only a hint: every entry
 * is checked against a fresh lstat, and losing the file costs a re-hash, never a wrong answer.
 */
export class StatCache {
  private readonly entries = new Map<string, [size: number, mtimeMs: number, ino: number, hash: string]>();
  private writtenAt = 0;
  private dirty = false;

  private constructor(private readonly file: string) {}

  static async load(repo: Repo): Promise<StatCache> {
    const cache = new StatCache(path.join(repo.dir, 'state', 'stat-cache.json'));
    try {
      const json = JSON.parse(await fs.readFile(cache.file, 'utf8')) as {
        writtenAt?: unknown;
        entries?: unknown;
      };
      if (typeof json.writtenAt === 'number' && json.entries && typeof json.entries === 'object') {
        cache.writtenAt = json.writtenAt;
        for (const [key, value] of Object.entries(json.entries as Record<string, unknown>)) {
          if (Array.isArray(value) && value.length === 4)
            cache.entries.set(key, value as [number, number, number, string]);
        }
      }
    } catch (err) {
      if (!isErrnoCode(err, 'ENOENT') && !(err instanceof SyntaxError)) throw err;
      // missing or damaged: start empty
    }
    return cache;
  }

  /** The cached hash of `key` (a repo-relative path) if its stamp is unchanged and not racy. */
  get(key: string, stamp: FileStamp): string | undefined {
    const e = this.entries.get(key);
    if (!e || e[0] !== stamp.size || e[1] !== stamp.mtimeMs || e[2] !== stamp.ino) return undefined;
    if (stamp.mtimeMs >= this.writtenAt - RACY_MS) return undefined;
    return e[3];
  }

  set(key: string, stamp: FileStamp, hash: string): void {
    const e = this.entries.get(key);
    if (e && e[0] === stamp.size && e[1] === stamp.mtimeMs && e[2] === stamp.ino && e[3] === hash) return;
    this.entries.set(key, [stamp.size, stamp.mtimeMs, stamp.ino, hash]);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const entries = Object.fromEntries(this.entries);
    await writeFileAtomic(this.file, JSON.stringify({ writtenAt: Date.now(), entries }));
    this.dirty = false;
  }
}
