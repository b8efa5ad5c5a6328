import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LineageError, isErrnoCode } from '../errors';
import { fsyncDir } from '../util/atomicWrite';
import { HASH_PATTERN, hashBytes, hashFile } from './hash';

/**
 * Content-addressed object store: immutable blobs named by the SHA-256 of their bytes, at
 * `<cache>/sha256/ab/cdef…`. Invariant: a file at an object path is complete and its bytes hash to
 * its name. Writes go to `<tmp>/` first, are fsynced, verified, then renamed into place; a crash
 * leaves at most a stray temp file, never a partial object. Reads verify the hash.
 */
export class ObjectStore {
  constructor(
    readonly cacheDir: string,
    readonly tmpDir: string,
  ) {}

  objectPath(hash: string): string {
    if (!HASH_PATTERN.test(hash)) throw new LineageError(`not a SHA-256 object id: '${hash}'`);
    return path.join(this.cacheDir, 'sha256', hash.slice(0, 2), hash.slice(2));
  }

  async has(hash: string): Promise<boolean> {
    try {
      await fs.access(this.objectPath(hash));
      return true;
    } catch {
      return false;
    }
  }

  /** Store bytes (trees, small records); returns their hash. */
  async putBytes(data: Uint8Array): Promise<string> {
    const hash = hashBytes(data);
    if (await this.has(hash)) return hash;
    const tmp = await this.tempPath();
    const handle = await fs.open(tmp, 'wx', 0o444);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.publish(tmp, hash);
    return hash;
  }

  /**
   * Store a copy of `file`, whose content is expected to hash to `expected` (hashed by the caller
   * while scanning). The copy is re-hashed, so a file that changed in between is refused rather
   * than stored under a wrong name.
   */
  async putFile(file: string, expected: string): Promise<void> {
    if (await this.has(expected)) return;
    const tmp = await this.tempPath();
    await fs.copyFile(file, tmp);
    try {
      const handle = await fs.open(tmp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const { hash } = await hashFile(tmp);
      if (hash !== expected)
        throw new LineageError('file changed while it was being added; add it again', file);
      await fs.chmod(tmp, 0o444);
      await this.publish(tmp, hash);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  /** Read a whole object and check that its bytes match its name. */
  async readVerified(hash: string): Promise<Buffer> {
    const file = this.objectPath(hash);
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT'))
        throw new LineageError(`object ${hash} is missing from the cache`, file);
      throw err;
    }
    if (hashBytes(data) !== hash) {
      throw new LineageError(`object is corrupt: its content does not hash to ${hash}`, file);
    }
    return data;
  }

  private async tempPath(): Promise<string> {
    await fs.mkdir(this.tmpDir, { recursive: true });
    return path.join(this.tmpDir, `object-${randomBytes(8).toString('hex')}`);
  }

  private async publish(tmp: string, hash: string): Promise<void> {
    const dest = this.objectPath(hash);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.rename(tmp, dest);
    await fsyncDir(path.dirname(dest));
  }
}
