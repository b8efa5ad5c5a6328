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

type Entry = [size: number, mtimeMs: number, ino: number, hash: string];

/** Entries modified this close to the cache's write time are not trusted ("racy" stamps, as in git). */
const RACY_MS = 10;

/**
 * (path, size, mtime, inode) → SHA-256, so that status and re-add read no bytes of unchanged files.
 * Stored as one text file, `.lineage/state/stat-cache`, replaced atomically. It is only a hint: every entry
 * is checked against a fresh lstat, and losing the file costs a re-hash, never a wrong answer.
 */
export class StatCache {
  private readonly entries = new Map<string, Entry>();
  private writtenAt = 0;
  private dirty = false;

  private constructor(private readonly file: string) {}

  /** The file's text, parsed on first use: a status answered by the tree memo never needs it. */
  private text: string | undefined;

  static async load(repo: Repo): Promise<StatCache> {
    const cache = new StatCache(path.join(repo.dir, 'state', 'stat-cache'));
    try {
      cache.text = await fs.readFile(cache.file, 'utf8');
    } catch (err) {
      if (!isErrnoCode(err, 'ENOENT')) throw err;
    }
    return cache;
  }

  private parsed(): Map<string, Entry> {
    const text = this.text;
    if (text === undefined) return this.entries;
    this.text = undefined;
    // Format: a header line `lineage-stat-cache 1 <writtenAt>`, then one line per file:
    // `<sha256> <size> <mtimeMs> <ino> <path>` (the path last, so it may hold spaces).
    // Parsed by hand: for 100,000 files this is several times faster than JSON.
    const lines = text.split('\n');
    const header = lines[0]?.split(' ');
    if (header?.[0] !== 'lineage-stat-cache' || header[1] !== '1') return this.entries; // damaged: start empty
    this.writtenAt = Number(header[2]);
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const a = line.indexOf(' ', 65);
      const b = line.indexOf(' ', a + 1);
      const c = line.indexOf(' ', b + 1);
      if (line.length < 70 || a < 0 || b < 0 || c < 0) continue;
      const entry: Entry = [
        Number(line.slice(65, a)),
        Number(line.slice(a + 1, b)),
        Number(line.slice(b + 1, c)),
        line.slice(0, 64),
      ];
      if (entry.slice(0, 3).every(Number.isFinite)) this.entries.set(line.slice(c + 1), entry);
    }
    return this.entries;
  }

  /** The cached hash of `key` (a repo-relative path) if its stamp is unchanged and not racy. */
  get(key: string, stamp: FileStamp): string | undefined {
    const e = this.parsed().get(key);
    if (!e || e[0] !== stamp.size || e[1] !== stamp.mtimeMs || e[2] !== stamp.ino) return undefined;
    if (stamp.mtimeMs >= this.writtenAt - RACY_MS) return undefined;
    return e[3];
  }

  set(key: string, stamp: FileStamp, hash: string): void {
    const e = this.parsed().get(key);
    if (e && e[0] === stamp.size && e[1] === stamp.mtimeMs && e[2] === stamp.ino && e[3] === hash) return;
    this.entries.set(key, [stamp.size, stamp.mtimeMs, stamp.ino, hash]);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const now = Date.now();
    const lines = [`lineage-stat-cache 1 ${now}`];
    for (const [key, [size, mtimeMs, ino, hash]] of this.entries) {
      // A file as new as this write could change again within the mtime's resolution: drop it.
      if (!key.includes('\n') && mtimeMs < now - RACY_MS)
        lines.push(`${hash} ${size} ${mtimeMs} ${ino} ${key}`);
    }
    await writeFileAtomic(this.file, lines.join('\n') + '\n');
    this.dirty = false;
  }
}
