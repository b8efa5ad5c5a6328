import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { initRepo } from '../../core/init';
import { repoAt } from '../../core/repo';
import { importDvclive } from '../../core/runs/import/dvclive';
import { runFile } from '../../core/runs/layout';
import { listRuns } from '../../core/runs/list';
import { summarizeMetrics } from '../../core/runs/metrics';
import { runEndSchema, runHeaderSchema } from '../../core/runs/record';
import { tempDir, tempGitRepo } from '../helpers/tmp';
import { D0, writeDvclive } from './dvcliveDir';
import { dvcliveTsv, pointsByName, writeFile } from './fixtures';

async function newRepo() {
  const root = tempGitRepo();
  await initRepo(root);
  return repoAt(root);
}

describe('DVCLive import', () => {
  it('imports one run: every history point, metrics.json-only metrics, flattened params, a stable source id', async () => {
    const repo = await newRepo();
    const dir = path.join(repo.root, 'dvclive');
    writeDvclive(dir);
    const report = await importDvclive(repo, dir);
    expect(report.skipped).toEqual([]);
    expect(report.imported).toHaveLength(1);
    const imported = report.imported[0]!;
    expect(imported.name).toBe('dvclive');
    expect(imported.sourceId).toMatch(/^[0-9a-f]{64}$/);
    expect(imported.notes).toEqual([
      'phase: 1 non-numeric value not imported',
      '1 NaN/inf value written as null',
    ]);

    const { runs, problems } = await listRuns(repo);
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({
      name: 'dvclive',
      status: 'finished',
      source: 'dvclive',
      commit: null,
      startedAt: new Date(D0).toISOString(),
      endedAt: new Date(D0 + 9500).toISOString(),
      lastStep: 999,
    });
    expect(decodeTime(run.id.toUpperCase())).toBe(D0);
    expect(run.params).toEqual({
      lr: 0.1,
      epochs: 10,
      'optimizer.name': 'adam',
      'optimizer.betas': '[0.9,0.999]',
      use_amp: true,
    });
    const header = runHeaderSchema.parse(JSON.parse(readFileSync(runFile(repo, run.id, 'header'), 'utf8')));
    expect(header.source).toEqual({ tool: 'dvclive', id: imported.sourceId, path: dir });

    const stream = readFileSync(runFile(repo, run.id, 'metrics'), 'utf8');
    const points = pointsByName(stream);
    expect(Object.keys(points).sort()).toEqual([
      'best_epoch',
      'lr',
      'phase',
      'train/acc',
      'train/loss',
      'val/loss',
    ]);
    expect(points['train/loss']).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ step: i, time: (D0 + i * 1000) / 1000, value: 1 / (i + 2) })),
    );
    expect(points['train/acc']).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ step: i, time: undefined, value: i / 10 })),
    );
    expect(points['val/loss']).toEqual(
      Array.from({ length: 9 }, (_, i) => ({
        step: i,
        time: (D0 + i * 1000 + 500) / 1000,
        value: 2 / (i + 2),
      })),
    );
    expect(points.lr!.map((p) => p.value)).toEqual(Array.from({ length: 1000 }, (_, i) => 0.1 * 0.99 ** i));
    expect(points.best_epoch).toEqual([{ step: 9, time: undefined, value: 7 }]);
    expect(points.phase).toEqual([{ step: 1, time: undefined, value: 0.5 }]);
    const end = runEndSchema.parse(JSON.parse(readFileSync(runFile(repo, run.id, 'status'), 'utf8')));
    expect(end.metrics).toEqual(summarizeMetrics(stream, true).metrics);
    expect(run.metrics).toMatchObject({
      'train/loss': 1 / 11,
      'train/acc': 0.9,
      'val/loss': 2 / 10,
      best_epoch: 7,
    });
  });

  it('re-importing unchanged output is a no-op (reports do not count); new output is a new run', async () => {
    const repo = await newRepo();
    const dir = path.join(repo.root, 'dvclive');
    writeDvclive(dir);
    const first = await importDvclive(repo, dir, 'baseline');
    writeFile(path.join(dir, 'report.html'), '<html>regenerated</html>');
    const again = await importDvclive(repo, dir);
    expect(again.imported).toEqual([]);
    expect(again.present).toEqual([{ id: first.imported[0]!.id, sourceId: first.imported[0]!.sourceId }]);

    dvcliveTsv(dir, 'train/loss', [{ timestamp: D0 + 60_000, step: 0, value: 0.25 }]);
    const next = await importDvclive(repo, dir);
    expect(next.imported).toHaveLength(1);
    expect(next.imported[0]!.sourceId).not.toBe(first.imported[0]!.sourceId);
    expect((await listRuns(repo)).runs.map((r) => r.name)).toEqual(['dvclive', 'baseline']);
  });

  it('reports a malformed TSV or metrics.json with file and line and writes no run', async () => {
    const repo = await newRepo();
    const dir = path.join(repo.root, 'out', 'dvclive');
    writeDvclive(dir);
    const tsv = path.join(dir, 'plots', 'metrics', 'train', 'acc.tsv');
    writeFile(tsv, 'step\tacc\n0\t0.5\nabc\t0.75\n');
    const report = await importDvclive(repo, dir);
    expect(report.imported).toEqual([]);
    expect(report.skipped).toEqual([
      {
        path: tsv,
        sourceId: expect.stringMatching(/^[0-9a-f]{64}$/),
        reason: "line 3: step 'abc' is not a non-negative integer",
        problem: true,
      },
    ]);
    writeFile(tsv, 'step\tacc\n0\t0.5\n');
    writeFile(path.join(dir, 'metrics.json'), '{\n    "acc": 0.5,\n    oops\n}\n');
    const json = await importDvclive(repo, dir);
    expect(json.skipped[0]).toMatchObject({ path: path.join(dir, 'metrics.json'), problem: true });
    expect(json.skipped[0]!.reason).toMatch(/^invalid JSON at line 3/);
    expect(readdirSync(repo.runs)).toEqual([]);
    expect(readdirSync(repo.tmp)).toEqual([]);
  });

  it('refuses a folder that is not DVCLive output', async () => {
    const repo = await newRepo();
    await expect(importDvclive(repo, tempDir())).rejects.toThrow(/not a DVCLive folder/);
    await expect(importDvclive(repo, path.join(repo.root, 'dvclive'))).rejects.toThrow(
      /DVCLive folder not found/,
    );
  });
});
