import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { DiffSide } from '../../protocol/diff';
import { readConfig } from '../config';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import { storeOf } from '../datasets/add';
import { parsePointer, POINTER_SUFFIX, type Pointer } from '../datasets/pointer';
import { exists, scan, type ScanNode } from '../datasets/scan';
import { StatCache } from '../datasets/statCache';
import { pointerNode } from '../datasets/status';
import { TreeMemo } from '../datasets/treeMemo';
import type { DiffNode } from '../datasets/treeDiff';
import { openGitRepo, readFileAt, resolveCommit, type GitRepo } from '../git/history';
import { findRun } from '../runs/find';
import type { RunHeader } from '../runs/record';
import { shortRunId } from '../util/format';

/** What one side of a diff names, before it is read for a given dataset. */
export type Revision =
  | { kind: 'workspace' }
  | { kind: 'commit'; rev: string; commit: string }
  | { kind: 'run'; rev: string; run: RunHeader };

/** One side of a dataset diff: the description, the root node, and where file bytes come from. */
export interface Side {
  side: DiffSide;
  node: DiffNode | undefined;
  /** The workspace side reads files from disk under this folder (or file); commits read objects. */
  workspace: string | null;
}

export const WORKSPACE = 'workspace';

/**
 * Resolve what the user typed: `workspace`, a run (id, unique id prefix or suffix of 6+ characters,
 * or unique name), or anything git can name as a commit (commit, branch, tag, `HEAD~2`, short id).
 * A run stands for the dataset versions it recorded as inputs, or else those at its commit.
 */
export async function resolveRevision(repo: Repo, rev: string): Promise<Revision> {
  if (rev === WORKSPACE || rev === '') return { kind: 'workspace' };
  const run = await findRun(repo, rev);
  if (run) return { kind: 'run', rev, run };
  const commit = await resolveCommit(repo.root, rev);
  if (commit) return { kind: 'commit', rev, commit };
  throw new LineageError(`'${rev}' is not a commit, branch, tag or run here`);
}

export interface ReadSideOptions {
  /**
   * Scan the workspace side (default). Without the scan its `node` is absent and its totals are
   * zero: enough to read single files from it (table diffs, file sides), at no cost.
   */
  scanWorkspace?: boolean;
}

/** Read `dataset` (its data path, repo-relative) on one side. */
export async function readSide(
  repo: Repo,
  dataset: string,
  revision: Revision,
  git: () => Promise<GitRepo>,
  { scanWorkspace = true }: ReadSideOptions = {},
): Promise<Side> {
  switch (revision.kind) {
    case 'workspace':
      return workspaceSide(repo, dataset, scanWorkspace);
    case 'commit': {
      const pointer = await pointerAt(await git(), revision.commit, dataset);
      return commitSide(
        revision.rev,
        `${revision.rev}${shortSuffix(revision.rev, revision.commit)}`,
        revision.commit,
        pointer,
      );
    }
    case 'run': {
      const { run, rev } = revision;
      const label = `run ${run.name} (${shortRunId(run.id)})`;
      const input = run.inputs?.find((i) => i.path === dataset);
      if (input) {
        const { type, sha256, size, files } = input;
        const pointer: Pointer = { schema: 1, path: path.posix.basename(dataset), type, sha256, size, files };
        return commitSide(rev, label, run.commit, pointer);
      }
      if (!run.commit) throw new LineageError(`run ${run.id} recorded neither its inputs nor a git commit`);
      const pointer = await pointerAt(await git(), run.commit, dataset);
      const note = run.dirty ? ', at its commit; its workspace had uncommitted changes' : ', at its commit';
      return commitSide(rev, `${label}${note}`, run.commit, pointer);
    }
  }
}

function shortSuffix(rev: string, commit: string): string {
  return commit.startsWith(rev) ? '' : ` (${commit.slice(0, 7)})`;
}

function commitSide(rev: string, label: string, commit: string | null, pointer: Pointer | null): Side {
  return {
    side: {
      rev,
      label,
      commit,
      hash: pointer?.sha256 ?? null,
      size: pointer?.size ?? 0,
      files: pointer?.files ?? 0,
    },
    node: pointer ? pointerNode(pointer) : undefined,
    workspace: null,
  };
}

/** The pointer of `dataset` at `commit`, or null when the commit has none. */
export async function pointerAt(git: GitRepo, commit: string, dataset: string): Promise<Pointer | null> {
  const file = dataset + POINTER_SUFFIX;
  const bytes = await readFileAt(git, commit, file);
  if (!bytes) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new LineageError(`malformed pointer file at ${commit.slice(0, 10)}: not valid UTF-8`, file);
  }
  return parsePointer(text, file, `${file} at ${commit.slice(0, 10)}`);
}

async function workspaceSide(repo: Repo, dataset: string, scanIt: boolean): Promise<Side> {
  const abs = path.join(repo.root, dataset);
  let root: ScanNode | undefined;
  if (scanIt && (await exists(abs))) {
    const config = await readConfig(repo);
    const [cache, memo] = await Promise.all([StatCache.load(repo), TreeMemo.load(repo)]);
    root = (
      await scan(abs, { repo, cache, symlinks: config.symlinks, memo: { memo, objects: storeOf(repo) } })
    ).root;
    await Promise.all([cache.save(), memo.save()]);
  }
  const files = !root ? 0 : root.type === 'dir' ? root.files : 1;
  const side: DiffSide = {
    rev: WORKSPACE,
    label: WORKSPACE,
    commit: null,
    hash: root && root.type !== 'symlink' ? root.hash : null,
    size: root && root.type !== 'symlink' ? root.size : 0,
    files,
  };
  return { side, node: root, workspace: existsSync(abs) ? abs : null };
}

/** Lazily opened git repository (the workspace-only diff never needs it). */
export function lazyGit(repo: Repo): () => Promise<GitRepo> {
  let opened: Promise<GitRepo> | undefined;
  return () => (opened ??= openGitRepo(repo.root));
}
