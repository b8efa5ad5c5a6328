import { closeSync, createWriteStream, existsSync, openSync, promises as fs, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { constants as osConstants } from 'node:os';
import { storeOf } from '../datasets/add';
import { errorMessage, LineageError } from '../errors';
import { CONFIG_FILE, LINEAGE_DIR, type Repo } from '../repo';
import { withRepoLock } from '../store/lock';
import { writeFileAtomic } from '../util/atomicWrite';
import { StdoutCapture } from './capture';
import { runChild, type ChildExit } from './child';
import { recordInputs, storeOutputs } from './dataRefs';
import { probeEnvironment } from './environment';
import { createRunFolder, json } from './folder';
import { newRunId, RUN_ID_PATTERN, runDir, runFile } from './layout';
import { summarizeMetrics } from './metrics';
import { planRun, type RunPlan, type RunRequest } from './plan';
import { writeRunJson, type RunEnd, type RunHeader } from './record';
import { snapshotCode } from './snapshot';

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
export async function recordRun(repo: Repo, request: RunRequest, options: RunOptions = {}): Promise<RunOutcome> {
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
    const header = await startHeader(work, plan, id, options, warn);
    await createRunFolder(repo, header);
    return header;
  });

  const env = commandEnv(repo, header, plan);
  const environment = probeEnvironment(plan.argv, env, plan.cwd)
    .then((e) => writeFileAtomic(path.join(runDir(repo, id), 'environment.json'), json(e)))
    .catch((err: unknown) => warn(`could not record the environment: ${errorMessage(err)}`));
  const exit = await runCommand(repo, id, plan, env, options);
  await environment;
  const end = await withRepoLock(repo, 'finish a run', () => finishRun(work, id, plan, exit, warn, true)).catch(
    (err: unknown) => {
      // Never lose the status: without the lock, record it without storing outputs.
      warn(`outputs not stored: ${errorMessage(err)}`);
      return finishRun(work, id, plan, exit, warn, false);
    },
  );
  const signalNumber = exit.signal ? (osConstants.signals[exit.signal as NodeJS.Signals] ?? 0) : 0;
  return { id, header, end, exitStatus: exit.signal ? 128 + signalNumber : (exit.code ?? 1) };
}

/**
 * The repository as a run sees it: files (code, lineage.yaml, data) under `root`, which is the
 * repository itself or a reproduction's worktree; objects, runs and scratch space always the
 * repository's.
 */
export function workRepo(repo: Repo, root: string): Repo {
  if (root === repo.root) return repo;
  const dir = path.join(root, LINEAGE_DIR);
  return { ...repo, root, dir, config: path.join(root, CONFIG_FILE) };
}

/** The run's header: the code snapshot and input versions taken now, with the plan. */
async function startHeader(
  repo: Repo,
  plan: RunPlan,
  id: string,
  options: RunOptions,
  warn: (message: string) => void,
): Promise<RunHeader> {
  await fs.mkdir(repo.tmp, { recursive: true });
  const [code, inputs] = await Promise.all([
    snapshotCode(repo, storeOf(repo)),
    recordInputs(repo, plan.inputs, warn),
  ]);
  if (code.patchOmitted.length > 0) {
    warn(`left out of the run's patch (untracked and over 8 MiB): ${code.patchOmitted.join(', ')}`);
  }
  return {
    schema: 1,
    id,
    name: options.name ?? plan.experiment ?? commandLabel(plan.argv),
    command: plan.argv,
    cwd: path.relative(repo.root, plan.cwd).split(path.sep).join('/'),
    commit: code.commit,
    branch: code.branch,
    dirty: code.dirty,
    patch: code.patch,
    ...(code.patchOmitted.length > 0 && { patchOmitted: code.patchOmitted }),
    startedAt: new Date().toISOString(),
    host: os.hostname(),
    pid: process.pid,
    ...(plan.experiment !== undefined && { experiment: plan.experiment }),
    params: plan.params,
    ...(Object.keys(plan.overrides).length > 0 && { overrides: plan.overrides }),
    ...(plan.paramsFiles.length > 0 && { paramsFiles: plan.paramsFiles }),
    ...(options.tags && Object.keys(options.tags).length > 0 && { tags: options.tags }),
    inputs,
    ...(options.reproduces !== undefined && { reproduces: options.reproduces }),
  };
}

/** Store the outputs and logged artifacts (`store`: the caller holds the lock), then write status.json. */
async function finishRun(
  repo: Repo,
  id: string,
  plan: RunPlan,
  exit: ChildExit,
  warn: (message: string) => void,
  store: boolean,
): Promise<RunEnd> {
  const metricsText = await fs.readFile(runFile(repo, id, 'metrics'), 'utf8');
  const summary = summarizeMetrics(metricsText, true);
  for (const problem of summary.problems) warn(`${runFile(repo, id, 'metrics')}: ${problem}`);
  const wanted = [
    ...plan.outputs.map((p) => ({ kind: 'output' as const, path: path.resolve(repo.root, p) })),
    ...summary.refs.map((r) => ({ kind: r.kind, path: path.resolve(plan.cwd, r.path) })),
  ];
  const stored = store
    ? await storeOutputs(repo, plan.cwd, wanted).catch((err: unknown) => ({
        outputs: [],
        problems: [`outputs not stored: ${errorMessage(err)}`],
      }))
    : { outputs: [], problems: [] };
  for (const problem of stored.problems) warn(problem);

  const status: RunEnd['status'] =
    exit.signal || (exit.stopped && exit.code !== 0) ? 'killed' : exit.code === 0 ? 'finished' : 'failed';
  const end: RunEnd = {
    schema: 1,
    status,
    exitCode: exit.code,
    signal: exit.signal,
    endedAt: new Date().toISOString(),
    metrics: summary.metrics,
    lastStep: summary.lastStep,
    ...(Object.keys(summary.params).length > 0 && { params: summary.params }),
    ...(Object.keys(summary.tags).length > 0 && { tags: summary.tags }),
    ...(stored.outputs.length > 0 && { outputs: stored.outputs }),
  };
  await writeRunJson(runFile(repo, id, 'status'), end);
  return end;
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
    plan.capture && metrics !== null ? new StdoutCapture(plan.capture, (line) => writeSync(metrics, line)) : null;
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
  const candidates = [path.join(__dirname, '..', 'clients', 'python'), path.join(__dirname, '..', '..', 'clients', 'python')];
  return candidates.find((dir) => existsSync(path.join(dir, 'lineage')));
}
