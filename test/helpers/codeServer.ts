import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

/** code-server 4.96.4 (VS Code 1.96) as installed by scripts/install-code-server.sh. */
export function codeServerEntry(): string {
  const dir =
    process.env.LINEAGE_CODE_SERVER_DIR ?? path.join(os.homedir(), '.cache/lineage/code-server-4.96.4');
  const marker = path.join(dir, 'ENTRY');
  if (!existsSync(marker)) {
    throw new Error(
      `code-server is not installed in ${dir}: run \`bash scripts/install-code-server.sh\` (or .ci/run)`,
    );
  }
  return readFileSync(marker, 'utf8').trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'files.hotExit': 'off',
  'terminal.integrated.enablePersistentSessions': false,
};

export interface CodeServer {
  url: string;
  logDir: string;
  stop(): void;
}

/** Install `vsix` into a fresh profile and start code-server on 127.0.0.1 with `folder` open. */
export async function startCodeServer(folder: string, vsix: string, scratch: string): Promise<CodeServer> {
  const entry = codeServerEntry();
  const userData = path.join(scratch, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  const common = [
    '--user-data-dir',
    userData,
    '--extensions-dir',
    path.join(scratch, 'extensions'),
    '--config',
    path.join(scratch, 'config.yaml'),
  ];
  execFileSync(process.execPath, [entry, ...common, '--install-extension', vsix], { stdio: 'pipe' });
  const port = await freePort();
  const log = openSync(path.join(scratch, 'code-server.log'), 'w');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      entry,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      folder,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000)
      throw new Error(`code-server did not start; see ${scratch}/code-server.log`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `${url}/?folder=${encodeURIComponent(folder)}`,
    logDir: path.join(userData, 'logs'),
    stop: () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

/** Wait until the workbench has loaded the user settings (dark theme) and the explorer shows `file`. */
export async function waitForWorkbench(page: Page, file: string): Promise<void> {
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 60_000 });
  await page
    .locator('.explorer-folders-view .monaco-list-row', { hasText: file })
    .first()
    .waitFor({ timeout: 60_000 });
}

/** Run a command from the palette by its full title, e.g. "Lineage: Open Runs Table". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>' + title);
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}
