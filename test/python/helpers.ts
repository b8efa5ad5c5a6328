import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { initRepo } from '../../core/init';
import { repoAt, type Repo } from '../../core/repo';
import { runFile } from '../../core/runs/layout';
import { summarizeMetrics } from '../../core/runs/metrics';
import type { RunEnd, RunHeader } from '../../core/runs/record';
import { git, tempDir, tempGitRepo } from '../helpers/tmp';

/** Debian's interpreter: it has python3-sklearn (the first `python3` on PATH may not). */
export const PYTHON = '/usr/bin/python3';
export const CLIENT = path.resolve(__dirname, '../../clients/python');

export interface PyResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a script: the client importable, and no LINEAGE_* variables of ours. */
export function pyEnv(extra: NodeJS.ProcessEnv = {}, withClient = true): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([key]) => !key.startsWith('LINEAGE_') && key !== 'PYTHONPATH',
  );
  return {
    ...Object.fromEntries(inherited),
    PYTHONUNBUFFERED: '1',
    ...(withClient && { PYTHONPATH: CLIENT }),
    ...extra,
  };
}

/** Write a script into a fresh folder outside any repository (so it is not part of a run's patch). */
export function script(text: string, name = 'train.py'): string {
  const file = path.join(tempDir('lineage-py-'), name);
  writeFileSync(file, text);
  return file;
}

/** Run a Python script to completion. */
export function runPy(cwd: string, file: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): PyResult {
  const r = spawnSync(PYTHON, [file, ...args], { cwd, env: pyEnv(env), encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Start a script; resolves once it printed `ready` on stdout, with a way to wait for its end. */
export async function startPy(
  cwd: string,
  file: string,
  args: string[] = [],
): Promise<{ pid: number; kill: (sig: NodeJS.Signals) => void; done: Promise<PyResult> }> {
  const child = spawn(PYTHON, [file, ...args], { cwd, env: pyEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<PyResult>((resolve) =>
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('ready\n')) resolve();
    });
    void done.then((r) => reject(new Error(`script ended before it was ready: ${r.stderr}`)));
  });
  return { pid: child.pid!, kill: (sig) => child.kill(sig), done };
}

/** A git repository with Lineage initialised and committed (a clean work tree). */
export async function newRepo(): Promise<Repo> {
  const root = tempGitRepo();
  await initRepo(root);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'init lineage');
  return repoAt(root);
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function header(repo: Repo, id: string): RunHeader {
  return readJson<RunHeader>(runFile(repo, id, 'header'));
}

export function status(repo: Repo, id: string): RunEnd {
  return readJson<RunEnd>(runFile(repo, id, 'status'));
}

/** The status the Python client wrote agrees with core's reading of the same metric stream. */
export function expectSummaryAsCore(repo: Repo, id: string): void {
  const end = status(repo, id);
  const summary = summarizeMetrics(readFileSync(runFile(repo, id, 'metrics'), 'utf8'), true);
  expect(end.metrics).toEqual(summary.metrics);
  expect(end.lastStep).toEqual(summary.lastStep);
  expect(end.params ?? {}).toEqual(summary.params);
  expect(end.tags ?? {}).toEqual(summary.tags);
}
