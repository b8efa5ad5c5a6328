// Start a real VS Code (code-server 4.96.4, installed by scripts/install-code-server.sh) on
// 127.0.0.1 with a fresh profile and a .vsix installed. Used by `npm start` and the e2e tests.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_DIR =
  process.env.LINEAGE_CODE_SERVER_DIR ?? path.join(os.homedir(), '.cache/lineage/code-server-4.96.4');

/** Path of code-server's entry script, or an error saying how to install it. */
export function codeServerEntry() {
  const marker = path.join(CODE_SERVER_DIR, 'ENTRY');
  if (!existsSync(marker)) {
    throw new Error(
      `code-server is not installed in ${CODE_SERVER_DIR}: run \`bash scripts/install-code-server.sh\``,
    );
  }
  return readFileSync(marker, 'utf8').trim();
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
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

/**
 * Install `vsix` into a profile under `scratch` and start code-server with `folder` open.
 * Resolves once it answers /healthz. `stop()` ends the whole process group.
 */
export async function startCodeServer({ folder, vsix, scratch, port, settings = {}, stdio = 'log' }) {
  const entry = codeServerEntry();
  const userData = path.join(scratch, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({ ...SETTINGS, ...settings }, null, 2),
  );
  const profile = [
    '--user-data-dir',
    userData,
    '--extensions-dir',
    path.join(scratch, 'extensions'),
    '--config',
    path.join(scratch, 'config.yaml'),
  ];
  execFileSync(process.execPath, [entry, ...profile, '--install-extension', vsix, '--force'], {
    stdio: 'pipe',
  });
  const bindPort = port ?? (await freePort());
  const logFile = path.join(scratch, 'code-server.log');
  const out = stdio === 'inherit' ? 'inherit' : openSync(logFile, 'w');
  const args = [
    entry,
    ...profile,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${bindPort}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    folder,
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out] });
  const base = `http://127.0.0.1:${bindPort}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`code-server exited with status ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000)
      throw new Error(`code-server did not start within 30 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `${base}/?folder=${encodeURIComponent(folder)}`,
    logDir: path.join(userData, 'logs'),
    child,
    stop() {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
