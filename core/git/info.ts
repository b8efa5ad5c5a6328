import { simpleGit } from 'simple-git';

export interface GitState {
  commit: string | null;
  branch: string | null;
  /** Tracked files differ from HEAD (untracked files do not count). */
  dirty: boolean;
}

/** Commit, branch and dirtiness of the work tree at `dir`; all null/false outside a git repository. */
export async function gitState(dir: string): Promise<GitState> {
  const git = simpleGit({ baseDir: dir });
  if (!(await git.checkIsRepo().catch(() => false))) return { commit: null, branch: null, dirty: false };
  const commit = await git.revparse(['--verify', '--quiet', 'HEAD']).catch(() => '');
  const branch = await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '');
  // --no-optional-locks: a status must not rewrite the user's index while they work.
  const status = await git.raw(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no']);
  return {
    commit: commit.trim() || null,
    branch: branch.trim() || null,
    dirty: status.trim().length > 0,
  };
}

/** True when `dir` is inside a git work tree. */
export async function isGitRepo(dir: string): Promise<boolean> {
  return simpleGit({ baseDir: dir })
    .checkIsRepo()
    .catch(() => false);
}

/**
 * Files under `dir` matching a pathspec, tracked or untracked, skipping git-ignored ones
 * (so data folders that Lineage made git ignore are never walked). Paths relative to `dir`.
 */
export async function gitListFiles(dir: string, pathspec: string): Promise<string[]> {
  const out = await simpleGit({ baseDir: dir }).raw([
    '-c',
    'core.quotePath=off',
    'ls-files',
    '-z',
    '--cached',
    '--others',
    '--exclude-standard',
    '--deduplicate',
    '--',
    pathspec,
  ]);
  return out.split('\0').filter((f) => f.length > 0);
}
