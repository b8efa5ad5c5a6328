import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFile } from '../../core/runs/layout';
import { listRuns, readRun } from '../../core/runs/list';
import { expectSummaryAsCore, newRepo, pyEnv, runPy, script, startPy, status } from './helpers';

/** Logs two steps and a model file, then ends as argv[1] says. */
const ENDINGS = `
import os, sys, time, lineage

how = sys.argv[1]
run = lineage.init(params={"lr": 0.1})
os.makedirs("models", exist_ok=True)
with open("models/m.txt", "w") as f:
    f.write("weights")
run.log_artifact("models/m.txt")
if how == "with":
    with run:
        run.log({"loss": 1.0})
        run.log({"loss": 0.5})
        raise RuntimeError("inside with")
run.log({"loss": 1.0})
run.log({"loss": 0.5})
if how == "raise":
    raise ValueError("boom")
if how == "exit":
    sys.exit(3)
if how == "wait":
    print("ready", flush=True)
    time.sleep(60)
`;

describe('Python client, how a standalone run ends', { timeout: 60_000 }, () => {
  it('an uncaught exception: failed, exit code 1, the traceback in output.log, artifacts kept', async () => {
    const repo = await newRepo();
    const r = runPy(repo.root, script(ENDINGS), {}, ['raise']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Traceback (most recent call last)');
    expect(r.stderr).toContain('ValueError: boom');
    const { runs } = await listRuns(repo);
    expect(runs[0]).toMatchObject({ status: 'failed', exitCode: 1, metrics: { loss: 0.5 }, lastStep: 1 });
    const end = status(repo, runs[0]!.id);
    expect(end).toMatchObject({ status: 'failed', exitCode: 1, signal: null });
    expect(end.outputs).toMatchObject([{ kind: 'artifact', path: 'models/m.txt', type: 'file' }]);
    const log = readFileSync(runFile(repo, runs[0]!.id, 'log'), 'utf8');
    expect(log).toContain('Traceback (most recent call last)');
    expect(log).toContain('ValueError: boom');
    expectSummaryAsCore(repo, runs[0]!.id);
  });

  it('sys.exit(3): failed with exit code 3; an exception leaving a with block: failed, traceback logged', async () => {
    const repo = await newRepo();
    const exit = runPy(repo.root, script(ENDINGS), {}, ['exit']);
    expect(exit.status).toBe(3);
    let { runs } = await listRuns(repo);
    expect(runs[0]).toMatchObject({ status: 'failed', exitCode: 3 });

    const inWith = runPy(repo.root, script(ENDINGS), {}, ['with']);
    expect(inWith.status).toBe(1);
    ({ runs } = await listRuns(repo));
    expect(runs[0]).toMatchObject({ status: 'failed', exitCode: 1, metrics: { loss: 0.5 } });
    expect(readFileSync(runFile(repo, runs[0]!.id, 'log'), 'utf8')).toContain('RuntimeError: inside with');
  });

  it('SIGTERM: status killed (signal SIGTERM), then the process dies by the signal', async () => {
    const repo = await newRepo();
    const child = await startPy(repo.root, script(ENDINGS), ['wait']);
    child.kill('SIGTERM');
    const r = await child.done;
    expect(r.signal).toBe('SIGTERM');
    const { runs } = await listRuns(repo);
    expect(runs[0]).toMatchObject({ status: 'killed', exitCode: null, metrics: { loss: 0.5 } });
    const end = status(repo, runs[0]!.id);
    expect(end).toMatchObject({ status: 'killed', exitCode: null, signal: 'SIGTERM' });
    expect(end.outputs).toHaveLength(1);
    expectSummaryAsCore(repo, runs[0]!.id);
  });

  it('Ctrl-C (SIGINT, KeyboardInterrupt): killed with signal SIGINT', async () => {
    const repo = await newRepo();
    const child = await startPy(repo.root, script(ENDINGS), ['wait']);
    child.kill('SIGINT');
    const r = await child.done;
    expect(r.signal).toBe('SIGINT');
    expect(r.stderr).toContain('KeyboardInterrupt');
    const { runs } = await listRuns(repo);
    expect(status(repo, runs[0]!.id)).toMatchObject({ status: 'killed', exitCode: null, signal: 'SIGINT' });
  });

  it('SIGKILL: no status is written, so Lineage shows the run crashed with its metrics so far', async () => {
    const repo = await newRepo();
    const child = await startPy(repo.root, script(ENDINGS), ['wait']);
    const { runs: live } = await listRuns(repo);
    expect(live[0]).toMatchObject({ status: 'running', metrics: { loss: 0.5 } });
    child.kill('SIGKILL');
    expect((await child.done).signal).toBe('SIGKILL');
    const id = live[0]!.id;
    expect(existsSync(runFile(repo, id, 'status'))).toBe(false);
    const read = await readRun(repo, id);
    expect(read).toMatchObject({
      run: { status: 'crashed', metrics: { loss: 0.5 }, lastStep: 1, params: { lr: 0.1 } },
    });
  });

  it('a child process logs into the same run; the run ends with its script', async () => {
    const repo = await newRepo();
    const r = runPy(
      repo.root,
      script(`
import subprocess, sys, lineage
run = lineage.init()
run.log({"parent": 1.0})
subprocess.run([sys.executable, "-c", "import lineage; lineage.log({'child': 2.0}, step=5)"], check=True)
`),
    );
    expect(r.status).toBe(0);
    const { runs } = await listRuns(repo);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'finished', metrics: { parent: 1, child: 2 }, lastStep: 5 });
  });

  it('a second init() finishes the first run; module-level calls work on the active run', async () => {
    const repo = await newRepo();
    const r = runPy(
      repo.root,
      script(`
import lineage
first = lineage.init(name="first")
lineage.log({"a": 1})
second = lineage.init(name="second")
assert lineage.active_run() is second
lineage.log({"b": 2})
lineage.set_tags({"k": "v"})
lineage.log_params({"extra": {"depth": 4}})
lineage.finish()
assert lineage.active_run() is None
`),
    );
    expect(r.stderr).not.toContain('Traceback');
    expect(r.status).toBe(0);
    const { runs } = await listRuns(repo);
    expect(runs.map((run) => [run.name, run.status, run.metrics])).toEqual([
      ['second', 'finished', { b: 2 }],
      ['first', 'finished', { a: 1 }],
    ]);
    expect(runs[0]).toMatchObject({ tags: { k: 'v' }, params: { 'extra.depth': 4 } });
  });

  it.skipIf(!existsSync(PYTHON39))('runs on Python 3.9', async () => {
    const repo = await newRepo();
    const r = spawnSync(PYTHON39, [script(ENDINGS), 'none'], {
      cwd: repo.root,
      env: pyEnv(),
      encoding: 'utf8',
    });
    expect(r.stderr).not.toContain('Traceback');
    expect(r.status).toBe(0);
    const { runs } = await listRuns(repo);
    expect(runs[0]).toMatchObject({ status: 'finished', metrics: { loss: 0.5 } });
    expect(status(repo, runs[0]!.id).outputs).toHaveLength(1);
  });
});

/** An older interpreter, where one is installed (pyenv), to keep the client 3.9-compatible. */
const PYTHON39 = path.join(process.env.PYENV_ROOT ?? '/root/.pyenv', 'versions', '3.9.18', 'bin', 'python3');
