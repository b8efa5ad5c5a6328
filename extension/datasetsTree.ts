import * as vscode from 'vscode';
import type { DatasetState, DatasetStatus } from '../protocol/datasets';
import { formatBytes } from '../core/util/format';
import type { LineageModel } from './model';

const STATE_ICONS: Record<DatasetState, vscode.ThemeIcon> = {
  clean: new vscode.ThemeIcon('database', new vscode.ThemeColor('testing.iconPassed')),
  modified: new vscode.ThemeIcon(
    'diff-modified',
    new vscode.ThemeColor('gitDecoration.modifiedResourceForeground'),
  ),
  missing: new vscode.ThemeIcon(
    'diff-removed',
    new vscode.ThemeColor('gitDecoration.deletedResourceForeground'),
  ),
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
};

/** The Datasets tree: one item per pointer file, with its state against the workspace. */
export class DatasetsTreeProvider implements vscode.TreeDataProvider<DatasetStatus>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly model: LineageModel,
    private readonly root: vscode.Uri | undefined,
  ) {
    this.subscription = model.onDidChangeDatasets(() => this.emitter.fire());
  }

  async getChildren(element?: DatasetStatus): Promise<DatasetStatus[]> {
    if (element) return [];
    return (await this.model.getDatasets()).datasets;
  }

  getTreeItem(d: DatasetStatus): vscode.TreeItem {
    const item = new vscode.TreeItem(d.path, vscode.TreeItemCollapsibleState.None);
    item.id = d.pointer;
    const changes = d.state === 'modified' ? ` (+${d.added} −${d.removed} ~${d.modified})` : '';
    item.description = `${d.state}${changes} · ${d.files} files · ${formatBytes(d.size)}`;
    item.iconPath = STATE_ICONS[d.state];
    item.contextValue = `dataset.${d.state}`;
    item.tooltip = d.message ?? `${d.pointer}\nsha256 ${d.hash}`;
    if (this.root) {
      item.resourceUri = vscode.Uri.joinPath(this.root, d.pointer);
      item.command = { command: 'vscode.open', title: 'Open Pointer File', arguments: [item.resourceUri] };
    }
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
