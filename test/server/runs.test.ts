import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProtocolConnection } from 'vscode-languageserver-protocol/node';
import {
  experimentsRequest,
  listRunsRequest,
  readRunsRequest,
  runsChangedNotification,
  stopRunRequest,
  type RunsChangedParams,
} from '../../protocol/lsp';
import { lineage, lineageWorkspace, startRecordedRun } from '../helpers/cli';
import { startServer } from '../helpers/server';

/** The run's id once it is listed as running and its command has printed `ready`. */
async function runningRun(conn: ProtocolConnection, root: string): Promise<string> {
  let id = '';
  await expect
    .poll(
      async () => {
        const run = (await conn.sendRequest(listRunsRequest)).runs[0];
        id = run?.id ?? '';
        const log = path.join(root, '.lineage', 'runs', id, 'output.log');
        return run?.status === 'running' && existsSync(log) && readFileSync(log, 'utf8').includes('ready');
      },
      { timeout: 15_000, interval: 100 },
    )
    .toBe(true);
  return id;
}

const status = async (conn: ProtocolConnection, id: string): Promise<string | undefined> =>
  (await conn.sendRequest(readRunsRequest, { ids: [id] })).runs[0]?.status;

describe('language server: experiments', () => {
  it('lists the experiments of lineage.yaml with params flattened from YAML, JSON and TOML files', async () => {
    const root = lineageWorkspace();
    writeFileSync(
      path.join(root, 'lineage.yaml'),
      [
        'schema: 1',
        'experiments:',
        '  train:',
        '    command: python train.py --epochs 10',
        '    params: [params.yaml, conf/model.json]',
        '    metric: val/acc',
        '  sweep:',
        '    command: [python, sweep.py]',
        '    cwd: conf',
        '    params: [conf/sweep.toml]',
        '  broken:',
        '    command: python broken.py',
        '    params: [missing.yaml]',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(root, 'params.yaml'),
      'lr: 0.01\nepochs: 10\noptimizer:\n  name: adam\n  beta: 0.9\n',
    );
    mkdirSync(path.join(root, 'conf'));
    writeFileSync(
      path.join(root, 'conf', 'model.json'),
      '{"epochs": 20, "layers": [64, 32], "dropout": null}',
    );
    writeFileSync(path.join(root, 'conf', 'sweep.toml'), 'seed = 7\n[grid]\nlr = 0.5\nname = "wide"\n');
    const conn = await startServer(root);

    const result = await conn.sendRequest(experimentsRequest);
    expect(result.root).toBe(root);
    expect(result.experiments).toEqual([
      {
        name: 'train',
        command: 'python train.py --epochs 10',
        cwd: '',
        paramsFiles: ['params.yaml', 'conf/model.json'],
        // The JSON file comes later and wins on `epochs`; lists are kept as JSON text.
        params: {
          lr: 0.01,
          epochs: 20,
          'optimizer.name': 'adam',
          'optimizer.beta': 0.9,
          layers: '[64,32]',
          dropout: null,
        },
        metric: 'val/acc',
      },
      {
        name: 'sweep',
        command: ['python', 'sweep.py'],
        cwd: 'conf',
        paramsFiles: ['conf/sweep.toml'],
        params: { seed: 7, 'grid.lr': 0.5, 'grid.name': 'wide' },
      },
      { name: 'broken', command: 'python broken.py', cwd: '', paramsFiles: ['missing.yaml'], params: {} },
    ]);
    expect(result.problems).toEqual([{ file: 'missing.yaml', message: 'params file not found' }]);

    // Params are read at each request: an edited file shows at once.
    writeFileSync(path.join(root, 'params.yaml'), 'lr: 0.02\n');
    const again = await conn.sendRequest(experimentsRequest);
    expect(again.experiments[0]?.params).toMatchObject({ lr: 0.02, epochs: 20 });
  });

  it('reports an invalid lineage.yaml as a problem and lists no experiments', async () => {
    const root = lineageWorkspace();
    writeFileSync(
      path.join(root, 'lineage.yaml'),
      'schema: 1\nexperiments:\n  train:\n    params: [p.yaml]\n',
    );
    const conn = await startServer(root);
    const result = await conn.sendRequest(experimentsRequest);
    expect(result.experiments).toEqual([]);
    expect(result.problems).toEqual([
      { file: 'lineage.yaml', message: expect.stringMatching(/^'experiments\.train\.command' /) },
    ]);
  });
});

describe('language server: reading, stopping and killing runs', () => {
  it('answers lineage/readRuns with the summaries of the runs asked for', async () => {
    const root = lineageWorkspace();
    for (const name of ['a', 'b']) lineage(root, ['run', '--name', name, '--', 'python3', '-c', '']);
    const conn = await startServer(root);
    const { runs } = await conn.sendRequest(listRunsRequest);
    const b = runs.find((r) => r.name === 'b')!;
    const result = await conn.sendRequest(readRunsRequest, {
      ids: [b.id, '01jzzzzzzzzzzzzzzzzzzzzzzz', '../../etc'],
    });
    expect(result.runs).toEqual([expect.objectContaining({ id: b.id, name: 'b', status: 'finished' })]);
    // A well-formed id without a folder is a problem; a malformed one is ignored.
    expect(result.problems).toEqual([
      { file: '.lineage/runs/01jzzzzzzzzzzzzzzzzzzzzzzz/run.json', message: 'run header is missing' },
    ]);
  });

  it('stops a running run with SIGTERM to its recorder: the command exits and the run is killed', async () => {
    const root = lineageWorkspace();
    const conn = await startServer(root);
    const { exited } = startRecordedRun(root, "import time; print('ready', flush=True); time.sleep(60)");
    const id = await runningRun(conn, root);

    const changed = new Promise<RunsChangedParams>((resolve) => {
      conn.onNotification(runsChangedNotification.method, (p: RunsChangedParams) => {
        if (p.ids.includes(id)) resolve(p);
      });
    });
    const reply = await conn.sendRequest(stopRunRequest, { id, kill: false });
    expect(reply).toEqual({ pid: expect.any(Number), signal: 'SIGTERM' });
    const started = Date.now();
    expect(await exited).toBe(128 + 15);
    expect(Date.now() - started).toBeLessThan(5_000);
    await changed;
    expect(await status(conn, id)).toBe('killed');
    const end = JSON.parse(readFileSync(path.join(root, '.lineage', 'runs', id, 'status.json'), 'utf8'));
    expect(end).toMatchObject({ status: 'killed', signal: 'SIGTERM' });

    // Once it has ended, stopping it again is refused with a message saying why.
    await expect(conn.sendRequest(stopRunRequest, { id, kill: false })).rejects.toThrow(
      /run python3 \(\w{8}\) is not running: it was killed/,
    );
  });

  it('kills a run with SIGUSR2 at once, even when its command ignores SIGTERM', async () => {
    const root = lineageWorkspace();
    const conn = await startServer(root);
    const { exited } = startRecordedRun(
      root,
      "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)",
    );
    const id = await runningRun(conn, root);

    // Stop asks politely; this command ignores it and keeps running.
    await conn.sendRequest(stopRunRequest, { id, kill: false });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await status(conn, id)).toBe('running');

    const started = Date.now();
    expect(await conn.sendRequest(stopRunRequest, { id, kill: true })).toMatchObject({ signal: 'SIGUSR2' });
    await exited;
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect.poll(() => status(conn, id), { timeout: 5_000 }).toBe('killed');
  });

  it('refuses to stop a run recorded on another host, or one that is not a run here', async () => {
    const root = lineageWorkspace();
    const id = '01jabcdefghjkmnpqrstvwxyz0';
    mkdirSync(path.join(root, '.lineage', 'runs', id), { recursive: true });
    writeFileSync(
      path.join(root, '.lineage', 'runs', id, 'run.json'),
      JSON.stringify({
        schema: 1,
        id,
        name: 'remote',
        command: ['python', 'train.py'],
        cwd: '',
        commit: null,
        branch: null,
        dirty: false,
        startedAt: new Date().toISOString(),
        host: 'gpu-box-7',
        pid: process.pid,
      }),
    );
    writeFileSync(path.join(root, '.lineage', 'runs', id, 'metrics.jsonl'), '');
    const conn = await startServer(root);
    await expect(conn.sendRequest(stopRunRequest, { id, kill: true })).rejects.toThrow(
      'run remote (stvwxyz0) runs on host gpu-box-7, not this one; stop it there',
    );
    await expect(
      conn.sendRequest(stopRunRequest, { id: '01jzzzzzzzzzzzzzzzzzzzzzzz', kill: false }),
    ).rejects.toThrow(/no run 01jzzzzzzzzzzzzzzzzzzzzzzz in this repository/);
    await expect(conn.sendRequest(stopRunRequest, { id: '../x', kill: false })).rejects.toThrow(
      /not a run id/,
    );
  });

  it('notices a run whose recorder died without a status, and reports it crashed', async () => {
    const root = lineageWorkspace();
    const conn = await startServer(root);
    // The command leaves as soon as its recorder is gone, so the test leaves nothing behind.
    const { child, exited } = startRecordedRun(
      root,
      "import os, time\nparent = os.getppid(); print('ready', flush=True)\nwhile os.getppid() == parent: time.sleep(0.1)",
    );
    const id = await runningRun(conn, root);
    const changed = new Promise<void>((resolve) => {
      conn.onNotification(runsChangedNotification.method, (p: RunsChangedParams) => {
        if (p.ids.includes(id)) resolve();
      });
    });
    child.kill('SIGKILL'); // the recorder only: no status.json is ever written
    await exited;
    await changed; // no file changes: the watcher's rescan finds the recorder gone
    expect(await status(conn, id)).toBe('crashed');
    await expect(conn.sendRequest(stopRunRequest, { id, kill: false })).rejects.toThrow(
      /is not running: its recording process \(pid \d+\) has exited/,
    );
  });
});
