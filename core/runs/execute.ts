import { closeSync, createWriteStream, existsSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { constants as osConstants } from 'node:os';
import { errorMessage, LineageError } from '../errors';
import type { Repo } from '../repo';
import { withRepoLock } from '../store/lock';
import { writeFileAtomic } from '../util/atomicWrite';
import { StdoutCapture } from './capture';
import { runChild, type ChildExit } from './child';
import { finishRun, startHeader, workRepo } from './lifecycle';
import { probeEnvironment } from './environment';
import { createRunFolder, json } from './folder';
import { newRunId, RUN_ID_PATTERN, runDir, runFile } from './layout';
import { planRun, type RunPlan, type RunRequest } from './plan';
import type { RunEnd, RunHeader } from './record';

export interface RunOptions {
  name?: string;
  /** A run id chosen by the caller (the editor, to follow its own run); a new ULID by default. */
  id?: string;
  tags?: Record<string, string>;
  /** The run this one reproduces. */
  reproduces?: string;
  /** Where the experiment's files are, when not the repository root (a reproduction's worktree). */
  root?: string;
  /** Where the command's output is echoed (the terminal, for the CLI). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export interface RunOutcome {
  id: string;
  header: RunHeader;
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
 * Record a run (docs/formats.md, Runs):
 * 1. plan it from lineage.yaml (command, params files + overrides, inputs, outputs, capture);
 * 2. snapshot the code (commit, branch, uncommitted patch stored as an object) and the input
 *    dataset versions (a dataset that differs from its pointer is stored and marked modified);
 * 3. write the run folder with its header, so a crash still leaves a record;
 * 4. run the command with LINEAGE_* variables and the Python client on PYTHONPATH, teeing its
 *    output to output.log (and captured metrics to the stream) while the environment is probed;
 * 5. store its outputs and logged artifacts, then write status.json atomically.
 */
export async function recordRun(
  repo: Repo,
  request: RunRequest,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const stderr = options.stderr ?? process.stderr;
  const warn = (message: string): void => void stderr.write(`lineage: warning: ${message}\n`);
  const root = options.root ?? repo.root;
  const work = workRepo(repo, root);
  const plan = await planRun(work, request);
  const id = options.id ?? newRunId();
  if (!RUN_ID_PATTERN.test(id)) throw new LineageError(`--id ${id}: not a lowercase ULID`);
  if (existsSync(runDir(repo, id))) throw new LineageError(`run ${id} exists already`);

  // Objects the header names (patch, modified inputs) are stored and named under one lock, so gc
  // never finds them unreferenced; the same holds for outputs and the status below.
  const header = await withRepoLock(repo, 'start a run', async () => {
    const name = options.name ?? plan.experiment ?? commandLabel(plan.argv);
    const header = await startHeader(work, plan, id, { ...options, name, pid: process.pid }, warn);
    await createRunFolder(repo, header);
    return header;
  });

  const env = commandEnv(repo, header, plan);
  const environment = probeEnvironment(plan.argv, env, plan.cwd)
    .then((e) => writeFileAtomic(path.join(runDir(repo, id), 'environment.json'), json(e)))
    .catch((err: unknown) => warn(`could not record the environment: ${errorMessage(err)}`));
  const exit = await runCommand(repo, id, plan, env, options);
  await environment;
  const end = await withRepoLock(repo, 'finish a run', () =>
    finishRun(work, id, plan, exit, warn, true),
  ).catch((err: unknown) => {
    // Never lose the status: without the lock, record it without storing outputs.
    warn(`outputs not stored: ${errorMessage(err)}`);
    return finishRun(work, id, plan, exit, warn, false);
  });
  const signalNumber = exit.signal ? (osConstants.signals[exit.signal as NodeJS.Signals] ?? 0) : 0;
  return { id, header, end, exitStatus: exit.signal ? 128 + signalNumber : (exit.code ?? 1) };
}

/** The command's environment: LINEAGE_* variables, the Python client on PYTHONPATH, unbuffered Python. */
function commandEnv(repo: Repo, header: RunHeader, plan: RunPlan): NodeJS.ProcessEnv {
  const client = pythonClientDir();
  const pythonPath = [client, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  return {
    ...process.env,
    LINEAGE_RUN_ID: header.id,
    LINEAGE_RUN_DIR: runDir(repo, header.id),
    LINEAGE_METRICS: runFile(repo, header.id, 'metrics'),
    LINEAGE_REPO: repo.root,
    LINEAGE_PARAMS: JSON.stringify(plan.params),
    ...(pythonPath && { PYTHONPATH: pythonPath }),
    // Output reaches the terminal, the log and stdout capture as it is printed, not in 8 KiB blocks.
    PYTHONUNBUFFERED: process.env.PYTHONUNBUFFERED ?? '1',
  };
}

/** Run the command, teeing its output to the terminal, output.log and stdout capture. */
async function runCommand(
  repo: Repo,
  id: string,
  plan: RunPlan,
  env: NodeJS.ProcessEnv,
  options: RunOptions,
): Promise<ChildExit> {
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  const log = createWriteStream(runFile(repo, id, 'log'), { flags: 'wx' });
  // Captured lines go to the stream with one O_APPEND write each, like every other writer's.
  const metrics = plan.capture ? openSync(runFile(repo, id, 'metrics'), 'a') : null;
  const capture =
    plan.capture && metrics !== null
      ? new StdoutCapture(plan.capture, (line) => writeSync(metrics, line))
      : null;
  try {
    const exit = await runChild(plan.argv, {
      cwd: plan.cwd,
      env,
      onStdout: (chunk) => {
        out.write(chunk);
        log.write(chunk);
        capture?.feed(chunk.toString('utf8'));
      },
      onStderr: (chunk) => {
        err.write(chunk);
        log.write(chunk);
      },
    });
    if (exit.startError) {
      err.write(`lineage: ${exit.startError}\n`);
      log.write(`lineage: ${exit.startError}\n`);
    }
    capture?.end();
    return exit;
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
    if (metrics !== null) closeSync(metrics);
  }
}

/** The Python client shipped beside the bundle (`dist/../clients/python`) or the sources. */
export function pythonClientDir(): string | undefined {
  const candidates = [
    path.join(__dirname, '..', 'clients', 'python'),
    path.join(__dirname, '..', '..', 'clients', 'python'),
  ];
  return candidates.find((dir) => existsSync(path.join(dir, 'lineage')));
}
