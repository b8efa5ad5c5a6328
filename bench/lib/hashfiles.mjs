// Reference hasher: SHA-256 of every file under the given paths with Node's crypto, one thread,
// reading into one reused 1 MiB buffer. Prints the file count. Run as a subprocess by the store
// benchmark to show the raw single-core speed lineage's hashing is measured against.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import * as path from 'node:path';

const buffer = Buffer.allocUnsafe(1024 * 1024);
let files = 0;

function hashFile(file) {
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  files++;
  return hash.digest('hex');
}

function walk(p) {
  const st = lstatSync(p);
  if (st.isFile()) hashFile(p);
  else if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(path.join(p, name));
}

for (const p of process.argv.slice(2)) walk(p);
console.log(files);
