// `npm start`: build and package the extension, make a demo workspace (a small tracked dataset and a
// few recorded runs), and open Lineage in a real VS Code: desktop `code` when LINEAGE_DESKTOP=1 and it
// is on PATH, otherwise code-server on 127.0.0.1 (installed on first use).
//   npm start -- [--fresh] [--port 8080]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CODE_SERVER_DIR, startCodeServer } from './codeServer.mjs';
import { createDemoWorkspace, recordCodeChangeRun } from './demo/workspace.mjs';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.LINEAGE_PORT ?? '8080' },
  },
});

const step = (message) => console.log(`\n▸ ${message}`);

step('Building and packaging the extension (dist/lineage.vsix)');
execFileSync('npm', ['run', '--silent', 'package'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });

const demo = path.join(repo, '.demo');
const workspace = path.join(demo, 'workspace');
if (values.fresh) rmSync(demo, { recursive: true, force: true });
if (!existsSync(workspace)) {
  step(`Creating the demo workspace in ${workspace} (a dataset, two versions of it and ten recorded runs)`);
  mkdirSync(workspace, { recursive: true });
  // A small sweep: three learning rates × three seeds (group the Runs Table by lr to see the spread
  // across seeds), then one run on dataset v2 with a code change (compare it with any other run).
  const sweep = [0.05, 0.2, 0.5].flatMap((lr) =>
    [1, 2, 3].map((seed) => ({ name: `lr${lr}-seed${seed}`, lr, epochs: 40, seed })),
  );
  createDemoWorkspace(workspace, sweep);
  recordCodeChangeRun(workspace);
} else {
  step(`Reusing the demo workspace in ${workspace} (npm start -- --fresh to recreate it)`);
}

if (process.env.LINEAGE_DESKTOP === '1' && spawnSync('code', ['--version']).status === 0) {
  step('Opening desktop VS Code with the extension under development');
  execFileSync('code', ['--extensionDevelopmentPath', repo, workspace], { stdio: 'inherit' });
  process.exit(0);
}

if (!existsSync(path.join(CODE_SERVER_DIR, 'ENTRY'))) {
  step('Installing code-server 4.96.4 (VS Code 1.96) — first run only');
  execFileSync('bash', [path.join(repo, 'scripts/install-code-server.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

step('Starting VS Code (code-server) with Lineage installed');
const server = await startCodeServer({
  folder: workspace,
  vsix: path.join(repo, 'dist/lineage.vsix'),
  scratch: path.join(demo, 'code-server'),
  port: Number(values.port),
});
console.log(`
  Lineage is running in VS Code at:

    ${server.url}

  Open the Lineage icon in the activity bar, or run "Lineage: Open Runs Table" (F1).
  Record another run from a terminal in the workspace:
    node ${path.join(repo, 'dist/cli.js')} run --experiment train --set lr=0.3
  Press Ctrl+C to stop. (Logs: ${path.join(demo, 'code-server', 'code-server.log')})
`);
const stop = () => {
  server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', (code) => {
  console.error(`code-server exited (${code})`);
  process.exit(1);
});
