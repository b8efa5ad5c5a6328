import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, expect } from 'vitest';
import { tempGitRepo } from './tmp';

export const CLI = path.resolve(__dirname, '../../dist/cli.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built `lineage` CLI (dist/cli.js) in `cwd`. */
export function lineage(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temp git repository set up with `lineage init`. */
export function lineageWorkspace(): string {
  const root = tempGitRepo();
  expect(lineage(root, ['init']).status).toBe(0);
  return root;
}

const background: ChildProcess[] = [];
afterEach(() => {
  for (const c of background.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/**
 * `lineage run -- python3 -c <script>` in the background, as the editor's terminal runs it; killed
 * after the test if still running.
 */
export function startRecordedRun(
  root: string,
  script: string,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'run', '--', 'python3', '-c', script], {
    cwd: root,
    stdio: 'ignore',
  });
  background.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited };
}
