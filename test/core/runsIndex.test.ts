import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../protocol/runs';
import { initRepo } from '../../core/init';
import { repoAt, type Repo } from '../../core/repo';
import { findRunId } from '../../core/runs/find';
import { createRunFolder, json } from '../../core/runs/folder';
import { lastIndexStats, loadRuns, runsIndexFile } from '../../core/runs/index';
import { decodeIndex, encodeIndex, RUNS_INDEX_VERSION } from '../../core/runs/indexFormat';
import { newRunId, runDir, runFile } from '../../core/runs/layout';
import { listRuns, readRun } from '../../core/runs/list';
import { selectRows, summariesData } from '../../core/runs/query';
import type { RunEnd, RunHeader } from '../../core/runs/record';
import { CLI } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

async function newRepo(): Promise<Repo> {
  const root = tempDir();
  await initRepo(root);
  return repoAt(root);
}

let clock = Date.parse('2026-11-20T10:00:00Z');

function header(id: string, extra: Partial<RunHeader> = {}): RunHeader {
  clock += 60_000;
  return {
    schema: 1,
    id,
    name: `run-${id.slice(-4)}`,
    command: ['python', 'train.py'],
    cwd: '',
    commit: 'a'.repeat(40),
    branch: 'main',
    dirty: false,
    patch: null,
    startedAt: new Date(clock).toISOString(),
    host: os.hostname(),
    pid: 2 ** 22 + 4321, // not a live process: a run without a status is crashed
    ...extra,
  };
}

function end(header: RunHeader, extra: Partial<RunEnd> = {}): RunEnd {
  return {
    schema: 1,
    status: 'finished',
    exitCode: 0,
    signal: null,
    endedAt: new Date(Date.parse(header.startedAt) + 30_000).toISOString(),
    metrics: {
      loss: { last: 0.25, min: 0.25, max: 1, step: 3, count: 4 },
      'val/acc': { last: 0.8, min: 0.5, max: 0.8, step: 3, count: 4 },
    },
    lastStep: 3,
    ...extra,
  };
}

/** An ended run with the given params (and anything else), written the way the recorder does. */
async function endedRun(
  repo: Repo,
  extra: Partial<RunHeader> = {},
  endExtra: Partial<RunEnd> = {},
): Promise<string> {
  const id = newRunId();
  const h = header(id, { params: { lr: 0.01, optimizer: 'adam' }, ...extra });
  await createRunFolder(repo, h, { status: end(h, endExtra), metrics: '{"step":3,"loss":0.25}\n' });
  return id;
}

/** A run still going: no status.json, recorded by this (live) process. */
async function liveRun(repo: Repo, metrics = '{"step":0,"loss":2}\n'): Promise<string> {
  const id = newRunId();
  await createRunFolder(repo, header(id, { pid: process.pid, params: { lr: 0.5 } }), { metrics });
  return id;
}

/** What listRuns must answer: every folder read directly, newest first. */
async function direct(repo: Repo, now: number): Promise<{ runs: RunSummary[]; problems: unknown[] }> {
  const { readdirSync } = await import('node:fs');
  const ids = readdirSync(repo.runs).sort().reverse();
  const runs: RunSummary[] = [];
  const problems: unknown[] = [];
  for (const id of ids) {
    const r = await readRun(repo, id, now);
    if ('run' in r) runs.push(r.run);
    else problems.push(r.problem);
  }
  return { runs, problems };
}

async function expectCorrect(repo: Repo): Promise<RunSummary[]> {
  const now = Date.now();
  const listed = await listRuns(repo, now);
  const expected = await direct(repo, now);
  expect(listed).toEqual(expected);
  // Same keys in the same order: the JSON the server and the CLI send is byte for byte the same.
  expect(JSON.stringify(listed)).toBe(JSON.stringify(expected));
  return listed.runs;
}

