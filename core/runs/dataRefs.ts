import * as path from 'node:path';
import { readConfig, type Config } from '../config';
import { storeOf, storePath } from '../datasets/add';
import { findPointerFiles } from '../datasets/find';
import { POINTER_SUFFIX, readPointer } from '../datasets/pointer';
import { exists, scan } from '../datasets/scan';
import { StatCache } from '../datasets/statCache';
import { TreeMemo } from '../datasets/treeMemo';
import { errorMessage, LineageError } from '../errors';
import { LINEAGE_DIR, repoRelative, type Repo } from '../repo';
import type { DatasetRef, OutputRef } from './record';

/**
 * The dataset versions a run starts with: each tracked dataset (or those the experiment names), as
 * its pointer file pins it. A dataset that differs in the workspace is recorded as it really is: the
 * workspace version is stored (so a diff or a reproduction can read it) and marked `modified`.
 * `warn` hears about such datasets and about missing ones. The caller holds the repository lock.
 */
export async function recordInputs(
  repo: Repo,
  only: string[] | undefined,
  warn: (message: string) => void,
): Promise<DatasetRef[]> {
  const pointerFiles = only
    ? only.map((p) => repoRelative(repo, path.resolve(repo.root, p.replace(/\/+$/, ''))) + POINTER_SUFFIX)
    : await findPointerFiles(repo);
  if (pointerFiles.length === 0) return [];
  const config = await readConfig(repo);
  const [cache, memo] = await Promise.all([StatCache.load(repo), TreeMemo.load(repo)]);
  const inputs: DatasetRef[] = [];
  try {
    for (const pointerFile of pointerFiles) {
      const dataPath = pointerFile.slice(0, -POINTER_SUFFIX.length);
      const pointer = await readPointer(path.join(repo.root, pointerFile)).catch((err: unknown) => {
        throw new LineageError(`input ${dataPath}: ${errorMessage(err)}`, path.join(repo.root, pointerFile));
      });
      const pinned: DatasetRef = {
        path: dataPath,
        type: pointer.type,
        sha256: pointer.sha256,
        size: pointer.size,
        files: pointer.files,
      };
      const abs = path.join(repo.root, dataPath);
      if (!(await exists(abs))) {
        warn(
          `${dataPath} is missing in the workspace (\`lineage checkout\` restores it); recording the version its pointer pins`,
        );
        inputs.push(pinned);
        continue;
      }
      const { root } = await scan(abs, {
        repo,
        cache,
        symlinks: config.symlinks,
        memo: { memo, objects: storeOf(repo) },
      });
      if (root.type !== 'symlink' && root.hash === pointer.sha256) {
        inputs.push(pinned);
        continue;
      }
      warn(
        `${dataPath} differs from ${pointerFile}; the run records the workspace version (stored now). \`lineage add ${dataPath}\` pins it for git`,
      );
      const stored = await storeData(repo, config, { cache, memo }, abs);
      inputs.push({ ...refOf(dataPath, stored), modified: true });
    }
  } finally {
    await Promise.all([cache.save(), memo.save()]);
  }
  return inputs;
}

/**
 * Store what a run produced: the experiment's declared outputs and the files it logged as artifacts
 * or images (paths relative to `cwd`, which must stay inside the repository). Files are copied into
 * the store, so they stay writable for the next run. Returns what was stored and what could not be.
 * The caller holds the repository lock (and writes the run's status before releasing it, so gc never
 * sees the objects unreferenced).
 */
export async function storeOutputs(
  repo: Repo,
  cwd: string,
  wanted: { kind: OutputRef['kind']; path: string; name?: string }[],
): Promise<{ outputs: OutputRef[]; problems: string[] }> {
  const outputs: OutputRef[] = [];
  const problems: string[] = [];
  if (wanted.length === 0) return { outputs, problems };
  const config = await readConfig(repo);
  {
    const [cache, memo] = await Promise.all([StatCache.load(repo), TreeMemo.load(repo)]);
    const seen = new Set<string>();
    try {
      for (const item of wanted) {
        const abs = path.resolve(cwd, item.path);
        let rel: string;
        try {
          rel = repoRelative(repo, abs);
        } catch {
          problems.push(`${item.path}: outside the repository, not stored`);
          continue;
        }
        if (rel === '' || rel.split('/')[0] === LINEAGE_DIR) {
          problems.push(`${item.path}: not a file or folder a run can output`);
          continue;
        }
        if (seen.has(`${item.kind}:${rel}`)) continue;
        seen.add(`${item.kind}:${rel}`);
        if (!(await exists(abs))) {
          problems.push(`${rel}: not found after the run`);
          continue;
        }
        try {
          const stored = await storeData(
            repo,
            { ...config, link: ['reflink', 'copy'] },
            { cache, memo },
            abs,
          );
          outputs.push({
            kind: item.kind,
            ...(item.name !== undefined && { name: item.name }),
            ...refOf(rel, stored),
          });
        } catch (err) {
          problems.push(`${rel}: ${errorMessage(err)}`);
        }
      }
    } finally {
      await Promise.all([cache.save(), memo.save()]);
    }
  }
  return { outputs, problems };
}

type Stored = Awaited<ReturnType<typeof storePath>>['root'];

async function storeData(
  repo: Repo,
  config: Config,
  caches: { cache: StatCache; memo: TreeMemo },
  abs: string,
): Promise<Stored> {
  const { root } = await storePath(repo, caches, abs, { link: config.link, symlinks: config.symlinks });
  return root;
}

function refOf(rel: string, root: Stored): DatasetRef {
  return {
    path: rel,
    type: root.type,
    sha256: root.hash,
    size: root.size,
    files: root.type === 'file' ? 1 : root.files,
  };
}
