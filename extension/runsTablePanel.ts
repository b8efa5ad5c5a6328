import * as vscode from 'vscode';
import type { ListRunsResult, RunSummary } from '../protocol/runs';
import {
  runsTableCommands,
  runsTableToHostSchema,
  type RunsTableCommand,
  type RunsTableToWebview,
} from '../protocol/webview';
import type { LineageModel } from './model';
import { PanelState } from './panelState';
import { webviewHtml } from './webviewHtml';

const selectionEmitter = new vscode.EventEmitter<string[]>();
/** The runs selected in the Runs Table (ids, in table order); the metric plots follow it. */
export const onDidChangeSelection = selectionEmitter.event;
let lastSelection: string[] = [];
/** The Runs Table's current selection (empty while it is closed). */
export function selectedRunIds(): string[] {
  return lastSelection;
}

/** Where the starred runs of a workspace are kept (`context.workspaceState`). */
const STARS_KEY = 'lineage.runsTable.starred';

function starredRuns(context: vscode.ExtensionContext): string[] {
  const value = context.workspaceState.get<unknown>(STARS_KEY);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

async function setStarred(context: vscode.ExtensionContext, ids: string[], starred: boolean): Promise<void> {
  const set = new Set(starredRuns(context));
  for (const id of ids) {
    if (starred) set.add(id);
    else set.delete(id);
  }
  await context.workspaceState.update(STARS_KEY, [...set]);
  await RunsTablePanel.current?.sendStars();
}

/** What a `webview/context` menu command gets: the `data-vscode-context` of the row or header. */
interface TableMenuContext {
  runId?: unknown;
  columnId?: unknown;
}
const field = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The Runs Table's context-menu commands (`lineage.runsTable.*`, shown by `webview/context` menus):
 * stars and Copy Run Id are done here; the others are posted to the table to apply.
 */
export function registerRunsTableCommands(context: vscode.ExtensionContext): vscode.Disposable[] {
  const runId = (arg?: TableMenuContext): string | undefined => field(arg?.runId);
  return [
    vscode.commands.registerCommand('lineage.runsTable.starRun', async (arg?: TableMenuContext) => {
      const id = runId(arg);
      if (id) await setStarred(context, [id], true);
    }),
    vscode.commands.registerCommand('lineage.runsTable.unstarRun', async (arg?: TableMenuContext) => {
      const id = runId(arg);
      if (id) await setStarred(context, [id], false);
    }),
    vscode.commands.registerCommand('lineage.runsTable.copyRunId', async (arg?: TableMenuContext) => {
      const id = runId(arg);
      if (id) await vscode.env.clipboard.writeText(id);
    }),
    ...runsTableCommands.map((command: RunsTableCommand) =>
      vscode.commands.registerCommand(`lineage.runsTable.${command}`, async (arg?: TableMenuContext) => {
        await RunsTablePanel.current?.post({
          type: 'command',
          command,
          runId: runId(arg),
          columnId: field(arg?.columnId),
        });
      }),
    ),
  ];
}

/**
 * What to send the webview when the model's runs change: `upsert` with the changed runs only when
 * the same runs are listed in the same order (the model keeps unchanged summaries as the same
 * objects), else the whole list. Null when nothing changed.
 */
export function runsUpdate(previous: ListRunsResult | null, next: ListRunsResult): RunsTableToWebview | null {
  if (
    !previous ||
    previous.runs.length !== next.runs.length ||
    previous.problems.length !== next.problems.length
  )
    return { type: 'runs', result: next };
  const candidates: [RunSummary, RunSummary][] = [];
  for (let i = 0; i < next.runs.length; i++) {
    const a = previous.runs[i] as RunSummary;
    const b = next.runs[i] as RunSummary;
    if (a.id !== b.id) return { type: 'runs', result: next };
    if (a !== b) candidates.push([a, b]);
  }
  // A full reload (every summary a new object): the list, rather than comparing every run.
  if (candidates.length > Math.max(100, next.runs.length / 4)) return { type: 'runs', result: next };
  const changed = candidates.filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b)).map(([, b]) => b);
  if (JSON.stringify(previous.problems) !== JSON.stringify(next.problems))
    return { type: 'runs', result: next };
  return changed.length > 0 ? { type: 'upsert', runs: changed } : null;
}

