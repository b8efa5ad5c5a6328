// Hosts a real built panel bundle (dist/webview/<bundle>.{js,css}, the Runs Table by default) in
// Chromium the way VS Code hosts a webview: the extension's HTML shell with its strict
// Content-Security-Policy, the theme's --vscode-* variables as a style attribute on <html>, VS Code's
// default webview styles, and an `acquireVsCodeApi` stub. Like VS Code's own injected script and style
// (webview/browser/pre/index.html, toContentHtml), the stub comes first in <head>, before the CSP meta,
// so the policy governs exactly what it governs in VS Code: the extension's own markup, stylesheet and
// bundle.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { webviewDocument } from '../../extension/webviewDocument';
import { THEMES, type Theme, type ThemeName } from './themes';

export { THEMES, type Theme, type ThemeName } from './themes';

export const WEBVIEW_DIST = path.resolve(__dirname, '../../dist/webview');

/** Which panel to load: its bundle (dist/webview/<bundle>.{js,css}) and the title its host gives it. */
export interface PanelBundle {
  bundle: string;
  title: string;
}

export const RUNS_TABLE: PanelBundle = { bundle: 'runsTable', title: 'Lineage Runs' };
export const RUN_COMPARE: PanelBundle = { bundle: 'runCompare', title: 'Compare Runs' };

/** The part of VS Code's `_defaultStyles` that can matter to a table panel. */
const DEFAULT_STYLES = `@layer vscode-default {
  html { scrollbar-color: var(--vscode-scrollbarSlider-background) var(--vscode-editor-background); }
  body {
    overscroll-behavior-x: none;
    background-color: transparent;
    color: var(--vscode-editor-foreground);
    font-family: var(--vscode-font-family);
    font-weight: var(--vscode-font-weight);
    font-size: var(--vscode-font-size);
    margin: 0;
    padding: 0 20px;
  }
  a, a code { color: var(--vscode-textLink-foreground); }
  a:focus, input:focus, select:focus, textarea:focus { outline: 1px solid -webkit-focus-ring-color; outline-offset: -1px; }
  code {
    font-family: var(--monaco-monospace-font);
    color: var(--vscode-textPreformat-foreground);
    background-color: var(--vscode-textPreformat-background);
    padding: 1px 3px;
    border-radius: 4px;
  }
  ::-webkit-scrollbar { width: 10px; height: 10px; }
  ::-webkit-scrollbar-corner { background-color: var(--vscode-editor-background); }
  ::-webkit-scrollbar-thumb { background-color: var(--vscode-scrollbarSlider-background); }
}`;

/** What the injected stub keeps on `window.__harness`. */
interface HarnessGlobals {
  posted: unknown[];
  /** The last state passed to setState, serialized as VS Code's host stores it. */
  savedState: string | undefined;
  /** States the page posted as `persistState` (a host keeping state per workspace stores them). */
  persisted: unknown[];
  cspViolations: string[];
}

/**
 * Mirrors VS Code's getVsCodeApiScript(): one acquisition per page, state seeded from the host,
 * postMessage payloads structured-cloned (non-cloneable messages throw, as in VS Code), and
 * setState serialized with JSON.stringify (so non-JSON state would be lost, as in VS Code).
 * `persistState` messages go to `persisted`, as a host with a PanelState takes them before the
 * panel's own handler.
 */
