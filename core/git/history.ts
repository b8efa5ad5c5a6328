import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import git from 'isomorphic-git';
import { LineageError } from '../errors';

const run = promisify(execFile);

/** A git repository as history reads see it: its top folder and the Lineage root's place in it. */
export interface GitRepo {
  /** The work tree's top folder. */
  top: string;
  /** The Lineage root relative to `top`, `/`-separated, '' or ending in `/`. */
  prefix: string;
}

/** One commit that changed a file. */
export interface FileCommit {
  commit: string;
  author: string;
  email: string;
  /** ISO 8601 author date. */
  date: string;
  subject: string;
}

/** The git CLI for what it does best (rev parsing, path-limited logs); errors name `root`. */
export async function gitText(root: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd: root, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new LineageError(`git ${args[0] ?? ''} failed: ${stderr || String(err)}`, root);
  }
}

export async function openGitRepo(root: string): Promise<GitRepo> {
  const out = await gitText(root, ['rev-parse', '--show-toplevel', '--show-prefix']).catch(() => {
    throw new LineageError('is not inside a git repository, so it has no history', root);
  });
  const [top = root, prefix = ''] = out.split('\n');
  return { top, prefix };
}

/** The full commit id `rev` names (commit, branch, tag, `HEAD~2`, short id…), or null if none. */
export async function resolveCommit(root: string, rev: string): Promise<string | null> {
  if (rev.startsWith('-')) return null;
  try {
    const out = await gitText(root, [
      'rev-parse',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${rev}^{commit}`,
    ]);
    return out.trim() || null;
  } catch {
    return null;
  }
}

/**
 * The bytes of `file` (relative to the Lineage root) at `commit`, read straight from git's object
 * database (isomorphic-git: no checkout, no subprocess); null when the file is not in that commit.
 */
export async function readFileAt(repo: GitRepo, commit: string, file: string): Promise<Buffer | null> {
  try {
    const { blob } = await git.readBlob({ fs, dir: repo.top, oid: commit, filepath: repo.prefix + file });
    return Buffer.from(blob);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'NotFoundError') return null;
    throw new LineageError(`cannot read ${file} at ${commit.slice(0, 10)}: ${String(err)}`, repo.top);
  }
}

/** Files whose path ends with `suffix` at `commit` (relative to the Lineage root). */
export async function listFilesAt(repo: GitRepo, commit: string, suffix: string): Promise<string[]> {
  const out = await gitText(repo.top, [
    '-c',
    'core.quotePath=off',
    'ls-tree',
    '-r',
    '-z',
    '--name-only',
    '--full-tree',
    commit,
    '--',
    repo.prefix || '.',
  ]);
  return out
    .split('\0')
    .filter((f) => f.endsWith(suffix) && f.startsWith(repo.prefix))
    .map((f) => f.slice(repo.prefix.length));
}

/**
 * Commits that changed `file` (relative to the Lineage root), newest first, following the history
 * of the current branch (or `from`). Renames are not followed: a pointer file's path is its identity.
 */
export async function fileHistory(
  repo: GitRepo,
  file: string,
  from = 'HEAD',
  limit = 1000,
): Promise<FileCommit[]> {
  const out = await gitText(repo.top, [
    'log',
    `--max-count=${limit}`,
    '--format=%H%x00%an%x00%ae%x00%aI%x00%s%x00',
    '--no-renames',
    '--end-of-options',
    from,
    '--',
    path.posix.join(repo.prefix, file),
  ]);
  const fields = out.split('\0');
  const commits: FileCommit[] = [];
  for (let i = 0; i + 4 < fields.length; i += 5) {
    const [commit, author, email, date, subject] = fields.slice(i, i + 5).map((f) => f.replace(/^\n/, ''));
    if (commit)
      commits.push({
        commit,
        author: author ?? '',
        email: email ?? '',
        date: date ?? '',
        subject: subject ?? '',
      });
  }
  return commits;
}

/** Local branches and tags, each with the commit it points to. */
export async function listRefs(
  root: string,
): Promise<{ name: string; kind: 'branch' | 'tag'; commit: string }[]> {
  const out = await gitText(root, [
    'for-each-ref',
    '--sort=-creatordate',
    '--format=%(refname)%00%(objectname)%00%(*objectname)',
    'refs/heads',
    'refs/tags',
  ]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref = '', oid = '', peeled = ''] = line.split('\0');
      const kind = ref.startsWith('refs/tags/') ? ('tag' as const) : ('branch' as const);
      return { name: ref.replace(/^refs\/(heads|tags)\//, ''), kind, commit: peeled || oid };
    });
}
