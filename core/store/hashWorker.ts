/**
 * Body of a hashing worker thread. It is started from its source text (`new Worker(code, { eval })`),
 * so it must be self-contained: no imports, no closures; Node modules come from
 * `process.getBuiltinModule`. Workers share a job counter and take jobs until none are left.
 *
 * Job modes: `hash` reads the file; `copy` also writes the same bytes to `tmp` (so the object holds
 * exactly the bytes that were hashed); `hardlink` links `tmp` to the file and hashes it; `reflink`
 * clones the file to `tmp` and hashes the clone. A file whose size or mtime changed while it was read
 * is reported as changed, never stored. With `objectsDir` (the store's `sha256/` folder), a staged
 * object the store already holds is removed (`stored: true`); a new clone is made read-only.
 */
export function hashWorkerMain(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const fs = process.getBuiltinModule('node:fs');
  const { createHash } = process.getBuiltinModule('node:crypto');
  type Mode = 'hash' | 'copy' | 'hardlink' | 'reflink';
  const { jobs, counter, objectsDir } = workerData as {
    jobs: { src: string; tmp: string | null; mode: Mode }[];
    counter: SharedArrayBuffer;
    objectsDir: string | null;
  };
  const next = new Int32Array(counter);
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const batch: unknown[] = [];
  let batchBytes = 0;
  const flush = (): void => {
    if (batch.length > 0) parentPort?.postMessage(batch.splice(0));
    batchBytes = 0;
  };

  const hashFd = (fd: number, out: number | null): { hash: string; size: number } => {
    const hash = createHash('sha256');
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      hash.update(chunk);
      if (out !== null) {
        let written = 0;
        while (written < n) written += fs.writeSync(out, chunk, written, n - written);
      }
      size += n;
    }
    return { hash: hash.digest('hex'), size };
  };

  for (;;) {
    const i = Atomics.add(next, 0, 1);
    const job = jobs[i];
    if (!job) break;
    let fd: number | null = null;
    let out: number | null = null;
    try {
      if (job.mode === 'hardlink' && job.tmp) fs.linkSync(job.src, job.tmp);
      if (job.mode === 'reflink' && job.tmp)
        fs.copyFileSync(job.src, job.tmp, fs.constants.COPYFILE_FICLONE_FORCE);
      const source = job.mode === 'reflink' && job.tmp ? job.tmp : job.src;
      fd = fs.openSync(source, 'r');
      const before = fs.fstatSync(fd);
      if (!before.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
      if (job.mode === 'copy' && job.tmp) out = fs.openSync(job.tmp, 'wx', 0o444);
      const { hash, size } = hashFd(fd, out);
      const after = fs.fstatSync(fd);
      if (size !== after.size || before.mtimeMs !== after.mtimeMs || before.size !== after.size) {
        throw Object.assign(new Error('file changed while it was being read'), { code: 'ECHANGED' });
      }
      // Prepare the staged object for publishing here, on this core: drop it if the store has it
      // already, else make a clone read-only (a copy was created read-only; a hard link is the
      // user's own file, made read-only only when published, so a cancelled add leaves it as it was).
      let stored = false;
      if (job.tmp && objectsDir !== null) {
        stored = fs.existsSync(`${objectsDir}/${hash.slice(0, 2)}/${hash.slice(2)}`);
        if (stored) fs.rmSync(job.tmp, { force: true });
        else if (job.mode === 'reflink') fs.chmodSync(job.tmp, 0o444);
      }
      batch.push({ i, hash, size, mtimeMs: after.mtimeMs, ino: after.ino, mode: after.mode, stored });
      batchBytes += size;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (job.tmp) fs.rmSync(job.tmp, { force: true });
      batch.push({ i, error: { code: e.code ?? 'EUNKNOWN', message: e.message ?? String(err) } });
    } finally {
      if (fd !== null) fs.closeSync(fd);
      if (out !== null) fs.closeSync(out);
    }
    if (batch.length >= 256 || batchBytes >= 64 * 1024 * 1024) flush();
  }
  flush();
}