function apiScript(state: unknown): string {
  const seeded =
    state === undefined
      ? 'undefined'
      : `JSON.parse(decodeURIComponent("${encodeURIComponent(JSON.stringify(state))}"))`;
  return `
const harness = (window.__harness = { posted: [], savedState: undefined, persisted: [], cspViolations: [] });
document.addEventListener('securitypolicyviolation', (e) => {
  harness.cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
globalThis.acquireVsCodeApi = (function () {
  let acquired = false;
  let state = ${seeded};
  return () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage(message) { const copy = structuredClone(message); (copy && copy.type === 'persistState' ? harness.persisted.push(copy.state) : harness.posted.push(copy)); },
      setState(newState) { state = newState; harness.savedState = JSON.stringify(newState); return newState; },
      getState() { return state; },
    });
  };
})();`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The extension's own shell (extension/webviewDocument.ts, with its CSP) after VS Code's
 * toContentHtml() has injected its parts: theme variables on <html>, default styles and the
 * acquireVsCodeApi script at the top of <head>, theme classes on <body>.
 */
function pageHtml(origin: string, theme: Theme, options: OpenOptions, panel: PanelBundle): string {
  const asset = (file: string): string => `${origin}/dist/webview/${file}`;
  const shell = webviewDocument({
    cspSource: origin,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: asset(`${panel.bundle}.js`),
    styleUri: asset(`${panel.bundle}.css`),
    title: panel.title,
    persist: options.persist,
  });
  const variables = Object.entries(theme.colors)
    .map(([name, value]) => `--vscode-${name}: ${value};`)
    .join(' ');
  const injected = shell
    .replace('<html lang="en">', `<html lang="en" style="${escapeAttribute(variables)}">`)
    .replace(
      '<head>',
      `<head>\n<style id="_defaultStyles">${DEFAULT_STYLES}</style>\n<script id="_vscodeApiScript">${apiScript(options.state)}</script>`,
    )
    .replace(
      '<body>',
      `<body class="${theme.kind}" data-vscode-theme-kind="${theme.kind}" data-vscode-theme-name="${theme.label}" data-vscode-theme-id="${theme.id}" role="document">`,
    );
  if (injected === shell) throw new Error('webviewDocument() changed shape; update the harness injection');
  return injected;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** A server on 127.0.0.1 (random port) for the page and the bundle's files, nothing else. */
async function serve(
  html: (origin: string) => string,
  bundle: string,
): Promise<{ server: Server; origin: string }> {
  let origin = '';
  const assets = new Set([`${bundle}.js`, `${bundle}.css`, `${bundle}.js.map`, `${bundle}.css.map`]);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed');
    if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', html(origin));
    const file = url.pathname.replace(/^\/dist\/webview\//, '');
    if (!url.pathname.startsWith('/dist/webview/') || !assets.has(file)) {
      return send(404, 'text/plain', 'not found');
    }
    readFile(path.join(WEBVIEW_DIST, file)).then(
      (body) => send(200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', body),
      () => send(404, 'text/plain', `${file} is not built; run npm run build`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin };
}

export interface OpenOptions {
  theme: ThemeName;
  /** State the host restores into the webview (what an earlier page passed to setState). */
  state?: unknown;
  /** The state a host keeping this panel's state per workspace has stored (PanelState.persist). */
  persist?: { state: unknown };
  /** The OS colour scheme Chromium reports (prefers-color-scheme); by default the theme's. */
  osColorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** The panel to load; the Runs Table by default. */
  panel?: PanelBundle;
}

export interface PanelPage {
  readonly page: Page;
  readonly origin: string;
  /** Deliver a message from the extension host: a `message` event on the webview's window. */
  send(message: unknown): Promise<void>;
  /** Every message the webview posted to the host so far, in order. */
  posted(): Promise<unknown[]>;
  /** The state the webview last saved with setState (parsed), or undefined if it never did. */
  savedState(): Promise<unknown>;
  /** States the page posted for its host to keep per workspace (`persistState`), in order. */
  persisted(): Promise<unknown[]>;
  /** Uncaught exceptions, console errors, CSP violations, failed or blocked requests so far. */
  errors(): Promise<string[]>;
  close(): Promise<void>;
}

/** A page of the Runs Table panel. */
export type RunsTablePage = PanelPage;

/** Open a panel (the Runs Table by default) in a fresh browser context (its own server, storage and state). */
export async function openPanel(browser: Browser, options: OpenOptions): Promise<PanelPage> {
  const theme = THEMES[options.theme];
  const panel = options.panel ?? RUNS_TABLE;
  const { server, origin } = await serve((o) => pageHtml(o, theme, options, panel), panel.bundle);
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1180, height: 640 },
    deviceScaleFactor: 1,
    colorScheme: options.osColorScheme ?? (theme.kind === 'vscode-light' ? 'light' : 'dark'),
    forcedColors: 'none',
    locale: 'en-US',
    timezoneId: 'UTC',
    serviceWorkers: 'block',
  });
  const problems: string[] = [];
  // Nothing may leave 127.0.0.1: anything else the page asks for is refused and reported.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    problems.push(`blocked request to ${url}`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    if (failure !== 'net::ERR_BLOCKED_BY_CLIENT') problems.push(`request ${request.url()}: ${failure}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  const closeAll = async (): Promise<void> => {
    await context.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    await page.goto(`${origin}/`, { waitUntil: 'load' });
  } catch (error) {
    await closeAll();
    throw error;
  }

  const harness = (): Promise<HarnessGlobals> =>
    page.evaluate(() => (window as unknown as { __harness: HarnessGlobals }).__harness);
  return {
    page,
    origin,
    send: (message) =>
      page.evaluate((data) => {
        window.dispatchEvent(new MessageEvent('message', { data, origin: window.origin }));
      }, message),
    posted: async () => (await harness()).posted,
    savedState: async () => {
      const saved = (await harness()).savedState;
      return saved === undefined ? undefined : (JSON.parse(saved) as unknown);
    },
    persisted: async () => (await harness()).persisted,
    errors: async () => {
      const violations = page.isClosed() ? [] : (await harness()).cspViolations;
      return [...problems, ...violations.map((v) => `CSP violation: ${v}`)];
    },
    close: closeAll,
  };
}

/** Open the Runs Table panel in a fresh browser context. */
export function openRunsTable(browser: Browser, options: OpenOptions): Promise<RunsTablePage> {
  return openPanel(browser, { ...options, panel: RUNS_TABLE });
}
