import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewDocument } from './webviewDocument';

/**
 * The HTML of a panel whose browser bundle is `dist/webview/<bundle>.js` (+ `.css`); `persist` for a
 * panel whose UI state is kept per workspace (`PanelState.persist`).
 */
export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  bundle: string,
  title: string,
  persist?: { state: unknown },
): string {
  const asset = (file: string): string =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  return webviewDocument({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: asset(`${bundle}.js`),
    styleUri: asset(`${bundle}.css`),
    title,
    persist,
  });
}
