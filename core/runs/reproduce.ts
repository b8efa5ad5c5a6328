import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { storeOf } from '../datasets/add';
import { checkout } from '../datasets/checkout';
import { resolveRevision } from '../diff/sides';
import { errorMessage, LineageError } from '../errors';
import type { Repo } from '../repo';
import { recordRun, type RunOptions, type RunOutcome } from './execute';
import { workRepo } from './lifecycle';
import { newRunId, runFile } from './layout';
import { readRunJson, runEndSchema, type MetricSummary, type RunHeader } from './record';

const run = promisify(execFile);

export interface ReproduceOptions extends Pick<RunOptions, 'stdout' | 'stderr' | 'id'> {
  /** Largest relative difference of a metric's last value that still counts as a match. */
  tolerance?: number;
  /** Keep the worktree afterwards (it is removed by default). */
  keep?: boolean;
}

export interface MetricCheck {
  name: string;
  original: number | null;
  reproduced: number | null;
  match: boolean;
}

export interface Reproduction {
  original: RunHeader;
  outcome: RunOutcome;
  /** The worktree the run ran in (removed unless `keep`). */
  worktree: string;
  metrics: MetricCheck[];
  /** Every metric of the original run matched, and the reproduction finished. */
  match: boolean;
}

/**
 * Re-run a recorded run as it was: a git worktree at its commit (`.lineage/worktrees/<new id>`)
 * with its uncommitted patch applied, its input dataset versions checked out from the store, and its
 * param overrides; then run its experiment (or command) there as a new run that names the original
 * (`reproduces`), and compare the metrics' last values.
 */
export async function reproduceRun(
  repo: Repo,
  rev: string,
  options: ReproduceOptions = {},
): Promise<Reproduction> {
  const revision = await resolveRevision(repo, rev);
  if (revision.kind !== 'run') throw new LineageError(`'${rev}' is not a run`);
  const original = revision.run;
  if (!original.commit) {
    throw new LineageError(`run ${original.id} recorded no git commit, so its code cannot be restored`);
  }
  if (original.source)
    throw new LineageError(
      `run ${original.id} was imported from ${original.source.tool}; there is nothing to re-run`,
    );
  const id = options.id ?? newRunId();
  const worktree = path.join(repo.dir, 'worktrees', id);
  await prepareWorktree(repo, original, worktree);
  try {
    const overrides = Object.entries(original.overrides ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    const command =
      original.experiment !== undefined ? [] : original.command.map((a) => rebase(a, repo.root, worktree));
    const outcome = await recordRun(
      repo,
      { command, experiment: original.experiment, set: overrides, cwd: path.join(worktree, original.cwd) },
      { ...options, id, root: worktree, reproduces: original.id, name: original.name },
    );
    const before = await readRunJson(runFile(repo, original.id, 'status'), runEndSchema, 'run status')
      .then((end) => end.metrics)
      .catch(() => ({}) as Record<string, MetricSummary>);
    const metrics = compareMetrics(before, outcome.end.metrics, options.tolerance ?? 0);
    const match = outcome.end.status === 'finished' && metrics.every((m) => m.match);
    return { original, outcome, worktree, metrics, match };
  } finally {
    if (!options.keep) await removeWorktree(repo, worktree);
  }
}

/** Check out the run's commit in a new worktree, apply its patch, and put its input data in place. */
async function prepareWorktree(repo: Repo, original: RunHeader, worktree: string): Promise<void> {
  await fs.mkdir(path.dirname(worktree), { recursive: true });
  // Worktrees are Lineage's scratch space: never part of the user's git status.
  await fs.writeFile(path.join(path.dirname(worktree), '.gitignore'), '*\n');
  await git(repo.root, ['worktree', 'add', '--detach', '--quiet', worktree, original.commit as string]);
  try {
    if (original.patch) {
      const patchFile = path.join(repo.tmp, `reproduce-${path.basename(worktree)}.patch`);
      await fs.mkdir(repo.tmp, { recursive: true });
      await fs.writeFile(patchFile, await storeOf(repo).readVerified(original.patch));
      try {
        await git(worktree, ['apply', '--binary', '--whitespace=nowarn', patchFile]);
      } finally {
        await fs.rm(patchFile, { force: true });
      }
    }
    // The worktree reads and writes objects in the repository's store.
    const wtDir = path.join(worktree, '.lineage');
    await fs.mkdir(wtDir, { recursive: true });
    if (!existsSync(path.join(wtDir, 'cache'))) await fs.symlink(repo.cache, path.join(wtDir, 'cache'));
    const wtRepo = workRepo(repo, worktree);
    for (const input of original.inputs ?? []) {
      if (!storeOf(repo).has(input.sha256)) {
        throw new LineageError(
          `input ${input.path} (version ${input.sha256.slice(0, 12)}) is not in the store`,
        );
      }
      await checkout(wtRepo, {
        paths: [path.join(worktree, input.path)],
        version: input.sha256,
        force: true,
      });
    }
    if (!original.inputs) await checkout(wtRepo, { force: true });
  } catch (err) {
    await removeWorktree(repo, worktree);
    throw err;
  }
}

async function removeWorktree(repo: Repo, worktree: string): Promise<void> {
  await git(repo.root, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
  await fs.rm(worktree, { recursive: true, force: true });
  await git(repo.root, ['worktree', 'prune']).catch(() => undefined);
}

/** An argument naming a path in the original repository names the same path in the worktree. */
function rebase(arg: string, root: string, worktree: string): string {
  return arg === root || arg.startsWith(root + path.sep) ? worktree + arg.slice(root.length) : arg;
}

/** Each metric of the original run: last values equal within `tolerance` (relative). */
export function compareMetrics(
  before: Record<string, MetricSummary>,
  after: Record<string, MetricSummary>,
  tolerance: number,
): MetricCheck[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.map((name) => {
    const original = before[name]?.last ?? null;
    const reproduced = after[name]?.last ?? null;
    const match =
      original !== null &&
      reproduced !== null &&
      Math.abs(original - reproduced) <= tolerance * Math.max(Math.abs(original), Math.abs(reproduced));
    return { name, original, reproduced, match };
  });
}

async function git(cwd: string, args: string[]): Promise<void> {
  try {
    await run('git', args, { cwd });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new LineageError(`git ${args[0]} failed: ${stderr || errorMessage(err)}`, cwd);
  }
}
