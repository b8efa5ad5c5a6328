import { existsSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { Config } from '../config';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import { storeOf } from '../datasets/add';
import { decodeTree } from '../datasets/tree';
import { nodeOf, type DiffNode } from '../datasets/treeDiff';
import { hashFile } from '../store/hash';
import type { Side } from './sides';

/** Where one side's version of a file in a dataset can be read. */
export interface FileSource {
  /** Absolute path of the bytes: a workspace file or a store object. */
  file: string;
  /** For messages: `data/iris.csv at HEAD~1 (3f2a1c0)`. */
  label: string;
  /** Content hash when known (store objects). */
  hash: string | null;
}

/**
 * The bytes of `file` (path inside `dataset`) on one side, or null when the file is not there. A
 * store object is verified against its name first (reads stay verified); a missing one is an error
 * naming it.
 */
export async function fileSource(
  repo: Repo,
  dataset: string,
  side: Side,
  file: string,
): Promise<FileSource | null> {
  const label = `${file ? `${dataset}/${file}` : dataset} at ${side.side.label}`;
  if (side.workspace !== null) {
    const abs = file ? path.join(side.workspace, ...file.split('/')) : side.workspace;
    return existsSync(abs) ? { file: abs, label, hash: null } : null;
  }
  const node = await nodeAtPath(repo, side.node, file);
  if (!node || node.type !== 'file') return null;
  const store = storeOf(repo);
  const object = store.objectPath(node.hash);
  if (!store.has(node.hash)) {
    throw new LineageError(`${label}: object ${node.hash} is not in the local store`, object);
  }
  const { hash } = await hashFile(object);
  if (hash !== node.hash) {
    throw new LineageError(
      `object is corrupt: its content does not hash to ${node.hash}; run \`lineage fsck\``,
      object,
    );
  }
  return { file: object, label, hash: node.hash };
}

/** The node at `file` below `root`, reading stored trees on the way. */
async function nodeAtPath(
  repo: Repo,
  root: DiffNode | undefined,
  file: string,
): Promise<DiffNode | undefined> {
  const store = storeOf(repo);
  let node = root;
  for (const part of file ? file.split('/') : []) {
    if (node?.type !== 'dir') return undefined;
    if (node.children) {
      node = node.children.get(part);
      continue;
    }
    const entries = decodeTree(await store.readVerified(node.hash), store.objectPath(node.hash));
    const entry = entries.find((e) => e.name === part);
    node = entry ? nodeOf(entry) : undefined;
  }
  return node;
}

/** The key columns configured for a table (`keys:` in lineage.yaml, first matching glob), if any. */
export function configuredKeys(config: Config, repoPath: string): string[] | undefined {
  for (const [glob, keys] of Object.entries(config.keys)) {
    if (picomatch(glob, { dot: true })(repoPath)) return keys;
  }
  return undefined;
}
