import * as vscode from 'vscode';
import type { DatasetStatus } from '../protocol/datasets';
import { createLanguageClient } from './client';
import { compareRuns } from './compareRuns';
import { addDataset, checkoutDataset } from './datasetCommands';
import { DatasetDiffPanel } from './datasetDiffPanel';
import { DatasetWatcher } from './datasetWatcher';
import { compareDataset, diffDataset } from './diffCommands';
import { FILE_SCHEME, FileContentProvider } from './fileContent';
import { DatasetsTreeProvider } from './datasetsTree';
import { MetricPlotsViewProvider } from './metricPlotsView';
import { LineageModel } from './model';
import {
  cancelQueuedRun,
  reproduceRun,
  runExperiment,
  showRunOutput,
  stopRun,
  type RunCommandDeps,
} from './runCommands';
import { CODE_SCHEME, CodeContentProvider } from './runCodeChanges';
import { RunComparePanel } from './runComparePanel';
import { RunLauncher } from './runLauncher';
import { RunStatusBar } from './runStatusBar';
import {
  onDidChangeSelection,
  registerRunsTableCommands,
  RunsTablePanel,
  selectedRunIds,
} from './runsTablePanel';
import { RunsTreeProvider, type RunsTreeElement } from './runsTree';

/**
 * Activation stays cheap: it registers views and commands and starts the language server without
 * waiting for it. All heavy work happens in the server process.
 */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Lineage', { log: true });
  const client = createLanguageClient(context, output);
  const ready = client.start();
  ready.catch((err: unknown) => output.error(`Lineage language server failed to start: ${String(err)}`));
  const model = new LineageModel(client, ready);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  const launcher = new RunLauncher(context.asAbsolutePath('dist/cli.js'), model);
  const runs: RunCommandDeps = { client, ready, model, launcher };
  const runsTree = new RunsTreeProvider(model, launcher);
  const datasetsTree = new DatasetsTreeProvider(model, root);

  const metricPlots = new MetricPlotsViewProvider(context.extensionUri, client, ready, model);
  metricPlots.setSelection(selectedRunIds());

  if (root) context.subscriptions.push(new DatasetWatcher(model, root));
  context.subscriptions.push(
    output,
    model,
    launcher,
    runsTree,
    new RunStatusBar(model, launcher),
    datasetsTree,
    { dispose: () => void client.stop() },
    // Several runs can be selected, for Compare Selected Runs.
    vscode.window.createTreeView('lineage.runs', { treeDataProvider: runsTree, canSelectMany: true }),
    vscode.window.registerTreeDataProvider('lineage.datasets', datasetsTree),
    metricPlots,
    vscode.window.registerWebviewViewProvider(MetricPlotsViewProvider.viewType, metricPlots),
    onDidChangeSelection((ids) => metricPlots.setSelection(ids)),
    vscode.commands.registerCommand('lineage.showMetricPlots', () =>
      vscode.commands.executeCommand(`${MetricPlotsViewProvider.viewType}.focus`),
    ),
    vscode.commands.registerCommand('lineage.openRunsTable', () => RunsTablePanel.show(context, model)),
    vscode.window.registerWebviewPanelSerializer(
      RunsTablePanel.viewType,
      RunsTablePanel.serializer(context, model),
    ),
    ...registerRunsTableCommands(context),
    vscode.commands.registerCommand('lineage.refresh', () =>
      Promise.all([model.reloadRuns(), model.reloadDatasets()]),
    ),
    vscode.commands.registerCommand('lineage.showServerOutput', () => output.show()),
    vscode.commands.registerCommand(
      'lineage.addDataset',
      (target?: vscode.Uri | DatasetStatus, selection?: vscode.Uri[]) =>
        addDataset(client, ready, target, selection),
    ),
    vscode.commands.registerCommand('lineage.checkoutDataset', (target?: vscode.Uri | DatasetStatus) =>
      checkoutDataset(client, ready, target),
    ),
    vscode.commands.registerCommand('lineage.diffDataset', (target?: vscode.Uri | DatasetStatus) =>
      diffDataset({ context, client, ready, model }, target),
    ),
    vscode.commands.registerCommand('lineage.compareDataset', (target?: vscode.Uri | DatasetStatus) =>
      compareDataset({ context, client, ready, model }, target),
    ),
    vscode.commands.registerCommand('lineage.runExperiment', () => runExperiment(runs)),
    vscode.commands.registerCommand('lineage.stopRun', (target?: RunsTreeElement | string) =>
      stopRun(runs, false, target),
    ),
    vscode.commands.registerCommand('lineage.killRun', (target?: RunsTreeElement | string) =>
      stopRun(runs, true, target),
    ),
    vscode.commands.registerCommand('lineage.cancelQueuedRun', (target?: RunsTreeElement | string) =>
      cancelQueuedRun(runs, target),
    ),
    vscode.commands.registerCommand('lineage.showRunOutput', (target?: RunsTreeElement | string) =>
      showRunOutput(runs, target),
    ),
    vscode.commands.registerCommand('lineage.reproduceRun', (target?: RunsTreeElement | string) =>
      reproduceRun(runs, target),
    ),
    vscode.workspace.registerTextDocumentContentProvider(FILE_SCHEME, new FileContentProvider()),
    vscode.commands.registerCommand('lineage.compareRuns', (target?: unknown, selection?: unknown) =>
      compareRuns({ context, client, ready, model }, target, selection),
    ),
    vscode.window.registerWebviewPanelSerializer(
      RunComparePanel.viewType,
      RunComparePanel.serializer({ context, client, ready, model }),
    ),
    vscode.workspace.registerTextDocumentContentProvider(CODE_SCHEME, new CodeContentProvider(client, ready)),
    model.onDidChangeDatasets(() => DatasetDiffPanel.refreshWorkspacePanels()),
  );
}

export function deactivate(): void {
  // Disposables registered in activate stop the client.
}
