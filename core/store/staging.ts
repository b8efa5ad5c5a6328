import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { processAlive } from './lock';

const PREFIX = 'stage-';

/**
 * A folder in `.lineage/tmp/` where one process writes objects-to-be. Its name carries the pid, so a
 * folder left by a killed process can be recognised and removed (`removeStale`, under the lock).
 */
export class Staging {
  private count = 0;

  private constructor(readonly dir: string) {}

  static async create(tmpDir: string): Promise<Staging> {
    const dir = path.join(tmpDir, `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(dir, { recursive: true });
    return new Staging(dir);
  }

  /** A new path inside the folder (nothing is created). */
  next(): string {
    this.count += 1;
    return path.join(this.dir, String(this.count));
  }

  /** Write bytes to a new staged file (read-only, not yet durable: publish syncs). */
  async write(data: Uint8Array): Promise<string> {
    const file = this.next();
    await fs.writeFile(file, data, { flag: 'wx', mode: 0o444 });
    return file;
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  /** Remove staging folders whose process is gone. Returns how many were removed. */
  static async removeStale(tmpDir: string): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(tmpDir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const pid = Number(/^stage-(\d+)-/.exec(name)?.[1]);
      if (pid && (pid === process.pid ? false : !processAlive(pid))) {
        await fs.rm(path.join(tmpDir, name), { recursive: true, force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