/**
 * The Runs Table editor panel (one per window). The webview says `ready`, then gets the runs;
 * afterwards only changed runs are sent (`upsert`), so the table follows runs live without
 * re-sending it. The webview posts its selection (`selectionChanged`, re-fired as
 * `onDidChangeSelection`), CSV exports to save, and stars (kept in `workspaceState`, so they
 * survive a reload of the window; sent back as `stars`).
 */
export class RunsTablePanel implements vscode.Disposable {
  static readonly viewType = 'lineage.runsTable';
  static current: RunsTablePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** What the webview has (null until it said `ready`, again after it reloads). */
  private sent: ListRunsResult | null = null;
  private readonly uiState: PanelState;

  private static options(context: vscode.ExtensionContext): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
    };
  }

  /** Restores the table VS Code had open when the window was reloaded or reopened. */
  static serializer(context: vscode.ExtensionContext, model: LineageModel): vscode.WebviewPanelSerializer {
    return {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        panel.webview.options = RunsTablePanel.options(context);
        RunsTablePanel.current?.dispose();
        RunsTablePanel.current = new RunsTablePanel(panel, context, model);
      },
    };
  }

  static show(context: vscode.ExtensionContext, model: LineageModel): RunsTablePanel {
    if (RunsTablePanel.current) {
      RunsTablePanel.current.panel.reveal();
      return RunsTablePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      RunsTablePanel.viewType,
      'Lineage Runs',
      vscode.ViewColumn.Active,
      { ...RunsTablePanel.options(context), retainContextWhenHidden: false },
    );
    RunsTablePanel.current = new RunsTablePanel(panel, context, model);
    return RunsTablePanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly model: LineageModel,
  ) {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'lineage.svg');
    // Sorts, filters, grouping, columns and selection are kept per workspace: closing and reopening
    // the table, or reloading the window, brings them back.
    this.uiState = new PanelState(context.workspaceState, 'lineage.runsTable.uiState');
    panel.webview.html = webviewHtml(
      panel.webview,
      context.extensionUri,
      'runsTable',
      'Lineage Runs',
      this.uiState.persist,
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      model.onDidChangeRuns((result) => void this.update(result)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (this.uiState.accept(raw)) return;
    const parsed = runsTableToHostSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        this.sent = await this.model.getRuns();
        await this.post({ type: 'runs', result: this.sent });
        await this.sendStars();
        return;
      case 'refresh':
        await this.model.reloadRuns();
        return;
      case 'selectionChanged':
        lastSelection = message.ids;
        selectionEmitter.fire(message.ids);
        return;
      case 'exportCsv':
        await this.exportCsv(message.csv);
        return;
      case 'setStar':
        await setStarred(this.context, message.ids, message.starred);
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private async update(result: ListRunsResult): Promise<void> {
    if (!this.sent) return; // not ready yet: `ready` sends the list
    const message = runsUpdate(this.sent, result);
    this.sent = result;
    if (message) await this.post(message);
  }

  private async exportCsv(csv: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export Runs as CSV',
      saveLabel: 'Export',
      filters: { CSV: ['csv'] },
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'runs.csv') : undefined,
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(csv));
      void vscode.window.showInformationMessage(
        `Lineage: runs exported to ${vscode.workspace.asRelativePath(target)}`,
      );
    } catch (err) {
      void vscode.window.showErrorMessage(`Lineage: could not export runs: ${String(err)}`);
    }
  }

  async sendStars(): Promise<void> {
    if (this.sent) await this.post({ type: 'stars', ids: starredRuns(this.context) });
  }

  async post(message: RunsTableToWebview): Promise<void> {
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    RunsTablePanel.current = undefined;
    if (lastSelection.length > 0) {
      lastSelection = [];
      selectionEmitter.fire([]);
    }
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
