// Builds a demo workspace with the real CLI: a git repository with a tracked dataset, a training
// script and recorded runs. Used by `npm start` and by the end-to-end tests.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
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
  const lines = ['x1,x2,label'];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const c = label ? 1.2 : -1.2;
    lines.push(`${(c + gauss()).toFixed(4)},${(c + gauss()).toFixed(4)},${label}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Create the workspace in `dir` and record one run per entry of `runs` (`{ name, lr, epochs }`).
 * Returns the folder.
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
  writeFileSync(path.join(dir, 'data', 'train.csv'), blobsCsv(400, 7));
  writeFileSync(path.join(dir, 'data', 'test.csv'), blobsCsv(100, 11));
  writeFileSync(
    path.join(dir, 'README.md'),
    '# Lineage demo\n\nTrain with `lineage run -- python3 train.py --lr 0.1`.\n',
  );
  lineage(dir, 'init');
  lineage(dir, 'add', 'data');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Demo: training script and dataset v1');
  for (const run of runs) {
    lineage(
      dir,
      'run',
      '--name',
      run.name,
      '--',
      'python3',
      'train.py',
      '--lr',
      String(run.lr),
      '--epochs',
      String(run.epochs),
    );
  }
  return dir;
}
