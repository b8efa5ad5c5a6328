import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrnoCode } from '../errors';
import type { Repo } from '../repo';
import { writeFileAtomic } from '../util/atomicWrite';
import type { ListingStamp } from './walk';

/** A folder's tree object and totals, as recorded for one listing digest. */
export interface MemoTree {
  hash: string;
  size: number;
  files: number;
}

type Entry = [digest: string, newestMs: number, tree: MemoTree];

/** Listings this close to the memo's write time are not trusted ("racy", as in the stat cache). */
const RACY_MS = 10;

/**
 * Folder (repo-relative) + listing digest → its tree object, so that a status or re-add of an
 * unchanged folder skips its files entirely: no per-file lookups, no tree encoding. A hit needs the
 * folder's own listing unchanged (names and every file's size, mtime and inode) and every subfolder
 * a hit too; the caller also checks the tree object is in the store. Only a hint, like the stat
 * cache: `.lineage/state/tree-memo`, replaced atomically; losing it costs time, never correctness.
 * fsck deletes it when it quarantines anything, so a damaged store is never vouched for.
 */
export class TreeMemo {
  private readonly entries = new Map<string, Entry>();
  private writtenAt = 0;
  private dirty = false;

  private constructor(private readonly file: string) {}

  static fileOf(repo: Repo): string {
    return path.join(repo.dir, 'state', 'tree-memo');
  }

  static async load(repo: Repo): Promise<TreeMemo> {
    const memo = new TreeMemo(TreeMemo.fileOf(repo));
    let text: string;
    try {
      text = await fs.readFile(memo.file, 'utf8');
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT')) return memo;
      throw err;
    }
    // Header `lineage-tree-memo 1 <writtenAt>`, then one line per folder:
    // `<digest> <tree hash> <size> <files> <newestMs> <path>` (the path last: it may hold spaces).
    const lines = text.split('\n');
    const header = lines[0]?.split(' ');
    if (header?.[0] !== 'lineage-tree-memo' || header[1] !== '1') return memo; // damaged: start empty
    memo.writtenAt = Number(header[2]);
    for (const line of lines.slice(1)) {
      const fields = line.split(' ', 5);
      const [digest, hash, size, files, newestMs] = fields;
      if (fields.length < 5 || digest?.length !== 64 || hash?.length !== 64) continue;
      const rel = line.slice(fields.join(' ').length + 1);
      const numbers = [Number(size), Number(files), Number(newestMs)];
      if (!numbers.every(Number.isFinite)) continue;
      memo.entries.set(rel, [
        digest,
        numbers[2] as number,
        { hash, size: numbers[0] as number, files: numbers[1] as number },
      ]);
    }
    return memo;
  }

  /** The recorded tree of folder `rel` if its listing is unchanged and was not racy when recorded. */
  get(rel: string, listing: ListingStamp): MemoTree | undefined {
    const e = this.entries.get(rel);
    if (!e || e[0] !== listing.digest || listing.newestMs >= this.writtenAt - RACY_MS) return undefined;
    return e[2];
  }

  set(rel: string, listing: ListingStamp, tree: MemoTree): void {
    const e = this.entries.get(rel);
    if (e && e[0] === listing.digest && e[2].hash === tree.hash) return;
    this.entries.set(rel, [listing.digest, listing.newestMs, tree]);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const now = Date.now();
    const lines = [`lineage-tree-memo 1 ${now}`];
    for (const [rel, [digest, newestMs, { hash, size, files }]] of this.entries) {
      // A listing as new as this write could change again within the mtime's resolution: drop it.
      if (!rel.includes('\n') && newestMs < now - RACY_MS)
        lines.push(`${digest} ${hash} ${size} ${files} ${newestMs} ${rel}`);
    }
    await writeFileAtomic(this.file, lines.join('\n') + '\n');
    this.dirty = false;
  }

  /** Forget everything (fsck, after it quarantined objects). */
  static async clear(repo: Repo): Promise<void> {
    await fs.rm(TreeMemo.fileOf(repo), { force: true });
  }
}
