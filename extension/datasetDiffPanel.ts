import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  diffDatasetRequest,
  diffTableRequest,
  fileSidesRequest,
  type DiffParams,
  type FileSides,
} from '../protocol/lsp';
import { datasetDiffToHostSchema, type DatasetDiffToWebview } from '../protocol/webview';
import { fileUri } from './fileContent';
import { webviewHtml } from './webviewHtml';

/**
 * The Dataset Diff editor panel: one per (dataset, a, b). The webview says `ready`, gets the file
 * diff, then asks for table diffs a page at a time; other files open in VS Code's diff editor. A
 * comparison that involves the workspace is refreshed when the Datasets tree sees a change.
 */
export class DatasetDiffPanel implements vscode.Disposable {
  static readonly viewType = 'lineage.datasetDiff';
  private static readonly open = new Map<string, DatasetDiffPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  static show(
    context: vscode.ExtensionContext,
    client: LanguageClient,
    ready: Promise<void>,
    params: DiffParams,
  ): DatasetDiffPanel {
    const key = JSON.stringify([params.dataset, params.a, params.b]);
    const existing = DatasetDiffPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      DatasetDiffPanel.viewType,
      `${path.posix.basename(params.dataset)}: ${params.a} ↔ ${params.b}`,
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
      },
    );
    const created = new DatasetDiffPanel(panel, context, client, ready, params, key);
    DatasetDiffPanel.open.set(key, created);
    return created;
  }

  /** Reload every open panel that shows the workspace (its data may have changed). */
  static refreshWorkspacePanels(): void {
    for (const panel of DatasetDiffPanel.open.values()) {
      if (panel.params.a === 'workspace' || panel.params.b === 'workspace') void panel.sendDiff();
    }
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly ready: Promise<void>,
    private readonly params: DiffParams,
    private readonly key: string,
  ) {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'lineage.svg');
    panel.webview.html = webviewHtml(
      panel.webview,
      context.extensionUri,
      'datasetDiff',
      'Lineage Dataset Diff',
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = datasetDiffToHostSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
      case 'refresh':
        return this.sendDiff();
      case 'table':
        return this.sendTable(message.path, message.offset, message.keys);
      case 'openFile':
        return this.openFile(message.path);
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private async sendDiff(): Promise<void> {
    await this.post({ type: 'loading', what: `Comparing ${this.params.dataset}…` });
    try {
      await this.ready;
      const { diff, tables } = await this.client.sendRequest(diffDatasetRequest, this.params);
      await this.post({ type: 'diff', diff, tables });
    } catch (err) {
      await this.post({ type: 'error', message: messageOf(err) });
    }
  }

  private async sendTable(file: string, offset: number, keys: string[] | undefined): Promise<void> {
    try {
      const result = await this.client.sendRequest(diffTableRequest, {
        ...this.params,
        path: file,
        offset,
        ...(keys ? { keys } : {}),
      });
      await this.post({ type: 'table', path: file, result });
    } catch (err) {
      await this.post({ type: 'tableError', path: file, message: messageOf(err) });
    }
  }

  /** VS Code's diff editor for a changed file (or the file itself when only one side has it). */
  private async openFile(file: string): Promise<void> {
    let sides: FileSides;
    try {
      sides = await this.client.sendRequest(fileSidesRequest, { ...this.params, path: file });
    } catch (err) {
      void vscode.window.showErrorMessage(`Lineage: cannot open ${file}: ${messageOf(err)}`);
      return;
    }
    const name = file || path.posix.basename(this.params.dataset);
    const uriOf = (side: FileSides['a']): vscode.Uri | null =>
      side ? fileUri(side.file, `${this.params.dataset}/${file}`, side.label) : null;
    const [a, b] = [uriOf(sides.a), uriOf(sides.b)];
    if (a && b) {
      const title = `${name} (${this.params.a} ↔ ${this.params.b})`;
      await vscode.commands.executeCommand('vscode.diff', a, b, title, { preview: true });
    } else if (a ?? b) await vscode.commands.executeCommand('vscode.open', a ?? b, { preview: true });
  }

  private async post(message: DatasetDiffToWebview): Promise<void> {
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    DatasetDiffPanel.open.delete(this.key);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