describe('runs index', () => {
  it('answers exactly what reading every run folder answers, and reads no folder when warm', async () => {
    const repo = await newRepo();
    await endedRun(repo);
    await endedRun(repo, { experiment: 'train', tags: { team: 'vision' }, reproduces: 'x'.repeat(26) });
    await endedRun(
      repo,
      {
        params: {
          lr: '1e-3',
          optimizer: null,
          layers: '[1,2]',
          aug: true,
          'model.depth': 50,
          ['__proto__']: 3,
        },
        inputs: [{ path: 'data', type: 'dir', sha256: 'b'.repeat(64), size: 10, files: 2 }],
        source: { tool: 'mlflow', id: 'abc', path: '/x' },
      },
      { status: 'killed', exitCode: null, signal: 'SIGTERM', params: { seed: 7 }, tags: { note: 'stream' } },
    );
    await endedRun(
      repo,
      { params: undefined },
      { metrics: {}, lastStep: null, status: 'failed', exitCode: 3 },
    );
    await endedRun(repo, { name: 'ünïcode ✓', params: { 'val/x': -0.5, größe: 'groß' } });

    expect(existsSync(runsIndexFile(repo))).toBe(false);
    const runs = await expectCorrect(repo);
    expect(runs).toHaveLength(5);
    expect(lastIndexStats).toEqual({ rebuilt: 'missing', read: 5, wrote: true });
    expect(runs[2]!.params).toEqual({
      lr: '1e-3',
      optimizer: null,
      layers: '[1,2]',
      aug: true,
      'model.depth': 50,
      seed: 7,
    });

    await expectCorrect(repo);
    expect(lastIndexStats).toEqual({ rebuilt: null, read: 0, wrote: false });
    // Summaries of ended runs are built once per process and shared by later calls.
    const a = (await listRuns(repo)).runs;
    expect((await listRuns(repo)).runs[0]).toBe(a[0]);
  });

  it('adds new runs, keeps live ones out until they end, and drops deleted ones', async () => {
    const repo = await newRepo();
    const first = await endedRun(repo);
    await expectCorrect(repo);

    const second = await endedRun(repo);
    await expectCorrect(repo);
    expect(lastIndexStats).toMatchObject({ read: 1, wrote: true });

    // A live run is read every time and never stored.
    const live = await liveRun(repo);
    let runs = await expectCorrect(repo);
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [live, 'running'],
      [second, 'finished'],
      [first, 'finished'],
    ]);
    expect(lastIndexStats).toMatchObject({ read: 1, wrote: false });
    writeFileSync(runFile(repo, live, 'metrics'), '{"step":0,"loss":2}\n{"step":1,"loss":1.5}\n');
    runs = await expectCorrect(repo);
    expect(runs[0]).toMatchObject({ status: 'running', metrics: { loss: 1.5 }, lastStep: 1 });
    expect(lastIndexStats).toMatchObject({ read: 1, wrote: false });

    // It finishes: its status appears, it is stored, then no longer read.
    const h = JSON.parse(readFileSync(runFile(repo, live, 'header'), 'utf8')) as RunHeader;
    writeFileSync(runFile(repo, live, 'status'), json(end(h, { status: 'failed', exitCode: 2 })));
    runs = await expectCorrect(repo);
    expect(runs[0]).toMatchObject({ id: live, status: 'failed', exitCode: 2 });
    expect(lastIndexStats).toMatchObject({ read: 1, wrote: true });
    await expectCorrect(repo);
    expect(lastIndexStats).toMatchObject({ read: 0, wrote: false });

    // Deleted runs vanish from the listing and from the index.
    rmSync(runDir(repo, second), { recursive: true });
    runs = await expectCorrect(repo);
    expect(runs.map((r) => r.id)).toEqual([live, first]);
    expect(lastIndexStats).toMatchObject({ read: 0, wrote: true });
    const stored = decodeIndex(readFileSync(runsIndexFile(repo)));
    expect('table' in stored && stored.table.ids).toEqual([live, first]);

    rmSync(runDir(repo, first), { recursive: true });
    rmSync(runDir(repo, live), { recursive: true });
    expect(await expectCorrect(repo)).toEqual([]);
    expect(lastIndexStats).toMatchObject({ wrote: true });
  });

  it('reports malformed runs as problems every time, and lists them once they are mended', async () => {
    const repo = await newRepo();
    const good = await endedRun(repo);
    const bad = await endedRun(repo);
    writeFileSync(runFile(repo, bad, 'status'), '{"schema":1,"status":"weird"}');
    const listed = await listRuns(repo);
    expect(listed.runs.map((r) => r.id)).toEqual([good]);
    expect(listed.problems).toEqual([
      {
        file: `.lineage/runs/${bad}/status.json`,
        message: expect.stringMatching(/^malformed run status: 'status'/),
      },
    ]);
    await listRuns(repo);
    expect(lastIndexStats).toMatchObject({ read: 1, wrote: false });
    const h = JSON.parse(readFileSync(runFile(repo, bad, 'header'), 'utf8')) as RunHeader;
    writeFileSync(runFile(repo, bad, 'status'), json(end(h)));
    expect((await expectCorrect(repo)).map((r) => r.id)).toEqual([bad, good]);
    expect(lastIndexStats).toMatchObject({ read: 1, wrote: true });
  });

  it('rebuilds a damaged, truncated, foreign or other-version index from the run folders', async () => {
    const repo = await newRepo();
    for (let i = 0; i < 3; i++)
      await endedRun(repo, { params: { lr: i, optimizer: i % 2 ? 'sgd' : 'adam' } });
    await expectCorrect(repo);
    const file = runsIndexFile(repo);
    const good = readFileSync(file);
    const text = good.toString('latin1');
    const damaged: [string, Buffer, RegExp][] = [
      ['garbage', Buffer.from('not an index at all\n'), /^unusable: not a runs index/],
      ['empty', Buffer.alloc(0), /^unusable: no header/],
      ['truncated', good.subarray(0, good.length - 8), /^unusable: truncated/],
      [
        'bad JSON',
        Buffer.from(text.replace('"ids":[', '"ids":[[['), 'latin1'),
        /^unusable: (damaged|truncated)/,
      ],
      [
        'newer version',
        Buffer.from(
          text.replace(`lineage-runs-index ${RUNS_INDEX_VERSION} `, 'lineage-runs-index 99 '),
          'latin1',
        ),
        /^unusable: version 99/,
      ],
      ['wrong counts', Buffer.from(text.replace(/"n":3,/, '"n":4,'), 'latin1'), /^unusable: /],
    ];
    for (const [what, bytes, why] of damaged) {
      writeFileSync(file, bytes);
      await expectCorrect(repo);
      expect(lastIndexStats.rebuilt, what).toMatch(why);
      expect(lastIndexStats.wrote, what).toBe(true);
      expect(readFileSync(file).equals(good), what).toBe(true);
    }
    // Deleting it only costs time.
    rmSync(file);
    await expectCorrect(repo);
    expect(lastIndexStats).toEqual({ rebuilt: 'missing', read: 3, wrote: true });
  });

  it('writes nothing without ended runs, and answers an empty list without a runs folder', async () => {
    const root = tempDir();
    const repo = repoAt(root);
    expect(await listRuns(repo)).toEqual({ runs: [], problems: [] });
    await initRepo(root);
    await liveRun(repo);
    await expectCorrect(repo);
    expect(existsSync(runsIndexFile(repo))).toBe(false);
  });

  it('stays correct with several loads at once in this process', async () => {
    const repo = await newRepo();
    for (let i = 0; i < 5; i++) await endedRun(repo);
    const results = await Promise.all(Array.from({ length: 6 }, () => listRuns(repo)));
    for (const r of results) expect(r.runs).toHaveLength(5);
    await expectCorrect(repo);
    expect(lastIndexStats).toMatchObject({ read: 0, wrote: false });
  });

  it('stays correct with several processes writing it at once while runs appear and vanish', async () => {
    const repo = await newRepo();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await endedRun(repo, { params: { lr: i } }));
    const listing = (): Promise<{ ids: string[]; code: number | null; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, 'runs', '--json'], { cwd: repo.root });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => {
          let got: string[] = [];
          try {
            got = (JSON.parse(out) as { runs: RunSummary[] }).runs.map((r) => r.id);
          } catch {
            /* reported through the expectations below */
          }
          resolve({ ids: got, code, stderr: err });
        });
      });
    for (let round = 0; round < 4; round++) {
      rmSync(runsIndexFile(repo), { force: true });
      const added: string[] = [];
      const removed = ids.splice(0, 2);
      const procs = Array.from({ length: 4 }, listing);
      // Change the runs while the processes read and write the index.
      for (const id of removed) rmSync(runDir(repo, id), { recursive: true });
      for (let i = 0; i < 3; i++) added.push(await endedRun(repo, { params: { lr: 100 + i } }));
      const results = await Promise.all(procs);
      const before = new Set([...ids, ...removed]);
      const after = new Set([...ids, ...added]);
      for (const r of results) {
        expect(r.code, r.stderr).toBe(0);
        // Each process saw the folder as it was at some moment: every run it lists existed, and the
        // runs untouched during the round are all there.
        for (const id of r.ids) expect(before.has(id) || after.has(id)).toBe(true);
        for (const id of ids) expect(r.ids).toContain(id);
      }
      ids.push(...added);
      // Whatever the last writer left is a valid index, and the next load is exact.
      expect('table' in decodeIndex(readFileSync(runsIndexFile(repo)))).toBe(true);
      const runs = await expectCorrect(repo);
      expect(new Set(runs.map((r) => r.id))).toEqual(new Set(ids));
    }
  });
});

