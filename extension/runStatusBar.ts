import * as vscode from 'vscode';
import { formatDuration, shortRunId } from '../core/util/format';
import type { RunSummary } from '../protocol/runs';
import type { LineageModel } from './model';
import { liveSummary } from './runParams';
import type { RunLauncher } from './runLauncher';

const LINK_COMMANDS = [
  'lineage.showRunOutput',
  'lineage.stopRun',
  'lineage.killRun',
  'lineage.cancelQueuedRun',
];

/**
 * The status bar item shown while runs are running (or queued): the live step and main metric of
 * one run, `+N more` for the others. Clicking shows that run's terminal; its hover lists every run
 * with Terminal / Stop / Kill links (the item's menu).
 */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'lineage.runs',
    vscode.StatusBarAlignment.Left,
    10,
  );
  private readonly subscriptions: vscode.Disposable[];
  private updates = 0;

  constructor(
    private readonly model: LineageModel,
    private readonly launcher: RunLauncher,
  ) {
    this.item.name = 'Lineage Runs';
    this.subscriptions = [
      model.onDidChangeRuns(() => void this.update()),
      launcher.onDidChange(() => void this.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.update()),
    ];
    void this.update();
  }

  private async update(): Promise<void> {
    const update = ++this.updates;
    const [{ runs }, { experiments }] = await Promise.all([
      this.model.getRuns(),
      this.model.getExperiments(),
    ]);
    if (update !== this.updates) return; // a newer update is under way
    const metrics = new Map(experiments.flatMap((e) => (e.metric ? [[e.name, e.metric]] : [])));
    const metricOf = (r: RunSummary): string | undefined =>
      r.experiment === undefined ? undefined : metrics.get(r.experiment);
    const running = runs.filter((r) => r.status === 'running');
    const queued = this.launcher.queued;
    if (running.length === 0 && queued.length === 0) {
      this.item.hide();
      return;
    }
    // The run shown: the newest one with a terminal here (a click shows it), else the newest.
    const shown = running.find((r) => this.launcher.terminalOf(r.id)) ?? running[0];
    const parts: string[] = [];
    if (shown) {
      const live = liveSummary(shown, metricOf(shown));
      parts.push(`$(sync~spin) ${shown.name}${live ? ` · ${live}` : ''}`);
      if (running.length > 1) parts.push(`+${running.length - 1} more`);
    } else {
      parts.push('$(clock) Lineage');
    }
    if (queued.length > 0) parts.push(`${queued.length} queued`);
    this.item.text = parts.join(' ');

    const trusted = vscode.workspace.isTrusted;
    const link = (title: string, command: string, id: string): string =>
      `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([id]))})`;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: LINK_COMMANDS };
    md.appendMarkdown(
      `**Lineage runs** (${running.length} running${queued.length ? `, ${queued.length} queued` : ''})\n\n`,
    );
    for (const r of running) {
      const live = liveSummary(r, metricOf(r));
      const actions = [
        link(this.launcher.terminalOf(r.id) ? 'Terminal' : 'Output', 'lineage.showRunOutput', r.id),
        ...(trusted ? [link('Stop', 'lineage.stopRun', r.id), link('Kill', 'lineage.killRun', r.id)] : []),
      ];
      md.appendMarkdown(
        `$(sync~spin) **${escape(r.name)}** \`${shortRunId(r.id)}\`${live ? ` · ${escape(live)}` : ''} · ${formatDuration(r.durationMs)} — ${actions.join(' · ')}\n\n`,
      );
    }
    for (const q of queued) {
      const overrides = q.overrides.length ? ` · ${escape(q.overrides.join(' '))}` : '';
      md.appendMarkdown(
        `$(clock) **${escape(q.label)}** queued${overrides} — ${link('Cancel', 'lineage.cancelQueuedRun', q.id)}\n\n`,
      );
    }
    this.item.tooltip = md;
    this.item.command = shown
      ? { title: 'Show Run Terminal', command: 'lineage.showRunOutput', arguments: [shown.id] }
      : { title: 'Show Runs', command: 'lineage.runs.focus' };
    this.item.accessibilityInformation = {
      label: `Lineage: ${this.item.text.replace(/\$\([^)]*\)\s*/g, '')}`,
    };
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

/** Markdown-escape text shown in the hover. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
