import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { initRepo } from '../../core/init';
import { repoAt, type Repo } from '../../core/repo';
import { commandLabel, recordRun } from '../../core/runs/execute';
import { newRunId, runFile } from '../../core/runs/layout';
import { listRuns } from '../../core/runs/list';
import { summarizeMetrics } from '../../core/runs/metrics';
import type { RunRequest } from '../../core/runs/plan';
import { git, tempGitRepo } from '../helpers/tmp';

const quiet = () => ({ stdout: new PassThrough(), stderr: new PassThrough() });

async function newRepo() {
  const root = tempGitRepo();
  await initRepo(root);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'init lineage');
  return repoAt(root);
}

describe('metric stream', () => {
  it('summarizes last/min/max per metric, flattening nested objects', () => {
    const text = [
      '{"step":0,"loss":1.0,"val":{"acc":0.5}}',
      '{"step":1,"loss":0.25,"val":{"acc":0.75}}',
      '',
    ].join('\n');
    const s = summarizeMetrics(text, true);
    expect(s.metrics.loss).toEqual({ last: 0.25, min: 0.25, max: 1, step: 1, count: 2 });
    expect(s.metrics['val/acc']).toMatchObject({ last: 0.75, max: 0.75 });
    expect(s.lastStep).toBe(1);
    expect(s.problems).toEqual([]);
  });

  it('tolerates a half-written last line while running, reports it once the writer is done', () => {
    const text = '{"step":0,"loss":1}\n{"step":1,"lo';
    expect(summarizeMetrics(text, false)).toMatchObject({ lastStep: 0, problems: [] });
    expect(summarizeMetrics(text, true).problems).toEqual(['line 2: not a JSON object']);
  });

  it('reports bad lines by number and keeps the good ones; steps default to the line order', () => {
    const text = '{"loss":3}\nnot json\n[1,2]\n{"step":-1,"loss":1}\n{"loss":"high"}\n{"loss":2}\n';
    const s = summarizeMetrics(text, true);
    expect(s.metrics.loss).toMatchObject({ last: 2, count: 2, step: 2 });
    expect(s.problems).toEqual([
      'line 2: not a JSON object',
      'line 3: not a JSON object',
      "line 4: 'step' must be a non-negative integer",
      "line 5: 'loss' is not a finite number",
    ]);
  });
});

/** A run request for `command` in the repository root. */
function run(repo: Repo, command: string[]): RunRequest {
  return { command, cwd: repo.root };
}

describe('recordRun', () => {
  it('records header, output, metrics and final status of a real python run', async () => {
    const repo = await newRepo();
    const script = path.join(repo.root, 'train.py');
    writeFileSync(
      script,
      [
        'import json, os, sys',
        'with open(os.environ["LINEAGE_METRICS"], "a") as f:',
        '    for step in range(3):',
        '        f.write(json.dumps({"step": step, "loss": 1.0 / (step + 1)}) + "\\n")',
        'print("trained", os.environ["LINEAGE_RUN_ID"])',
        'print("warning!", file=sys.stderr)',
      ].join('\n'),
    );
    const io = quiet();
    let echoed = '';
    io.stdout.on('data', (c: Buffer) => (echoed += c.toString()));
    const outcome = await recordRun(repo, run(repo, ['python3', script, '--lr', '0.1']), io);
    expect(outcome.exitStatus).toBe(0);
    expect(outcome.end).toMatchObject({ status: 'finished', exitCode: 0, lastStep: 2 });
    expect(outcome.end.metrics.loss).toMatchObject({ last: 1 / 3, min: 1 / 3, max: 1 });
    expect(echoed).toContain(`trained ${outcome.id}`);
    const log = readFileSync(runFile(repo, outcome.id, 'log'), 'utf8');
    expect(log).toContain(`trained ${outcome.id}`);
    expect(log).toContain('warning!');

    const header = JSON.parse(readFileSync(runFile(repo, outcome.id, 'header'), 'utf8'));
    expect(header).toMatchObject({
      id: outcome.id,
      name: 'train.py',
      command: ['python3', script, '--lr', '0.1'],
      commit: git(repo.root, 'rev-parse', 'HEAD'),
      branch: 'main',
      dirty: false,
      host: os.hostname(),
    });

    const { runs, problems } = await listRuns(repo);
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      id: outcome.id,
      status: 'finished',
      metrics: { loss: 1 / 3 },
      exitCode: 0,
    });
  });

  it('passes on a failing exit status, records a killed run, and a missing command', async () => {
    const repo = await newRepo();
    expect(
      (await recordRun(repo, run(repo, [process.execPath, '-e', 'process.exit(3)']), quiet())).exitStatus,
    ).toBe(3);
    const killed = await recordRun(
      repo,
      run(repo, [process.execPath, '-e', 'process.kill(process.pid, "SIGTERM")']),
      quiet(),
    );
    expect(killed.end).toMatchObject({ status: 'killed', signal: 'SIGTERM' });
    expect(killed.exitStatus).toBe(128 + 15);
    const missing = await recordRun(repo, run(repo, ['no-such-command-xyz']), quiet());
    expect(missing.end.status).toBe('failed');
    expect(missing.exitStatus).toBe(127);
    const statuses = (await listRuns(repo)).runs.map((r) => r.status);
    expect(statuses).toEqual(['failed', 'killed', 'failed']); // newest first
  });

  it('notes a dirty work tree', async () => {
    const repo = await newRepo();
    writeFileSync(path.join(repo.root, 'lineage.yaml'), 'schema: 1\n# edited\n');
    const outcome = await recordRun(repo, run(repo, [process.execPath, '-e', '']), quiet());
    expect((await listRuns(repo)).runs[0]).toMatchObject({ id: outcome.id, dirty: true });
  });
});

