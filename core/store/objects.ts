import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, promises as fs, readFileSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { LineageError, isErrnoCode } from '../errors';
import { fsyncDir } from '../util/atomicWrite';
import { syncFileSystem } from '../util/syncfs';
import { HASH_PATTERN, hashBytes } from './hash';
import { Staging } from './staging';

export { Staging } from './staging';

/**
 * Content-addressed object store: immutable, read-only blobs named by the SHA-256 of their bytes,
 * at `<cache>/sha256/ab/cdef…`.
 *
 * Invariant: a file at an object path is complete and its bytes hash to its name. New objects are
 * staged in `<tmp>/stage-…/` (written while hashed, so the bytes are exactly those hashed), made
 * durable with one syncfs, then renamed into place, and the renames made durable with another.
 * A crash leaves at most a stale staging folder, which the next writer removes. Reads verify.
 */
export class ObjectStore {
  constructor(
    readonly cacheDir: string,
    readonly tmpDir: string,
  ) {}

  /** The folder holding the objects (`sha256/ab/cdef…`). */
  get objectsDir(): string {
    return path.join(this.cacheDir, 'sha256');
  }

  objectPath(hash: string): string {
    if (!HASH_PATTERN.test(hash)) throw new LineageError(`not a SHA-256 object id: '${hash}'`);
    return path.join(this.objectsDir, hash.slice(0, 2), hash.slice(2));
  }

  has(hash: string): boolean {
    return existsSync(this.objectPath(hash));
  }

  /** A fresh staging folder for one operation's new objects. */
  async stage(): Promise<Staging> {
    return Staging.create(this.tmpDir);
  }

  /** Store one small object (a tree, a record) durably; returns its hash. */
  async putBytes(data: Uint8Array): Promise<string> {
    const hash = hashBytes(data);
    if (this.has(hash)) return hash;
    const staging = await this.stage();
    try {
      await this.publish([{ tmp: await staging.write(data), hash }], staging);
    } finally {
      await staging.remove();
    }
    return hash;
  }

  /**
   * Move staged files into the store under their hashes. Staged bytes are made durable before any
   * rename, and the renames before this returns. Objects that already exist are kept as they are.
   * `checked` items were already found missing from the store, and made read-only unless they are
   * hard links (by a hash worker).
   */
  async publish(
    items: { tmp: string; hash: string; checked?: 'link' | 'read-only' }[],
    staging: Staging,
  ): Promise<void> {
    if (items.length === 0) return;
    await syncFileSystem(
      staging.dir,
      items.map((i) => i.tmp),
    );
    // Synchronous calls: one rename is a few microseconds, far less than a round trip through
    // libuv's thread pool, and publishing 100,000 objects is then a matter of a second.
    const dirs = new Set<string>();
    const published = new Set<string>();
    mkdirSync(this.objectsDir, { recursive: true });
    for (const { tmp, hash, checked } of items) {
      const dest = this.objectPath(hash);
      if (published.has(hash) || (!checked && existsSync(dest))) {
        rmSync(tmp, { force: true }); // the same content twice, or already stored
        continue;
      }
      const dir = path.dirname(dest);
      if (!dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      if (checked !== 'read-only') chmodSync(tmp, 0o444);
      renameSync(tmp, dest);
      published.add(hash);
    }
    await syncFileSystem(this.cacheDir, [...dirs]);
  }

  /** Read a whole object and check that its bytes match its name. */
  async readVerified(hash: string): Promise<Buffer> {
    const file = this.objectPath(hash);
    return verified(await fs.readFile(file).catch((err: unknown) => missing(err, hash, file)), hash, file);
  }

  /** readVerified for synchronous callers (checkout's per-file tree lookups). */
  readVerifiedSync(hash: string): Buffer {
    const file = this.objectPath(hash);
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      return missing(err, hash, file);
    }
    return verified(data, hash, file);
  }

  /** Every object id in the store (names that are not object ids are skipped). */
  async *list(): AsyncGenerator<string> {
    const root = path.join(this.cacheDir, 'sha256');
    let prefixes: string[];
    try {
      prefixes = (await fs.readdir(root)).filter((p) => /^[0-9a-f]{2}$/.test(p)).sort();
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT')) return;
      throw err;
    }
    for (const prefix of prefixes) {
      for (const rest of (await fs.readdir(path.join(root, prefix))).sort()) {
        const hash = prefix + rest;
        if (HASH_PATTERN.test(hash)) yield hash;
      }
    }
  }

  /** Move a damaged object out of the store to `<cache>/quarantine/`, keeping its bytes for inspection. */
  async quarantine(hash: string): Promise<string> {
    const dir = path.join(this.cacheDir, 'quarantine');
    await fs.mkdir(dir, { recursive: true });
    const dest = path.join(dir, `${hash}.${randomBytes(4).toString('hex')}`);
    await fs.rename(this.objectPath(hash), dest);
    await fsyncDir(dir);
    await fsyncDir(path.dirname(this.objectPath(hash)));
    return dest;
  }

  /** Delete an object (gc), and its `sha256/xx/` folder once that is empty. */
  async remove(hash: string): Promise<void> {
    const file = this.objectPath(hash);
    await fs.rm(file, { force: true });
    await fs.rmdir(path.dirname(file)).catch(() => undefined); // ENOTEMPTY: other objects remain
  }
}

function missing(err: unknown, hash: string, file: string): never {
  if (isErrnoCode(err, 'ENOENT')) throw new LineageError(`object ${hash} is missing from the cache`, file);
  throw err;
}

function verified(data: Buffer, hash: string, file: string): Buffer {
  if (hashBytes(data) !== hash) {
    throw new LineageError(
      `object is corrupt: its content does not hash to ${hash}; run \`lineage fsck\``,
      file,
    );
  }
  return data;
}
