import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';

/** Scheme of read-only documents showing one version of a dataset file (workspace file or store object). */
export const FILE_SCHEME = 'lineage-file';

/** Text diffs of files larger than this are refused: the diff editor would not cope anyway. */
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * A URI whose path ends with the file's own name (so VS Code picks the right language) and whose
 * query holds the absolute path of the bytes; the label goes in the fragment, for the tab title.
 */
export function fileUri(file: string, shownPath: string, label: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: FILE_SCHEME,
    path: '/' + shownPath,
    query: encodeURIComponent(file),
    fragment: encodeURIComponent(label),
  });
}

/** Serves `lineage-file:` documents by reading the file the query names. */
export class FileContentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const file = decodeURIComponent(uri.query);
    const { size } = await fs.stat(file);
    if (size > MAX_BYTES) {
      return `${uri.path.slice(1)} is ${Math.round(size / 1024 / 1024)} MB: too large to show as text.\n`;
    }
    const bytes = await fs.readFile(file);
    if (bytes.subarray(0, 8000).includes(0)) return `${uri.path.slice(1)} is a binary file.\n`;
    return bytes.toString('utf8');
  }
}
