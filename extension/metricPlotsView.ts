import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { errorMessage } from '../core/errors';
import { metricHistoryRequest, metricPointsNotification, type MetricPointsParams } from '../protocol/lsp';
import type { RunSummary } from '../protocol/runs';
import { metricPlotsToHostSchema, type MetricPlotsToWebview, type PlotRun } from '../protocol/webview';
import { shortRunId } from '../core/util/format';
import { colorsOf, type LineageModel } from './model';
import { webviewHtml } from './webviewHtml';

/** Runs plotted when nothing is selected: every running run plus this many of the most recent. */
const RECENT_RUNS = 10;

/**
 * The Metric Plots webview view (in the panel beside the code). The webview says `ready` and gets
 * the runs to plot: the runs selected in the Runs table once there is a selection, else the running
 * runs plus the most recent ones. It asks for metric histories (forwarded to the server's
 * `lineage/metricHistory`) and gets the server's `lineage/metricPoints` for those runs as they train.
 */
export class MetricPlotsViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'lineage.metricPlots';
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private selection: string[] | null = null;
  private shown: PlotRun[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    private readonly ready: Promise<void>,
    private readonly model: LineageModel,
  ) {
    this.disposables.push(
      client.onNotification(metricPointsNotification, (p: MetricPointsParams) => {
        if (this.shown.some((r) => r.id === p.id)) void this.post({ type: 'points', ...p });
      }),
      model.onDidChangeRuns(() => void this.sendRuns()),
    );
  }

  /** Plot these runs (the Runs table's selection); an empty selection falls back to the default runs. */
  setSelection(ids: readonly string[]): void {
    this.selection = ids.length > 0 ? [...ids] : null;
    void this.sendRuns();
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    };
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'metricPlots', 'Lineage Metric Plots');
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
      }),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = metricPlotsToHostSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        await this.sendRuns();
        return;
      case 'history': {
        try {
          await this.ready;
          const result = await this.client.sendRequest(metricHistoryRequest, {
            ids: message.ids,
            buckets: message.buckets,
            x: message.x,
            ...(message.metric !== undefined && { metric: message.metric }),
            ...(message.range && { range: message.range }),
          });
          await this.post({
            type: 'history',
            seq: message.seq,
            metric: result.metric,
            metrics: result.metrics,
            series: result.series,
          });
          // Runs whose streams could not be read are plotted without: say which and why.
          const [first] = result.problems;
          if (first) {
            const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more)` : '';
            await this.post({
              type: 'error',
              message: `Could not read ${first.file}: ${first.message}${more}`,
            });
          }
        } catch (err) {
          await this.post({ type: 'error', message: `Could not read metrics: ${errorMessage(err)}` });
        }
        return;
      }
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private async sendRuns(): Promise<void> {
    if (!this.view) return;
    const result = await this.model.getRuns();
    this.shown = pickRuns(result.runs, this.selection, colorsOf(result));
    await this.post({ type: 'runs', runs: this.shown });
  }

  private async post(message: MetricPlotsToWebview): Promise<void> {
    await this.view?.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The selected runs in list order, or (no selection) the running runs plus the most recent ones. */
export function pickRuns(
  runs: readonly RunSummary[],
  selection: readonly string[] | null,
  colors: ReadonlyMap<string, string> = new Map(),
): PlotRun[] {
  let picked: RunSummary[];
  if (selection) {
    const wanted = new Set(selection);
    picked = runs.filter((r) => wanted.has(r.id));
  } else {
    // Ids are ULIDs: sorting them sorts by start time.
    const newest = [...runs].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const ids = new Set(newest.slice(0, RECENT_RUNS).map((r) => r.id));
    for (const r of runs) if (r.status === 'running') ids.add(r.id);
    picked = newest.filter((r) => ids.has(r.id));
  }
  // Runs of one experiment are often all called after it: the legend tells them apart by id.
  const named = new Map<string, number>();
  for (const r of picked) named.set(r.name, (named.get(r.name) ?? 0) + 1);
  return picked.map((r) => ({
    id: r.id,
    name: (named.get(r.name) ?? 0) > 1 ? `${r.name} · ${shortRunId(r.id)}` : r.name,
    running: r.status === 'running',
    color: colors.get(r.id),
  }));
}
