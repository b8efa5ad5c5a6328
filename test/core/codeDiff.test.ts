import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { storeOf } from '../../core/datasets/add';
import { initRepo } from '../../core/init';
import { repoAt, type Repo } from '../../core/repo';
import { diffRunCode, readRunCodeFile, runCodeSide, runPatchInfo } from '../../core/runs/codeDiff';
import { recordRun } from '../../core/runs/execute';
import { runFile } from '../../core/runs/layout';
import { PATCH_FILE_LIMIT } from '../../core/runs/snapshot';
import { git, tempDir, tempGitRepo } from '../helpers/tmp';

const quiet = () => ({ stdout: new PassThrough(), stderr: new PassThrough() });

async function record(repo: Repo, name: string): Promise<string> {
  const outcome = await recordRun(repo, { command: ['true'], cwd: repo.root }, { ...quiet(), name });
  return outcome.id;
}

/** Every file under `dir` with its size and content hash: what "untouched" means. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha1').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

// Edits here change the file's size: an edit of the same size within the second of the last commit
// is missed by the recorder's patch (core/runs/snapshot.ts copies the index, and the copy's newer
// mtime hides git's racy-entry check), which would make these tests depend on the clock.
async function gitRepoWithTwoRuns(): Promise<{ repo: Repo; a: string; b: string }> {
  const root = tempGitRepo();
  await initRepo(root);
  const repo = repoAt(root);
  writeFileSync(path.join(root, 'train.py'), 'lr = 0.1\nprint(lr)\n');
  writeFileSync(path.join(root, 'util.py'), 'def f():\n    return 1\n');
  writeFileSync(path.join(root, 'old_name.py'), 'x = 1\n'.repeat(20));
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'v1');
  const a = await record(repo, 'first');

  // New commit, then uncommitted edits: a tracked change, an untracked file, a rename, a deletion.
  writeFileSync(path.join(root, 'train.py'), 'lr = 0.01\nprint(lr)\n');
  git(root, 'commit', '-q', '-am', 'v2');
  writeFileSync(path.join(root, 'util.py'), 'def f():\n    return 20\n');
  writeFileSync(path.join(root, 'new.py'), 'print("new")\n');
  git(root, 'mv', 'old_name.py', 'new_name.py');
  const b = await record(repo, 'second');
  return { repo, a, b };
}

describe('run code diff', () => {
  it("lists the files changed between two runs' code (commit + patch) and reads both versions", async () => {
    const { repo, a, b } = await gitRepoWithTwoRuns();
    const root = repo.root;
    const gitDir = path.join(root, '.git');
    const before = {
      objects: snapshot(path.join(gitDir, 'objects')),
      index: readFileSync(path.join(gitDir, 'index')),
    };
    const status = git(root, 'status', '--porcelain');

    const diff = await diffRunCode(repo, a, b);
    expect(diff.a).toMatchObject({ id: a, name: 'first', notes: [] });
    expect(diff.b.label).toMatch(/^run second \(.{8}\)$/);
    expect(diff.files.sort((x, y) => (x.path < y.path ? -1 : 1))).toEqual([
      { status: 'A', path: 'new.py' },
      { status: 'R', path: 'new_name.py', oldPath: 'old_name.py' },
      { status: 'M', path: 'train.py' },
      { status: 'M', path: 'util.py' },
    ]);
    expect(await readRunCodeFile(repo, diff.a.tree, 'train.py')).toEqual({ text: 'lr = 0.1\nprint(lr)\n' });
    expect(await readRunCodeFile(repo, diff.b.tree, 'train.py')).toEqual({ text: 'lr = 0.01\nprint(lr)\n' });
    expect(await readRunCodeFile(repo, diff.b.tree, 'util.py')).toEqual({
      text: 'def f():\n    return 20\n',
    });
    expect(await readRunCodeFile(repo, diff.b.tree, 'new.py')).toEqual({ text: 'print("new")\n' });
    expect(await readRunCodeFile(repo, diff.a.tree, 'new.py')).toEqual({
      text: null,
      note: 'new.py is absent here',
    });

    // The user's index, object database and work tree are exactly as they were.
    expect(snapshot(path.join(gitDir, 'objects'))).toEqual(before.objects);
    expect(readFileSync(path.join(gitDir, 'index')).equals(before.index)).toBe(true);
    expect(git(root, 'status', '--porcelain')).toBe(status);
    // The patched tree's objects live in the private object directory under .lineage/.
    const own = path.join(repo.dir, 'state', 'code-trees', 'objects');
    expect(Object.keys(snapshot(own)).length).toBeGreaterThan(0);
    expect(() => git(root, 'cat-file', '-e', diff.b.tree)).toThrow();

    // Memoised by (commit, patch): the same tree again, and one memo file naming it (for other processes).
    const again = await runCodeSide(repo, b);
    expect(again.tree).toBe(diff.b.tree);
    const memo = readdirSync(path.join(repo.dir, 'state', 'code-trees', 'memo'));
    expect(memo).toHaveLength(1);
    expect(readFileSync(path.join(repo.dir, 'state', 'code-trees', 'memo', memo[0] as string), 'utf8')).toBe(
      diff.b.tree,
    );

    // What each patch holds: none for the clean run; three files (an edit, a new file, a rename).
    expect(await runPatchInfo(repo, a)).toEqual({
      id: a,
      patch: null,
      missing: false,
      files: 0,
      added: 0,
      removed: 0,
      omitted: [],
    });
    expect(await runPatchInfo(repo, b)).toMatchObject({
      id: b,
      missing: false,
      files: 3,
      added: 2,
      removed: 1,
    });

    // Reversed, the changes read the other way.
    const reversed = await diffRunCode(repo, b, a);
    expect(reversed.files.find((f) => f.path === 'new.py')?.status).toBe('D');
    expect(reversed.files.find((f) => f.path === 'old_name.py')).toEqual({
      status: 'R',
      path: 'old_name.py',
      oldPath: 'new_name.py',
    });
  });

  it('reports identical code as no changed files', async () => {
    const root = tempGitRepo();
    await initRepo(root);
    const repo = repoAt(root);
    writeFileSync(path.join(root, 'train.py'), 'print(1)\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'v1');
    writeFileSync(path.join(root, 'train.py'), 'print(22)\n');
    const a = await record(repo, 'a');
    const b = await record(repo, 'b');
    const diff = await diffRunCode(repo, a, b);
    expect(diff.files).toEqual([]);
    expect(diff.a.tree).toBe(diff.b.tree);
    expect(await readRunCodeFile(repo, diff.a.tree, 'train.py')).toEqual({ text: 'print(22)\n' });
  });

  it('names a run without a commit, a missing patch object, an omitted file and bad input', async () => {
    // Not a git repository: the run has no commit.
    const plain = tempDir();
    await initRepo(plain);
    const plainRepo = repoAt(plain);
    const noCommit = await record(plainRepo, 'nogit');
    await expect(runCodeSide(plainRepo, noCommit)).rejects.toThrow(
      /^run nogit \(.{8}\) has no git commit: it was not recorded in a git repository$/,
    );
    await expect(runCodeSide(plainRepo, 'nosuchrun')).rejects.toThrow(
      "no run 'nosuchrun' in this repository",
    );

    const root = tempGitRepo();
    await initRepo(root);
    const repo = repoAt(root);
    writeFileSync(path.join(root, 'train.py'), 'print(1)\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'v1');
    writeFileSync(path.join(root, 'train.py'), 'print(333)\n');
    writeFileSync(path.join(root, 'big.bin'), Buffer.alloc(PATCH_FILE_LIMIT + 1));
    const omitted = await record(repo, 'omitted');
    const side = await runCodeSide(repo, omitted);
    expect(side.notes).toEqual([
      expect.stringMatching(
        /^run omitted \(.{8}\): untracked files too large for its patch are left out \(big\.bin\)$/,
      ),
    ]);
    expect(await readRunCodeFile(repo, side.tree, 'train.py')).toEqual({ text: 'print(333)\n' });
    expect((await readRunCodeFile(repo, side.tree, 'big.bin')).text).toBeNull();

    // The patch object deleted from the store.
    rmSync(path.join(root, 'big.bin'));
    writeFileSync(path.join(root, 'train.py'), 'print(4444)\n');
    const lost = await record(repo, 'lost');
    const header = JSON.parse(readFileSync(runFile(repo, lost, 'header'), 'utf8')) as { patch: string };
    const object = storeOf(repo).objectPath(header.patch);
    expect(statSync(object).isFile()).toBe(true);
    rmSync(object, { force: true });
    await expect(runCodeSide(repo, lost)).rejects.toThrow(
      /run lost \(.{8}\): its patch of uncommitted changes \(object [0-9a-f]{12}\) is missing from the store$/,
    );
    await expect(diffRunCode(repo, omitted, lost)).rejects.toThrow(/is missing from the store/);
    expect(await runPatchInfo(repo, lost)).toMatchObject({ patch: header.patch, missing: true });
    expect(await runPatchInfo(repo, omitted)).toMatchObject({
      missing: false,
      files: 1,
      omitted: ['big.bin'],
    });
    await expect(runPatchInfo(repo, '../x')).rejects.toThrow('not a run id: ../x');

    await expect(readRunCodeFile(repo, 'nothex', 'a.py')).rejects.toThrow("not a git tree id: 'nothex'");
    await expect(readRunCodeFile(repo, side.tree, '../etc/passwd')).rejects.toThrow(
      "not a path inside the repository: '../etc/passwd'",
    );
    expect(existsSync(path.join(repo.tmp))).toBe(true);
    expect(readdirSync(repo.tmp).filter((f) => f.startsWith('code-'))).toEqual([]);
  });
});
