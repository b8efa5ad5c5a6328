import { fileURLToPath } from 'node:url';
import {
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
} from 'vscode-languageserver';
import { datasetStatus } from '../core/datasets/status';
import { findRepoRoot, repoAt, type Repo } from '../core/repo';
import { listRuns } from '../core/runs/list';
import {
  datasetsChangedNotification,
  listRunsRequest,
  runsChangedNotification,
  statusRequest,
} from '../protocol/lsp';
import { registerCodeHandlers } from './codeHandlers';
import { registerDataHandlers } from './dataHandlers';
import { registerDiffHandlers } from './diffHandlers';
import { registerMetricHandlers } from './metricHandlers';
import { registerRunHandlers } from './runHandlers';
import { RunsWatcher } from './runsWatcher';

/**
 * The language server hosts the engine for the editor: it answers `lineage/…` requests and tells
 * the client when runs or pointer files change. It owns no UI and never imports vscode.
 */
export function startServer(connection: Connection): void {
  let repo: Repo | null = null;
  let watcher: RunsWatcher | null = null;

  connection.onInitialize((params: InitializeParams) => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (folder) {
      const dir = fileURLToPath(folder);
      repo = repoAt(findRepoRoot(dir) ?? dir);
    }
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.None },
      serverInfo: { name: 'lineage-language-server' },
    };
  });

  connection.onInitialized(() => {
    if (!repo) return;
    watcher = new RunsWatcher(repo, (ids) => {
      void connection.sendNotification(runsChangedNotification, { ids });
      metrics.runsChanged(ids);
    });
    watcher.start();
  });

  registerDataHandlers(connection, () => repo);
  registerDiffHandlers(connection, () => repo);
  registerRunHandlers(connection, () => repo);
  registerCodeHandlers(connection, () => repo);
  const metrics = registerMetricHandlers(connection, () => repo);
  connection.onRequest(listRunsRequest, async () => (repo ? listRuns(repo) : { runs: [], problems: [] }));
  connection.onRequest(statusRequest, async () =>
    repo ? datasetStatus(repo) : { datasets: [], problems: [] },
  );

  // The client forwards changes of `**/*.lineage` and `lineage.yaml` seen by the editor's watcher.
  connection.onNotification(DidChangeWatchedFilesNotification.type, () => {
    void connection.sendNotification(datasetsChangedNotification, {});
  });

  connection.onShutdown(() => watcher?.dispose());
  connection.listen();
}
