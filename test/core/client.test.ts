import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { init } from '../../core/client';
import { storeOf } from '../../core/datasets/add';
import { initRepo } from '../../core/init';
import { repoAt } from '../../core/repo';
import { runFile } from '../../core/runs/layout';
import { listRuns } from '../../core/runs/list';
import { summarizeMetrics } from '../../core/runs/metrics';
import { git, tempGitRepo } from '../helpers/tmp';

const saved = { ...process.env };
afterEach(() => {
  const { LINEAGE_METRICS: _m, LINEAGE_RUN_ID: _i, LINEAGE_PARAMS: _p, ...rest } = process.env;
  process.env = { ...rest, ...saved };
});

async function newRepo() {
  const root = tempGitRepo();
  await initRepo(root);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'init');
  return repoAt(root);
}

describe('TypeScript client', () => {
  it('records a standalone run: params, metrics, tags, an artifact, environment and status', async () => {
    const repo = await newRepo();
    const run = await init({
      repo: repo.root,
      params: { lr: 0.1, net: { depth: 3 } },
      name: 'ts-train',
      tags: { kind: 'test' },
    });
    expect(run.params).toEqual({ lr: 0.1, 'net.depth': 3 });
    expect(existsSync(runFile(repo, run.id, 'header'))).toBe(true);
    expect((await listRuns(repo)).runs[0]).toMatchObject({ id: run.id, status: 'running', name: 'ts-train' });
    for (let step = 0; step < 1000; step++) run.log({ loss: 1 / (step + 1), val: { acc: step / 1000 } });
    const model = path.join(repo.root, 'model.json');
    writeFileSync(model, '{"w": [1, 2]}');
    run.logArtifact(model, 'model');
    run.setTags({ stage: 'done' });
    const end = await run.finish();
    expect(end).toMatchObject({ status: 'finished', exitCode: 0, lastStep: 999, tags: { stage: 'done' } });
    expect(end?.metrics['val/acc']).toMatchObject({ last: 0.999, count: 1000 });
    const artifact = end?.outputs?.[0];
    expect(artifact).toMatchObject({ kind: 'artifact', path: 'model.json', type: 'file' });
    expect((await storeOf(repo).readVerified(artifact?.sha256 as string)).toString()).toBe('{"w": [1, 2]}');
    const [summary] = (await listRuns(repo)).runs;
    expect(summary).toMatchObject({
      status: 'finished',
      params: { lr: 0.1, 'net.depth': 3 },
      tags: { kind: 'test', stage: 'done' },
      metrics: { loss: 0.001 },
    });
    expect(JSON.parse(readFileSync(path.join(repo.runs, run.id, 'environment.json'), 'utf8'))).toMatchObject({
      node: process.versions.node,
    });
    expect(() => run.log({ loss: 1 })).toThrow(/has finished/);
  });

  it('joins the run Lineage launched: launch params win over defaults, lines go to its stream', async () => {
    const repo = await newRepo();
    const metrics = path.join(repo.root, 'stream.jsonl');
    writeFileSync(metrics, '');
    Object.assign(process.env, {
      LINEAGE_METRICS: metrics,
      LINEAGE_RUN_ID: '01jabcdefghjkmnpqrstvwxyz0',
      LINEAGE_PARAMS: JSON.stringify({ lr: 0.5 }),
    });
    const run = await init({ params: { lr: 0.1, epochs: 2 } });
    expect(run.id).toBe('01jabcdefghjkmnpqrstvwxyz0');
    expect(run.params).toEqual({ lr: 0.5, epochs: 2 });
    run.log({ loss: 2 }, 5);
    run.log({ loss: 1 });
    expect(await run.finish()).toBeNull();
    const summary = summarizeMetrics(readFileSync(metrics, 'utf8'), true);
    expect(summary).toMatchObject({ params: { lr: 0.5, epochs: 2 }, lastStep: 6, problems: [] });
    expect(summary.metrics.loss).toMatchObject({ last: 1, count: 2 });
    expect((await listRuns(repo)).runs).toEqual([]);
  });
});
