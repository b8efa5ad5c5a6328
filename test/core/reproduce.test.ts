import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { addPath } from '../../core/datasets/add';
import { initRepo } from '../../core/init';
import { repoAt } from '../../core/repo';
import { recordRun } from '../../core/runs/execute';
import { runFile } from '../../core/runs/layout';
import { compareMetrics, reproduceRun } from '../../core/runs/reproduce';
import { git, tempGitRepo } from '../helpers/tmp';

const quiet = () => ({ stdout: new PassThrough(), stderr: new PassThrough() });

/** Reads params.yaml and the data; its metric depends on the code, the data and the params. */
const TRAIN = (factor: number) =>
  [
    'import json, os',
    'params = json.loads(os.environ["LINEAGE_PARAMS"])',
    'rows = open("data/rows.csv").read().split()',
    'total = sum(int(r) for r in rows[1:])',
    `score = total * params["scale"] * ${factor}`,
    'with open(os.environ["LINEAGE_METRICS"], "a") as f:',
    '    f.write(json.dumps({"step": 0, "score": score, "rows": len(rows) - 1}) + "\\n")',
  ].join('\n');

describe('lineage reproduce', () => {
  it('re-runs a run from its commit, patch, data versions and overrides in a worktree, and compares metrics', async () => {
    const root = tempGitRepo();
    await initRepo(root);
    const repo = repoAt(root);
    writeFileSync(
      path.join(root, 'lineage.yaml'),
      'schema: 1\nexperiments:\n  train:\n    command: python3 train.py\n    params: [params.yaml]\n    inputs: [data]\n',
    );
    writeFileSync(path.join(root, 'params.yaml'), 'scale: 1\n');
    writeFileSync(path.join(root, 'train.py'), TRAIN(1));
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data', 'rows.csv'), 'n\n1\n2\n3\n');
    await addPath(repo, path.join(root, 'data'));
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'v1');

    // The original run: an uncommitted code change (factor 10) and an override (scale 2).
    writeFileSync(path.join(root, 'train.py'), TRAIN(10));
    const original = await recordRun(
      repo,
      { command: [], experiment: 'train', set: ['scale=2'], cwd: root },
      quiet(),
    );
    expect(original.end.metrics.score?.last).toBe(120);

    // Everything moves on: new code committed, new data in the workspace, new params.
    writeFileSync(path.join(root, 'train.py'), TRAIN(1000));
    writeFileSync(path.join(root, 'params.yaml'), 'scale: 5\n');
    git(root, 'commit', '-q', '-am', 'v2');
    writeFileSync(path.join(root, 'data', 'rows.csv'), 'n\n100\n');

    const result = await reproduceRun(repo, original.id, quiet());
    expect(result.metrics).toEqual([
      { name: 'rows', original: 3, reproduced: 3, match: true },
      { name: 'score', original: 120, reproduced: 120, match: true },
    ]);
    expect(result.match).toBe(true);
    const header = JSON.parse(readFileSync(runFile(repo, result.outcome.id, 'header'), 'utf8'));
    expect(header).toMatchObject({
      reproduces: original.id,
      commit: original.header.commit,
      patch: original.header.patch,
      overrides: { scale: 2 },
      params: { scale: 2 },
      inputs: original.header.inputs,
      cwd: '',
    });
    expect(existsSync(result.worktree)).toBe(false);
    expect(git(root, 'worktree', 'list').split('\n')).toHaveLength(1);
    // The user's workspace was not touched.
    expect(readFileSync(path.join(root, 'data', 'rows.csv'), 'utf8')).toBe('n\n100\n');
    expect(git(root, 'status', '--porcelain')).toBe(''); // data is git-ignored, worktrees too
  });

  it('reports metrics that differ, beyond the tolerance', () => {
    const m = (last: number) => ({ last, min: last, max: last, step: 0, count: 1 });
    expect(compareMetrics({ a: m(1), b: m(2) }, { a: m(1.001), c: m(3) }, 0.01)).toEqual([
      { name: 'a', original: 1, reproduced: 1.001, match: true },
      { name: 'b', original: 2, reproduced: null, match: false },
      { name: 'c', original: null, reproduced: 3, match: false },
    ]);
    expect(compareMetrics({ a: m(1) }, { a: m(1.001) }, 0)[0]?.match).toBe(false);
  });

  it('refuses a run without a commit, naming it', async () => {
    const root = tempGitRepo();
    await initRepo(root);
    const repo = repoAt(root);
    const outcome = await recordRun(repo, { command: ['true'], cwd: root }, quiet());
    const header = runFile(repo, outcome.id, 'header');
    writeFileSync(header, readFileSync(header, 'utf8').replace(/"commit": "[0-9a-f]+"/, '"commit": null'));
    await expect(reproduceRun(repo, outcome.id, quiet())).rejects.toThrow(/recorded no git commit/);
  });
});
