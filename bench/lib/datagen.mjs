// Deterministic pseudo-random test data, generated fast: file contents are an AES-128-CTR key
// stream (incompressible, unique per file, same bytes on every run), file sizes come from a seeded
// PRNG. Writes are synchronous into a fresh folder; a marker file records what was generated so a
// kept scratch directory (`--keep`) is reused only when it matches.
import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { prng } from '../../scripts/lib/prng.mjs';
import { rmrf } from './fsutil.mjs';

export { prng };

const CHUNK = 8 * 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

function keystream(seed) {
  const key = createHash('sha256').update(`lineage-bench-${seed}`).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
}

function writeRandomFile(file, size, cipher) {
  const fd = openSync(file, 'w', 0o644);
  try {
    for (let left = size; left > 0;) {
      const n = Math.min(left, CHUNK);
      writeSync(fd, cipher.update(ZEROS.subarray(0, n)));
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Standard normal deviate (Box–Muller) from a uniform PRNG. */
function gaussian(rand) {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * Sizes of `count` files totalling about `total` bytes: log-normal (sigma 1.7), so most files are
 * a few KiB to tens of KiB and a few are several MiB, like a real dataset of images, shards and
 * label files.
 */
export function spreadSizes(count, total, seed) {
  const rand = prng(seed);
  const raw = Array.from({ length: count }, () => Math.exp(1.7 * gaussian(rand)));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => Math.max(1, Math.round((r * total) / sum)));
}

/** Sizes spread uniformly in [min, max]. */
export function uniformSizes(count, min, max, seed) {
  const rand = prng(seed);
  return Array.from({ length: count }, () => min + Math.floor(rand() * (max - min + 1)));
}

/**
 * Make `spec` at `dir` unless a marker says it is already there. spec is
 *   { kind: 'file', name, size }  or  { kind: 'tree', name, folders, sizes: number[] }.
 * Returns the data path (dir/name).
 */
export async function generate(dir, spec, seed) {
  const target = path.join(dir, spec.name);
  const marker = path.join(dir, `.${spec.name}.generated`);
  const id = JSON.stringify({
    seed,
    kind: spec.kind,
    size: spec.size ?? null,
    folders: spec.folders ?? null,
    sizes: spec.sizes ? createHash('sha256').update(spec.sizes.join(',')).digest('hex') : null,
  });
  try {
    if (readFileSync(marker, 'utf8') === id && existsSync(target)) return { path: target, reused: true };
  } catch {
    /* not generated yet */
  }
  await rmrf(target);
  mkdirSync(dir, { recursive: true });
  const cipher = keystream(seed);
  if (spec.kind === 'file') {
    writeRandomFile(target, spec.size, cipher);
  } else {
    const width = String(spec.sizes.length - 1).length;
    for (let f = 0; f < spec.folders; f++) mkdirSync(path.join(target, folderName(f)), { recursive: true });
    spec.sizes.forEach((size, i) => {
      const file = path.join(target, folderName(i % spec.folders), `f${String(i).padStart(width, '0')}.bin`);
      writeRandomFile(file, size, cipher);
    });
  }
  writeFileSync(marker, id);
  return { path: target, reused: false };
}

function folderName(i) {
  return `d${String(i).padStart(3, '0')}`;
}
