import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPath, storeOf } from '../../core/datasets/add';
import { decodeTree } from '../../core/datasets/tree';
import { diffDatasets } from '../../core/diff/datasets';
import { datasetLog } from '../../core/diff/log';
import { initRepo } from '../../core/init';
import { repoAt, type Repo } from '../../core/repo';
import { newRunId, runDir, runFile } from '../../core/runs/layout';
import { writeRunJson, type RunHeader } from '../../core/runs/record';
import { lineage } from '../helpers/cli';
import { git, tempGitRepo } from '../helpers/tmp';

/**
 * A real history: v1 (34 files, an empty folder), v2 (an edit, a move, an addition, a deletion,
 * one file in a deep folder changed), tagged, then a branch where the pointer is removed.
 */
async function history(): Promise<{ repo: Repo; data: string; commits: string[] }> {
  const root = tempGitRepo();
  await initRepo(root);
  const repo = repoAt(root);
  const data = path.join(root, 'data');
  mkdirSync(path.join(data, 'deep', 'er'), { recursive: true });
  mkdirSync(path.join(data, 'empty'));
  writeFileSync(path.join(data, 'a.csv'), 'id,x\n1,2\n');
  writeFileSync(path.join(data, 'b.csv'), 'id,y\n1,3\n');
  writeFileSync(path.join(data, 'c.txt'), 'gone soon\n');
  writeFileSync(path.join(data, 'deep', 'er', 'd.bin'), 'deep v1');
  for (let i = 0; i < 30; i++) writeFileSync(path.join(data, 'deep', `same${i}.txt`), `same ${i}`);
  await addPath(repo, data);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'data v1');
  const v1 = git(root, 'rev-parse', 'HEAD');
  writeFileSync(path.join(data, 'a.csv'), 'id,x\n1,2\n2,4\n');
  renameSync(path.join(data, 'b.csv'), path.join(data, 'renamed.csv'));
  rmSync(path.join(data, 'c.txt'));
  writeFileSync(path.join(data, 'new.txt'), 'new\n');
  writeFileSync(path.join(data, 'deep', 'er', 'd.bin'), 'deep v2!');
  await addPath(repo, data);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'data v2');
  git(root, 'tag', 'v2');
  const v2 = git(root, 'rev-parse', 'HEAD');
  return { repo, data, commits: [v1, v2] };
}

function writeRun(repo: Repo, fields: Partial<RunHeader>): RunHeader {
  const id = newRunId();
  mkdirSync(runDir(repo, id), { recursive: true });
  const header: RunHeader = {
    schema: 1,
    id,
    name: `run-${id.slice(-4)}`,
    command: ['python3', 'train.py'],
    cwd: '',
    commit: null,
    branch: 'main',
    dirty: false,
    startedAt: new Date().toISOString(),
    host: 'test',
    pid: 1,
    ...fields,
  };
  return header;
}

const summary = (changes: { change: string; path: string; from?: string }[]): string[] =>
  changes.map((c) => `${c.change} ${c.from ? `${c.from} -> ` : ''}${c.path}`);

