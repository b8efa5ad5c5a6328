import { spawn } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { constants as osConstants } from 'node:os';
import { LineageError } from '../errors';
import { gitState } from '../git/info';
import type { Repo } from '../repo';
import { createRunFolder } from './folder';
import { newRunId, runDir, runFile } from './layout';
import { summarizeMetrics } from './metrics';
import { writeRunJson, type RunEnd, type RunHeader } from './record';

export interface RunOptions {
  name?: string;
  /** Where the command's output is echoed (the terminal, for the CLI). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export interface RunOutcome {
  id: string;
  end: RunEnd;
  /** The exit status to pass on: the command's, or 128 + signal number. */
  exitStatus: number;
}

/** A short label for a command: `python train.py --lr 1` → `train.py`. */
export function commandLabel(argv: string[]): string {
  const first = path.basename(argv[0] ?? 'run');
  const interpreters = /^(python[\d.]*|node|bash|sh|Rscript|julia|ruby|deno|bun)$/;
  if (!interpreters.test(first)) return first;
  const module = argv.indexOf('-m');
  if (module > 0 && argv[module + 1]) return argv[module + 1] as string;
  const script = argv.slice(1).find((a) => !a.startsWith('-'));
  return script && !argv.includes('-c') ? path.basename(script) : first;
}

/**
 * Run `argv` as a recorded run: header first (so a crash still leaves a record), the command with
 * LINEAGE_METRICS / LINEAGE_RUN_ID / LINEAGE_RUN_DIR in its environment and its output teed to
 * output.log, then the final status with the metric summary, written atomically.
 */
export async function recordRun(repo: Repo, argv: string[], options: RunOptions = {}): Promise<RunOutcome> {
  if (argv.length === 0) throw new LineageError('no command given: use `lineage run -- <command> [args...]`');
  const id = newRunId();
  const git = await gitState(repo.root);
  const header: RunHeader = {
    schema: 1,
    id,
    name: options.name ?? commandLabel(argv),
    command: argv,
    cwd: path.relative(repo.root, process.cwd()).split(path.sep).join('/'),
    ...git,
    startedAt: new Date().toISOString(),
    host: os.hostname(),
    pid: process.pid,
  };
  await createRunFolder(repo, header);
  const metricsFile = runFile(repo, id, 'metrics');

  const { code, signal } = await runChild(argv, {
    env: {
      ...process.env,
      LINEAGE_RUN_ID: id,
      LINEAGE_RUN_DIR: runDir(repo, id),
      LINEAGE_METRICS: metricsFile,
    },
    log: runFile(repo, id, 'log'),
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
  });
  const summary = summarizeMetrics(await fs.readFile(metricsFile, 'utf8'), true);
  for (const problem of summary.problems) {
    (options.stderr ?? process.stderr).write(`lineage: ${metricsFile}: ${problem}\n`);
  }
  const end: RunEnd = {
    schema: 1,
    status: signal ? 'killed' : code === 0 ? 'finished' : 'failed',
    exitCode: code,
    signal,
    endedAt: new Date().toISOString(),
    metrics: summary.metrics,
    lastStep: summary.lastStep,
  };
  await writeRunJson(runFile(repo, id, 'status'), end);
  const signalNumber = signal ? (osConstants.signals[signal as NodeJS.Signals] ?? 0) : 0;
  return { id, end, exitStatus: signal ? 128 + signalNumber : (code ?? 1) };
}

interface ChildOptions {
  env: NodeJS.ProcessEnv;
  log: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Spawn without a shell, tee output, pass SIGTERM/SIGHUP on; resolves when the child has exited. */
async function runChild(
  argv: string[],
  opts: ChildOptions,
): Promise<{ code: number | null; signal: string | null }> {
  const log = createWriteStream(opts.log, { flags: 'wx' });
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { env: opts.env, stdio: ['inherit', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => {
    opts.stdout.write(chunk);
    log.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    opts.stderr.write(chunk);
    log.write(chunk);
  });
  // Ctrl-C reaches the whole foreground process group, so the child gets SIGINT by itself; we wait
  // for it to exit. Signals sent to this process alone are passed on.
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  const handlers = { SIGINT: () => undefined, SIGTERM: forward('SIGTERM'), SIGHUP: forward('SIGHUP') };
  for (const [sig, handler] of Object.entries(handlers)) process.on(sig, handler);
  try {
    return await new Promise((resolve) => {
      child.on('error', (err: NodeJS.ErrnoException) => {
        const message =
          err.code === 'ENOENT' ? `command not found: ${command}` : `cannot start ${command}: ${err.message}`;
        opts.stderr.write(`lineage: ${message}\n`);
        log.write(`lineage: ${message}\n`);
        resolve({ code: 127, signal: null });
      });
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
  } finally {
    for (const [sig, handler] of Object.entries(handlers)) process.off(sig, handler);
    await new Promise<void>((resolve) => log.end(resolve));
  }
}
