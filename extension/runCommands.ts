import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { shortRunId } from '../core/util/format';
import { stopRunRequest, type ExperimentInfo } from '../protocol/lsp';
import type { RunSummary } from '../protocol/runs';
import type { LineageModel } from './model';
import { formatParams, liveSummary, overridesFrom, parseParamsInput } from './runParams';
import { newRunId, type RunLauncher } from './runLauncher';
import type { RunsTreeElement } from './runsTree';

export interface RunCommandDeps {
  client: LanguageClient;
  ready: Promise<void>;
  model: LineageModel;
  launcher: RunLauncher;
}

/** The `data-vscode-context` of a Runs Table row, which its native context menu passes to commands. */
interface WebviewRunContext {
  webviewSection: 'run';
  runId: string;
}

type RunTarget = RunsTreeElement | WebviewRunContext | string | undefined;

/** Commands that run anything are refused in untrusted workspaces (the menus hide them too). */
function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      `Lineage: ${what} is disabled in Restricted Mode. Lineage runs commands only in trusted workspaces.`,
      'Manage Workspace Trust',
    )
    .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

interface ExperimentPick extends vscode.QuickPickItem {
  experiment?: ExperimentInfo;
  pythonFile?: vscode.Uri;
}

function commandText(command: string | string[]): string {
  return typeof command === 'string'
    ? command
    : command.map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/**
 * "Lineage: Run Experiment…": pick an experiment of lineage.yaml (or the active Python file), adjust
 * its params in one line (`lr=0.01 epochs=10`; changed values become `--set` overrides), and start
 * it in a terminal, or queue it when `lineage.maxParallelRuns` runs are already running.
 */
export async function runExperiment({ model, launcher }: RunCommandDeps): Promise<void> {
  if (!requireTrust('running experiments')) return;
  const { root, experiments, problems } = await model.getExperiments(true);
  if (!root) {
    void vscode.window.showErrorMessage(
      'Lineage: no Lineage repository is open (no lineage.yaml or .lineage/ in this workspace). Run `lineage init` first.',
    );
    return;
  }
  const config = problems.find((p) => p.file === 'lineage.yaml');
  if (config) {
    void vscode.window.showErrorMessage(`Lineage: lineage.yaml: ${config.message}`);
    return;
  }
  const problemOf = (e: ExperimentInfo): string | undefined =>
    problems.find((p) => e.paramsFiles.some((f) => path.normalize(f) === path.normalize(p.file)))?.message;
  const items: ExperimentPick[] = experiments.map((e) => {
    const problem = problemOf(e);
    const params = formatParams(e.params);
    return {
      label: `$(beaker) ${e.name}`,
      description: commandText(e.command),
      detail: problem ? `$(warning) ${problem}` : params || undefined,
      experiment: e,
    };
  });
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && doc.uri.scheme === 'file' && (doc.languageId === 'python' || doc.fileName.endsWith('.py'))) {
    if (items.length > 0) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    items.push({
      label: '$(play) Run the active Python file',
      description: path.relative(root, doc.fileName) || doc.fileName,
      pythonFile: doc.uri,
    });
  }
  if (items.length === 0) {
    const open = await vscode.window.showInformationMessage(
      'Lineage: lineage.yaml has no experiments yet. Add one under `experiments:` (command, params files, metric), or open a Python file to run it.',
      'Open lineage.yaml',
    );
    if (open) await vscode.window.showTextDocument(vscode.Uri.file(path.join(root, 'lineage.yaml')));
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Lineage: Run Experiment',
    placeHolder: 'Pick an experiment of lineage.yaml to run',
    matchOnDescription: true,
  });
  if (!picked) return;

  const id = newRunId();
  if (picked.pythonFile) {
    const file = picked.pythonFile;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
    if (open?.isDirty) await open.save();
    const rel = path.relative(root, file.fsPath);
    const script = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file.fsPath;
    const python = await pythonInterpreter(file);
    await start(launcher, {
      id,
      label: path.basename(file.fsPath),
      args: ['--', python, script],
      overrides: [],
      cwd: root,
    });
    return;
  }
  const experiment = picked.experiment as ExperimentInfo;
  let overrides: string[] = [];
  if (Object.keys(experiment.params).length > 0) {
    const text = await vscode.window.showInputBox({
      title: `Lineage: Run ${experiment.name}: params`,
      value: formatParams(experiment.params),
      prompt: `From ${experiment.paramsFiles.join(', ')}. Edit values as name=value, separated by spaces; changed ones are passed as --set overrides.`,
      ignoreFocusOut: true,
      validateInput: (value) => {
        const parsed = parseParamsInput(value);
        if (!parsed.ok) return { message: parsed.error, severity: vscode.InputBoxValidationSeverity.Error };
        const changed = overridesFrom(experiment.params, parsed.values);
        return changed.length > 0
          ? { message: `Overrides: ${changed.join(' ')}`, severity: vscode.InputBoxValidationSeverity.Info }
          : null;
      },
    });
    if (text === undefined) return;
    const parsed = parseParamsInput(text);
    if (parsed.ok) overrides = overridesFrom(experiment.params, parsed.values);
  }
  await start(launcher, {
    id,
    label: experiment.name,
    args: ['--experiment', experiment.name, ...overrides.flatMap((o) => ['--set', o])],
    overrides,
    cwd: root,
  });
}

