import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { initRepo } from '../../core/init';
import { repoAt } from '../../core/repo';
import { runFile } from '../../core/runs/layout';
import { listRuns } from '../../core/runs/list';
import { summarizeMetrics } from '../../core/runs/metrics';
import { importMlflow } from '../../core/runs/import/mlflow';
import { encodeMetricStream, paramFromText, parseFloatText } from '../../core/runs/import/stream';
import { runEndSchema, runHeaderSchema } from '../../core/runs/record';
import { tempGitRepo } from '../helpers/tmp';
import { pointsByName } from './fixtures';
import * as S from './mlflowStore';

async function newRepo() {
  const root = tempGitRepo();
  await initRepo(root);
  return repoAt(root);
}

const read = (file: string) => readFileSync(file, 'utf8');

describe('MLflow import', () => {
  it('imports every live run with params, tags, full histories, statuses and source ids; skips and reports the rest', async () => {
    const repo = await newRepo();
    const mlruns = S.writeMlflowStore(repo.root);
    const report = await importMlflow(repo, mlruns);

    expect(report.imported.map((r) => r.sourceId).sort()).toEqual(
      [S.RUN_A, S.RUN_B, S.RUN_C, S.RUN_G].sort(),
    );
    expect(report.present).toEqual([]);
    const skipped = Object.fromEntries(report.skipped.map((s) => [s.sourceId, s]));
    expect(Object.keys(skipped).sort()).toEqual([S.RUN_D, S.RUN_E, S.RUN_F, S.RUN_TRASHED].sort());
    expect(skipped[S.RUN_D]).toMatchObject({ problem: false, reason: 'run is deleted in MLflow' });
    expect(skipped[S.RUN_TRASHED]).toMatchObject({
      problem: false,
      reason: "experiment 'old' is deleted (in .trash)",
    });
    expect(skipped[S.RUN_E]).toEqual({
      path: path.join(mlruns, S.SWEEP, S.RUN_E, 'metrics', 'loss'),
      sourceId: S.RUN_E,
      reason: "line 3: value 'abc' is not a number",
      problem: true,
    });
    expect(skipped[S.RUN_F]).toMatchObject({
      path: path.join(mlruns, S.SWEEP, S.RUN_F, 'meta.yaml'),
      problem: true,
    });
    expect(skipped[S.RUN_F]!.reason).toMatch(/^run meta\.yaml: invalid YAML at line \d+/);
    const notesA = report.imported.find((r) => r.sourceId === S.RUN_A)!.notes;
    expect(notesA).toEqual([
      '2 NaN/inf values written as null',
      "metric 'step' imported as 'metrics/step' (a reserved stream key)",
    ]);

    // What Lineage lists: exactly four runs, newest first, nothing half-written left behind.
    const { runs, problems } = await listRuns(repo);
    expect(problems).toEqual([]);
    expect(runs.map((r) => r.name)).toEqual(['killed', 'still-running', 'failing', 'bright-fox-42']);
    expect(readdirSync(repo.tmp)).toEqual([]);
    const byName = Object.fromEntries(runs.map((r) => [r.name, r]));
    expect(runs.map((r) => [r.name, r.status, r.source])).toEqual([
      ['killed', 'killed', 'mlflow'],
      ['still-running', 'crashed', 'mlflow'],
      ['failing', 'failed', 'mlflow'],
      ['bright-fox-42', 'finished', 'mlflow'],
    ]);

    const a = byName['bright-fox-42']!;
    expect(decodeTime(a.id.toUpperCase())).toBe(S.T0);
    expect(a).toMatchObject({
      commit: S.COMMIT,
      branch: null,
      dirty: false,
      command: ['train.py'],
      startedAt: new Date(S.T0).toISOString(),
      endedAt: new Date(S.T0 + 120_000).toISOString(),
      durationMs: 120_000,
      exitCode: null,
      lastStep: 999,
    });
    expect(a.params).toEqual({
      lr: 0.001,
      batch_size: 32,
      optimizer: 'adam',
      'model/depth': 50,
      'model/name': 'resnet',
      seed_text: '007',
      dropout: 1e-5,
      use_amp: 'True',
      big: '12345678901234567890',
      empty: '',
    });
    expect(a.tags).toEqual({
      'mlflow.runName': 'bright-fox-42',
      'mlflow.user': 'alice',
      'mlflow.source.name': 'train.py',
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.git.commit': S.COMMIT,
      'mlflow.note.content': 'first line\nsecond line',
      'team/owner': 'ml-platform',
    });
    const header = runHeaderSchema.parse(JSON.parse(read(runFile(repo, a.id, 'header'))));
    expect(header.source).toEqual({
      tool: 'mlflow',
      id: S.RUN_A,
      experiment: 'Default',
      path: path.join(mlruns, '0', S.RUN_A),
    });
    expect(header.pid).toBeUndefined();

    // Every point, read back from metrics.jsonl; NaN and inf are nulls the reader skips.
    const stream = read(runFile(repo, a.id, 'metrics'));
    const points = pointsByName(stream);
    expect(Object.keys(points).sort()).toEqual(['grad_norm', 'loss', 'lr', 'metrics/step', 'val/acc']);
    expect(points.loss).toEqual(
      Array.from({ length: 1000 }, (_, i) => ({
        step: i,
        time: (S.T0 + i * 100) / 1000,
        value: 1 / (i + 1),
      })),
    );
    expect(points.lr).toHaveLength(1000);
    expect(points['val/acc']).toEqual(
      [0, 1, 2, 3, 4, 6, 7, 8, 9].map((k) => ({
        step: k * 100,
        time: (S.T0 + k * 10_000 + 50) / 1000,
        value: k / 10,
      })),
    );
    expect(points.grad_norm).toEqual([
      { step: 0, time: (S.T0 + 7) / 1000, value: 2.5 },
      { step: 2, time: (S.T0 + 207) / 1000, value: 1.25 },
    ]);
    // Values of one step and timestamp share a line; NaN is written as null.
    const lines = stream.trimEnd().split('\n');
    expect(lines).toContain(`{"step":0,"time":${S.T0 / 1000},"loss":1,"lr":0.001}`);
    expect(lines).toContain(`{"step":500,"time":${(S.T0 + 50_050) / 1000},"val/acc":null}`);
    expect(lines).toHaveLength(1000 + 10 + 3 + 2);

    // status.json's summary is exactly what the shared reader makes of the stream.
    for (const run of runs) {
      const end = runEndSchema.parse(JSON.parse(read(runFile(repo, run.id, 'status'))));
      const summary = summarizeMetrics(read(runFile(repo, run.id, 'metrics')), true);
      expect(end.metrics).toEqual(summary.metrics);
      expect(end.lastStep).toBe(summary.lastStep);
      expect(run.metrics).toEqual(
        Object.fromEntries(Object.entries(summary.metrics).map(([k, m]) => [k, m.last])),
      );
    }
    expect(a.metrics).toMatchObject({ loss: 1 / 1000, lr: 0.001, 'val/acc': 0.9, grad_norm: 1.25 });

    const b = byName.failing!;
    expect(b.params).toEqual({ lr: 0.1 });
    expect(pointsByName(read(runFile(repo, b.id, 'metrics'))).loss).toEqual([
      { step: 0, time: (S.T0 + 1_000_100) / 1000, value: 2.5 },
      { step: 0, time: (S.T0 + 1_000_200) / 1000, value: 2.25 },
    ]);
    const c = byName['still-running']!;
    expect(c.endedAt).toBe(new Date(S.T0 + 2_009_000).toISOString());
    expect(c.tags).toEqual({ 'mlflow.runName': 'still-running' });
    expect(c.commit).toBeNull();
    // MLflow's latest value is the max of (step, timestamp, value): the same here.
    const g = byName.killed!;
    expect(g.metrics).toEqual({ acc: 0.7 });
    expect(g).toMatchObject({ metricsMin: { acc: 0.5 }, metricsMax: { acc: 0.9 }, lastStep: 3 });
  });

  it('is idempotent: a second import adds nothing; a fixed run imports alone', async () => {
    const repo = await newRepo();
    const mlruns = S.writeMlflowStore(repo.root);
    const first = await importMlflow(repo, mlruns);
    const again = await importMlflow(repo, mlruns);
    expect(again.imported).toEqual([]);
    expect(again.present.map((p) => [p.sourceId, p.id]).sort()).toEqual(
      first.imported.map((r) => [r.sourceId, r.id]).sort(),
    );
    expect(again.skipped).toEqual(first.skipped);
    expect((await listRuns(repo)).runs).toHaveLength(4);

    S.fixRunE(mlruns);
    const fixed = await importMlflow(repo, mlruns);
    expect(fixed.imported.map((r) => [r.sourceId, r.name])).toEqual([[S.RUN_E, 'bad-metric']]);
    expect(fixed.present).toHaveLength(4);
    const runs = (await listRuns(repo)).runs;
    expect(runs).toHaveLength(5);
    expect(runs.find((r) => r.name === 'bad-metric')!.metrics).toEqual({ loss: 0.3 });
  });

  it('refuses a missing folder or one that is not a file store, writing nothing', async () => {
    const repo = await newRepo();
    await expect(importMlflow(repo, path.join(repo.root, 'nope'))).rejects.toThrow(
      /nope: MLflow folder not found/,
    );
    await expect(importMlflow(repo, repo.root)).rejects.toThrow(/not an MLflow file store/);
    expect(existsSync(repo.runs) ? readdirSync(repo.runs) : []).toEqual([]);
  });
});

describe('import helpers', () => {
  it('reads Python floats, keeps numeric params as numbers only when exact, groups stream lines', () => {
    expect(['0.5', '1e-05', '-3', 'nan', 'inf', '-inf', 'NaN', 'x', ''].map(parseFloatText)).toEqual([
      0.5,
      1e-5,
      -3,
      null,
      null,
      null,
      null,
      undefined,
      undefined,
    ]);
    expect(
      ['32', '0.001', '-1.5e3', '007', '1.', ' 1', '1_000', 'nan', '9007199254740993'].map(paramFromText),
    ).toEqual([32, 0.001, -1500, '007', '1.', ' 1', '1_000', 'nan', '9007199254740993']);
    expect(
      encodeMetricStream([
        { name: 'b', step: 1, time: 2, value: 1 },
        { name: 'a', step: 0, value: 1 },
        { name: 'b', step: 1, time: 2, value: 2 },
        { name: 'c', step: 1, time: 2, value: null },
        { name: 'time', step: 0, value: 3 },
      ]),
    ).toBe(
      '{"step":0,"a":1,"metrics/time":3}\n{"step":1,"time":2,"b":1,"c":null}\n{"step":1,"time":2,"b":2}\n',
    );
  });
});
