import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Problem } from '../../protocol/problem';
import type { ListRunsResult, RunStatus, RunSummary } from '../../protocol/runs';
import { errorMessage, isErrnoCode, LineageError } from '../errors';
import type { Repo } from '../repo';
import { RUN_ID_PATTERN, runFile } from './layout';
import { summarizeMetrics } from './metrics';
import {
  readRunJson,
  runEndSchema,
  runHeaderSchema,
  type MetricSummary,
  type RunEnd,
  type RunHeader,
} from './record';

/** Every run in the repository, newest first. A run whose files are malformed becomes a problem. */
export async function listRuns(repo: Repo, now = Date.now()): Promise<ListRunsResult> {
  let ids: string[];
  try {
    ids = (await fs.readdir(repo.runs)).filter((name) => RUN_ID_PATTERN.test(name));
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return { runs: [], problems: [] };
    throw err;
  }
  ids.sort().reverse();
  const runs: RunSummary[] = [];
  const problems: Problem[] = [];
  const results = await Promise.all(ids.map((id) => readRun(repo, id, now)));
  for (const result of results) {
    if ('problem' in result) problems.push(result.problem);
    else runs.push(result.run);
  }
  return { runs, problems };
}

/** One run's summary, read from its folder. */
export async function readRun(
  repo: Repo,
  id: string,
  now = Date.now(),
): Promise<{ run: RunSummary } | { problem: Problem }> {
  const headerFile = runFile(repo, id, 'header');
  try {
    const header = await readRunJson(headerFile, runHeaderSchema, 'run header');
    const end = await readEnd(runFile(repo, id, 'status'));
    if (end) return { run: summaryOf(header, end, end.status, Date.parse(end.endedAt)) };
    const live = summarizeMetrics(await readText(runFile(repo, id, 'metrics')), false);
    const status: RunStatus = isAlive(header) ? 'running' : 'crashed';
    const metrics = { metrics: live.metrics, lastStep: live.lastStep, params: live.params, tags: live.tags };
    // A crashed run ended, at the latest, when it last wrote output or metrics.
    const endMs = status === 'running' ? now : await lastWrite(repo, id);
    return { run: summaryOf(header, metrics, status, endMs) };
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) {
      return { problem: { file: path.relative(repo.root, headerFile), message: 'run header is missing' } };
    }
    const file = err instanceof LineageError && err.file ? err.file : headerFile;
    const message = err instanceof LineageError ? err.detail : errorMessage(err);
    return { problem: { file: path.relative(repo.root, file), message } };
  }
}

function summaryOf(
  header: RunHeader,
  result: Pick<RunEnd, 'metrics' | 'lastStep'> & Partial<RunEnd>,
  status: RunStatus,
  endMs: number | null,
): RunSummary {
  const start = Date.parse(header.startedAt);
  return {
    id: header.id,
    name: header.name,
    status,
    command: header.command,
    commit: header.commit,
    branch: header.branch,
    dirty: header.dirty,
    startedAt: header.startedAt,
    endedAt: result.endedAt ?? null,
    durationMs: endMs === null ? 0 : Math.max(0, endMs - start),
    exitCode: result.exitCode ?? null,
    metrics: pick(result.metrics, 'last'),
    lastStep: result.lastStep,
    metricsMin: pick(result.metrics, 'min'),
    metricsMax: pick(result.metrics, 'max'),
    ...(header.experiment !== undefined && { experiment: header.experiment }),
    ...merged('params', header.params, result.params),
    ...merged('tags', header.tags, result.tags),
    ...(header.inputs && { inputs: Object.fromEntries(header.inputs.map((i) => [i.path, i.sha256])) }),
    ...(header.reproduces !== undefined && { reproduces: header.reproduces }),
    ...(header.source && { source: header.source.tool }),
  };
}

/** `{key: {...a, ...b}}`, or nothing when both are empty. */
function merged<K extends string, V>(key: K, a?: Record<string, V>, b?: Record<string, V>): Partial<Record<K, Record<string, V>>> {
  const out = { ...a, ...b };
  return Object.keys(out).length > 0 ? ({ [key]: out } as Record<K, Record<string, V>>) : {};
}

function pick(metrics: Record<string, MetricSummary>, field: 'last' | 'min' | 'max'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, m] of Object.entries(metrics)) out[name] = m[field];
  return out;
}

async function readEnd(file: string): Promise<RunEnd | null> {
  try {
    return await readRunJson(file, runEndSchema, 'run status');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return null;
    throw err;
  }
}

async function lastWrite(repo: Repo, id: string): Promise<number | null> {
  const times = await Promise.all(
    (['log', 'metrics'] as const).map((f) =>
      fs.stat(runFile(repo, id, f)).then(
        (st) => st.mtimeMs,
        () => 0,
      ),
    ),
  );
  const latest = Math.max(...times);
  return latest > 0 ? latest : null;
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return '';
    throw err;
  }
}

/** A run without a final status is running while its recorder lives; on another host we cannot tell. */
function isAlive(header: RunHeader): boolean {
  if (header.pid === undefined) return false;
  if (header.host !== os.hostname()) return true;
  try {
    process.kill(header.pid, 0);
    return true;
  } catch (err) {
    return isErrnoCode(err, 'EPERM');
  }
}