async function start(launcher: RunLauncher, launch: Parameters<RunLauncher['launch']>[0]): Promise<void> {
  if ((await launcher.launch(launch)) === 'queued') {
    // The queue shows at the top of the Runs view and in the status bar item: a passing note is enough.
    const max = vscode.workspace.getConfiguration('lineage').get<number>('maxParallelRuns', 2);
    vscode.window.setStatusBarMessage(
      `$(clock) Lineage: ${launch.label} is queued; it starts when one of the ${max} running runs ends (lineage.maxParallelRuns).`,
      8000,
    );
  }
}

/**
 * The Python to run a file with: the Python extension's active environment when it is installed,
 * else the `python.defaultInterpreterPath` setting when set, else `python3`.
 */
async function pythonInterpreter(file: vscode.Uri): Promise<string> {
  interface PythonApi {
    environments?: { getActiveEnvironmentPath?: (resource?: vscode.Uri) => { path?: string } | undefined };
  }
  const extension = vscode.extensions.getExtension<PythonApi>('ms-python.python');
  if (extension) {
    try {
      const api = extension.isActive ? extension.exports : await extension.activate();
      const found = api?.environments?.getActiveEnvironmentPath?.(file)?.path;
      if (found && found !== 'python') return found;
    } catch {
      // fall back to the setting
    }
  }
  const configured = vscode.workspace
    .getConfiguration('python', file)
    .get<string>('defaultInterpreterPath')
    ?.trim();
  if (configured && configured !== 'python') {
    const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? '';
    return configured.replace(/\$\{workspaceFolder\}/g, folder);
  }
  return 'python3';
}

function idOf(target: RunTarget): string | undefined {
  if (typeof target === 'string') return target;
  if (target && 'run' in target) return target.run.id;
  if (target && 'runId' in target && typeof target.runId === 'string') return target.runId;
  return undefined;
}

