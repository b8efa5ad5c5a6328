import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect } from 'vitest';
import {
  createProtocolConnection,
  InitializedNotification,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

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
export async function startServer(root: string): Promise<ProtocolConnection> {
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
