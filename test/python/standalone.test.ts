import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../core/datasets/scan';
import { StatCache } from '../../core/datasets/statCache';
import { environmentSchema } from '../../core/runs/environment';
import { runFile } from '../../core/runs/layout';
import { listRuns, readRun } from '../../core/runs/list';
import { summarizeMetrics } from '../../core/runs/metrics';
import { lineage } from '../helpers/cli';
import { git, tempDir } from '../helpers/tmp';
import {
  CLIENT,
  expectSummaryAsCore,
  header,
  newRepo,
  PYTHON,
  readJson,
  runPy,
  script,
  status,
} from './helpers';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const objectPath = (root: string, hash: string): string =>
  path.join(root, '.lineage', 'cache', 'sha256', hash.slice(0, 2), hash.slice(2));

const BASIC = `
import json, os, lineage

run = lineage.init(
    params={"lr": 0.01, "epochs": 3, "optimizer": {"name": "adam", "betas": [0.9, 0.999]}},
    name="baseline", experiment="train", tags={"team": "vision"},
)
for epoch in range(run.params["epochs"]):
    lineage.log({"loss": 1.0 / (epoch + 1), "val": {"acc": 0.5 + epoch / 10}})
run.log({"lr_now": 0.001}, step=10)
run.set_tags({"stage": "done"})

# The artifacts, written after the run started (so the work tree was clean then).
out = os.path.join("..", "out")
os.makedirs(os.path.join(out, "model", "sub"))
os.makedirs(os.path.join(out, "model", "empty"))
with open(os.path.join(out, "model.bin"), "wb") as f:
    f.write(bytes(range(256)) * 40)
with open(os.path.join(out, "model", "weights.bin"), "wb") as f:
    f.write(os.urandom(300_000))
with open(os.path.join(out, "model", "sub", "config.json"), "w") as f:
    json.dump({"layers": 3}, f)
with open(os.path.join(out, "model", "sub", "run.sh"), "w") as f:
    f.write("#!/bin/sh\\necho hi\\n")
os.chmod(os.path.join(out, "model", "sub", "run.sh"), 0o755)
with open(os.path.join(out, "model", "étiquettes ü.txt"), "w", encoding="utf-8") as f:
    f.write("ünïcode")
open(os.path.join(out, "model", "zero"), "w").close()
os.symlink("weights.bin", os.path.join(out, "model", "latest"))
with open(os.path.join(out, "plot.png"), "wb") as f:
    f.write(b"\\x89PNG\\r\\n\\x1a\\n" + b"0" * 100)

run.log_artifact(os.path.join(out, "model.bin"), name="model")
run.log_artifact(os.path.join(out, "model"), name="model-dir")
lineage.log_image(os.path.join(out, "plot.png"))
print(json.dumps({"id": run.id, "dir": run.dir, "launched": run.launched}))
run.finish()
`;

