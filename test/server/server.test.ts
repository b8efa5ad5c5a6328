import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CancellationTokenSource,
  WorkDoneProgress,
  type WorkDoneProgressReport,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  addRequest,
  checkoutRequest,
  datasetsChangedNotification,
  listRunsRequest,
  runsChangedNotification,
  statusRequest,
  type RunsChangedParams,
} from '../../protocol/lsp';
import { lineage } from '../helpers/cli';
import { startServer } from '../helpers/server';
import { tempGitRepo } from '../helpers/tmp';

function nextNotification<P>(
  conn: ProtocolConnection,
  type: { method: string },
  timeoutMs = 10_000,
): Promise<P> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type.method} within ${timeoutMs} ms`)), timeoutMs);
    const sub = conn.onNotification(type.method, (params: P) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(params);
    });
  });
}

function workspace(): string {
  const root = tempGitRepo();
  expect(lineage(root, ['init']).status).toBe(0);
  return root;
}

describe('language server over stdio', () => {
  it('answers lineage/listRuns with the recorded runs', async () => {
    const root = workspace();
    lineage(root, [
      'run',
      '--name',
      'first',
      '--',
      process.execPath,
      '-e',
      'require("fs").appendFileSync(process.env.LINEAGE_METRICS, JSON.stringify({step: 1, loss: 0.5}) + "\\n")',
    ]);
    const conn = await startServer(root);
    const { runs, problems } = await conn.sendRequest(listRunsRequest);
    expect(problems).toEqual([]);
    expect(runs).toEqual([
      expect.objectContaining({ name: 'first', status: 'finished', metrics: { loss: 0.5 } }),
    ]);
  });

  it('answers lineage/status with each dataset state', async () => {
    const root = workspace();
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data', 'a.txt'), 'a');
    expect(lineage(root, ['add', 'data']).status).toBe(0);
    const conn = await startServer(root);
    expect((await conn.sendRequest(statusRequest)).datasets).toEqual([
      expect.objectContaining({ path: 'data', pointer: 'data.lineage', state: 'clean', files: 1 }),
    ]);
    writeFileSync(path.join(root, 'data', 'b.txt'), 'b');
    expect((await conn.sendRequest(statusRequest)).datasets[0]).toMatchObject({
      state: 'modified',
      added: 1,
    });
  });

  it('notifies lineage/runsChanged when a run starts and when it finishes on disk', async () => {
    const root = workspace();
    const conn = await startServer(root);
    const changes: RunsChangedParams[] = [];
    conn.onNotification(runsChangedNotification.method, (p: RunsChangedParams) => {
      changes.push(p);
    });
    const run = spawn(
      process.execPath,
      [
        path.resolve(__dirname, '../../dist/cli.js'),
        'run',
        '--',
        process.execPath,
        '-e',
        'setTimeout(() => {}, 1500)',
      ],
      {
        cwd: root,
        stdio: 'ignore',
      },
    );
    await expect.poll(() => changes.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const running = await conn.sendRequest(listRunsRequest);
    expect(running.runs.map((r) => r.status)).toEqual(['running']);
    const id = running.runs[0]!.id;
    expect(changes.flatMap((c) => c.ids)).toContain(id);
    await new Promise((resolve) => run.on('exit', resolve));
    await expect
      .poll(async () => (await conn.sendRequest(listRunsRequest)).runs[0]?.status, { timeout: 10_000 })
      .toBe('finished');
    const seen = changes.length;
    await expect
      .poll(() => changes.length > seen || changes.at(-1)!.ids.includes(id), { timeout: 5_000 })
      .toBe(true);
  });

  it('notifies lineage/runsChanged for a run recorded before the runs folder existed', async () => {
    const root = tempGitRepo();
    writeFileSync(path.join(root, 'lineage.yaml'), 'schema: 1\n');
    const conn = await startServer(root);
    const changed = nextNotification<RunsChangedParams>(conn, runsChangedNotification);
    lineage(root, ['run', '--', process.execPath, '-e', '']);
    expect((await changed).ids).toHaveLength(1);
  });

  it('turns watched pointer-file changes into lineage/datasetsChanged', async () => {
    const root = workspace();
    const conn = await startServer(root);
    const changed = nextNotification(conn, datasetsChangedNotification);
    await conn.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [
        { uri: pathToFileURL(path.join(root, 'data.lineage')).toString(), type: FileChangeType.Created },
      ],
    });
    await expect(changed).resolves.toEqual({});
  });
});

describe('language server: add and checkout', () => {
  it('adds a folder with $/progress reports and answers with the new dataset', async () => {
    const root = workspace();
    mkdirSync(path.join(root, 'data'));
    for (let i = 0; i < 200; i++)
      writeFileSync(path.join(root, 'data', `f${i}.bin`), Buffer.alloc(64 * 1024, i));
    const conn = await startServer(root);
    const reports: WorkDoneProgressReport[] = [];
    conn.onProgress(WorkDoneProgress.type, 'add-1', (v) => {
      if (v.kind === 'report') reports.push(v);
    });
    const changed = nextNotification(conn, datasetsChangedNotification);
    const added = await conn.sendRequest(addRequest, {
      paths: [path.join(root, 'data')],
      workDoneToken: 'add-1',
    });
    expect(added).toEqual([
      { path: 'data', pointerFile: 'data.lineage', files: 200, size: 200 * 64 * 1024, hashedFiles: 200 },
    ]);
    await changed;
    expect(reports.length).toBeGreaterThan(0);
    const messages = reports.map((r) => r.message);
    expect(messages[0]).toBe('data: 200 files · 12.5 MiB to read');
    expect(messages).toContain('data: 200/200 files · 12.5 MiB of 12.5 MiB');
    expect(messages.at(-1)).toBe('data: saving 200 files to the store…');
    expect(reports.at(-1)?.percentage).toBe(100);
    expect((await conn.sendRequest(statusRequest)).datasets[0]).toMatchObject({
      path: 'data',
      state: 'clean',
    });
  });

  it('cancelling an add stops it and leaves no pointer and no staged objects', async () => {
    const root = workspace();
    mkdirSync(path.join(root, 'big'));
    for (let i = 0; i < 8; i++)
      writeFileSync(path.join(root, 'big', `part${i}`), Buffer.alloc(64 * 1024 * 1024, i));
    const conn = await startServer(root);
    const source = new CancellationTokenSource();
    const pending = conn.sendRequest(addRequest, { paths: [path.join(root, 'big')] }, source.token);
    setTimeout(() => source.cancel(), 150);
    await expect(pending).rejects.toThrow(/cancelled/);
    expect(existsSync(path.join(root, 'big.lineage'))).toBe(false);
    expect(readdirSync(path.join(root, '.lineage', 'tmp'))).toEqual([]);
    expect(lineage(root, ['fsck']).status).toBe(0);
  });

  it('reports an add outside the repository as an error naming the path', async () => {
    const root = workspace();
    const conn = await startServer(root);
    await expect(conn.sendRequest(addRequest, { paths: ['/etc'] })).rejects.toThrow(
      /\/etc: path is outside the Lineage repository/,
    );
  });

  it('checks out a deleted dataset, refusing to discard unsaved files unless forced', async () => {
    const root = workspace();
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data', 'a.txt'), 'a');
    lineage(root, ['add', 'data']);
    const conn = await startServer(root);
    writeFileSync(path.join(root, 'data', 'a.txt'), 'unsaved');
    await expect(conn.sendRequest(checkoutRequest, { paths: [], force: false })).rejects.toThrow(
      /not in the store: data\/a.txt/,
    );
    expect(
      await conn.sendRequest(checkoutRequest, { paths: [path.join(root, 'data')], force: true }),
    ).toEqual([{ path: 'data', added: 0, removed: 0, modified: 1 }]);
    expect(readFileSync(path.join(root, 'data', 'a.txt'), 'utf8')).toBe('a');
  });
});
