import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import { formatBytes, listOf } from '../core/util/format';
import type { DatasetStatus } from '../protocol/datasets';
import { addRequest, checkoutRequest, UNSAVED_FILES_CODE } from '../protocol/lsp';
import { withServerProgress } from './serverProgress';

type Target = vscode.Uri | DatasetStatus | undefined;

function pathsOf(
  target: Target,
  selection: vscode.Uri[] | undefined,
  root: vscode.Uri | undefined,
): string[] | null {
  if (selection && selection.length > 1) return selection.map((u) => u.fsPath);
  if (target instanceof vscode.Uri) return [target.fsPath];
  if (target && root) return [path.join(root.fsPath, target.path)];
  return null;
}

/** "Lineage: Add Dataset…": from the explorer, the Datasets tree, or a file/folder picker. */
export async function addDataset(
  client: LanguageClient,
  ready: Promise<void>,
  target?: Target,
  selection?: vscode.Uri[],
): Promise<void> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  let paths = pathsOf(target, selection, root);
  if (!paths) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: true,
      defaultUri: root,
      openLabel: 'Track with Lineage',
      title: 'Lineage: Add Dataset',
    });
    if (!picked?.length) return;
    paths = picked.map((u) => u.fsPath);
  }
  const chosen = paths;
  await ready;
  try {
    const added = await withServerProgress(client, 'Lineage: Adding data', (workDoneToken, token) =>
      client.sendRequest(addRequest, { paths: chosen, workDoneToken }, token),
    );
    const summary = added
      .map((d) => `${d.path} (${d.files.toLocaleString('en')} files, ${formatBytes(d.size)})`)
      .join(', ');
    void vscode.window.showInformationMessage(
      `Lineage: added ${summary}. Commit the .lineage pointer file${added.length > 1 ? 's' : ''} to pin this version.`,
    );
  } catch (err) {
    showFailure('add', err);
  }
}

/** "Lineage: Checkout Dataset": restore a dataset to its pointer; offers to discard unsaved files. */
export async function checkoutDataset(
  client: LanguageClient,
  ready: Promise<void>,
  target?: Target,
): Promise<void> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  const paths = pathsOf(target, undefined, root) ?? [];
  await ready;
  const run = (force: boolean) =>
    withServerProgress(client, 'Lineage: Checking out data', (workDoneToken, token) =>
      client.sendRequest(checkoutRequest, { paths, force, workDoneToken }, token),
    );
  try {
    await report(await run(false));
  } catch (err) {
    if (!(err instanceof ResponseError) || err.code !== UNSAVED_FILES_CODE)
      return showFailure('checkout', err);
    const unsaved = (err.data as { unsaved?: string[] } | undefined)?.unsaved ?? [];
    const choice = await vscode.window.showWarningMessage(
      `Checking out would discard ${unsaved.length === 1 ? '1 file' : `${unsaved.length} files`} whose content is not saved in the store: ${listOf(unsaved)}.`,
      { modal: true, detail: 'To keep the changes, cancel and use "Lineage: Add Dataset…" first.' },
      'Discard and Check Out',
    );
    if (choice) await run(true).then(report, (e: unknown) => showFailure('checkout', e));
  }
}

async function report(
  results: { path: string; added: number; removed: number; modified: number }[],
): Promise<void> {
  const parts = results.map((r) =>
    r.added + r.removed + r.modified === 0
      ? `${r.path} was up to date`
      : `${r.path}: ${r.added} added, ${r.removed} removed, ${r.modified} modified`,
  );
  void vscode.window.showInformationMessage(`Lineage: ${parts.join('; ')}`);
}

function showFailure(what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (/^cancelled after/.test(message))
    void vscode.window.showInformationMessage(`Lineage: ${what} ${message}.`);
  else if (/cancelled/i.test(message))
    void vscode.window.showInformationMessage(`Lineage: ${what} cancelled; nothing was changed.`);
  else void vscode.window.showErrorMessage(`Lineage: ${what} failed: ${message}`);
}
