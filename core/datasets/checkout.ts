import * as fs from 'node:fs';
import * as path from 'node:path';
import { readConfig } from '../config';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import { withRepoLock } from '../store/lock';
import { listOf } from '../util/format';
import type { ObjectStore } from '../store/objects';
import { storeOf } from './add';
import { findPointerFiles } from './find';
import { placeObject, placeSymlink } from './place';
import { POINTER_SUFFIX, readPointer } from './pointer';
import { exists, scan, type ScanNode } from './scan';
import { StatCache } from './statCache';
import { pointerNode } from './status';
import { decodeTree } from './tree';
import { diffTrees, nodeOf, type DiffNode, type FileChange } from './treeDiff';
import { resolveVersion } from './version';

export interface CheckoutOptions {
  /** Data paths or pointer files (absolute); every dataset when empty. */
  paths?: string[];
  /** A version (full hash or unique prefix) to put in place instead of the pointer's. */
  version?: string;
  /** Overwrite or delete workspace files whose content is not in the store. */
  force?: boolean;
  onProgress?: (dataset: string, done: number, total: number) => void;
  /** Stops between files: each file is replaced atomically, so a re-run completes the checkout. */
  signal?: AbortSignal;
}

export interface CheckoutResult {
  path: string;
  added: number;
  removed: number;
  modified: number;
  /** The version put in place differs from the pointer (with --version). */
  differsFromPointer: boolean;
}

/**
 * Make the workspace match each dataset's pointer (or `version`), touching only what differs.
 * Files whose content would be lost (not in the store) are refused unless `force`.
 */
export async function checkout(repo: Repo, options: CheckoutOptions = {}): Promise<CheckoutResult[]> {
  const pointers = options.paths?.length
    ? options.paths.map((p) => pointerFor(repo, p))
    : await findPointerFiles(repo);
  if (options.version && pointers.length !== 1)
    throw new LineageError('--version needs exactly one dataset path');
  return withRepoLock(repo, 'checkout', async () => {
    const config = await readConfig(repo);
    const store = storeOf(repo);
    const cache = await StatCache.load(repo);
    const results: CheckoutResult[] = [];
    try {
      for (const pointerFile of pointers) {
        const pointer = await readPointer(path.join(repo.root, pointerFile));
        const target = options.version ? await resolveVersion(store, options.version) : pointerNode(pointer);
        const dataPath = pointerFile.slice(0, -POINTER_SUFFIX.length);
        const abs = path.join(repo.root, dataPath);
        const current = (await exists(abs))
          ? (await scan(abs, { repo, cache, symlinks: config.symlinks })).root
          : undefined;
        const changes: FileChange[] = [];
        for await (const change of diffTrees(store, current, target)) changes.push(change);
        if (!options.force) refuseUnsaved(store, current, changes, dataPath);
        const placed = apply(store, abs, changes, target, config.link, (done) => {
          options.signal?.throwIfAborted();
          options.onProgress?.(dataPath, done, changes.length);
        });
        for (const [file, hash] of placed) {
          const st = fs.lstatSync(file);
          if (st.isFile())
            cache.set(
              path.relative(repo.root, file),
              { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino },
              hash,
            );
        }
        await pruneAndCreateDirs(store, abs, target);
        const count = (kind: FileChange['change']): number => changes.filter((c) => c.change === kind).length;
        const differs = target.type !== 'symlink' && 'hash' in target && target.hash !== pointer.sha256;
        results.push({
          path: dataPath,
          added: count('added'),
          removed: count('removed'),
          modified: count('modified'),
          differsFromPointer: differs,
        });
      }
    } finally {
      await cache.save();
    }
    return results;
  });
}

function pointerFor(repo: Repo, p: string): string {
  const rel = path.relative(repo.root, p).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new LineageError('is outside the Lineage repository', p);
  const pointer = rel.endsWith(POINTER_SUFFIX) ? rel : rel.replace(/\/$/, '') + POINTER_SUFFIX;
  if (!fs.existsSync(path.join(repo.root, pointer)))
    throw new LineageError(`is not tracked (no ${pointer})`, p);
  return pointer;
}

