import * as vscode from 'vscode';
import type { RequestType0 } from 'vscode-languageclient';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { StatusResult } from '../protocol/datasets';
import {
  datasetsChangedNotification,
  experimentsRequest,
  listRunsRequest,
  readRunsRequest,
  runsChangedNotification,
  statusRequest,
  type ExperimentsResult,
  type RunsChangedParams,
} from '../protocol/lsp';
import type { ListRunsResult, RunSummary } from '../protocol/runs';
import { runColors } from '../core/util/runColors';

/** Live updates of known runs (a metric line, a status) are applied at most this often. */
const LIVE_UPDATE_MS = 250;

const colorMemo = new WeakMap<readonly RunSummary[], Map<string, string>>();
/** Every run's colour (core/util/runColors.ts: by start order over all runs), once per run list. */
export function colorsOf(result: ListRunsResult): Map<string, string> {
  let colors = colorMemo.get(result.runs);
  if (!colors) colorMemo.set(result.runs, (colors = runColors(result.runs)));
  return colors;
}

/**
 * The extension's view of the workspace: the last runs list and dataset status from the server,
 * refetched when the server says they changed. Trees and panels read it and listen to its events,
 * so one change costs one request however many views are open. A change to runs already listed
 * (metrics arriving, a run ending) fetches just those runs (`lineage/readRuns`); a new run, or an
 * unknown change, lists them all again.
 */
export class LineageModel implements vscode.Disposable {
  private readonly runsEmitter = new vscode.EventEmitter<ListRunsResult>();
  private readonly datasetsEmitter = new vscode.EventEmitter<StatusResult>();
  readonly onDidChangeRuns = this.runsEmitter.event;
  readonly onDidChangeDatasets = this.datasetsEmitter.event;
  private runs: Promise<ListRunsResult> | null = null;
  private datasets: Promise<StatusResult> | null = null;
  private experiments: Promise<ExperimentsResult> | null = null;
  /** Runs named by change notifications not applied yet; `all` when the whole list must be read. */
  private readonly changedIds = new Set<string>();
  private changedAll = false;
  private applying: Promise<void> | null = null;

  constructor(
    private readonly client: LanguageClient,
    private readonly ready: Promise<void>,
  ) {
    client.onNotification(runsChangedNotification, (p: RunsChangedParams) => this.runsChanged(p.ids));
    client.onNotification(datasetsChangedNotification, () => {
      // lineage.yaml changes arrive as dataset changes too: its experiments may have changed.
      this.experiments = null;
      void this.reloadDatasets();
    });
  }

  getRuns(): Promise<ListRunsResult> {
    this.runs ??= this.fetch(listRunsRequest, { runs: [], problems: [] });
    return this.runs;
  }

  getDatasets(): Promise<StatusResult> {
    this.datasets ??= this.fetch(statusRequest, { datasets: [], problems: [] });
    return this.datasets;
  }

  /** The experiments of lineage.yaml (cached until it changes; `fresh` re-reads params files). */
  getExperiments(fresh = false): Promise<ExperimentsResult> {
    if (fresh) this.experiments = null;
    this.experiments ??= this.fetch(experimentsRequest, { root: null, experiments: [], problems: [] });
    return this.experiments;
  }

  async reloadRuns(): Promise<void> {
    this.runs = null;
    this.runsEmitter.fire(await this.getRuns());
  }

  async reloadDatasets(): Promise<void> {
    this.datasets = null;
    this.datasetsEmitter.fire(await this.getDatasets());
  }

  /** Re-read some runs (e.g. one whose terminal closed); an empty list re-reads all. */
  runsChanged(ids: string[]): void {
    if (ids.length === 0) this.changedAll = true;
    for (const id of ids) this.changedIds.add(id);
    this.applying ??= this.applyChanges().finally(() => (this.applying = null));
  }

  dispose(): void {
    this.runsEmitter.dispose();
    this.datasetsEmitter.dispose();
  }

  private async applyChanges(): Promise<void> {
    while (this.changedAll || this.changedIds.size > 0) {
      const started = Date.now();
      const ids = [...this.changedIds];
      const all = this.changedAll;
      this.changedIds.clear();
      this.changedAll = false;
      // Nothing listed yet: the first getRuns() reads everything anyway.
      if (!this.runs) return;
      const current = await this.runs;
      const listed = new Set(current.runs.map((r) => r.id));
      if (all || ids.some((id) => !listed.has(id))) {
        await this.reloadRuns();
      } else {
        const fresh = await this.readRuns(ids);
        if (!fresh || fresh.problems.length > 0 || fresh.runs.length !== ids.length) {
          await this.reloadRuns();
        } else {
          const byId = new Map(fresh.runs.map((r) => [r.id, r]));
          const next: ListRunsResult = {
            runs: current.runs.map((r) => byId.get(r.id) ?? r),
            problems: current.problems,
          };
          // A full reload may have started meanwhile; it wins.
          if (this.runs) {
            this.runs = Promise.resolve(next);
            this.runsEmitter.fire(next);
          }
        }
      }
      const wait = LIVE_UPDATE_MS - (Date.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async readRuns(ids: string[]): Promise<ListRunsResult | null> {
    try {
      await this.ready;
      return await this.client.sendRequest(readRunsRequest, { ids });
    } catch (err) {
      this.client.error(`Lineage: ${readRunsRequest.method} failed`, err);
      return null;
    }
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
