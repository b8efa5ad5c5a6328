import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createProtocolConnection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InitializedNotification,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  datasetsChangedNotification,
  listRunsRequest,
  runsChangedNotification,
  statusRequest,
  type RunsChangedParams,
} from '../../protocol/lsp';
import { lineage } from '../helpers/cli';
import { tempGitRepo } from '../helpers/tmp';

const SERVER = path.resolve(__dirname, '../../dist/server.js');
let child: ChildProcess | undefined;
let connection: ProtocolConnection | undefined;

afterEach(() => {
  connection?.dispose();
  child?.kill();
  connection = undefined;
  child = undefined;
});

/** Start dist/server.js --stdio, as the extension does, and initialize it on `root`. */
async function startServer(root: string): Promise<ProtocolConnection> {
  child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  connection.listen();
  const uri = pathToFileURL(root).toString();
  const init = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: [{ uri, name: 'ws' }],
    capabilities: {},
  });
  expect(init.serverInfo?.name).toBe('lineage-language-server');
  await connection.sendNotification(InitializedNotification.type, {});
  return connection;
}

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
