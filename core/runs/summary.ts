import { readFileSync, promises as fs } from 'node:fs';
import type { z } from 'zod';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Problem } from '../../protocol/problem';
import type { RunStatus, RunSummary } from '../../protocol/runs';
import { errorMessage, isErrnoCode, LineageError } from '../errors';
import type { Repo } from '../repo';
import { runFile } from './layout';
import { summarizeMetrics } from './metrics';
import { processAlive } from '../store/lock';
import {
  parseRunJson,
  runEndSchema,
  runHeaderSchema,
  type MetricSummary,
  type RunEnd,
  type RunHeader,
} from './record';

/**
 * One run folder read from disk: its summary, and whether it has ended (`status.json` written: the
 * summary never changes again, so the runs index may keep it), or the problem that kept it from
 * being read.
 */
export type RunRead = { run: RunSummary; ended: boolean } | { problem: Problem };

/** One run's summary, read from its folder. */
export async function readRun(
  repo: Repo,
  id: string,
  now = Date.now(),
): Promise<{ run: RunSummary } | { problem: Problem }> {
  const read = await readRunFolder(repo, id, now);
  return 'problem' in read ? read : { run: read.run };
}

/** Like readRun, and says whether the run has ended. */
export async function readRunFolder(repo: Repo, id: string, now = Date.now()): Promise<RunRead> {
  const headerFile = runFile(repo, id, 'header');
  try {
    const header = readJsonSync(headerFile, runHeaderSchema, 'run header');
    const end = readEnd(runFile(repo, id, 'status'));
    if (end) return { run: summaryOf(header, end, end.status, Date.parse(end.endedAt)), ended: true };
    const live = summarizeMetrics(readText(runFile(repo, id, 'metrics')), false);
    const status: RunStatus = isAlive(header) ? 'running' : 'crashed';
    const metrics = { metrics: live.metrics, lastStep: live.lastStep, params: live.params, tags: live.tags };
    // A crashed run ended, at the latest, when it last wrote output or metrics.
    const endMs = status === 'running' ? now : await lastWrite(repo, id);
    return { run: summaryOf(header, metrics, status, endMs), ended: false };
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) {
      return { problem: { file: path.relative(repo.root, headerFile), message: 'run header is missing' } };
    }
    const file = err instanceof LineageError && err.file ? err.file : headerFile;
    const message = err instanceof LineageError ? err.detail : errorMessage(err);
    return { problem: { file: path.relative(repo.root, file), message } };
  }
}

/**
 * The summary of a run. The runs index (core/runs/index.ts) stores these for ended runs: when this
 * function starts producing different summaries, bump RUNS_INDEX_VERSION so stored ones are rebuilt.
 */
export function summaryOf(
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
function merged<K extends string, V>(
  key: K,
  a?: Record<string, V>,
  b?: Record<string, V>,
): Partial<Record<K, Record<string, V>>> {
  const out = { ...a, ...b };
  return Object.keys(out).length > 0 ? ({ [key]: out } as Record<K, Record<string, V>>) : {};
}

function pick(metrics: Record<string, MetricSummary>, field: 'last' | 'min' | 'max'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, m] of Object.entries(metrics)) out[name] = m[field];
  return out;
}

/**
 * Read and validate a run's JSON file, like readRunJson (core/runs/record.ts) but synchronously: the
 * files are small, and for the thousands a cold runs index reads, a synchronous read costs a
 * quarter of fs.promises' (callers yield to the event loop between runs).
 */
export function readJsonSync<T>(file: string, schema: z.ZodType<T>, what: string): T {
  return parseRunJson(readFileSync(file, 'utf8'), file, schema, what);
}

function readEnd(file: string): RunEnd | null {
  try {
    return readJsonSync(file, runEndSchema, 'run status');
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

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return '';
    throw err;
  }
}

/** A run without a final status is running while its recorder lives; on another host we cannot tell. */
export function isAlive(header: RunHeader): boolean {
  if (header.pid === undefined) return false;
  if (header.host !== os.hostname()) return true;
  return processAlive(header.pid);
}