/** "Lineage: Stop Run" / "Lineage: Kill Run": from the Runs tree, the status bar, or a pick of running runs. */
export async function stopRun(deps: RunCommandDeps, kill: boolean, target?: RunTarget): Promise<void> {
  const verb = kill ? 'kill' : 'stop';
  if (!requireTrust(`${kill ? 'killing' : 'stopping'} runs`)) return;
  if (target && typeof target === 'object' && 'queued' in target) {
    deps.launcher.cancel(target.queued.id);
    return;
  }
  const { runs } = await deps.model.getRuns();
  let id = idOf(target);
  if (!id) {
    const running = runs.filter((r) => r.status === 'running');
    if (running.length === 0) {
      void vscode.window.showInformationMessage('Lineage: no run is running.');
      return;
    }
    const { experiments } = await deps.model.getExperiments();
    const metricOf = (r: RunSummary): string | undefined =>
      experiments.find((e) => e.name === r.experiment)?.metric;
    const picked = await vscode.window.showQuickPick(
      running.map((r) => ({
        label: r.name,
        description: [shortRunId(r.id), liveSummary(r, metricOf(r))].filter(Boolean).join(' · '),
        detail: r.command.join(' '),
        id: r.id,
      })),
      {
        title: kill ? 'Lineage: Kill Run' : 'Lineage: Stop Run',
        placeHolder: kill
          ? 'Run to kill (its command and every process it started end at once)'
          : 'Run to stop (its command is asked to exit, like Ctrl+C)',
      },
    );
    if (!picked) return;
    id = picked.id;
  }
  const name = runs.find((r) => r.id === id)?.name ?? 'run';
  try {
    await deps.ready;
    await deps.client.sendRequest(stopRunRequest, { id, kill });
    vscode.window.setStatusBarMessage(
      `Lineage: ${kill ? 'killing' : 'stopping'} ${name} (${shortRunId(id)})…`,
      4000,
    );
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Lineage: cannot ${verb} ${name}: ${message}`);
  }
}

/**
 * "Lineage: Reproduce Run": re-run a finished run from its recorded commit, patch, data versions
 * and params (`lineage reproduce` in a terminal, queued like any launch); the terminal ends with
 * the metric comparison, and the new run names the original in the Runs tree.
 */
export async function reproduceRun({ model, launcher }: RunCommandDeps, target?: RunTarget): Promise<void> {
  if (!requireTrust('reproducing runs')) return;
  const { runs } = await model.getRuns();
  let id = idOf(target);
  if (!id) {
    const candidates = runs.filter((r) => r.status !== 'running' && r.commit && !r.source);
    const picked = await vscode.window.showQuickPick(
      candidates.map((r) => ({
        label: r.name,
        description: [shortRunId(r.id), r.status, r.commit?.slice(0, 8)].join(' · '),
        id: r.id,
      })),
      {
        title: 'Lineage: Reproduce Run',
        placeHolder: 'Run to re-run from its recorded code, data and params',
      },
    );
    id = picked?.id;
  }
  if (!id) return;
  const run = runs.find((r) => r.id === id);
  const root = (await model.getExperiments()).root;
  if (!root) return;
  await start(launcher, {
    id: newRunId(),
    label: `reproduce ${run?.name ?? shortRunId(id)}`,
    args: [],
    reproduces: id,
    overrides: [],
    cwd: root,
  });
}

/** Remove a launch from the queue (the Runs tree's Cancel action, or a pick). */
export async function cancelQueuedRun({ launcher }: RunCommandDeps, target?: RunTarget): Promise<void> {
  let id = target && typeof target === 'object' && 'queued' in target ? target.queued.id : idOf(target);
  if (!id) {
    if (launcher.queued.length === 0) {
      void vscode.window.showInformationMessage('Lineage: no run is queued.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      launcher.queued.map((l) => ({ label: l.label, description: l.overrides.join(' '), id: l.id })),
      { title: 'Lineage: Cancel Queued Run' },
    );
    id = picked?.id;
  }
  if (id) launcher.cancel(id);
}

/** Show the terminal of a run started here; for other runs, open their output log. */
export async function showRunOutput({ model, launcher }: RunCommandDeps, target?: RunTarget): Promise<void> {
  const id = idOf(target);
  if (!id) return;
  const terminal = launcher.terminalOf(id);
  if (terminal) {
    terminal.show();
    return;
  }
  const { root } = await model.getExperiments();
  const log = root ? path.join(root, '.lineage', 'runs', id, 'output.log') : undefined;
  if (!log || !existsSync(log)) {
    void vscode.window.showInformationMessage(
      `Lineage: run ${shortRunId(id)} has no terminal or output log here.`,
    );
    return;
  }
  await vscode.window.showTextDocument(vscode.Uri.file(log), { preview: true });
}