describe('dataset diff between revisions', () => {
  it('lists added, removed, modified and renamed files with sizes, between commits, tags and the workspace', async () => {
    const { repo, data, commits } = await history();
    const [diff] = await diffDatasets(repo, commits[0]!.slice(0, 8), 'v2');
    expect(diff?.a).toMatchObject({ commit: commits[0], files: 34 });
    expect(diff?.b).toMatchObject({
      rev: 'v2',
      commit: commits[1],
      label: `v2 (${commits[1]!.slice(0, 7)})`,
    });
    expect(summary(diff?.changes ?? [])).toEqual([
      'modified a.csv',
      'removed c.txt',
      'modified deep/er/d.bin',
      'added new.txt',
      'renamed b.csv -> renamed.csv',
    ]);
    expect(diff?.changes[0]).toMatchObject({ size: 13, oldSize: 9 });
    expect(diff?.counts).toEqual({
      added: 1,
      removed: 1,
      modified: 2,
      renamed: 1,
      bytesDelta: 4 - 10 + 4 + 1,
    });
    // Default: HEAD against the workspace.
    writeFileSync(path.join(data, 'new.txt'), 'edited in the workspace\n');
    rmSync(path.join(data, 'empty'), { recursive: true });
    const [work] = await diffDatasets(repo, 'HEAD', 'workspace');
    expect(work?.b).toMatchObject({ rev: 'workspace', commit: null });
    expect(summary(work?.changes ?? [])).toEqual(['removed empty', 'modified new.txt']);
    // Unchanged datasets are left out unless named.
    expect(await diffDatasets(repo, 'v2', 'HEAD')).toEqual([]);
    expect(await diffDatasets(repo, 'v2', 'HEAD', ['data'])).toMatchObject([{ changes: [] }]);
  });

  it('reads only the subtrees that differ, and names stored trees that are missing', async () => {
    const { repo, commits } = await history();
    const store = storeOf(repo);
    // The `deep/` folder changed only inside `deep/er/`; the 30 unchanged files live beside it.
    // Deleting every tree object that is not on the path to a change must not matter.
    const [diff] = await diffDatasets(repo, commits[0]!, commits[1]!);
    const v1Root = decodeTree(await store.readVerified(diff!.a.hash!), 'root');
    const v1Deep = v1Root.find((e) => e.name === 'deep');
    const v1Empty = v1Root.find((e) => e.name === 'empty');
    expect(v1Deep?.type).toBe('dir');
    await store.remove((v1Empty as { hash: string }).hash); // unchanged between v1 and v2: never read
    const again = await diffDatasets(repo, commits[0]!, commits[1]!);
    expect(again[0]?.changes).toEqual(diff?.changes);
    expect(again[0]?.missing).toEqual([]);
    // A tree on the path of a change that is gone is named, and the rest is still listed.
    await store.remove((v1Deep as { hash: string }).hash);
    const [partial] = await diffDatasets(repo, commits[0]!, commits[1]!);
    expect(partial?.missing).toEqual([{ hash: (v1Deep as { hash: string }).hash, path: 'deep' }]);
    expect(summary(partial?.changes ?? [])).toEqual([
      'modified a.csv',
      'removed c.txt',
      'added new.txt',
      'renamed b.csv -> renamed.csv',
    ]);
  });

  it('lets a run stand for the dataset versions it used: recorded inputs, else its commit', async () => {
    const { repo, commits } = await history();
    const [v1diff] = await diffDatasets(repo, commits[0]!, commits[1]!);
    const atV1 = writeRun(repo, { name: 'baseline', commit: commits[0]!, dirty: true });
    await writeRunJson(runFile(repo, atV1.id, 'header'), atV1);
    const withInputs = writeRun(repo, {
      name: 'tuned',
      commit: commits[0]!,
      inputs: [
        { path: 'data', type: 'dir', sha256: v1diff!.b.hash!, size: v1diff!.b.size, files: v1diff!.b.files },
      ],
    });
    await writeRunJson(runFile(repo, withInputs.id, 'header'), withInputs);
    const [byRuns] = await diffDatasets(repo, 'baseline', withInputs.id.slice(0, 12));
    expect(byRuns?.a.label).toContain('run baseline');
    expect(byRuns?.a.label).toContain('uncommitted changes');
    expect(byRuns?.b.hash).toBe(v1diff?.b.hash);
    expect(byRuns?.changes).toEqual(v1diff?.changes);
    await expect(diffDatasets(repo, 'nonesuch', 'HEAD')).rejects.toThrow(
      "'nonesuch' is not a commit, branch, tag or run here",
    );
  });
});

describe('dataset log', () => {
  it('lists every version with author, message, size and the runs that used it', async () => {
    const { repo, commits } = await history();
    const root = repo.root;
    git(root, 'checkout', '-q', '-b', 'drop');
    rmSync(path.join(root, 'data.lineage'));
    git(root, 'commit', '-q', '-am', 'stop tracking data');
    const byCommit = writeRun(repo, { name: 'at-v1', commit: commits[0]! });
    await writeRunJson(runFile(repo, byCommit.id, 'header'), byCommit);
    const log = await datasetLog(repo, 'data');
    expect(log.versions.map((v) => [v.commit, v.change, v.subject])).toEqual([
      [git(root, 'rev-parse', 'HEAD'), 'removed', 'stop tracking data'],
      [commits[1], 'modified', 'data v2'],
      [commits[0], 'added', 'data v1'],
    ]);
    expect(log.versions[2]).toMatchObject({ author: 'Test', email: 'test@example.com', files: 34 });
    expect(log.versions[2]?.runs).toEqual([{ id: byCommit.id, name: 'at-v1', link: 'commit', dirty: false }]);
    expect(log.versions[1]?.runs).toEqual([]);

    const cli = lineage(root, ['log', 'data.lineage', '--json']);
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(log);
    const text = lineage(root, ['log', 'data']);
    expect(text.stdout).toMatch(/data v1/);
    expect(text.stdout).toMatch(/at-v1 \(\w+\)\*/);
  });
});

describe('lineage diff (CLI)', () => {
  it('prints the changes, takes revisions then paths, and explains bad arguments', async () => {
    const { repo } = await history();
    const root = repo.root;
    const out = lineage(root, ['diff', 'HEAD~1', 'HEAD', 'data']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^data: HEAD~1 \(\w{7}\) → HEAD \(\w{7}\)$/m);
    expect(out.stdout).toMatch(/1 added, 1 removed, 2 modified, 1 renamed/);
    expect(out.stdout).toMatch(/R\s+b\.csv → renamed\.csv/);
    const json = lineage(root, ['diff', 'HEAD~1', '--json']);
    expect(JSON.parse(json.stdout)).toHaveLength(1);
    expect(lineage(root, ['diff']).stdout).toBe('No dataset differs between HEAD and workspace.\n');
    const bad = lineage(root, ['diff', 'HEAD', 'nowhere']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/nowhere: is not a tracked dataset on either side/);
    writeFileSync(path.join(root, 'data.lineage'), 'schema: 1\npath: [unclosed\n');
    git(root, 'commit', '-q', '-am', 'broken pointer');
    const broken = lineage(root, ['diff', 'HEAD~1', 'HEAD']);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/data\.lineage at \w{10}.*malformed pointer file/);
  });
});
