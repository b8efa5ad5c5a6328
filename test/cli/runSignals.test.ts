import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, lineage } from '../helpers/cli';
import { git, tempGitRepo } from '../helpers/tmp';

/** Start `lineage run -- python3 -c <code>` and resolve once the script printed "ready". */
function startRun(cwd: string, code: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, 'run', '--', 'python3', '-c', code], {
    cwd,
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready')) resolve();
    });
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, ready, exited, output: () => ({ out, err }) };
}

/** A process that exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function newRepo(): string {
  const root = tempGitRepo();
  expect(lineage(root, ['init']).status).toBe(0);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'init');
  return root;
}

function statusOf(root: string, stderr: string): Record<string, unknown> {
  const id = /run ([0-9a-z]{26}) /.exec(stderr)?.[1] as string;
  return JSON.parse(readFileSync(path.join(root, '.lineage', 'runs', id, 'status.json'), 'utf8'));
}

describe('stopping a recorded run', () => {
  it('SIGTERM to the recorder stops the command gracefully: its cleanup runs, the run is killed', async () => {
    const root = newRepo();
    const code = [
      'import signal, sys, time',
      'def bye(*_):',
      '    print("cleaning up", flush=True); sys.exit(1)',
      'signal.signal(signal.SIGTERM, bye)',
      'print("ready", flush=True)',
      'time.sleep(60)',
    ].join('\n');
    const run = startRun(root, code);
    await run.ready;
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit.code).toBe(1);
    expect(run.output().out).toContain('cleaning up');
    expect(statusOf(root, run.output().err)).toMatchObject({ status: 'killed', exitCode: 1 });
  });

  it("SIGUSR2 (the editor's Kill) kills a command that ignores SIGTERM at once", async () => {
    const root = newRepo();
    const code =
      'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("ready", flush=True)\ntime.sleep(60)';
    const run = startRun(root, code);
    await run.ready;
    run.child.kill('SIGTERM'); // ignored by the script
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    run.child.kill('SIGUSR2');
    const exit = await run.exited;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(exit.code).toBe(128 + 9);
    expect(statusOf(root, run.output().err)).toMatchObject({ status: 'killed', signal: 'SIGKILL' });
  });

  it('SIGUSR2 also kills the processes the command started', async () => {
    const root = newRepo();
    const code = [
      'import signal, subprocess, time',
      'signal.signal(signal.SIGTERM, signal.SIG_IGN)',
      'child = subprocess.Popen(["sleep", "300"])',
      'print("ready", child.pid, flush=True)',
      'time.sleep(60)',
    ].join('\n');
    const run = startRun(root, code);
    await run.ready;
    await new Promise((r) => setTimeout(r, 200));
    const grandchild = Number(/ready (\d+)/.exec(run.output().out)?.[1]);
    expect(alive(grandchild)).toBe(true);
    run.child.kill('SIGUSR2');
    await run.exited;
    await expect.poll(() => alive(grandchild), { timeout: 5000 }).toBe(false);
  });

  it('a second SIGTERM kills a command that does not stop', async () => {
    const root = newRepo();
    const code =
      'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("ready", flush=True)\ntime.sleep(60)';
    const run = startRun(root, code);
    await run.ready;
    run.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGTERM');
    await run.exited;
    expect(statusOf(root, run.output().err)).toMatchObject({ status: 'killed', signal: 'SIGKILL' });
  });

  it('in a terminal the editor opened, a stopped run exits 0 (no exit-code error toast)', async () => {
    const root = newRepo();
    const run = startRun(root, 'import time\nprint("ready", flush=True)\ntime.sleep(60)', {
      LINEAGE_EDITOR_TERMINAL: '1',
    });
    await run.ready;
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(statusOf(root, run.output().err)).toMatchObject({ status: 'killed', signal: 'SIGTERM' });
  });
});
