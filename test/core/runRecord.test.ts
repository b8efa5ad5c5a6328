import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { addPath, storeOf } from '../../core/datasets/add';
import { gc } from '../../core/datasets/gc';
import { initRepo } from '../../core/init';
import { repoAt, type Repo } from '../../core/repo';
import { recordRun, type RunOptions } from '../../core/runs/execute';
import { runFile } from '../../core/runs/layout';
import { listRuns } from '../../core/runs/list';
import type { RunHeader } from '../../core/runs/record';
import { git, tempGitRepo } from '../helpers/tmp';

const PYTHON = '/usr/bin/python3';

/** Options that collect what the recorder and the command print. */
function capture(): RunOptions & { text: () => { out: string; err: string } } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, text: () => ({ out, err }) };
}

async function newRepo(files: Record<string, string> = {}): Promise<Repo> {
  const root = tempGitRepo();
  await initRepo(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'setup');
  return repoAt(root);
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

describe('lineage run: a complete record', () => {
  it('records an experiment with params from YAML, JSON and TOML files, overrides on top, visible to the command', async () => {
    const repo = await newRepo({
      'lineage.yaml': [
        'schema: 1',
        'experiments:',
        '  train:',
        '    command: python3 -c "import os; print(os.environ[\'LINEAGE_PARAMS\'])"',
        '    params: [params.yaml, conf/model.json, conf/opt.toml]',
        '',
      ].join('\n'),
      'params.yaml': 'lr: 0.1\nepochs: 3\ndata:\n  split: 0.2\n  name: iris\n',
      'conf/model.json': '{"model": {"depth": 4, "layers": [1, 2]}, "lr": 0.05}',
      'conf/opt.toml': '[optimizer]\nname = "adam"\nbeta = 0.9\n',
    });
    const io = capture();
    const outcome = await recordRun(
      repo,
      {
        command: [],
        experiment: 'train',
        set: ['epochs=10', 'optimizer.name=sgd', "tag='1.0'"],
        cwd: repo.root,
      },
      io,
    );
    expect(outcome.end.status).toBe('finished');
    const expected = {
      lr: 0.05,
      epochs: 10,
      'data.split': 0.2,
      'data.name': 'iris',
      'model.depth': 4,
      'model.layers': '[1,2]',
      'optimizer.name': 'sgd',
      'optimizer.beta': 0.9,
      tag: '1.0',
    };
    const header = readJson<RunHeader>(runFile(repo, outcome.id, 'header'));
    expect(header).toMatchObject({
      name: 'train',
      experiment: 'train',
      command: ['python3', '-c', "import os; print(os.environ['LINEAGE_PARAMS'])"],
      params: expected,
      overrides: { epochs: 10, 'optimizer.name': 'sgd', tag: '1.0' },
      paramsFiles: ['params.yaml', 'conf/model.json', 'conf/opt.toml'],
      patch: null,
    });
    expect(JSON.parse(io.text().out)).toEqual(expected);
    const [summary] = (await listRuns(repo)).runs;
    expect(summary).toMatchObject({ experiment: 'train', params: expected });
  });

  it('names the file and the problem for a bad params file or an unknown experiment', async () => {
    const repo = await newRepo({
      'lineage.yaml': 'schema: 1\nexperiments:\n  a:\n    command: "true"\n    params: [p.toml]\n',
      'p.toml': 'lr = \n',
    });
    const run = (experiment: string) =>
      recordRun(repo, { command: [], experiment, cwd: repo.root }, capture());
    await expect(run('a')).rejects.toThrow(/p\.toml: params file: invalid TOML at line 1/);
    await expect(run('b')).rejects.toThrow(/no experiment 'b' in lineage.yaml \(it has: a\)/);
    expect((await listRuns(repo)).runs).toEqual([]);
  });

  it('keeps an edit made in the same second as the commit, of the same size, however long before the run', async () => {
    // git trusts a file's stat data only when the file is older than the index; an edit in the
    // index's own second ("racily clean") must be read, also through the copy of the index.
    const repo = await newRepo({ 'train.py': 'print(1)\n' });
    writeFileSync(path.join(repo.root, 'train.py'), 'print(2)\n');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const outcome = await recordRun(repo, { command: ['true'], cwd: repo.root }, capture());
    const header = readJson<RunHeader>(runFile(repo, outcome.id, 'header'));
    expect(header.dirty).toBe(true);
    expect(header.patch).not.toBeNull();
    const patch = (await storeOf(repo).readVerified(header.patch as string)).toString();
    expect(patch).toContain('-print(1)\n+print(2)');
  });

  it('stores uncommitted changes (tracked and untracked) as a patch object without touching the index', async () => {
    const repo = await newRepo({ 'train.py': 'print("v1")\n', 'notes.md': 'old\n' });
    writeFileSync(path.join(repo.root, 'train.py'), 'print("v2")\n');
    writeFileSync(path.join(repo.root, 'helper.py'), 'X = 1\n');
    writeFileSync(path.join(repo.root, 'staged.txt'), 'staged\n');
    git(repo.root, 'add', 'staged.txt');
    const statusBefore = git(repo.root, 'status', '--porcelain');
    const outcome = await recordRun(repo, { command: ['true'], cwd: repo.root }, capture());
    expect(git(repo.root, 'status', '--porcelain')).toBe(statusBefore);
    const header = readJson<RunHeader>(runFile(repo, outcome.id, 'header'));
    expect(header.dirty).toBe(true);
    const patch = (await storeOf(repo).readVerified(header.patch as string)).toString();
    expect(patch).toContain('-print("v1")\n+print("v2")');
    expect(patch).toContain('+++ b/helper.py');
    expect(patch).toContain('+++ b/staged.txt');
    // The patch recreates the run's code on a clean checkout of its commit.
    const clone = tempGitRepo();
    git(clone, 'fetch', '-q', repo.root, 'main');
    git(clone, 'checkout', '-q', header.commit as string);
    writeFileSync(path.join(clone, 'run.patch'), patch);
    git(clone, 'apply', '--binary', 'run.patch');
    for (const file of ['train.py', 'helper.py', 'staged.txt']) {
      expect(readFileSync(path.join(clone, file), 'utf8')).toBe(
        readFileSync(path.join(repo.root, file), 'utf8'),
      );
    }
    // gc keeps the patch: a run names it.
    const result = await gc(repo, { history: null, force: true });
    expect(result.unreferenced.map((o) => o.hash)).not.toContain(header.patch);
    expect(storeOf(repo).has(header.patch as string)).toBe(true);
  });

  it('records input dataset versions, and stores and marks a dataset that differs from its pointer', async () => {
    const repo = await newRepo();
    mkdirSync(path.join(repo.root, 'data'));
    writeFileSync(path.join(repo.root, 'data', 'a.csv'), 'id,x\n1,2\n');
    const added = await addPath(repo, path.join(repo.root, 'data'));
    git(repo.root, 'add', '-A');
    git(repo.root, 'commit', '-q', '-m', 'data');
    const clean = await recordRun(repo, { command: ['true'], cwd: repo.root }, capture());
    expect(clean.header.inputs).toEqual([
      { path: 'data', type: 'dir', sha256: added.pointer.sha256, size: added.pointer.size, files: 1 },
    ]);

    writeFileSync(path.join(repo.root, 'data', 'b.csv'), 'id,y\n3,4\n');
    const io = capture();
    const modified = await recordRun(repo, { command: ['true'], cwd: repo.root }, io);
    const input = modified.header.inputs?.[0];
    expect(input).toMatchObject({ path: 'data', type: 'dir', files: 2, modified: true });
    expect(input?.sha256).not.toBe(added.pointer.sha256);
    expect(storeOf(repo).has(input?.sha256 as string)).toBe(true);
    expect(io.text().err).toContain('warning: data differs from data.lineage');
    expect((await listRuns(repo)).runs[0]?.inputs).toEqual({ data: input?.sha256 });
  });

  it('stores declared outputs and logged artifacts after exit; files stay writable; gc keeps them', async () => {
    const script = [
      'import json, os',
      'os.makedirs("models", exist_ok=True)',
      'open("models/model.bin", "wb").write(b"weights")',
      'open("report.txt", "w").write("accuracy 0.9")',
      'with open(os.environ["LINEAGE_METRICS"], "a") as f:',
      '    f.write(json.dumps({"step": 0, "acc": 0.9}) + "\\n")',
      '    f.write(json.dumps({"artifact": {"path": "report.txt", "name": "report"}}) + "\\n")',
      '    f.write(json.dumps({"image": {"path": "missing.png"}}) + "\\n")',
    ].join('\n');
    const repo = await newRepo({
      'lineage.yaml': `schema: 1\nexperiments:\n  train:\n    command: [python3, train.py]\n    outputs: [models/]\n`,
      'train.py': script,
      '.gitignore': 'models/\nreport.txt\n',
    });
    const io = capture();
    const outcome = await recordRun(repo, { command: [], experiment: 'train', cwd: repo.root }, io);
    expect(outcome.end.status).toBe('finished');
    const outputs = outcome.end.outputs ?? [];
    expect(outputs.map((o) => [o.kind, o.path, o.type, o.files])).toEqual([
      ['output', 'models', 'dir', 1],
      ['artifact', 'report.txt', 'file', 1],
    ]);
    expect(io.text().err).toContain('warning: missing.png: not found after the run');
    const report = outputs[1]!;
    expect((await storeOf(repo).readVerified(report.sha256)).toString()).toBe('accuracy 0.9');
    accessSync(path.join(repo.root, 'models', 'model.bin'), constants.W_OK);
    const result = await gc(repo, { history: null, force: true });
    expect(result.problems).toEqual([]);
    for (const o of outputs) expect(storeOf(repo).has(o.sha256)).toBe(true);
  });

  it('captures metrics printed on stdout when the experiment opts in', async () => {
    const script = [
      'for epoch in range(3):',
      '    print(f"epoch={epoch} loss={1/(epoch+1):.4f} acc: {0.5+epoch/10} lr=0.1 note: fine")',
      'print("done, val_acc=0.93")',
    ].join('\n');
    const repo = await newRepo({
      'lineage.yaml': [
        'schema: 1',
        'experiments:',
        '  fit:',
        '    command: [python3, fit.py]',
        '    capture:',
        '      metrics: [loss, acc, "val_*"]',
        '      step: epoch',
        '',
      ].join('\n'),
      'fit.py': script,
    });
    const outcome = await recordRun(repo, { command: [], experiment: 'fit', cwd: repo.root }, capture());
    const metrics = outcome.end.metrics;
    expect(Object.keys(metrics).sort()).toEqual(['acc', 'loss', 'val_acc']);
    expect(metrics.loss).toMatchObject({ last: 0.3333, min: 0.3333, max: 1, count: 3, step: 2 });
    expect(metrics.acc).toMatchObject({ last: 0.7, count: 3 });
    expect(metrics.val_acc).toMatchObject({ last: 0.93, step: 3 });
  });

  it('records the environment, with the Python packages of the interpreter the command runs', async () => {
    const repo = await newRepo();
    const outcome = await recordRun(
      repo,
      { command: [PYTHON, '-c', 'import sklearn'], cwd: repo.root },
      capture(),
    );
    expect(outcome.end.status).toBe('finished');
    const env = readJson<Record<string, unknown>>(path.join(repo.runs, outcome.id, 'environment.json'));
    expect(env).toMatchObject({ schema: 1, os: { platform: 'linux' }, node: process.versions.node });
    const python = env.python as { executable: string; version: string; packages: Record<string, string> };
    expect(python.version).toMatch(/^3\.\d+\.\d+/);
    expect(Object.keys(python.packages).map((p) => p.toLowerCase())).toContain('scikit-learn');
  });

  it('puts the Python client on PYTHONPATH and tells the command where its run is', async () => {
    const repo = await newRepo();
    const code =
      'import os, lineage; print(os.environ["LINEAGE_RUN_ID"], os.environ["LINEAGE_REPO"], lineage.__file__)';
    const io = capture();
    const outcome = await recordRun(repo, { command: [PYTHON, '-c', code], cwd: repo.root }, io);
    expect(outcome.end.status).toBe('finished');
    const [id, root, client] = io.text().out.trim().split(' ');
    expect([id, root]).toEqual([outcome.id, repo.root]);
    expect(client).toMatch(/clients\/python\/lineage\/__init__\.py$/);
  });
});
