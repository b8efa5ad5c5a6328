// No vscode import here: the webview tests load panels through this same shell.

export interface WebviewDocumentParts {
  /** The webview's origin for its own resources (`webview.cspSource`). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  /**
   * For a panel whose UI state the host keeps per workspace: the stored state (null when there is
   * none yet), put on `#root` as `data-persist`; the page then posts its saved states back
   * (protocol/panelState.ts).
   */
  persist?: { state: unknown };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The HTML shell of a webview panel: a strict Content-Security-Policy that allows only the panel's
 * own bundle and stylesheet (by nonce and webview origin), and no remote content at all.
 */
export function webviewDocument(p: WebviewDocumentParts): string {
  const csp = [
    "default-src 'none'",
    `img-src ${p.cspSource} data:`,
    `font-src ${p.cspSource}`,
    `style-src ${p.cspSource} 'nonce-${p.nonce}'`,
    `script-src 'nonce-${p.nonce}'`,
  ].join('; ');
  const persistAttribute = p.persist
    ? ` data-persist="${escapeAttribute(JSON.stringify(p.persist.state ?? null))}"`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${p.title}</title>
<link rel="stylesheet" nonce="${p.nonce}" href="${p.styleUri}">
</head>
<body>
<div id="root" role="main" aria-label="${p.title}"${persistAttribute}></div>
<script nonce="${p.nonce}" src="${p.scriptUri}"></script>
</body>
</html>`;
}