describe('runs index as query data', () => {
  it('gives every query the same rows as the summaries do, live runs included', async () => {
    const repo = await newRepo();
    await endedRun(repo, {
      experiment: 'train',
      params: { lr: 0.001, optimizer: 'adam', 'model.depth': 50 },
    });
    await endedRun(
      repo,
      { params: { lr: 0.1, optimizer: 'sgd' }, tags: { team: 'a' } },
      { status: 'failed', exitCode: 1 },
    );
    await liveRun(repo, '{"step":0,"loss":3,"val":{"acc":0.1}}\n');
    await endedRun(repo, { params: { lr: '0.01', optimizer: null } }, { metrics: {}, lastStep: null });
    await liveRun(repo);
    const table = await loadRuns(repo);
    const summaries = table.summaries();
    const data = summariesData(summaries);
    for (const q of [
      { filter: 'lr < 0.05' },
      { filter: 'status == "finished" or status == "running"' },
      { filter: 'not (optimizer == "sgd")' },
      { filter: 'optimizer == null' },
      { filter: '`val/acc` > 0.5 and loss.min <= 0.25' },
      { filter: 'metrics["val/acc"].max >= 0.8' },
      { filter: 'tags.team == "a" or experiment == "train"' },
      { filter: 'duration > 10 and started > "2026-01-01"' },
      { filter: 'exitCode != 0' },
      { filter: 'name ~ "RUN"' },
      { sort: '-lr,name' },
      { sort: 'loss:desc' },
      { sort: 'step,started' },
      { filter: 'lr >= 0', sort: '-`val/acc`', limit: 2 },
    ]) {
      expect(selectRows(table, q).rows, JSON.stringify(q)).toEqual(selectRows(data, q).rows);
    }
  });

  it('finds runs by id, prefix, suffix and name', async () => {
    const repo = await newRepo();
    const a = await endedRun(repo, { name: 'base' });
    const b = await endedRun(repo, { name: 'base' });
    const c = await liveRun(repo);
    expect(await findRunId(repo, a)).toEqual({ id: a });
    expect(await findRunId(repo, a.slice(-8).toUpperCase())).toEqual({ id: a });
    expect(await findRunId(repo, c.slice(-8))).toEqual({ id: c });
    await expect(findRunId(repo, 'base')).rejects.toThrow(/'base' matches 2 runs/);
    expect(await findRunId(repo, 'base', { newestByName: true })).toEqual({
      id: b,
      note: "2 runs are named 'base'; showing the newest",
    });
    expect(await findRunId(repo, 'nothing')).toBeNull();
    await expect(findRunId(repo, a.slice(0, 6))).rejects.toThrow(/matches 3 runs/);
  });
});

