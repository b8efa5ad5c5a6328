import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoAt } from '../../core/repo';
import { runFile } from '../../core/runs/layout';
import { listRuns } from '../../core/runs/list';
import type { ImportReport } from '../../core/runs/import/shared';
import { lineage } from '../helpers/cli';
import { tempGitRepo } from '../helpers/tmp';
import { writeDvclive } from './dvcliveDir';
import { lossLines, RUN_A, RUN_E, SWEEP, writeMlflowStore } from './mlflowStore';
import { pointsByName } from './fixtures';

function initialized(): string {
  const root = tempGitRepo();
  expect(lineage(root, ['init']).status).toBe(0);
  return root;
}

describe('lineage import (built CLI)', () => {
  it('mlflow: imports, reports skips and problems by file and line, and re-importing is a no-op', async () => {
    const root = initialized();
    writeMlflowStore(root);
    const first = lineage(root, ['import', 'mlflow', '--json']);
    expect(first.status).toBe(1);
    const report = JSON.parse(first.stdout) as ImportReport;
    expect(report).toMatchObject({ tool: 'mlflow', from: path.join(root, 'mlruns') });
    expect(report.imported).toHaveLength(4);
    expect(report.skipped.map((s) => s.problem).sort()).toEqual([false, false, true, true]);
    expect(first.stderr).toContain(
      `lineage: ${path.join('mlruns', SWEEP, RUN_E, 'metrics', 'loss')}: line 3: value 'abc' is not a number\n`,
    );

    const runs = JSON.parse(lineage(root, ['runs', '--json']).stdout).runs as {
      id: string;
      name: string;
      source?: string;
    }[];
    expect(runs.map((r) => [r.name, r.source])).toEqual([
      ['killed', 'mlflow'],
      ['still-running', 'mlflow'],
      ['failing', 'mlflow'],
      ['bright-fox-42', 'mlflow'],
    ]);
    const a = runs.find((r) => r.name === 'bright-fox-42')!;
    const points = pointsByName(readFileSync(runFile(repoAt(root), a.id, 'metrics'), 'utf8'));
    expect(points.loss!.map((p) => `${Math.round(p.time! * 1000)} ${p.value} ${p.step}`)).toEqual(
      lossLines().map((l) => l.replace(' 1.0 ', ' 1 ')),
    );
    expect(JSON.parse(readFileSync(runFile(repoAt(root), a.id, 'header'), 'utf8')).source).toMatchObject({
      tool: 'mlflow',
      id: RUN_A,
    });

    const again = lineage(root, ['import', 'mlflow', 'mlruns']);
    expect(again.status).toBe(1);
    expect(again.stdout).toContain('0 imported, 4 already present, 4 skipped (2 could not be read)\n');
    expect(again.stdout).toContain(
      `skipped ${path.join('mlruns', '.trash', '456', '70000000000000000000000000000007')}: experiment 'old' is deleted (in .trash)\n`,
    );
    expect((await listRuns(repoAt(root))).runs).toHaveLength(4);
    expect(readdirSync(path.join(root, '.lineage', 'tmp'))).toEqual([]);
  });

  it('dvclive: imports the default folder once; a missing folder is one clear error', () => {
    const root = initialized();
    writeDvclive(path.join(root, 'dvclive'));
    const first = lineage(root, ['import', 'dvclive']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^imported [0-9a-z]{8} {2}dvclive {2}\(dvclive [0-9a-f]{64}\)\n/);
    expect(first.stdout).toContain('  note: 1 NaN/inf value written as null\n');
    expect(first.stdout).toMatch(/1 imported, 0 already present, 0 skipped\n$/);
    const again = JSON.parse(
      lineage(root, ['import', 'dvclive', 'dvclive', '--json']).stdout,
    ) as ImportReport;
    expect(again.imported).toEqual([]);
    expect(again.present).toHaveLength(1);
    const runs = JSON.parse(lineage(root, ['runs', '--json']).stdout).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'finished',
      source: 'dvclive',
      params: { lr: 0.1, 'optimizer.name': 'adam' },
    });

    const missing = lineage(root, ['import', 'dvclive', 'nope']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`lineage: ${path.join(root, 'nope')}: DVCLive folder not found\n`);
  });
});
