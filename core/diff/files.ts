import type { DatasetDiff, FileDiffEntry } from '../../protocol/diff';
import type { Repo } from '../repo';
import { storeOf } from '../datasets/add';
import { compareNames } from '../datasets/tree';
import { diffTrees, type FileChange } from '../datasets/treeDiff';
import type { Side } from './sides';

/**
 * File-level diff of one dataset between two sides. Only subtrees whose hashes differ are read, so
 * the cost follows the size of the change. A file removed at one path and added with the same
 * content at another is reported once, as renamed. Stored trees that are missing locally are listed
 * in `missing` (their subtrees cannot be compared) instead of failing the whole diff.
 */
export async function diffDataset(repo: Repo, dataset: string, a: Side, b: Side): Promise<DatasetDiff> {
  const store = storeOf(repo);
  const missing: DatasetDiff['missing'] = [];
  const raw: FileChange[] = [];
  const onMissing = (hash: string, at: string): void => {
    missing.push({ hash, path: at });
  };
  // A single-file dataset's pointer records no exec bit: compare its content only.
  const before =
    a.node?.type === 'file' && b.node?.type === 'file' ? { ...a.node, exec: b.node.exec } : a.node;
  for await (const change of diffTrees(store, before, b.node, '', { onMissing })) raw.push(change);
  const changes = pairRenames(raw);
  const counts = { added: 0, removed: 0, modified: 0, renamed: 0, bytesDelta: 0 };
  for (const c of changes) {
    counts[c.change] += 1;
    if (c.change === 'added') counts.bytesDelta += c.size;
    else if (c.change === 'removed') counts.bytesDelta -= c.size;
    else if (c.change === 'modified') counts.bytesDelta += c.size - (c.oldSize ?? 0);
  }
  return { dataset, a: a.side, b: b.side, counts, changes, missing };
}

/** Pair removed and added files with equal content hashes into renames (in path order). */
function pairRenames(raw: FileChange[]): FileDiffEntry[] {
  const added = new Map<string, FileChange[]>();
  for (const c of raw) {
    if (c.change === 'added' && c.type === 'file' && c.hash) {
      const list = added.get(c.hash) ?? [];
      list.push(c);
      added.set(c.hash, list);
    }
  }
  const renamedFrom = new Map<FileChange, string>();
  const consumed = new Set<FileChange>();
  for (const c of raw) {
    if (c.change !== 'removed' || c.type !== 'file' || !c.oldHash) continue;
    const target = added.get(c.oldHash)?.shift();
    if (!target) continue;
    renamedFrom.set(target, c.path);
    consumed.add(c);
  }
  const out: FileDiffEntry[] = [];
  for (const c of raw) {
    if (consumed.has(c)) continue;
    const from = renamedFrom.get(c);
    if (from !== undefined) {
      out.push({
        path: c.path,
        change: 'renamed',
        type: 'file',
        size: c.size,
        from,
        oldHash: c.hash,
        newHash: c.hash,
      });
      continue;
    }
    out.push({
      path: c.path,
      change: c.change,
      type: c.type,
      size: c.size,
      ...(c.oldSize !== undefined ? { oldSize: c.oldSize } : {}),
      ...(c.oldHash ? { oldHash: c.oldHash } : {}),
      ...(c.hash ? { newHash: c.hash } : {}),
    });
  }
  return out.sort((x, y) => compareNames(x.path, y.path));
}
