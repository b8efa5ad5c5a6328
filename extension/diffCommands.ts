import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DatasetStatus } from '../protocol/datasets';
import { revisionsRequest, type RevisionChoice } from '../protocol/lsp';
import { DatasetDiffPanel } from './datasetDiffPanel';
import type { LineageModel } from './model';

type Target = vscode.Uri | DatasetStatus | undefined;

interface Env {
  context: vscode.ExtensionContext;
  client: LanguageClient;
  ready: Promise<void>;
  model: LineageModel;
}

/** "Lineage: Diff Dataset…": pick a dataset (unless given) and two revisions, open the Dataset Diff. */
export async function diffDataset(env: Env, target?: Target): Promise<void> {
  const dataset = await datasetOf(env, target);
  if (!dataset) return;
  const choices = await revisions(env, dataset);
  if (!choices) return;
  const a = await pickRevision(choices, `Diff ${dataset}: compare from…`, 'HEAD');
  if (!a) return;
  const b = await pickRevision(
    choices.filter((c) => c.rev !== a),
    `Diff ${dataset}: ${a} → compare to…`,
    'workspace',
  );
  if (!b) return;
  DatasetDiffPanel.show(env.context, env.client, env.ready, { dataset, a, b });
}

/** "Compare with…" on a pointer file or a Datasets tree item: one revision against the workspace. */
export async function compareDataset(env: Env, target?: Target): Promise<void> {
  const dataset = await datasetOf(env, target);
  if (!dataset) return;
  const choices = await revisions(env, dataset);
  if (!choices) return;
  const a = await pickRevision(
    choices.filter((c) => c.kind !== 'workspace'),
    `Compare ${dataset} in the workspace with…`,
    'HEAD',
  );
  if (!a) return;
  DatasetDiffPanel.show(env.context, env.client, env.ready, { dataset, a, b: 'workspace' });
}

async function datasetOf(env: Env, target: Target): Promise<string | undefined> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (target instanceof vscode.Uri && root) {
    return path
      .relative(root.fsPath, target.fsPath)
      .split(path.sep)
      .join('/')
      .replace(/\.lineage$/, '');
  }
  if (target) return target.path;
  const { datasets } = await env.model.getDatasets();
  if (datasets.length === 0) {
    void vscode.window.showInformationMessage(
      'Lineage: no datasets are tracked yet; add one with "Lineage: Add Dataset…".',
    );
    return undefined;
  }
  if (datasets.length === 1) return datasets[0]?.path;
  const picked = await vscode.window.showQuickPick(
    datasets.map((d) => ({ label: d.path, description: `${d.state} · ${d.files} files`, dataset: d.path })),
    { title: 'Lineage: Diff Dataset', placeHolder: 'Which dataset?' },
  );
  return picked?.dataset;
}

async function revisions(env: Env, dataset: string): Promise<RevisionChoice[] | undefined> {
  try {
    await env.ready;
    return await env.client.sendRequest(revisionsRequest, { dataset });
  } catch (err) {
    void vscode.window.showErrorMessage(`Lineage: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

const SECTIONS: Record<RevisionChoice['kind'], string> = {
  workspace: 'Workspace',
  branch: 'Branches',
  tag: 'Tags',
  commit: 'Commits that changed this dataset',
  run: 'Runs',
};

/** A quick pick of revisions; typing anything git understands (e.g. `HEAD~3`) works too. */
function pickRevision(
  choices: RevisionChoice[],
  title: string,
  preferred: string,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { rev?: string }>();
    pick.title = title;
    pick.placeholder = 'A commit, branch, tag, run or the workspace (or type any revision)';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const items: (vscode.QuickPickItem & { rev?: string })[] = [];
    let section = '';
    for (const c of choices) {
      const heading = c.rev === 'HEAD' ? SECTIONS.branch : SECTIONS[c.kind];
      if (heading !== section) {
        items.push({ label: heading, kind: vscode.QuickPickItemKind.Separator });
        section = heading;
      }
      items.push({
        label: c.label,
        description: c.description,
        ...(c.detail ? { detail: c.detail } : {}),
        rev: c.rev,
      });
    }
    pick.items = items;
    const first = items.find((i) => i.rev === preferred);
    if (first) pick.activeItems = [first];
    let done = false;
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0]?.rev ?? (pick.value.trim() || undefined);
      done = true;
      resolve(chosen);
      pick.hide();
    });
    pick.onDidHide(() => {
      if (!done) resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}
