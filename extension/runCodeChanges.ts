import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { runCodeDiffRequest, runCodeFileRequest } from '../protocol/lsp';
import type { RunCodeDiffResult, RunCodeSide } from '../protocol/runCompare';

/** Scheme of read-only documents showing one file of a run's code (a git tree the server made). */
export const CODE_SCHEME = 'lineage-code';

/** `lineage-code:/<path>?<tree>#<label>`: the path keeps the file's name, so VS Code picks the language. */
export function codeUri(side: RunCodeSide, file: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: CODE_SCHEME,
    path: '/' + file,
    query: side.tree,
    fragment: encodeURIComponent(side.label),
  });
}

/** Serves `lineage-code:` documents through `lineage/runCodeFile`. */
export class CodeContentProvider implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly client: LanguageClient,
    private readonly ready: Promise<void>,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    await this.ready;
    const result = await this.client.sendRequest(runCodeFileRequest, {
      tree: uri.query,
      path: uri.path.slice(1),
    });
    return result.text ?? `${result.note ?? 'no text'}\n`;
  }
}

/**
 * Open the code changes from run `a` to run `b`: every changed file at once in VS Code's multi-file
 * diff editor (`vscode.changes`), or `vscode.diff` for a single file. Returns what happened, for the
 * panel to show; errors (no commit, a missing patch) come back as the message.
 */
export async function openCodeChanges(
  client: LanguageClient,
  ready: Promise<void>,
  a: string,
  b: string,
): Promise<string> {
  let diff: RunCodeDiffResult;
  try {
    await ready;
    diff = await client.sendRequest(runCodeDiffRequest, { a, b });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Lineage: cannot compare the runs' code: ${message}`);
    return message;
  }
  const notes = [...diff.a.notes, ...diff.b.notes];
  for (const note of notes) void vscode.window.showWarningMessage(`Lineage: ${note}`);
  const title = `${diff.a.label} ↔ ${diff.b.label}`;
  if (diff.files.length === 0) {
    const message = `${diff.a.label} and ${diff.b.label} ran identical code`;
    void vscode.window.showInformationMessage(`Lineage: ${message}.`);
    return message;
  }
  const resources = diff.files.map((f): [vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined] => {
    const left = f.status === 'A' ? undefined : codeUri(diff.a, f.oldPath ?? f.path);
    const right = f.status === 'D' ? undefined : codeUri(diff.b, f.path);
    return [(right ?? left) as vscode.Uri, left, right];
  });
  const only = diff.files[0];
  if (diff.files.length === 1 && only && only.status !== 'A' && only.status !== 'D') {
    await vscode.commands.executeCommand(
      'vscode.diff',
      codeUri(diff.a, only.oldPath ?? only.path),
      codeUri(diff.b, only.path),
      `${only.path} (${title})`,
      { preview: false },
    );
  } else {
    await vscode.commands.executeCommand('vscode.changes', `Code: ${title}`, resources);
  }
  const count = `${diff.files.length} changed file${diff.files.length === 1 ? '' : 's'}`;
  return notes.length > 0 ? `${count}; ${notes.join('; ')}` : count;
}