/** Workspace files that would be overwritten or deleted and whose content the store lacks. */
function refuseUnsaved(
  store: ObjectStore,
  current: ScanNode | undefined,
  changes: FileChange[],
  dataPath: string,
): void {
  const unsaved = changes
    .filter((c) => c.change !== 'added' && c.type === 'file')
    .filter((c) => {
      const node = nodeAt(current, c.path);
      return node?.type === 'file' && !store.has(node.hash);
    })
    .map((c) => (c.path ? `${dataPath}/${c.path}` : dataPath));
  if (unsaved.length > 0) throw new UnsavedFilesError(unsaved);
}

/** Checkout refused: these workspace files (repo-relative) would be lost. */
export class UnsavedFilesError extends LineageError {
  constructor(readonly unsaved: string[]) {
    super(
      `checkout would overwrite or delete ${unsaved.length} file(s) whose content is not in the store: ${listOf(unsaved)}. ` +
        'Save them with `lineage add`, or use --force to discard them',
    );
  }
}

/** (Checkout scans without the tree memo, so every scanned folder has its children.) */
function nodeAt(root: ScanNode | undefined, rel: string): ScanNode | undefined {
  let node = root;
  for (const part of rel ? rel.split('/') : [])
    node = node?.type === 'dir' ? node.children?.get(part) : undefined;
  return node;
}

function apply(
  store: ObjectStore,
  abs: string,
  changes: FileChange[],
  target: DiffNode,
  strategies: Parameters<typeof placeObject>[4],
  onProgress: (done: number) => void,
): Map<string, string> {
  const placed = new Map<string, string>();
  let done = 0;
  // Removals first (they come before additions at the same path), so a file can replace a folder.
  for (const c of changes.filter((c) => c.change === 'removed')) {
    fs.rmSync(c.path ? path.join(abs, c.path) : abs, { recursive: true, force: true });
    onProgress(++done);
  }
  for (const c of changes.filter((c) => c.change !== 'removed' && c.type !== 'dir')) {
    const dest = c.path ? path.join(abs, c.path) : abs;
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const entry = c.path ? entryAt(store, target, c.path) : target;
    if (entry.type === 'symlink') placeSymlink(entry.target, dest);
    else if (entry.type === 'file') {
      placeObject(store.objectPath(entry.hash), dest, entry.exec, entry.size, strategies);
      placed.set(dest, entry.hash);
    }
    onProgress(++done);
  }
  return placed;
}

const treeCache = new WeakMap<object, Map<string, DiffNode>>();

function entryAt(store: ObjectStore, root: DiffNode, rel: string): DiffNode {
  let node: DiffNode | undefined = root;
  for (const part of rel.split('/')) {
    if (node?.type !== 'dir') break;
    let children = treeCache.get(node);
    if (!children) {
      const file = store.objectPath(node.hash);
      const entries = decodeTree(store.readVerifiedSync(node.hash), file);
      children = new Map(entries.map((e) => [e.name, nodeOf(e)]));
      treeCache.set(node, children);
    }
    node = children.get(part);
  }
  if (!node) throw new LineageError(`version has no entry '${rel}'`);
  return node;
}

/** Remove folders the version does not have (when empty) and create the ones it has, empty ones too. */
async function pruneAndCreateDirs(store: ObjectStore, abs: string, target: DiffNode): Promise<void> {
  if (target.type !== 'dir') return;
  const wanted = new Set<string>();
  const collect = async (node: DiffNode, rel: string): Promise<void> => {
    if (node.type !== 'dir') return;
    wanted.add(rel);
    fs.mkdirSync(rel ? path.join(abs, rel) : abs, { recursive: true });
    const entries = decodeTree(await store.readVerified(node.hash), store.objectPath(node.hash));
    for (const e of entries)
      if (e.type === 'dir') await collect(nodeOf(e), rel ? `${rel}/${e.name}` : e.name);
  };
  await collect(target, '');
  const prune = (rel: string): void => {
    const dir = rel ? path.join(abs, rel) : abs;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) prune(rel ? `${rel}/${entry.name}` : entry.name);
    }
    if (!wanted.has(rel) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  };
  prune('');
}
