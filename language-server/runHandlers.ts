import { processAlive } from '../core/store/lock';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResponseError, type Connection } from 'vscode-languageserver';
import { readConfig } from '../core/config';
import { errorMessage, isErrnoCode, LineageError } from '../core/errors';
import type { Repo } from '../core/repo';
import { RUN_ID_PATTERN, runFile } from '../core/runs/layout';
import { readRun } from '../core/runs/list';
import { readParamsFiles, type Params } from '../core/runs/params';
import { readRunJson, runEndSchema, runHeaderSchema } from '../core/runs/record';
import { shortRunId } from '../core/util/format';
import {
  experimentsRequest,
  readRunsRequest,
  stopRunRequest,
  type ExperimentInfo,
  type ExperimentsResult,
  type StopRunResult,
} from '../protocol/lsp';
import type { Problem } from '../protocol/problem';
import type { RunSummary } from '../protocol/runs';

/** `lineage/experiments`, `lineage/readRuns` and `lineage/stopRun`: what launching and watching runs needs. */
export function registerRunHandlers(connection: Connection, repoOf: () => Repo | null): void {
  connection.onRequest(experimentsRequest, async () => {
    const repo = repoOf();
    return repo ? listExperiments(repo) : { root: null, experiments: [], problems: [] };
  });

  connection.onRequest(readRunsRequest, async ({ ids }) => {
    const repo = repoOf();
    if (!repo) return { runs: [], problems: [] };
    const runs: RunSummary[] = [];
    const problems: Problem[] = [];
    const now = Date.now();
    for (const result of await Promise.all(
      ids.filter((id) => RUN_ID_PATTERN.test(id)).map((id) => readRun(repo, id, now)),
    )) {
      if ('problem' in result) problems.push(result.problem);
      else runs.push(result.run);
    }
    return { runs, problems };
  });

  connection.onRequest(stopRunRequest, async ({ id, kill }) => {
    const repo = repoOf();
    try {
      if (!repo) throw new LineageError('no Lineage repository is open');
      return await stopRun(repo, id, kill);
    } catch (err) {
      throw new ResponseError(1, err instanceof LineageError ? err.detail : errorMessage(err));
    }
  });
}

/** Every experiment of lineage.yaml with its params read now; unreadable files become problems. */
export async function listExperiments(repo: Repo): Promise<ExperimentsResult> {
  const problems: Problem[] = [];
  const problem = (err: unknown, fallback: string): void => {
    const file = err instanceof LineageError && err.file ? err.file : fallback;
    const message = err instanceof LineageError ? err.detail : errorMessage(err);
    problems.push({ file: path.relative(repo.root, file) || file, message });
  };
  let config;
  try {
    config = await readConfig(repo);
  } catch (err) {
    problem(err, repo.config);
    return { root: repo.root, experiments: [], problems };
  }
  const experiments = await Promise.all(
    Object.entries(config.experiments).map(async ([name, e]): Promise<ExperimentInfo> => {
      const params: Params = {};
      // One file at a time, so a broken file is named and the others still count.
      for (const file of e.params) {
        try {
          Object.assign(params, await readParamsFiles(repo, [file]));
        } catch (err) {
          problem(err, path.resolve(repo.root, file));
        }
      }
      return {
        name,
        command: e.command,
        cwd: e.cwd,
        paramsFiles: e.params,
        params,
        ...(e.metric !== undefined && { metric: e.metric }),
      };
    }),
  );
  return { root: repo.root, experiments, problems };
}

/**
 * Signal a run's recorder: SIGTERM (stop: the command is asked to exit) or SIGUSR2 (kill: the
 * recorder kills the command's process group). Only for a live run recorded on this host.
 */
export async function stopRun(repo: Repo, id: string, kill: boolean): Promise<StopRunResult> {
  if (!RUN_ID_PATTERN.test(id)) throw new LineageError(`not a run id: ${id}`);
  const short = shortRunId(id);
  let header;
  try {
    header = await readRunJson(runFile(repo, id, 'header'), runHeaderSchema, 'run header');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) throw new LineageError(`no run ${id} in this repository`);
    throw err;
  }
  const label = `run ${header.name} (${short})`;
  try {
    const end = await readRunJson(runFile(repo, id, 'status'), runEndSchema, 'run status');
    throw new LineageError(
      `${label} is not running: it ${end.status === 'crashed' ? 'crashed' : `was ${end.status}`}`,
    );
  } catch (err) {
    if (!isErrnoCode(err, 'ENOENT')) throw err;
  }
  if (header.pid === undefined) throw new LineageError(`${label} has no recording process to signal`);
  if (header.host !== os.hostname()) {
    throw new LineageError(`${label} runs on host ${header.host}, not this one; stop it there`);
  }
  if (!processAlive(header.pid) || (await startedAfter(header.pid, Date.parse(header.startedAt)))) {
    throw new LineageError(`${label} is not running: its recording process (pid ${header.pid}) has exited`);
  }
  const signal = kill ? 'SIGUSR2' : 'SIGTERM';
  try {
    process.kill(header.pid, signal);
  } catch (err) {
    if (isErrnoCode(err, 'ESRCH')) throw new LineageError(`${label} is not running: it has just exited`);
    if (isErrnoCode(err, 'EPERM')) {
      throw new LineageError(`${label}: not permitted to signal its recording process (pid ${header.pid})`);
    }
    throw err;
  }
  return { pid: header.pid, signal };
}

/**
 * True when `pid` names a process started well after the run did: the recorder died and its pid was
 * reused, so it must not be signalled. Linux only (/proc); elsewhere, false.
 */
async function startedAfter(pid: number, runStartMs: number): Promise<boolean> {
  try {
    const [stat, uptime] = await Promise.all([
      fs.readFile(`/proc/${pid}/stat`, 'utf8'),
      fs.readFile('/proc/uptime', 'utf8'),
    ]);
    // Fields after the command name (which may hold spaces), from field 3 on; starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[19]);
    const uptimeSec = Number(uptime.split(' ')[0]);
    if (!Number.isFinite(startTicks) || !Number.isFinite(uptimeSec)) return false;
    // Clock ticks are 100 per second on every Linux userland Node supports.
    const startedMs = Date.now() - (uptimeSec - startTicks / 100) * 1000;
    return startedMs > runStartMs + 5_000;
  } catch {
    return false;
  }
}
