import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gitState, type GitState } from '../git/info';
import type { Repo } from '../repo';
import type { ObjectStore } from '../store/objects';

const run = promisify(execFile);

/** Untracked files larger than this are left out of a run's patch (and named in its header). */
export const PATCH_FILE_LIMIT = 8 * 1024 * 1024;

export interface CodeSnapshot extends GitState {
  /** The store object holding the patch of uncommitted changes, or null when there are none. */
  patch: string | null;
  /** Untracked files too big for the patch. */
  patchOmitted: string[];
}

/**
 * The code a run starts from: commit, branch, and every uncommitted change (staged, unstaged and
 * untracked files that git does not ignore) as one `git diff --binary HEAD` patch stored as an
 * object. Untracked files enter the diff through a copy of the index with intent-to-add entries, so
 * neither the user's index nor git's object database is touched.
 */
export async function snapshotCode(repo: Repo, objects: ObjectStore, dir = repo.root): Promise<CodeSnapshot> {
  const state = await gitState(dir);
  if (!state.commit) return { ...state, patch: null, patchOmitted: [] };
  const top = (await git(dir, ['rev-parse', '--show-toplevel'])).toString().trim();
  const indexFile = (await git(dir, ['rev-parse', '--git-path', 'index'])).toString().trim();
  const tmpIndex = path.join(repo.tmp, `patch-index-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(repo.tmp, { recursive: true });
  try {
    const env = { ...process.env, GIT_INDEX_FILE: tmpIndex, GIT_OPTIONAL_LOCKS: '0' };
    // A copy of the index keeps its stat data (git need not re-read unchanged files); without one,
    // start from HEAD. The copy keeps the index's times too: git re-reads a file whose mtime is not
    // older than the index ("racily clean", e.g. edited in the second of the last commit), and a
    // fresh mtime on the copy would make it trust that file's stale stat data and miss the edit.
    const original = path.resolve(dir, indexFile);
    try {
      await fs.copyFile(original, tmpIndex);
      const st = await fs.stat(original);
      await fs.utimes(tmpIndex, st.atime, st.mtime);
    } catch {
      await git(top, ['read-tree', 'HEAD'], env);
    }
    const untracked = (await git(top, ['ls-files', '-z', '--others', '--exclude-standard'], env))
      .toString()
      .split('\0')
      // Lineage's own folder never belongs to the code (its lock exists while a run starts).
      .filter((file) => file !== '' && !path.join(top, file).startsWith(repo.dir + path.sep));
    const omitted: string[] = [];
    const included: string[] = [];
    for (const file of untracked) {
      const st = await fs.lstat(path.join(top, file)).catch(() => null);
      if (st && st.size > PATCH_FILE_LIMIT) omitted.push(file);
      else if (st) included.push(file);
    }
    if (included.length > 0) {
      await git(
        top,
        ['add', '--intent-to-add', '--pathspec-from-file=-', '--pathspec-file-nul'],
        env,
        included.join('\0'),
      );
    }
    // Plain diff settings whatever the user's git config says, so the patch always applies.
    const settings = [
      'core.quotePath=off',
      'diff.noprefix=false',
      'diff.mnemonicPrefix=false',
      'diff.relative=false',
    ];
    const patch = await git(
      top,
      [
        ...settings.flatMap((c) => ['-c', c]),
        'diff',
        '--binary',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        'HEAD',
      ],
      env,
    );
    const hash = patch.length > 0 ? await objects.putBytes(patch) : null;
    return { ...state, patch: hash, patchOmitted: omitted };
  } finally {
    await fs.rm(tmpIndex, { force: true });
  }
}

async function git(cwd: string, args: string[], env = process.env, input?: string): Promise<Buffer> {
  const child = run('git', args, { cwd, env, encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout;
}