describe('Python client, standalone', { timeout: 60_000 }, () => {
  it('records a run as the recorder would: header, environment, metrics, tags, artifacts (file and folder)', async () => {
    const repo = await newRepo();
    const cwd = path.join(repo.root, 'src');
    mkdirSync(cwd);
    const file = script(BASIC);
    const r = runPy(cwd, file);
    expect(r.stderr).not.toContain('Traceback');
    expect(r.status).toBe(0);
    const { id, dir, launched } = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(launched).toBe(false);
    expect(dir).toBe(path.join(repo.root, '.lineage', 'runs', id as string));
    expect(r.stderr).toContain(`lineage: run ${id} finished`);

    // What Lineage itself reads.
    const { runs, problems } = await listRuns(repo);
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({
      id,
      name: 'baseline',
      experiment: 'train',
      status: 'finished',
      exitCode: 0,
      lastStep: 10,
      params: { lr: 0.01, epochs: 3, 'optimizer.name': 'adam', 'optimizer.betas': '[0.9,0.999]' },
      tags: { team: 'vision', stage: 'done' },
    });
    expect(run.metrics).toEqual({ loss: 1 / 3, 'val/acc': 0.7, lr_now: 0.001 });
    expect(run.metricsMin).toMatchObject({ loss: 1 / 3, 'val/acc': 0.5 });
    expect(await readRun(repo, id as string)).toEqual({ run });

    const h = header(repo, id as string);
    expect(h).toMatchObject({
      schema: 1,
      command: [PYTHON, file],
      cwd: 'src',
      commit: git(repo.root, 'rev-parse', 'HEAD'),
      branch: 'main',
      dirty: false,
      patch: null,
      host: os.hostname(),
    });
    expect(h.pid).toBeGreaterThan(0);
    expect(h.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const env = environmentSchema.parse(readJson(path.join(dir as string, 'environment.json')));
    expect(env.os.platform).toBe(os.platform());
    expect(env.os.arch).toBe(os.arch());
    expect(env.cpus.count).toBe(os.cpus().length);
    expect(env.memory).toBe(os.totalmem());
    expect(env.python?.executable).toBe(PYTHON);
    expect(env.python?.version).toMatch(/^3\.\d+\.\d+/);
    expect(Object.keys(env.python?.packages ?? {}).length).toBeGreaterThan(0);

    // The status: summary exactly as core computes it, outputs stored.
    expectSummaryAsCore(repo, id as string);
    const end = status(repo, id as string);
    expect(end).toMatchObject({ status: 'finished', exitCode: 0, signal: null });
    const out = path.join(repo.root, 'out');
    const modelBin = readFileSync(path.join(out, 'model.bin'));
    const tsTree = (
      await scan(path.join(out, 'model'), { repo, cache: await StatCache.load(repo), symlinks: 'keep' })
    ).root;
    expect(tsTree.type).toBe('dir');
    expect(end.outputs).toEqual([
      {
        kind: 'artifact',
        path: 'out/model.bin',
        type: 'file',
        sha256: sha256(modelBin),
        size: 10240,
        files: 1,
        name: 'model',
      },
      {
        kind: 'artifact',
        path: 'out/model',
        type: 'dir',
        // The tree TypeScript computes for the same folder.
        sha256: (tsTree as { hash: string }).hash,
        size: 300_000 + 13 + 18 + 9 + 0,
        files: 6,
        name: 'model-dir',
      },
      {
        kind: 'image',
        path: 'out/plot.png',
        type: 'file',
        sha256: sha256(readFileSync(path.join(out, 'plot.png'))),
        size: 108,
        files: 1,
      },
    ]);
    // Objects are read-only and hash to their names; fsck re-hashes them and walks the output trees.
    for (const hash of [sha256(modelBin), (tsTree as { hash: string }).hash]) {
      const obj = objectPath(repo.root, hash);
      expect(statSync(obj).mode & 0o777).toBe(0o444);
      expect(sha256(readFileSync(obj))).toBe(hash);
    }
    const fsck = lineage(repo.root, ['fsck']);
    expect(fsck.stdout).toContain('all sound');
    expect(fsck.status).toBe(0);
    // gc keeps what runs name: every object stays.
    const objects = (): string[] =>
      readdirSync(path.join(repo.cache, 'sha256'), { recursive: true }).map(String).sort();
    const before = objects();
    expect(lineage(repo.root, ['gc', '--force']).status).toBe(0);
    expect(objects()).toEqual(before);
    // Nothing left behind: no staging folder, no scratch run folder, no lock.
    expect(readdirSync(repo.tmp)).toEqual([]);
    expect(existsSync(path.join(repo.dir, 'lock'))).toBe(false);
    // output.log has what the script printed.
    expect(readFileSync(runFile(repo, id as string, 'log'), 'utf8')).toContain(`"id": "${id}"`);
  });

  it('with `symlinks: follow` in lineage.yaml, a folder is hashed through its links as core does', async () => {
    const repo = await newRepo();
    writeFileSync(repo.config, 'schema: 1\nsymlinks: follow\n');
    const r = runPy(
      repo.root,
      script(`
import os, lineage
run = lineage.init()
os.makedirs("shared/inner")
with open("shared/inner/a.txt", "w") as f:
    f.write("a")
os.makedirs("out")
with open("out/b.txt", "w") as f:
    f.write("bb")
os.symlink("../shared", "out/shared")
os.symlink("b.txt", "out/again.txt")
run.log_artifact("out")
`),
    );
    expect(r.status).toBe(0);
    const { runs } = await listRuns(repo);
    const cache = await StatCache.load(repo);
    const follow = (await scan(path.join(repo.root, 'out'), { repo, cache, symlinks: 'follow' })).root;
    const keep = (await scan(path.join(repo.root, 'out'), { repo, cache, symlinks: 'keep' })).root;
    const output = status(repo, runs[0]!.id).outputs![0]!;
    expect(output).toMatchObject({
      type: 'dir',
      size: 5,
      files: 3,
      sha256: (follow as { hash: string }).hash,
    });
    expect(output.sha256).not.toBe((keep as { hash: string }).hash);
    expect(lineage(repo.root, ['fsck']).status).toBe(0);
  });

  it('applies $LINEAGE_PARAMS (dotted keys) over the params given to init', async () => {
    const repo = await newRepo();
    const file = script(`
import json, lineage
run = lineage.init(params={"lr": 0.01, "epochs": 3, "optimizer": {"name": "adam", "momentum": 0.9}})
print(json.dumps({"params": run.params, "dotted": run.params["optimizer.name"], "attr": run.params.optimizer.name}))
`);
    const overrides = JSON.stringify({ lr: 1, 'optimizer.name': 'sgd', 'extra.depth': 3 });
    const r = runPy(repo.root, file, { LINEAGE_PARAMS: overrides });
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    // A float default stays a float (1.0) when the override is a whole number.
    expect(printed).toEqual({
      params: { lr: 1, epochs: 3, optimizer: { name: 'sgd', momentum: 0.9 }, extra: { depth: 3 } },
      dotted: 'sgd',
      attr: 'sgd',
    });
    const { runs } = await listRuns(repo);
    expect(runs[0]!.params).toEqual({
      lr: 1,
      epochs: 3,
      'optimizer.name': 'sgd',
      'optimizer.momentum': 0.9,
      'extra.depth': 3,
    });
    expect(readFileSync(runFile(repo, runs[0]!.id, 'header'), 'utf8')).toContain('"lr": 1.0');

    // Launched: the merged params are the stream's first line, and no run folder is made.
    const metrics = path.join(tempDir(), 'metrics.jsonl');
    writeFileSync(metrics, '');
    const launched = runPy(repo.root, file, { LINEAGE_PARAMS: overrides, LINEAGE_METRICS: metrics });
    expect(launched.status).toBe(0);
    expect(JSON.parse(readFileSync(metrics, 'utf8').split('\n')[0]!)).toEqual({
      params: { lr: 1, epochs: 3, 'optimizer.name': 'sgd', 'optimizer.momentum': 0.9, 'extra.depth': 3 },
    });
    expect((await listRuns(repo)).runs).toHaveLength(1);
  });

  it('keeps an edit made in the same second as the commit, of the same size, however long before the run', async () => {
    const repo = await newRepo();
    const root = repo.root;
    writeFileSync(path.join(root, 'train.py'), 'print(1)\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'train');
    writeFileSync(path.join(root, 'train.py'), 'print(2)\n'); // racily clean in the user's index
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(runPy(root, script('import lineage\nlineage.init().finish()\n')).status).toBe(0);
    const h = header(repo, (await listRuns(repo)).runs[0]!.id);
    expect(h.dirty).toBe(true);
    expect(readFileSync(objectPath(root, h.patch!), 'utf8')).toContain('-print(1)\n+print(2)');
  });

  it("stores the uncommitted changes as a patch equal to git's diff, leaving the user's index alone", async () => {
    const repo = await newRepo();
    const root = repo.root;
    writeFileSync(path.join(root, 'tracked.txt'), 'one\ntwo\nthree\n');
    writeFileSync(path.join(root, 'data.bin'), Buffer.from([0, 1, 2, 3, 255, 0, 7]));
    writeFileSync(path.join(root, '.gitignore'), 'ignored.log\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'files');
    const file = script('import lineage\nlineage.init().finish()\n');

    // Only an untracked file: not dirty (tracked files are as committed), but a patch.
    writeFileSync(path.join(root, 'new.txt'), 'brand new\n');
    expect(runPy(root, file).status).toBe(0);
    let run = (await listRuns(repo)).runs[0]!;
    let h = header(repo, run.id);
    expect(h.dirty).toBe(false);
    expect(readFileSync(objectPath(root, h.patch!), 'utf8')).toContain('+brand new');

    // A modified tracked file, a modified binary, an untracked text and binary, an ignored file.
    writeFileSync(path.join(root, 'tracked.txt'), 'one\nTWO\nthree\nfour\n');
    writeFileSync(path.join(root, 'data.bin'), Buffer.from([0, 1, 2, 3, 254, 0, 7, 9]));
    writeFileSync(path.join(root, 'new.bin'), Buffer.from([0, 0, 1, 200]));
    writeFileSync(path.join(root, 'ignored.log'), 'not in the patch\n');
    const before = git(root, 'status', '--porcelain');
    const indexBefore = readFileSync(path.join(root, '.git', 'index'));
    expect(runPy(root, file).status).toBe(0);
    run = (await listRuns(repo)).runs[0]!;
    h = header(repo, run.id);
    expect(h.dirty).toBe(true);
    const patch = readFileSync(objectPath(root, h.patch!));
    expect(sha256(patch)).toBe(h.patch);

    // The user's index and the untracked files are as they were.
    expect(git(root, 'status', '--porcelain')).toBe(before);
    expect(readFileSync(path.join(root, '.git', 'index')).equals(indexBefore)).toBe(true);
    // Each tracked file's part is exactly what `git diff --binary HEAD` shows for it; the whole is
    // what git shows once the untracked files are added too.
    const tracked = sections(execGit(root, ['diff', '--binary', 'HEAD']));
    expect(tracked.map((s) => s.split('\n')[0])).toEqual([
      'a/data.bin b/data.bin',
      'a/tracked.txt b/tracked.txt',
    ]);
    const all = sections(patch);
    expect(all.map((s) => s.split('\n')[0])).toEqual([
      'a/data.bin b/data.bin',
      'a/new.bin b/new.bin',
      'a/new.txt b/new.txt',
      'a/tracked.txt b/tracked.txt',
    ]);
    for (const part of tracked) expect(all).toContain(part);
    git(root, 'add', '-A');
    expect(patch.equals(execGit(root, ['diff', '--cached', '--binary', 'HEAD']))).toBe(true);
    expect(patch.toString('latin1')).not.toContain('ignored.log');

    // And it applies: a clean checkout of the commit plus the patch is the work tree.
    const copy = tempDir();
    git(copy, 'clone', '-q', root, '.');
    writeFileSync(path.join(copy, 'run.patch'), patch);
    git(copy, 'apply', '--binary', 'run.patch');
    for (const name of ['tracked.txt', 'data.bin', 'new.txt', 'new.bin']) {
      expect(readFileSync(path.join(copy, name)).equals(readFileSync(path.join(root, name)))).toBe(true);
    }
  });

  it('outside a Lineage repository, fails naming the folder', () => {
    const dir = tempDir();
    const r = runPy(dir, script('import lineage\nlineage.init()\n'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`LineageError: ${dir}: not a Lineage repository`);
    expect(r.stderr).toContain('lineage init');
  });

  it('summarizes a stream exactly as core/runs/metrics.ts does, bad lines and all', () => {
    const text = [
      '{"loss": 3}',
      'not json',
      '[1,2]',
      '{"step": -1, "loss": 1}',
      '{"loss": "high"}',
      '{"loss": 2, "acc": null}',
      '{"step": 5.0, "val": {"acc": 0.5, "f1": true}}',
      '{"params": {"lr": 0.1, "opt": {"name": "adam", "betas": [0.9, 1.0]}, "flag": true, "none": null}}',
      '{"tags": {"a": "x", "n": 1, "f": 2.0, "l": [1, 2.5], "o": {"b": 1, "a": 2}, "z": null}}',
      '{"artifact": {"path": "m.pkl", "name": "model"}}',
      '{"image": {"path": ""}}',
      '{"image": {"path": "p.png", "name": 3}}',
      '{"step": 7}',
      '{"2": 1, "10": 2, "1": 3, "x": 4, "01": 5}',
      '{"a/b": 1, "a": {"b": 2}}',
      '{"time": "now", "loss": 1}',
      '{"step": 8, "time": 1764072000.5, "loss": NaN}',
      '{"loss": 1e400}',
      '   ',
      '{"params": [1]}',
      '{"step": 9, "time": 1764072001, "loss": 0.25, "deep": {"er": {"x": -0.0}}}',
      '{"step": 10, "lo',
    ].join('\n');
    const file = script(`
import json, sys
from lineage._stream import summarize
text = sys.stdin.read()
print(json.dumps([summarize(text, complete=True), summarize(text, complete=False),
                  summarize(text + "\\n", complete=False), summarize('{"loss": 1}', complete=False)]))
`);
    const r = spawnSyncPy(file, text);
    const [complete, live, terminated, whole] = JSON.parse(r) as unknown[];
    const norm = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
    expect(complete).toEqual(norm(summarizeMetrics(text, true)));
    expect(live).toEqual(norm(summarizeMetrics(text, false)));
    expect(terminated).toEqual(norm(summarizeMetrics(text + '\n', false)));
    expect(whole).toEqual(norm(summarizeMetrics('{"loss": 1}', false)));
    expect((complete as { problems: string[] }).problems).toHaveLength(10);
  });

  it('tolerates a half-written last line: skipped, and the next line starts fresh', async () => {
    // Launched: a writer died mid-line before this one started.
    const metrics = path.join(tempDir(), 'metrics.jsonl');
    writeFileSync(metrics, '{"step": 0, "loss": 1}\n{"step": 1, "lo');
    const file = script(
      'import lineage\nrun = lineage.init()\nrun.log({"loss": 0.5}, step=1)\nrun.log({"loss": 0.25})\n',
    );
    expect(runPy(tempDir(), file, { LINEAGE_METRICS: metrics }).status).toBe(0);
    const summary = summarizeMetrics(readFileSync(metrics, 'utf8'), true);
    expect(summary.problems).toEqual(['line 2: not a JSON object']);
    expect(summary.metrics.loss).toMatchObject({ last: 0.25, count: 3, step: 2 });

    // Standalone: a half line at the end of its own stream when it finishes.
    const repo = await newRepo();
    const r = runPy(
      repo.root,
      script(`
import os, lineage
run = lineage.init()
for i in range(3):
    run.log({"loss": 1 / (i + 1)})
fd = os.open(run.metrics_path, os.O_WRONLY | os.O_APPEND)
os.write(fd, b'{"step": 3, "lo')
os.close(fd)
`),
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('line 4: not a JSON object');
    const { runs } = await listRuns(repo);
    expect(runs[0]).toMatchObject({ status: 'finished', lastStep: 2, metrics: { loss: 1 / 3 } });
    expectSummaryAsCore(repo, runs[0]!.id);
  });
});

/** A patch's per-file parts, each without its `diff --git ` line start. */
function sections(patch: Buffer): string[] {
  return patch
    .toString('latin1')
    .split(/^diff --git /m)
    .filter(Boolean);
}

function execGit(cwd: string, args: string[]): Buffer {
  const r = spawnSync('git', args, { cwd });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

function spawnSyncPy(file: string, input: string): string {
  const r = spawnSync(PYTHON, [file], {
    input,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: CLIENT },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}
