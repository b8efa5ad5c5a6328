// File-system helpers for benchmarks: removing read-only trees, warming the page cache, sizes.
import { promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { q, sh } from './proc.mjs';

/** rm -rf that also copes with read-only directories (hardlinked stores, git-annex objects). */
export async function rmrf(target) {
  try {
    await fs.rm(target, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    await sh(`chmod -R u+w ${q(target)} 2>/dev/null; rm -rf ${q(target)}`);
  }
}

/** Flush dirty pages so one step's writes are not billed to the next timed step. */
export async function syncDisks() {
  await sh('sync');
}

/**
 * Read every byte of the files under `target` (a file or folder) so they sit in the page cache.
 * The cache here is dropped after about a minute idle, so call this right before each timed run.
 */
export async function warm(...targets) {
  const list = targets.map(q).join(' ');
  await sh(`find ${list} -type f -print0 | xargs -0 -r -P2 -n 2000 cat > /dev/null`);
}

export async function exists(p) {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Count files and bytes under a folder (or of one file). */
export async function sizeOf(target) {
  const st = await fs.lstat(target);
  if (st.isFile()) return { files: 1, bytes: st.size };
  let files = 0;
  let bytes = 0;
  for (const e of await fs.readdir(target, { withFileTypes: true })) {
    const sub = await sizeOf(path.join(target, e.name));
    files += sub.files;
    bytes += sub.bytes;
  }
  return { files, bytes };
}

/** Free bytes on the file system holding `dir`. */
export async function freeBytes(dir) {
  const st = await fs.statfs(dir);
  return st.bavail * st.bsize;
}

/** Where benchmarks put their data: /work/bench-data on this kind of machine, else the temp dir. */
export function defaultScratch() {
  return process.platform === 'linux' && existsSyncDir('/work')
    ? '/work/bench-data'
    : path.join(os.tmpdir(), 'lineage-bench');
}

function existsSyncDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
