import { LineageError } from '../errors';
import { requireRepo } from '../repo';
import { recordRun } from '../runs/execute';
import { reproduceRun } from '../runs/reproduce';
import { formatMetric } from '../util/format';
import { renderTable } from './table';
import type { Io } from './commands';

export interface RunFlags {
  experiment?: string;
  set: string[];
  name?: string;
  tag: string[];
  id?: string;
}

/** `lineage run`: record a command or an experiment; exits with the command's status. */
export async function runCommand(io: Io, command: string[], flags: RunFlags): Promise<number> {
  const repo = requireRepo(io.cwd);
  const outcome = await recordRun(
    repo,
    { command, experiment: flags.experiment, set: flags.set, cwd: io.cwd },
    { name: flags.name, id: flags.id, tags: parseTags(flags.tag), stdout: io.out, stderr: io.err },
  );
  io.err.write(`lineage: run ${outcome.id} ${outcome.end.status}\n`);
  return editorStopped(outcome.end.status) ? 0 : outcome.exitStatus;
}

/**
 * In a terminal the editor opened (LINEAGE_EDITOR_TERMINAL), a run the user stopped is not an
 * error: exiting 0 spares them VS Code's "terminal process terminated with exit code 143" toast.
 */
function editorStopped(status: string): boolean {
  return status === 'killed' && process.env.LINEAGE_EDITOR_TERMINAL === '1';
}

function parseTags(items: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new LineageError(`--tag ${item}: expected key=value`);
    tags[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return tags;
}

export interface ReproduceFlags {
  id?: string;
  tolerance?: string;
  keep?: boolean;
  json?: boolean;
}

/** `lineage reproduce <run>`: re-run it from its recorded code, data and params; compare metrics. */
export async function reproduceCommand(io: Io, rev: string, flags: ReproduceFlags): Promise<number> {
  const repo = requireRepo(io.cwd);
  const tolerance = flags.tolerance === undefined ? 0 : Number(flags.tolerance);
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new LineageError(
      `--tolerance ${flags.tolerance}: expected a non-negative number (relative, e.g. 0.01)`,
    );
  }
  const result = await reproduceRun(repo, rev, {
    id: flags.id,
    tolerance,
    keep: flags.keep === true,
    stdout: flags.json ? io.err : io.out,
    stderr: io.err,
  });
  const { outcome, original, metrics, match } = result;
  if (flags.json) {
    io.out.write(
      JSON.stringify(
        {
          original: original.id,
          run: outcome.id,
          status: outcome.end.status,
          match,
          metrics,
          worktree: flags.keep ? result.worktree : null,
        },
        null,
        2,
      ) + '\n',
    );
    return match ? 0 : 1;
  }
  io.err.write(`lineage: run ${outcome.id} ${outcome.end.status} (reproduces ${original.id})\n`);
  if (metrics.length > 0) {
    const rows = metrics.map((m) => [
      m.name,
      m.original === null ? '—' : formatMetric(m.original),
      m.reproduced === null ? '—' : formatMetric(m.reproduced),
      m.match ? 'same' : 'DIFFERS',
    ]);
    io.out.write(renderTable(['METRIC', 'ORIGINAL', 'REPRODUCED', ''], rows));
  }
  const differing = metrics.filter((m) => !m.match).length;
  const tol = tolerance > 0 ? ` within a relative ${tolerance}` : ' exactly';
  io.out.write(
    outcome.end.status !== 'finished'
      ? `The reproduction ${outcome.end.status}.\n`
      : differing === 0
        ? `Reproduced: ${metrics.length} metric${metrics.length === 1 ? '' : 's'} match${tol}.\n`
        : `Not reproduced: ${differing} of ${metrics.length} metrics differ (compared${tol}).\n`,
  );
  if (flags.keep) io.out.write(`Worktree kept at ${result.worktree}\n`);
  return match || editorStopped(outcome.end.status) ? 0 : 1;
}
