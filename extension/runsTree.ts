import * as vscode from 'vscode';
import type { RunStatus, RunSummary } from '../protocol/runs';
import { formatDuration, formatMetric, formatTimestamp, shortCommit, shortRunId } from '../core/util/format';
import type { LineageModel } from './model';

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  killed: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('testing.iconSkipped')),
  crashed: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
};

/** The Runs tree: one item per run, newest first, with status icon and last metric values. */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunSummary>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: LineageModel) {
    this.subscription = model.onDidChangeRuns(() => this.emitter.fire());
  }

  async getChildren(element?: RunSummary): Promise<RunSummary[]> {
    if (element) return [];
    return (await this.model.getRuns()).runs;
  }

  getTreeItem(run: RunSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
    item.id = run.id;
    const metrics = Object.entries(run.metrics)
      .slice(0, 3)
      .map(([k, v]) => `${k}=${formatMetric(v)}`);
    item.description = [...metrics, shortRunId(run.id)].join(' · ');
    item.accessibilityInformation = { label: `${run.name}, ${run.status}, ${item.description}` };
    item.iconPath = STATUS_ICONS[run.status];
    item.contextValue = `run.${run.status}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${run.name}** — ${run.status}\n\n`);
    md.appendMarkdown(`\`${run.command.join(' ')}\`\n\n`);
    md.appendMarkdown(
      `Run \`${run.id}\` · commit \`${shortCommit(run.commit, run.dirty)}\` · started ${formatTimestamp(run.startedAt)} · ${formatDuration(run.durationMs)}`,
    );
    item.tooltip = md;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
