import * as vscode from 'vscode';
import type { RequestType0 } from 'vscode-languageclient';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { StatusResult } from '../protocol/datasets';
import {
  datasetsChangedNotification,
  listRunsRequest,
  runsChangedNotification,
  statusRequest,
} from '../protocol/lsp';
import type { ListRunsResult } from '../protocol/runs';

/**
 * The extension's view of the workspace: the last runs list and dataset status from the server,
 * refetched when the server says they changed. Trees and panels read it and listen to its events,
 * so one change costs one request however many views are open.
 */
export class LineageModel implements vscode.Disposable {
  private readonly runsEmitter = new vscode.EventEmitter<ListRunsResult>();
  private readonly datasetsEmitter = new vscode.EventEmitter<StatusResult>();
  readonly onDidChangeRuns = this.runsEmitter.event;
  readonly onDidChangeDatasets = this.datasetsEmitter.event;
  private runs: Promise<ListRunsResult> | null = null;
  private datasets: Promise<StatusResult> | null = null;

  constructor(
    private readonly client: LanguageClient,
    private readonly ready: Promise<void>,
  ) {
    client.onNotification(runsChangedNotification, () => void this.reloadRuns());
    client.onNotification(datasetsChangedNotification, () => void this.reloadDatasets());
  }

  getRuns(): Promise<ListRunsResult> {
    this.runs ??= this.fetch(listRunsRequest, { runs: [], problems: [] });
    return this.runs;
  }

  getDatasets(): Promise<StatusResult> {
    this.datasets ??= this.fetch(statusRequest, { datasets: [], problems: [] });
    return this.datasets;
  }

  async reloadRuns(): Promise<void> {
    this.runs = null;
    this.runsEmitter.fire(await this.getRuns());
  }

  async reloadDatasets(): Promise<void> {
    this.datasets = null;
    this.datasetsEmitter.fire(await this.getDatasets());
  }

  dispose(): void {
    this.runsEmitter.dispose();
    this.datasetsEmitter.dispose();
  }

  private async fetch<R>(type: RequestType0<R, void>, empty: R): Promise<R> {
    try {
      await this.ready;
      return await this.client.sendRequest(type);
    } catch (err) {
      this.client.error(`Lineage: ${type.method} failed`, err);
      return empty;
    }
  }
}
