import { promises as fs } from 'node:fs';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import { hashBytes } from '../store/hash';
import { hashFiles, type HashJob, type HashMode, type HashResult } from '../store/hashPool';
import type { ObjectStore, Staging } from '../store/objects';
import type { StatCache } from './statCache';
import { encodeTree, type TreeEntry } from './tree';
import type { TreeMemo } from './treeMemo';
import { walk, walkFiles, type WalkNode, type WalkOptions } from './walk';

/** A hashed file system tree (the workspace side of a comparison). */
export type ScanNode =
  | { type: 'file'; hash: string; size: number; exec: boolean }
  | { type: 'symlink'; target: string }
  /** `children` is absent for a folder answered by the tree memo: its tree object is in the store. */
  | { type: 'dir'; hash: string; size: number; files: number; children?: Map<string, ScanNode> };

export interface ScanProgress {
  phase: 'scan' | 'hash' | 'store';
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

export interface ScanOptions {
  repo: Repo;
  cache: StatCache;
  symlinks: 'keep' | 'follow';
  /** When set, every file and tree becomes an object in this store, staged here. */
  store?: { objects: ObjectStore; staging: Staging; mode: Exclude<HashMode, 'hash'> };
  onProgress?: (p: ScanProgress) => void;
  signal?: AbortSignal;
  /** The walk of `abs`, if the caller has one already. */
  walked?: WalkNode;
  /**
   * Answer unchanged folders from this memo (their tree must be in `objects`), and record the
   * folders hashed now. Unchanged folders then cost no per-file work at all.
   */
  memo?: { memo: TreeMemo; objects: ObjectStore };
}

export interface ScanResult {
  root: ScanNode;
  /** Tree objects by hash (only when storing). */
  trees: Map<string, Buffer>;
  /** Files that had to be read (not answered by the stat cache). */
  hashedFiles: number;
}

/**
 * Walk and hash a file or folder. Unchanged files (by the stat cache) are not read; the rest are
 * hashed on all cores, and, when storing, their bytes staged as objects in the same pass.
 */
export async function scan(abs: string, options: ScanOptions): Promise<ScanResult> {
  const { repo, cache } = options;
  const tree = options.walked ?? (await walk(abs, walkOptions(repo, options.symlinks)));
  const hits = new Map<WalkNode, ScanNode>();
  if (options.memo) findHits(tree, repo, options.memo, hits);
  const files = walkFiles(tree, hits);
  let totalFiles = files.length;
  let totalBytes = files.reduce((sum, f) => sum + f.stamp.size, 0);
  for (const hit of hits.values()) {
    totalFiles += fileCount(hit);
    totalBytes += hit.type === 'dir' ? hit.size : 0;
  }
  options.onProgress?.({
    phase: 'scan',
    files: totalFiles,
    totalFiles,
    bytes: 0,
    totalBytes,
  });

  const hashes = new Map<string, string>();
  const jobs: HashJob[] = [];
  const pending: typeof files = [];
  for (const file of files) {
    if (file.object) {
      hashes.set(file.abs, file.object); // a link into the store: its name is its hash
      continue;
    }
    const key = cacheKey(repo, file.abs);
    const known = cache.get(key, file.stamp);
    if (known && (!options.store || options.store.objects.has(known))) hashes.set(file.abs, known);
    else {
      pending.push(file);
      const store = options.store;
      // Objects are read-only and never executable: hardlinking an executable would change the
      // user's file (one inode), so executables are copied.
      const mode = !store ? 'hash' : store.mode === 'hardlink' && file.exec ? 'copy' : store.mode;
      jobs.push({ src: file.abs, tmp: store ? store.staging.next() : null, mode });
    }
  }
  const cachedBytes = totalBytes - pending.reduce((sum, f) => sum + f.stamp.size, 0);
  const results = await hashFiles(
    jobs,
    (p) =>
      options.onProgress?.({
        phase: 'hash',
        files: totalFiles - pending.length + p.files,
        totalFiles,
        bytes: cachedBytes + p.bytes,
        totalBytes,
      }),
    options.signal,
    options.store?.objects.objectsDir ?? null,
  );
  const staged: Parameters<ObjectStore['publish']>[0] = [];
  results.forEach((result, i) => {
    const file = pending[i];
    const job = jobs[i];
    if (!file || !job) return;
    const hash = resultHash(result, file.abs);
    hashes.set(file.abs, hash);
    cache.set(cacheKey(repo, file.abs), file.stamp, hash);
    if (job.tmp && result && 'stored' in result && !result.stored)
      staged.push({ tmp: job.tmp, hash, checked: job.mode === 'hardlink' ? 'link' : 'read-only' });
  });

  const trees = new Map<string, Buffer>();
  const root = build(tree, { repo, hashes, trees: options.store ? trees : null, hits, memo: options.memo });
  if (options.store) {
    options.onProgress?.({
      phase: 'store',
      files: totalFiles,
      totalFiles,
      bytes: totalBytes,
      totalBytes,
    });
    const { objects, staging } = options.store;
    for (const [hash, bytes] of trees) staged.push({ tmp: await staging.write(bytes), hash });
    options.signal?.throwIfAborted();
    await objects.publish(staged, staging);
  }
  return { root, trees, hashedFiles: pending.length };
}

export function walkOptions(repo: Repo, symlinks: 'keep' | 'follow'): WalkOptions {
  return { symlinks, root: repo.root, objects: repo.cache };
}

/** The repo-relative path (callers only pass paths inside the repository). */
function cacheKey(repo: Repo, abs: string): string {
  return abs.slice(repo.root.length + 1);
}

function resultHash(result: HashResult | undefined, abs: string): string {
  if (!result) throw new LineageError('was not hashed (cancelled?)', abs);
  if ('hash' in result) return result.hash;
  const { code, message } = result.error;
  if (code === 'ECHANGED')
    throw new LineageError('file changed while it was being read; try again when it is complete', abs);
  if (code === 'EACCES') throw new LineageError('permission denied', abs);
  if (code === 'ENOENT') throw new LineageError('file disappeared while it was being read', abs);
  throw new LineageError(`cannot read file: ${message}`, abs);
}

interface BuildContext {
  repo: Repo;
  hashes: Map<string, string>;
  /** Collects tree objects (when storing). */
  trees: Map<string, Buffer> | null;
  hits: Map<WalkNode, ScanNode>;
  memo: ScanOptions['memo'];
}

/**
 * Mark the folders the memo answers: own listing unchanged, tree in the store, and every subfolder
 * answered too. Returns whether `node` is answered.
 */
function findHits(
  node: WalkNode,
  repo: Repo,
  { memo, objects }: NonNullable<ScanOptions['memo']>,
  hits: Map<WalkNode, ScanNode>,
): boolean {
  if (node.type !== 'dir') return true;
  let subfoldersHit = true;
  for (const child of node.children.values()) {
    if (child.type === 'dir' && !findHits(child, repo, { memo, objects }, hits)) subfoldersHit = false;
  }
  if (!subfoldersHit || !node.listing) return false;
  const tree = memo.get(cacheKey(repo, node.abs), node.listing);
  if (!tree || !objects.has(tree.hash)) return false;
  for (const child of node.children.values()) hits.delete(child); // the parent stands for them
  hits.set(node, { type: 'dir', ...tree });
  return true;
}

/** Build hashed nodes bottom-up; collect tree objects when storing, and record them in the memo. */
function build(node: WalkNode, context: BuildContext): ScanNode {
  const { hashes, trees, hits, memo } = context;
  if (node.type === 'file') {
    const hash = hashes.get(node.abs);
    if (!hash) throw new LineageError('was not hashed', node.abs);
    return { type: 'file', hash, size: node.stamp.size, exec: node.exec };
  }
  if (node.type === 'symlink') return { type: 'symlink', target: node.target };
  const hit = hits.get(node);
  if (hit) return hit;
  const children = new Map<string, ScanNode>();
  const entries: TreeEntry[] = [];
  let size = 0;
  let files = 0;
  for (const [name, child] of node.children) {
    const built = build(child, context);
    children.set(name, built);
    entries.push(entryOf(name, built));
    if (built.type === 'file') {
      size += built.size;
      files += 1;
    } else if (built.type === 'dir') {
      size += built.size;
      files += built.files;
    } else files += 1;
  }
  const bytes = encodeTree(entries);
  const hash = hashBytes(bytes);
  trees?.set(hash, bytes);
  // Stored trees are published by the caller; a status-only scan records trees already stored.
  if (memo && node.listing && (trees || memo.objects.has(hash)))
    memo.memo.set(cacheKey(context.repo, node.abs), node.listing, { hash, size, files });
  return { type: 'dir', hash, size, files, children };
}

export function entryOf(name: string, node: ScanNode): TreeEntry {
  switch (node.type) {
    case 'file':
      return { name, type: 'file', hash: node.hash, size: node.size, exec: node.exec };
    case 'dir':
      return { name, type: 'dir', hash: node.hash, size: node.size, files: node.files };
    case 'symlink':
      return { name, type: 'symlink', target: node.target };
  }
}

/** Files (and kept links) below a node: 1 for a file or link. */
export function fileCount(node: { type: string; files?: number }): number {
  return node.type === 'dir' ? (node.files ?? 0) : 1;
}

export async function exists(abs: string): Promise<boolean> {
  return fs.lstat(abs).then(
    () => true,
    () => false,
  );
}
