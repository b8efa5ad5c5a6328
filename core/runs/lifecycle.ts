import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { storeOf } from '../datasets/add';
import { errorMessage } from '../errors';
import { CONFIG_FILE, LINEAGE_DIR, type Repo } from '../repo';
import type { ChildExit } from './child';
import { recordInputs, storeOutputs } from './dataRefs';
import { runFile } from './layout';
import { summarizeMetrics } from './metrics';
import type { RunPlan } from './plan';
import { writeRunJson, type RunEnd, type RunHeader } from './record';
import { snapshotCode } from './snapshot';

/** What a run's header takes besides its plan. */
export interface HeaderOptions {
  name: string;
  tags?: Record<string, string>;
  reproduces?: string;
  /** The process that records the run (its death without a status means `crashed`). */
  pid: number;
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
export async function startHeader(
  repo: Repo,
  plan: RunPlan,
  id: string,
  options: HeaderOptions,
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
    name: options.name,
    command: plan.argv,
    cwd: path.relative(repo.root, plan.cwd).split(path.sep).join('/'),
    commit: code.commit,
    branch: code.branch,
    dirty: code.dirty,
    patch: code.patch,
    ...(code.patchOmitted.length > 0 && { patchOmitted: code.patchOmitted }),
    startedAt: new Date().toISOString(),
    host: os.hostname(),
    pid: options.pid,
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
export async function finishRun(
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
    ...summary.refs.map((r) => ({ kind: r.kind, path: path.resolve(plan.cwd, r.path), name: r.name })),
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