describe('listRuns', () => {
  it('shows a run without a final status as crashed when its recorder is gone, running otherwise', async () => {
    const repo = await newRepo();
    const header = (id: string, pid: number) => ({
      schema: 1,
      id,
      name: 'x',
      command: ['x'],
      cwd: '',
      commit: null,
      branch: null,
      dirty: false,
      startedAt: new Date(Date.now() - 5000).toISOString(),
      host: os.hostname(),
      pid,
    });
    const dead = newRunId();
    const alive = newRunId();
    for (const [id, pid] of [
      [dead, 2 ** 22 + 12345],
      [alive, process.pid],
    ] as const) {
      mkdirSync(path.join(repo.runs, id), { recursive: true });
      writeFileSync(runFile(repo, id, 'header'), JSON.stringify(header(id, pid)));
    }
    writeFileSync(runFile(repo, alive, 'metrics'), '{"step":7,"acc":0.9}\n{"step":8,"ac');
    const lastWrite = new Date(Date.now() - 2000);
    writeFileSync(runFile(repo, dead, 'metrics'), '{"loss":1}\n');
    utimesSync(runFile(repo, dead, 'metrics'), lastWrite, lastWrite);
    const { runs } = await listRuns(repo);
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [alive, 'running'],
      [dead, 'crashed'],
    ]);
    expect(runs[0]).toMatchObject({ metrics: { acc: 0.9 }, lastStep: 7 });
    expect(runs[0]!.durationMs).toBeGreaterThanOrEqual(5000);
    // A crashed run's duration ends at its last write.
    expect(runs[1]!.durationMs).toBeGreaterThan(2900);
    expect(runs[1]!.durationMs).toBeLessThan(3100);
  });

  it('reports malformed run files as problems naming the file, and lists the rest', async () => {
    const repo = await newRepo();
    const good = await recordRun(repo, run(repo, [process.execPath, '-e', '']), quiet());
    const bad = newRunId();
    mkdirSync(path.join(repo.runs, bad));
    writeFileSync(runFile(repo, bad, 'header'), '{"schema": 1, "id": ');
    writeFileSync(runFile(repo, good.id, 'status'), '{"schema":1,"status":"weird"}');
    const { runs, problems } = await listRuns(repo);
    expect(runs).toEqual([]);
    expect(problems).toEqual([
      { file: `.lineage/runs/${bad}/run.json`, message: 'malformed run header: not valid JSON' },
      {
        file: `.lineage/runs/${good.id}/status.json`,
        message: expect.stringMatching(/^malformed run status: 'status'/),
      },
    ]);
  });
});

describe('commandLabel', () => {
  it.each([
    [['python', 'train.py', '--lr', '1'], 'train.py'],
    [['python3', '-u', 'src/fit.py'], 'fit.py'],
    [['python3', '-m', 'pkg.train'], 'pkg.train'],
    [['python3', '-c', 'print(1)'], 'python3'],
    [['/usr/bin/make', 'train'], 'make'],
  ])('%j → %s', (argv, label) => expect(commandLabel(argv)).toBe(label));
});
