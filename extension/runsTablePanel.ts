import * as vscode from 'vscode';
import { runsTableToHostSchema, type RunsTableToWebview } from '../protocol/webview';
import type { LineageModel } from './model';
import { webviewHtml } from './webviewHtml';

/**
 * The Runs Table editor panel (one per window). The webview says `ready`, then gets the runs;
 * it gets them again whenever the model's runs change, so the table follows runs live.
 */
export class RunsTablePanel implements vscode.Disposable {
  static readonly viewType = 'lineage.runsTable';
  private static current: RunsTablePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, model: LineageModel): RunsTablePanel {
    if (RunsTablePanel.current) {
      RunsTablePanel.current.panel.reveal();
      return RunsTablePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      RunsTablePanel.viewType,
      'Lineage Runs',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
      },
    );
    RunsTablePanel.current = new RunsTablePanel(panel, context, model);
    return RunsTablePanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly model: LineageModel,
  ) {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'lineage.svg');
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'runsTable', 'Lineage Runs');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      model.onDidChangeRuns((result) => void this.post({ type: 'runs', result })),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = runsTableToHostSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        await this.post({ type: 'runs', result: await this.model.getRuns() });
        return;
      case 'refresh':
        await this.model.reloadRuns();
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private async post(message: RunsTableToWebview): Promise<void> {
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    RunsTablePanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