describe('index encoding', () => {
  it('round-trips summaries exactly, key order included', () => {
    // Keys in the order summaryOf (core/runs/summary.ts) writes them.
    const run = (
      id: string,
      startedAt: string,
      m: Record<string, [number, number, number]>,
      rest: Partial<RunSummary> = {},
    ): RunSummary => ({
      id,
      name: id,
      status: 'finished',
      command: ['x'],
      commit: null,
      branch: null,
      dirty: true,
      startedAt,
      endedAt: null,
      durationMs: 5,
      exitCode: null,
      metrics: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v[0]])),
      lastStep: null,
      metricsMin: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v[1]])),
      metricsMax: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v[2]])),
      ...rest,
    });
    const runs: RunSummary[] = [
      run('d', '2026-11-20T10:00:00.000Z', {}, { params: { ['__proto__']: 3, x: '__proto__' } }),
      run('c', '2026-11-20T10:00:00.000Z', {}, { params: { b: 1, a: 'x' } }),
      run(
        'b',
        'not a date',
        { m: [1.5, 1, 2], n: [-2, -3, 0] },
        {
          experiment: 'e',
          params: { a: 2, b: true },
          tags: { t: 'v' },
          inputs: { data: 'h' },
          reproduces: 'c',
          source: 'dvclive',
        },
      ),
      run('a', '2026-11-20T10:00:00.000Z', { n: [1e-300, 1e-300, Number.MAX_VALUE] }),
    ];
    const decoded = decodeIndex(encodeIndex(runs));
    if (!('table' in decoded)) throw new Error(decoded.unusable);
    const back = runs.map((_, i) => decoded.table.summary(i));
    expect(back).toEqual(runs);
    expect(JSON.stringify(back)).toBe(JSON.stringify(runs));
    // Rows copied from a stored table (reordered, some dropped) next to new summaries, whose
    // values turn a numeric column into a dictionary one and add names.
    const extra = run(
      'e',
      '2026-11-21T10:00:00.000Z',
      { m: [9, 9, 9], z: [1, 1, 1] },
      { params: { b: 'text', new: 1 } },
    );
    const mixed = decodeIndex(
      encodeIndex([
        extra,
        { table: decoded.table, row: 3 },
        { table: decoded.table, row: 1 },
        { table: decoded.table, row: 2 },
      ]),
    );
    if (!('table' in mixed)) throw new Error(mixed.unusable);
    const again = [0, 1, 2, 3].map((i) => mixed.table.summary(i));
    expect(JSON.stringify(again)).toBe(JSON.stringify([extra, runs[3], runs[1], runs[2]]));
    // A param named __proto__ is a plain key, not the object's prototype.
    expect(Object.hasOwn(back[0]!.params!, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(back[0]!.params)).toBe(Object.prototype);
  });
});
