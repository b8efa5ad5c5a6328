// Builds a demo workspace with the real CLI: a git repository with a tracked dataset, a training
// script and recorded runs. Used by `npm start` and by the end-to-end tests.
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
export const CLI = path.resolve(here, '../../dist/cli.js');

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Lineage Demo',
  GIT_AUTHOR_EMAIL: 'demo@example.com',
  GIT_COMMITTER_NAME: 'Lineage Demo',
  GIT_COMMITTER_EMAIL: 'demo@example.com',
};

/** Run the built CLI in `dir`; returns stdout. */
export function lineage(dir, ...args) {
  return execFileSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: gitEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function git(dir, ...args) {
  execFileSync('git', args, { cwd: dir, env: gitEnv, stdio: 'ignore' });
}

/** Two Gaussian blobs, deterministic (a linear congruential generator seeded by `seed`). */
function blobsCsv(n, seed) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const lines = ['id,x1,x2,label'];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const c = label ? 1.2 : -1.2;
    lines.push(`${i + 1},${(c + gauss()).toFixed(4)},${(c + gauss()).toFixed(4)},${label}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Version 2 of the training data, as a data scientist would make it: 6 points relabelled, 3 outliers
 * dropped, 10 new points, and a notes file.
 */
function dataV2(dir) {
  const file = path.join(dir, 'data', 'train.csv');
  const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const relabelled = new Set([4, 9, 16, 25, 36, 49]);
  const dropped = new Set([100, 200, 300]);
  const kept = rows
    .map((line) => line.split(','))
    .filter(([id]) => !dropped.has(Number(id)))
    .map(([id, x1, x2, label]) => [
      id,
      x1,
      x2,
      relabelled.has(Number(id)) ? String(1 - Number(label)) : label,
    ]);
  const extra = blobsCsv(10, 99)
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line, i) => [String(401 + i), ...line.split(',').slice(1)]);
  writeFileSync(file, [header, ...[...kept, ...extra].map((r) => r.join(','))].join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'data', 'NOTES.txt'),
    'v2: relabelled 6 points after review; dropped 3 outliers; 10 new points.\n',
  );
}

/** Record a run of the `train` experiment with these params (`{ name, lr, epochs, seed? }`). */
export function recordRun(dir, { name, ...params }) {
  const overrides = Object.entries(params).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  return lineage(dir, 'run', '--experiment', 'train', '--name', name, ...overrides);
}

/**
 * Create the workspace in `dir` and record one run per entry of `runs` (`{ name, lr, epochs, seed? }`)
 * of the `train` experiment, with those params set. Returns the folder.
 */
export function createDemoWorkspace(
  dir,
  runs = [
    { name: 'baseline', lr: 0.05, epochs: 40 },
    { name: 'high-lr', lr: 0.5, epochs: 40 },
  ],
) {
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  copyFileSync(path.join(here, 'train.py'), path.join(dir, 'train.py'));
  writeFileSync(
    path.join(dir, 'params.yaml'),
    '# Params of the `train` experiment (lineage.yaml); train.py reads them.\n' +
      'lr: 0.1\n' +
      'epochs: 30\n' +
      'delay: 0.0  # seconds per epoch: raise it to watch a run live\n',
  );
  writeFileSync(path.join(dir, 'data', 'train.csv'), blobsCsv(400, 7));
  writeFileSync(path.join(dir, 'data', 'test.csv'), blobsCsv(100, 11));
  writeFileSync(
    path.join(dir, 'README.md'),
    '# Lineage demo\n\nTrain with `lineage run --experiment train --set lr=0.3` (params in params.yaml),\n' +
      'or "Lineage: Run Experiment…" in VS Code, or `lineage run -- python3 train.py --lr 0.1`.\n',
  );
  lineage(dir, 'init');
  // Rows of the CSVs are identified by their `id` column: table diffs match rows on it. The `train`
  // experiment is what "Lineage: Run Experiment…" and `lineage run --experiment train` launch.
  appendFileSync(
    path.join(dir, 'lineage.yaml'),
    '\nkeys:\n  "data/*.csv": [id]\n' +
      '\nexperiments:\n' +
      '  train:\n' +
      '    command: python3 train.py\n' +
      '    params: [params.yaml]\n' +
      '    inputs: [data]\n' +
      '    metric: acc\n',
  );
  lineage(dir, 'add', 'data');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Demo: training script and dataset v1');
  for (const run of runs) recordRun(dir, run);
  dataV2(dir);
  lineage(dir, 'add', 'data');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Dataset v2: relabelled 6 points, dropped 3 outliers, 10 new');
  return dir;
}

/**
 * A later run on dataset v2 with an uncommitted change to train.py (L2 weight decay), committed
 * afterwards: compared with earlier runs it differs in data and in code (commit and patch).
 */
export function recordCodeChangeRun(dir, run = { name: 'v2-weight-decay', lr: 0.2, epochs: 40, seed: 1 }) {
  const script = path.join(dir, 'train.py');
  const before = readFileSync(script, 'utf8');
  const after = before
    .replace('w1 -= args.lr * g1 / n', 'w1 -= args.lr * (g1 / n + 0.01 * w1)  # L2 weight decay')
    .replace('w2 -= args.lr * g2 / n', 'w2 -= args.lr * (g2 / n + 0.01 * w2)');
  if (after === before) throw new Error(`${script}: the update lines to change were not found`);
  writeFileSync(script, after);
  recordRun(dir, run);
  git(dir, 'commit', '-q', '-am', 'train.py: L2 weight decay');
}
