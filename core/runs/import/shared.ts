import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ulid } from 'ulid';
import { errorMessage, isErrnoCode, LineageError } from '../../errors';
import type { Repo } from '../../repo';
import { createRunFolder } from '../folder';
import { RUN_FILES, RUN_ID_PATTERN } from '../layout';
import { summarizeMetrics } from '../metrics';
import { readRunJson, runHeaderSchema, type RunEnd, type RunHeader } from '../record';
import { encodeMetricStream, pointNotes, type ImportPoint } from './stream';

export type ImportTool = 'mlflow' | 'dvclive';

/** What one import did: every source run ends up in exactly one of the three lists. */
export interface ImportReport {
  tool: ImportTool;
  /** The folder imported from, absolute. */
  from: string;
  imported: { id: string; sourceId: string; name: string; notes: string[] }[];
  /** Runs imported before (same tool and source id): left as they are. */
  present: { id: string; sourceId: string }[];
  /** Runs not imported: deleted in the tool (`problem: false`) or unreadable (`problem: true`). */
  skipped: { path: string; sourceId?: string; reason: string; problem: boolean }[];
}

/** Source runs already imported into `repo`: `tool:sourceId` → Lineage run id. */
export async function importedSources(repo: Repo): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let ids: string[];
  try {
    ids = (await fs.readdir(repo.runs)).filter((name) => RUN_ID_PATTERN.test(name));
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return found;
    throw err;
  }
  const read = async (id: string): Promise<void> => {
    try {
      const file = path.join(repo.runs, id, RUN_FILES.header);
      const header = await readRunJson(file, runHeaderSchema, 'run header');
      if (header.source) found.set(`${header.source.tool}:${header.source.id}`, header.id);
    } catch {
      // A malformed header is for listRuns to report; it names no source here.
    }
  };
  // A bounded number of files open at once, however many runs there are.
  for (let i = 0; i < ids.length; i += 64) await Promise.all(ids.slice(i, i + 64).map(read));
  return found;
}

/** A new lowercase ULID whose time part is the original start, so imported runs sort by when they ran. */
export function importedRunId(startMs: number): string {
  return ulid(Math.min(Math.max(0, Math.floor(startMs)), 2 ** 48 - 1)).toLowerCase();
}

/** What an importer knows about one run; the rest of the header is fixed for imports. */
export interface ImportedRun {
  header: Pick<RunHeader, 'name' | 'command' | 'commit' | 'branch' | 'startedAt' | 'host'> &
    Partial<Pick<RunHeader, 'params' | 'tags'>> & { source: NonNullable<RunHeader['source']> };
  startMs: number;
  status: RunEnd['status'];
  endMs: number;
  points: ImportPoint[];
}

/**
 * Write one imported run with createRunFolder: header, metric stream and status appear together.
 * The status's metric summary is read back from the written stream by the reader every other part
 * of Lineage uses, so it matches exactly. Returns the new run id and notes.
 */
export async function writeImportedRun(
  repo: Repo,
  run: ImportedRun,
): Promise<{ id: string; notes: string[] }> {
  const id = importedRunId(run.startMs);
  const metrics = encodeMetricStream(run.points);
  const summary = summarizeMetrics(metrics, true);
  const notes = [...pointNotes(run.points), ...summary.problems.map((p) => `metric stream ${p}`)];
  const header: RunHeader = { schema: 1, id, cwd: '', dirty: false, ...run.header };
  const status: RunEnd = {
    schema: 1,
    status: run.status,
    exitCode: null,
    signal: null,
    endedAt: new Date(Math.max(run.endMs, run.startMs)).toISOString(),
    metrics: summary.metrics,
    lastStep: summary.lastStep,
  };
  await createRunFolder(repo, header, { metrics, status });
  return { id, notes };
}

/** A thrown error as a skipped entry (file and line come from LineageError). */
export function skippedFor(
  err: unknown,
  fallbackPath: string,
  sourceId?: string,
): ImportReport['skipped'][number] {
  const file = err instanceof LineageError && err.file ? err.file : fallbackPath;
  const reason = err instanceof LineageError ? err.detail : errorMessage(err);
  return { path: file, ...(sourceId !== undefined && { sourceId }), reason, problem: true };
}

/** Refuse a missing folder or a file with one clear error. */
export async function requireDir(dir: string, what: string): Promise<void> {
  const st = await fs.stat(dir).catch((err: unknown) => {
    if (isErrnoCode(err, 'ENOENT')) throw new LineageError(`${what} folder not found`, dir);
    throw err;
  });
  if (!st.isDirectory()) throw new LineageError(`not a folder (expected ${what} output)`, dir);
}

/** Files under `dir`, recursively, as `/`-joined relative paths, sorted. A missing `dir` has none. */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT') || isErrnoCode(err, 'ENOTDIR')) return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}
