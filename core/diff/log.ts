import { promises as fs } from 'node:fs';
import type { DatasetLog, DatasetVersion, VersionRun } from '../../protocol/diff';
import type { Repo } from '../repo';
import { fileHistory, openGitRepo, type GitRepo } from '../git/history';
import { POINTER_SUFFIX } from '../datasets/pointer';
import { RUN_ID_PATTERN, runFile } from '../runs/layout';
import { readRunJson, runHeaderSchema, type RunHeader } from '../runs/record';
import { pointerAt } from './sides';

export interface LogOptions {
  /** Start from this commit-ish instead of HEAD. */
  from?: string;
  limit?: number;
}

/**
 * Every version of a dataset through git history (newest first): the commits that changed its
 * pointer file, each with the version it pinned and the runs that used that version. Pointers are
 * read from git's object database, never checked out.
 */
export async function datasetLog(repo: Repo, dataset: string, options: LogOptions = {}): Promise<DatasetLog> {
  const git = await openGitRepo(repo.root);
  const commits = await fileHistory(git, dataset + POINTER_SUFFIX, options.from, options.limit);
  const runs = await runsByVersion(repo, git, dataset);
  const versions: DatasetVersion[] = [];
  for (const [i, c] of commits.entries()) {
    const pointer = await pointerAt(git, c.commit, dataset);
    const older = i + 1 < commits.length;
    const change = !pointer ? 'removed' : older ? 'modified' : 'added';
    versions.push({
      ...c,
      change,
      hash: pointer?.sha256 ?? null,
      size: pointer?.size ?? 0,
      files: pointer?.files ?? 0,
      runs: pointer ? (runs.get(pointer.sha256) ?? []) : [],
    });
  }
  // The oldest listed commit is an addition only when nothing older exists (not cut by `limit`).
  const last = versions.at(-1);
  if (last && last.change === 'added' && options.limit !== undefined && commits.length >= options.limit)
    last.change = 'modified';
  return { dataset, versions };
}

/**
 * Runs by the version (root hash) of `dataset` they used: the version recorded in their inputs, or
 * else the one pinned at their commit (read once per distinct commit).
 */
async function runsByVersion(repo: Repo, git: GitRepo, dataset: string): Promise<Map<string, VersionRun[]>> {
  const byVersion = new Map<string, VersionRun[]>();
  const add = (hash: string, run: RunHeader, link: VersionRun['link']): void => {
    const list = byVersion.get(hash) ?? [];
    list.push({ id: run.id, name: run.name, link, dirty: run.dirty });
    byVersion.set(hash, list);
  };
  const atCommit = new Map<string, Promise<string | null>>();
  for (const run of await readHeaders(repo)) {
    const input = run.inputs?.find((i) => i.path === dataset);
    if (input) add(input.sha256, run, 'input');
    else if (!run.inputs && run.commit) {
      const commit = run.commit;
      let hash = atCommit.get(commit);
      if (!hash) {
        hash = pointerAt(git, commit, dataset).then(
          (p) => p?.sha256 ?? null,
          () => null, // a commit that is gone (rebased away) links nothing
        );
        atCommit.set(commit, hash);
      }
      const found = await hash;
      if (found) add(found, run, 'commit');
    }
  }
  return byVersion;
}

async function readHeaders(repo: Repo): Promise<RunHeader[]> {
  let ids: string[];
  try {
    ids = (await fs.readdir(repo.runs))
      .filter((id) => RUN_ID_PATTERN.test(id))
      .sort()
      .reverse();
  } catch {
    return [];
  }
  const headers = await Promise.all(
    ids.map((id) =>
      readRunJson(runFile(repo, id, 'header'), runHeaderSchema, 'run header').catch(() => null),
    ),
  );
  return headers.filter((h): h is RunHeader => h !== null);
}
