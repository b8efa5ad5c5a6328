import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFile } from '../../core/runs/layout';
import { listRuns } from '../../core/runs/list';
import { MetricStreamReader } from '../../core/runs/metrics';
import { tempDir } from '../helpers/tmp';
import { expectSummaryAsCore, newRepo, PYTHON, pyEnv, runPy, script, type PyResult } from './helpers';

const POINTS = 10_000;
const WRITERS = 8;

/** Logs POINTS values of its own metric from two threads (even and odd steps); prints seconds spent. */
const WRITER = `
import sys, threading, time, lineage
name = sys.argv[1]
run = lineage.init()
def work(first):
    for step in range(first, ${POINTS}, 2):
        run.log({name: step * 0.5, "shared": {"v": 1.0}}, step=step)
start = time.perf_counter()
threads = [threading.Thread(target=work, args=(t,)) for t in (0, 1)]
for t in threads: t.start()
for t in threads: t.join()
print(time.perf_counter() - start)
`;

/** One standalone run logging POINTS values with automatic steps. */
const RUN = `
import lineage
run = lineage.init()
for i in range(${POINTS}):
    run.log({"loss": 1.0 / (i + 1), "i": i})
`;

function startAll(
  cwd: string,
  file: string,
  argsOf: (i: number) => string[],
  env: NodeJS.ProcessEnv,
): Promise<PyResult[]> {
  return Promise.all(
    Array.from({ length: WRITERS }, (_, i) => {
      const child = spawn(PYTHON, [file, ...argsOf(i)], { cwd, env: pyEnv(env) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return new Promise<PyResult>((resolve) =>
        child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })),
      );
    }),
  );
}

/** Every (metric, step) point of a stream read with core's reader, and the reader's problems. */
function points(text: string): { seen: Map<string, number[]>; problems: string[] } {
  const seen = new Map<string, number[]>();
  const reader = new MetricStreamReader((p) => {
    const steps = seen.get(p.name) ?? [];
    steps.push(p.step);
    seen.set(p.name, steps);
  });
  reader.feed(text);
  return { seen, problems: reader.end().problems };
}

const everyStepOnce = (steps: number[] | undefined): void => {
  expect([...(steps ?? [])].sort((a, b) => a - b)).toEqual(Array.from({ length: POINTS }, (_, i) => i));
};

describe('Python client under concurrency', { timeout: 180_000 }, () => {
  it(`${WRITERS} processes × 2 threads appending ${POINTS} points each to one stream lose nothing`, async () => {
    const metrics = path.join(tempDir(), 'metrics.jsonl');
    writeFileSync(metrics, '');
    const results = await startAll(tempDir(), script(WRITER), (i) => [`w${i}`], { LINEAGE_METRICS: metrics });
    for (const r of results) expect([r.status, r.stderr]).toEqual([0, '']);
    const text = readFileSync(metrics, 'utf8');
    expect(text.split('\n')).toHaveLength(WRITERS * POINTS + 1);
    const { seen, problems } = points(text);
    expect(problems).toEqual([]);
    for (let i = 0; i < WRITERS; i++) everyStepOnce(seen.get(`w${i}`));
    expect(seen.get('shared/v')).toHaveLength(WRITERS * POINTS);
  });

  it(`${WRITERS} standalone runs at once in one repository: ${WRITERS} complete runs, every step once`, async () => {
    const repo = await newRepo();
    const results = await startAll(repo.root, script(RUN), () => [], {});
    for (const r of results) expect(r.status).toBe(0);
    const { runs, problems } = await listRuns(repo);
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(WRITERS);
    expect(new Set(runs.map((r) => r.id)).size).toBe(WRITERS);
    for (const run of runs) {
      expect(run).toMatchObject({
        status: 'finished',
        lastStep: POINTS - 1,
        metrics: { loss: 1 / POINTS, i: POINTS - 1 },
      });
      const { seen, problems: bad } = points(readFileSync(runFile(repo, run.id, 'metrics'), 'utf8'));
      expect(bad).toEqual([]);
      everyStepOnce(seen.get('loss'));
      everyStepOnce(seen.get('i'));
      expectSummaryAsCore(repo, run.id);
    }
  });

  it(`log() is cheap: ${POINTS} points in well under a second`, () => {
    const metrics = path.join(tempDir(), 'metrics.jsonl');
    const r = runPy(
      tempDir(),
      script(`
import time, lineage
run = lineage.init()
start = time.perf_counter()
for i in range(${POINTS}):
    run.log({"loss": 1.0 / (i + 1), "val": {"acc": i / ${POINTS}}})
print(time.perf_counter() - start)
`),
      { LINEAGE_METRICS: metrics },
    );
    expect(r.status).toBe(0);
    expect(Number(r.stdout)).toBeLessThan(1); // typically 0.1–0.3 s
    expect(readFileSync(metrics, 'utf8').split('\n')).toHaveLength(POINTS + 1);
  });
});
