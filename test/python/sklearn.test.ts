import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Repo } from '../../core/repo';
import { runFile } from '../../core/runs/layout';
import { listRuns } from '../../core/runs/list';
import { summarizeMetrics } from '../../core/runs/metrics';
import { CLI, lineage } from '../helpers/cli';
import { git } from '../helpers/tmp';
import { expectSummaryAsCore, header, newRepo, PYTHON, pyEnv, runPy, status } from './helpers';

/**
 * A real training script: logistic regression on scikit-learn's wine data set (shipped with
 * python3-sklearn), 5-fold cross-validation with accuracy per fold, the final model pickled and
 * logged as an artifact. Written as a user would, with numpy numbers passed straight to log().
 */
const TRAIN = `
import os, pickle
import numpy as np
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
import lineage

run = lineage.init(params={"C": 1.0, "folds": 5, "max_iter": 1000, "seed": 0}, tags={"data": "wine"})
p = run.params
X, y = load_wine(return_X_y=True)
model = lambda: make_pipeline(StandardScaler(), LogisticRegression(C=p["C"], max_iter=p["max_iter"]))
accs = []
for fold, (train, test) in enumerate(StratifiedKFold(p["folds"], shuffle=True, random_state=p["seed"]).split(X, y)):
    fitted = model().fit(X[train], y[train])
    acc = fitted.score(X[test], y[test])
    accs.append(acc)
    run.log({"fold_acc": acc, "train_acc": fitted.score(X[train], y[train])}, step=fold)
    print(f"fold {fold}: acc {acc:.3f}")
run.log({"cv": {"mean_acc": np.mean(accs), "std_acc": np.std(accs)}})

final = model().fit(X, y)
os.makedirs("models", exist_ok=True)
with open(os.path.join("models", "wine.pkl"), "wb") as f:
    pickle.dump(final, f)
run.log_artifact(os.path.join("models", "wine.pkl"), name="model")
print("C", p["C"])
run.finish()
`;

/** Unpickles a stored model object and scores it on the whole data set. */
const SCORE = `
import pickle, sys
from sklearn.datasets import load_wine
X, y = load_wine(return_X_y=True)
with open(sys.argv[1], "rb") as f:
    print(pickle.load(f).score(X, y))
`;

async function repoWithScript(): Promise<Repo> {
  const repo = await newRepo();
  writeFileSync(path.join(repo.root, 'train.py'), TRAIN);
  writeFileSync(path.join(repo.root, '.gitignore'), 'models/\n');
  git(repo.root, 'add', '-A');
  git(repo.root, 'commit', '-q', '-m', 'training script');
  return repo;
}

function expectModel(repo: Repo, id: string): void {
  const model = status(repo, id).outputs?.find((o) => o.kind === 'artifact');
  const bytes = readFileSync(path.join(repo.root, 'models', 'wine.pkl'));
  expect(model).toMatchObject({ path: 'models/wine.pkl', type: 'file', size: bytes.length, files: 1 });
  expect(model!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  // The stored object is the model: it loads and predicts.
  const object = path.join(
    repo.root,
    '.lineage',
    'cache',
    'sha256',
    model!.sha256.slice(0, 2),
    model!.sha256.slice(2),
  );
  const scored = spawnSync(PYTHON, ['-c', SCORE, object], { encoding: 'utf8' });
  expect(scored.stderr).toBe('');
  expect(Number(scored.stdout)).toBeGreaterThan(0.95);
}

describe('Python client with scikit-learn', { timeout: 120_000 }, () => {
  it('standalone: cross-validated logistic regression on the wine data, model kept as an artifact', async () => {
    const repo = await repoWithScript();
    const r = runPy(repo.root, path.join(repo.root, 'train.py'));
    expect(r.stderr).not.toContain('Traceback');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('fold 4: acc');
    const { runs } = await listRuns(repo);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({
      name: 'train.py',
      status: 'finished',
      dirty: false,
      lastStep: 5,
      params: { C: 1, folds: 5, max_iter: 1000, seed: 0 },
      tags: { data: 'wine' },
    });
    expect(header(repo, run.id).patch).toBeNull();
    const end = status(repo, run.id);
    expect(end.metrics.fold_acc).toMatchObject({ count: 5, step: 4 });
    expect(end.metrics.fold_acc!.min).toBeGreaterThan(0.85);
    expect(end.metrics['cv/mean_acc']!.last).toBeGreaterThan(0.95);
    expect(end.metrics['cv/mean_acc']!.step).toBe(5);
    expectSummaryAsCore(repo, run.id);
    expectModel(repo, run.id);
    expect(readFileSync(runFile(repo, run.id, 'log'), 'utf8')).toContain('fold 0: acc');
    expect(lineage(repo.root, ['fsck']).status).toBe(0);
  });

  it('launched by `lineage run --set C=0.5`: appends to the recorded run, which stores the model', async () => {
    const repo = await repoWithScript();
    // No PYTHONPATH of ours: the recorder puts the client on it.
    const r = spawnSync(
      process.execPath,
      [CLI, 'run', '--set', 'C=0.5', '--tag', 'via=cli', '--', PYTHON, 'train.py'],
      { cwd: repo.root, env: pyEnv({}, false), encoding: 'utf8' },
    );
    expect(r.stderr).not.toContain('Traceback');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('C 0.5');
    const { runs } = await listRuns(repo);
    expect(runs).toHaveLength(1); // the client made no run of its own
    const run = runs[0]!;
    expect(run).toMatchObject({ status: 'finished', exitCode: 0, lastStep: 5 });
    expect(header(repo, run.id).command).toEqual([PYTHON, 'train.py']);
    // The stream starts with the script's params, the override applied, and its tags.
    const text = readFileSync(runFile(repo, run.id, 'metrics'), 'utf8');
    const [params, tags] = text.split('\n').map((l) => (l ? (JSON.parse(l) as unknown) : null));
    expect(params).toEqual({ params: { C: 0.5, folds: 5, max_iter: 1000, seed: 0 } });
    expect(tags).toEqual({ tags: { data: 'wine' } });
    const summary = summarizeMetrics(text, true);
    expect(summary.problems).toEqual([]);
    expect(summary.refs).toEqual([{ kind: 'artifact', path: 'models/wine.pkl', name: 'model', step: 5 }]);
    // The recorder's status holds the same summary, and the model it stored.
    expect(run.params).toMatchObject({ C: 0.5, folds: 5 });
    expect(run.tags).toMatchObject({ data: 'wine', via: 'cli' });
    const end = status(repo, run.id);
    expect(end.metrics).toEqual(summary.metrics);
    expect(end.metrics.fold_acc).toMatchObject({ count: 5 });
    expectModel(repo, run.id);
  });
});
