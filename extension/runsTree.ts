import * as vscode from 'vscode';
import type { RunStatus, RunSummary } from '../protocol/runs';
import { formatDuration, formatMetric, formatTimestamp, shortCommit, shortRunId } from '../core/util/format';
import type { LineageModel } from './model';
import { liveSummary } from './runParams';
import type { Launch, RunLauncher } from './runLauncher';

/**
 * A Runs tree element: a recorded run, or a launch waiting in the queue. Elements are kept per id
 * and updated in place, so a live update refreshes just the runs that changed and an action clicked
 * on a row always reaches its element, however often the row is redrawn.
 */
export type RunsTreeElement = RunNode | QueuedRun;
export interface RunNode {
  run: RunSummary;
}
export interface QueuedRun {
  queued: Launch;
}

const QUEUED_ICON = new vscode.ThemeIcon('clock');

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  killed: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('testing.iconSkipped')),
  crashed: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
};

/**
 * The Runs tree: queued launches first, then one item per run, newest first, with status icon and
 * last metric values (a running run shows its live step and main metric). It follows the model, so
 * it updates as metrics arrive and runs end.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeElement>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RunsTreeElement[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];
  /** `metric:` of each experiment in lineage.yaml, for running runs' descriptions. */
  private metrics = new Map<string, string>();
  private readonly runNodes = new Map<string, RunNode>();
  private readonly queuedNodes = new Map<string, QueuedRun>();
  /** Run ids in the order last shown. */
  private shown: string[] = [];

  constructor(
    private readonly model: LineageModel,
    private readonly launcher: RunLauncher,
  ) {
    this.subscriptions = [
      model.onDidChangeRuns(({ runs }) => this.runsChanged(runs)),
      launcher.onDidChange(() => this.emitter.fire(undefined)),
    ];
  }

  /** Same runs in the same order: refresh the changed ones only. Otherwise the whole list. */
  private runsChanged(runs: RunSummary[]): void {
    if (runs.length !== this.shown.length || runs.some((r, i) => r.id !== this.shown[i])) {
      this.emitter.fire(undefined);
      return;
    }
    const changed: RunNode[] = [];
    for (const run of runs) {
      const node = this.runNodes.get(run.id);
      if (node && node.run !== run) {
        node.run = run;
        changed.push(node);
      }
    }
    if (changed.length > 0) this.emitter.fire(changed);
  }

  async getChildren(element?: RunsTreeElement): Promise<RunsTreeElement[]> {
    if (element) return [];
    const [{ runs }, { experiments }] = await Promise.all([
      this.model.getRuns(),
      this.model.getExperiments(),
    ]);
    this.metrics = new Map(experiments.flatMap((e) => (e.metric ? [[e.name, e.metric]] : [])));
    this.shown = runs.map((r) => r.id);
    const runNodes = runs.map((run) => {
      const node = this.runNodes.get(run.id) ?? { run };
      node.run = run;
      return node;
    });
    this.runNodes.clear();
    for (const node of runNodes) this.runNodes.set(node.run.id, node);
    const queuedNodes = this.launcher.queued.map((queued) => this.queuedNodes.get(queued.id) ?? { queued });
    this.queuedNodes.clear();
    for (const node of queuedNodes) this.queuedNodes.set(node.queued.id, node);
    return [...queuedNodes, ...runNodes];
  }

  getTreeItem(element: RunsTreeElement): vscode.TreeItem {
    if ('queued' in element) return queuedItem(element.queued);
    const run = element.run;
    const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
    item.id = run.id;
    const live = run.status === 'running' ? liveSummary(run, this.metric(run)) : '';
    const metrics = live
      ? [live]
      : Object.entries(run.metrics)
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

  private metric(run: RunSummary): string | undefined {
    return run.experiment === undefined ? undefined : this.metrics.get(run.experiment);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}

function queuedItem(launch: Launch): vscode.TreeItem {
  const item = new vscode.TreeItem(launch.label, vscode.TreeItemCollapsibleState.None);
  item.id = `queued:${launch.id}`;
  item.description = ['queued', ...launch.overrides].join(' · ');
  item.iconPath = QUEUED_ICON;
  item.contextValue = 'run.queued';
  item.tooltip = `${launch.label}: waiting for a free slot (lineage.maxParallelRuns)\nlineage run ${launch.args.join(' ')}`;
  item.accessibilityInformation = { label: `${launch.label}, queued` };
  return item;
}
