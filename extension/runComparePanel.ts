import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { runPatchInfoRequest } from '../protocol/lsp';
import type { ListRunsResult, RunSummary } from '../protocol/runs';
import { runCompareToHostSchema, type RunCompareToWebview, type RunPatchInfo } from '../protocol/runCompare';
import { DatasetDiffPanel } from './datasetDiffPanel';
import { colorsOf, type LineageModel } from './model';
import { openCodeChanges } from './runCodeChanges';
import { webviewHtml } from './webviewHtml';

export interface CompareEnv {
  context: vscode.ExtensionContext;
  client: LanguageClient;
  ready: Promise<void>;
  model: LineageModel;
}

/**
 * The Run Compare editor panel (one per window, reused): params, metrics, tags, datasets and code of
 * some runs side by side. The webview says `ready` and gets the runs; it gets them again whenever one
 * of them changes (a running run's metrics, its end). Its UI state lives in the webview's own state,
 * so a hidden panel (whose webview is not retained) comes back as it was.
 */
export class RunComparePanel implements vscode.Disposable {
  static readonly viewType = 'lineage.runCompare';
  private static current: RunComparePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The summaries last sent (null until the webview is ready), to send again only on a change. */
  private sent: (RunSummary | undefined)[] | null = null;
  /** The outcome of each code comparison, sent again when the webview comes back. */
  private readonly codeStatus = new Map<string, RunCompareToWebview>();
  /** What each run's patch holds; a run's patch never changes once it started. */
  private readonly patches = new Map<string, RunPatchInfo>();

  static show(env: CompareEnv, ids: string[]): RunComparePanel {
    const existing = RunComparePanel.current;
    if (existing) {
      existing.ids = ids;
      existing.panel.title = RunComparePanel.title(ids);
      existing.panel.reveal();
      void existing.sendRuns(true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      RunComparePanel.viewType,
      RunComparePanel.title(ids),
      vscode.ViewColumn.Active,
      { ...RunComparePanel.options(env), retainContextWhenHidden: false },
    );
    RunComparePanel.current = new RunComparePanel(panel, env, ids);
    return RunComparePanel.current;
  }

  private static options(env: CompareEnv): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(env.context.extensionUri, 'dist', 'webview')],
    };
  }

  /**
   * Brings the panel back after a window reload: the webview's saved state names the runs it
   * compared (`ids`), the rest of its state (toggles, baseline, charts) it restores itself.
   */
  static serializer(env: CompareEnv): vscode.WebviewPanelSerializer {
    return {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const saved = (state as { ids?: unknown } | undefined)?.ids;
        const ids = Array.isArray(saved) ? saved.filter((id): id is string => typeof id === 'string') : [];
        RunComparePanel.current?.dispose();
        panel.webview.options = RunComparePanel.options(env);
        panel.title = RunComparePanel.title(ids);
        RunComparePanel.current = new RunComparePanel(panel, env, ids);
      },
    };
  }

  private static title(ids: string[]): string {
    return `Compare ${ids.length} Run${ids.length === 1 ? '' : 's'}`;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly env: CompareEnv,
    private ids: string[],
  ) {
    panel.iconPath = vscode.Uri.joinPath(env.context.extensionUri, 'media', 'lineage.svg');
    panel.webview.html = webviewHtml(panel.webview, env.context.extensionUri, 'runCompare', 'Compare Runs');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      env.model.onDidChangeRuns((result) => void this.update(result)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = runCompareToHostSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        await this.sendRuns(true);
        for (const status of this.codeStatus.values()) await this.post(status);
        return;
      case 'openDatasetDiff':
        DatasetDiffPanel.show(this.env.context, this.env.client, this.env.ready, {
          dataset: message.dataset,
          a: message.a,
          b: message.b,
        });
        return;
      case 'openCodeChanges': {
        const { a, b } = message;
        await this.post({ type: 'codeStatus', a, b, message: 'Comparing code…' });
        const outcome = await openCodeChanges(this.env.client, this.env.ready, a, b);
        // The diff editor may have hidden this panel: the status is sent again when it is back.
        const status: RunCompareToWebview = { type: 'codeStatus', a, b, message: outcome };
        this.codeStatus.set(`${a} ${b}`, status);
        await this.post(status);
        return;
      }
      case 'removeRun':
        this.ids = this.ids.filter((id) => id !== message.id);
        this.panel.title = RunComparePanel.title(this.ids);
        await this.sendRuns(true);
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private async update(result: ListRunsResult): Promise<void> {
    if (!this.sent) return; // not ready yet: `ready` sends the runs
    const byId = new Map(result.runs.map((r) => [r.id, r]));
    // The model keeps unchanged summaries as the same objects.
    if (this.ids.some((id, i) => byId.get(id) !== this.sent?.[i])) await this.sendRuns(false, result);
  }

  private async sendRuns(force: boolean, given?: ListRunsResult): Promise<void> {
    const result = given ?? (await this.env.model.getRuns());
    const byId = new Map(result.runs.map((r) => [r.id, r]));
    const summaries = this.ids.map((id) => byId.get(id));
    if (!force && this.sent && summaries.every((s, i) => s === this.sent?.[i])) return;
    this.sent = summaries;
    await this.post({
      type: 'runs',
      runs: summaries.filter((s): s is RunSummary => s !== undefined),
      missing: this.ids.filter((_, i) => summaries[i] === undefined),
      colors: Object.fromEntries(this.ids.flatMap((id) => colorPair(colorsOf(result), id))),
    });
    await this.sendPatches(force);
  }

  /** The patch of each compared run (read once per run from the server), after the runs. */
  private async sendPatches(all: boolean): Promise<void> {
    const unknown = this.ids.filter((id) => !this.patches.has(id));
    if (unknown.length > 0) {
      try {
        await this.env.ready;
        for (const info of await this.env.client.sendRequest(runPatchInfoRequest, { ids: unknown })) {
          this.patches.set(info.id, info);
        }
      } catch (err) {
        this.env.client.error(`Lineage: ${runPatchInfoRequest.method} failed`, err);
      }
    }
    if (!all && unknown.length === 0) return;
    const patches = this.ids.flatMap((id) => this.patches.get(id) ?? []);
    if (patches.length > 0) await this.post({ type: 'patches', patches });
  }

  private async post(message: RunCompareToWebview): Promise<void> {
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    RunComparePanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function colorPair(colors: Map<string, string>, id: string): [string, string][] {
  const color = colors.get(id);
  return color ? [[id, color]] : [];
}
