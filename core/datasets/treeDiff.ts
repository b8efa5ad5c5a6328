import type { ObjectStore } from '../store/objects';
import type { ScanNode } from './scan';
import { decodeTree, type TreeEntry } from './tree';

/** A node on either side of a comparison: a stored tree entry, or a scanned workspace node. */
export type DiffNode =
  | { type: 'file'; hash: string; size: number; exec: boolean }
  | { type: 'symlink'; target: string }
  | { type: 'dir'; hash: string; size: number; files: number; children?: Map<string, ScanNode> };

export type ChangeKind = 'added' | 'removed' | 'modified';

export interface FileChange {
  /** Path inside the dataset, with `/` separators ('' for the dataset itself). */
  path: string;
  change: ChangeKind;
  /** Files and kept links; `dir` only for an empty folder, which is part of a version too. */
  type: 'file' | 'symlink' | 'dir';
  /** Size on the new side (added, modified) or the old side (removed). */
  size: number;
  /** Modified: the size before. */
  oldSize?: number;
  /** Files: content hash on the new side (added, modified) and the old side (removed, modified). */
  hash?: string;
  oldHash?: string;
}

export interface DiffOptions {
  /**
   * A stored tree the comparison needs is missing: called with its hash and path, and that subtree
   * is left out. Without it, a missing tree is an error.
   */
  onMissing?: (hash: string, path: string) => void;
}

function same(a: DiffNode, b: DiffNode): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'file':
      return b.type === 'file' && a.hash === b.hash && a.exec === b.exec;
    case 'dir':
      return b.type === 'dir' && a.hash === b.hash;
    case 'symlink':
      return b.type === 'symlink' && a.target === b.target;
  }
}

/**
 * Compare two versions of a dataset file by file. Subtrees with equal hashes are skipped without
 * being read, so the cost follows the size of the change. Stored subtrees are read (verified) from
 * `store` only where they differ. Changes come out in path order.
 */
export async function* diffTrees(
  store: ObjectStore,
  before: DiffNode | undefined,
  after: DiffNode | undefined,
  prefix = '',
  options: DiffOptions = {},
): AsyncGenerator<FileChange> {
  if (before && after && same(before, after)) return;
  if (before?.type === 'dir' && after?.type === 'dir') {
    const [a, b] = await Promise.all([
      childrenOf(store, before, prefix, options),
      childrenOf(store, after, prefix, options),
    ]);
    if (!a || !b) return;
    const names = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) =>
      Buffer.compare(Buffer.from(x), Buffer.from(y)),
    );
    for (const name of names)
      yield* diffTrees(store, a.get(name), b.get(name), prefix ? `${prefix}/${name}` : name, options);
    return;
  }
  if (before && after && before.type !== 'dir' && after.type !== 'dir') {
    yield {
      path: prefix,
      change: 'modified',
      type: after.type,
      size: sizeOf(after),
      oldSize: sizeOf(before),
      ...hashes(
        after.type === 'file' ? after.hash : undefined,
        before.type === 'file' ? before.hash : undefined,
      ),
    };
    return;
  }
  if (before) yield* every(store, before, prefix, 'removed', options);
  if (after) yield* every(store, after, prefix, 'added', options);
}

function hashes(hash: string | undefined, oldHash: string | undefined): Pick<FileChange, 'hash' | 'oldHash'> {
  return { ...(hash ? { hash } : {}), ...(oldHash ? { oldHash } : {}) };
}

async function* every(
  store: ObjectStore,
  node: DiffNode,
  prefix: string,
  change: ChangeKind,
  options: DiffOptions,
): AsyncGenerator<FileChange> {
  if (node.type !== 'dir') {
    const hash = node.type === 'file' ? node.hash : undefined;
    yield {
      path: prefix,
      change,
      type: node.type,
      size: sizeOf(node),
      ...(change === 'added' ? hashes(hash, undefined) : hashes(undefined, hash)),
    };
    return;
  }
  const children = await childrenOf(store, node, prefix, options);
  if (!children) return;
  if (children.size === 0) yield { path: prefix, change, type: 'dir', size: 0 };
  for (const [name, child] of children) {
    yield* every(store, child, prefix ? `${prefix}/${name}` : name, change, options);
  }
}

function sizeOf(node: DiffNode): number {
  return node.type === 'symlink' ? 0 : node.size;
}

async function childrenOf(
  store: ObjectStore,
  node: Extract<DiffNode, { type: 'dir' }>,
  prefix: string,
  { onMissing }: DiffOptions,
): Promise<Map<string, DiffNode> | null> {
  if (node.children) return node.children;
  if (onMissing && !store.has(node.hash)) {
    onMissing(node.hash, prefix);
    return null;
  }
  const entries = decodeTree(await store.readVerified(node.hash), store.objectPath(node.hash));
  return new Map(entries.map((e) => [e.name, nodeOf(e)]));
}

export function nodeOf(e: TreeEntry): DiffNode {
  switch (e.type) {
    case 'file':
      return { type: 'file', hash: e.hash, size: e.size, exec: e.exec };
    case 'dir':
      return { type: 'dir', hash: e.hash, size: e.size, files: e.files };
    case 'symlink':
      return { type: 'symlink', target: e.target };
  }
}
