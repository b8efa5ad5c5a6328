import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { isErrnoCode, LineageError } from '../../errors';
import { isMap, isScalar, parseDocument } from 'yaml';
import type { RunEnd } from '../record';
import { listFiles, type ImportedRun } from './shared';
import { paramFromText, parseFloatText, type ImportPoint } from './stream';

/** `<experiment>/meta.yaml` as MLflow's FileStore writes it (fields Lineage reads). */
export const experimentMetaSchema = z.looseObject({
  experiment_id: z.union([z.string(), z.number()]),
  name: z.string(),
  lifecycle_stage: z.string().optional(),
});

/** `<experiment>/<run>/meta.yaml`: status is the RunStatus enum number (older writers: its name). */
export const runMetaSchema = z.looseObject({
  run_id: z.string().optional(),
  run_uuid: z.string().optional(),
  run_name: z.string().nullish(),
  experiment_id: z.union([z.string(), z.number()]),
  status: z.union([z.number(), z.string()]).nullish(),
  start_time: z.number().nullish(),
  end_time: z.number().nullish(),
  lifecycle_stage: z.string().nullish(),
});
export type RunMeta = z.infer<typeof runMetaSchema>;

/** Fields that are text in MLflow, however they look. */
const TEXT_FIELDS = new Set(['run_id', 'run_uuid', 'run_name', 'experiment_id', 'name', 'lifecycle_stage']);

/** MLflow's RunStatus (service.proto): 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED. */
const STATUS_BY_NUMBER = ['', 'RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
const LINEAGE_STATUS: Record<string, RunEnd['status']> = {
  FINISHED: 'finished',
  FAILED: 'failed',
  KILLED: 'killed',
  // Never reached an end: the run died (or the store was copied) while it was live.
  RUNNING: 'crashed',
  SCHEDULED: 'crashed',
};

/** Read and validate a meta.yaml; errors name the file and, where known, the line. */
export async function readMeta<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) throw new LineageError(`${what} is missing`, file);
    throw err;
  }
  const doc = parseDocument(text, { version: '1.1' });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    const reason = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    throw new LineageError(`${what}: invalid YAML${line ? ` at line ${line}` : ''}: ${reason}`, file);
  }
  const js: unknown = doc.toJS();
  // PyYAML quotes a string only when *it* would read a number: an id like `12e4` stays plain, and
  // a YAML 1.2 reader takes it for a float. Text fields keep their source text.
  if (isMap(doc.contents) && typeof js === 'object' && js !== null) {
    for (const item of doc.contents.items) {
      const key = isScalar(item.key) ? String(item.key.value) : '';
      const range = isScalar(item.value) ? item.value.range : undefined;
      if (TEXT_FIELDS.has(key) && range && typeof (js as Record<string, unknown>)[key] !== 'string') {
        const source = text.slice(range[0], range[1]).trim();
        if (!/^(null|~|)$/.test(source)) (js as Record<string, unknown>)[key] = source;
      }
    }
  }
  const parsed = schema.safeParse(js);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const line = text.split('\n').findIndex((l) => l.startsWith(`${key}:`)) + 1;
    const where = line > 0 ? ` at line ${line}` : '';
    throw new LineageError(`${what}${where}: '${issue?.path.join('.')}' ${issue?.message}`, file);
  }
  return parsed.data;
}

/** The Lineage status of an MLflow status (number or name); absent means RUNNING, as in MLflow. */
export function lineageStatus(raw: number | string | null | undefined): RunEnd['status'] | undefined {
  const name =
    raw === null || raw === undefined ? 'RUNNING' : typeof raw === 'number' ? STATUS_BY_NUMBER[raw] : raw;
  return name === undefined ? undefined : LINEAGE_STATUS[name.toUpperCase()];
}

/**
 * One metric file: lines `timestamp_ms value step` (old writers: `timestamp_ms value`, step 0).
 * A line that does not parse is an error naming the file and line.
 */
export async function readMetricFile(file: string, name: string): Promise<(ImportPoint & { ms: number })[]> {
  const text = await fs.readFile(file, 'utf8');
  const points: (ImportPoint & { ms: number })[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const bad = (why: string): never => {
      throw new LineageError(`line ${index + 1}: ${why}`, file);
    };
    const parts = line.split(' ');
    if (parts.length !== 2 && parts.length !== 3)
      bad(`expected "timestamp value step", found ${parts.length} fields`);
    const [ts, valueText, stepText = '0'] = parts as [string, string, string?];
    if (!/^-?\d+$/.test(ts) || !Number.isSafeInteger(Number(ts))) bad(`timestamp '${ts}' is not an integer`);
    const value = parseFloatText(valueText);
    if (value === undefined) bad(`value '${valueText}' is not a number`);
    if (!/^-?\d+$/.test(stepText) || !Number.isSafeInteger(Number(stepText)))
      bad(`step '${stepText}' is not an integer`);
    const step = Number(stepText);
    if (step < 0) bad(`step ${step} is negative (Lineage steps start at 0)`);
    const ms = Number(ts);
    points.push({ name, step, time: ms / 1000, value: value ?? null, ms });
  });
  return points;
}

/** Files of a run's params/, tags/ or metrics/ folder by key (keys with `/` are subfolders). */
async function readKeyed(dir: string): Promise<[string, string][]> {
  const keys = await listFiles(dir);
  return Promise.all(
    keys.map(async (key) => [key, await fs.readFile(path.join(dir, ...key.split('/')), 'utf8')]),
  );
}

/**
 * Everything Lineage keeps of one MLflow run folder: name, status, times, git commit, params (numbers
 * where the whole text is one), tags as they are, and every metric point.
 */
export async function readMlflowRun(
  runDir: string,
  meta: RunMeta,
  runId: string,
  experiment: string,
): Promise<ImportedRun> {
  const metaFile = path.join(runDir, 'meta.yaml');
  const status = lineageStatus(meta.status);
  if (!status) throw new LineageError(`run meta.yaml: unknown run status '${meta.status}'`, metaFile);
  const params = Object.fromEntries(
    (await readKeyed(path.join(runDir, 'params'))).map(([k, v]) => [k, paramFromText(v)]),
  );
  const tags = Object.fromEntries(await readKeyed(path.join(runDir, 'tags')));
  const points: (ImportPoint & { ms: number })[] = [];
  const metricsDir = path.join(runDir, 'metrics');
  for (const key of await listFiles(metricsDir)) {
    const history = await readMetricFile(path.join(metricsDir, ...key.split('/')), key);
    // MLflow's latest value is the max of (step, timestamp, value): sorted so, it is the stream's last.
    history.sort(
      (a, b) => a.step - b.step || a.ms - b.ms || (a.value ?? -Infinity) - (b.value ?? -Infinity) || 0,
    );
    for (const p of history) points.push(p); // no spread: a history can outgrow the argument limit
  }
  // Without recorded times: the first and last metric timestamps, else when meta.yaml was written.
  const first = points.reduce((m, p) => Math.min(m, p.ms), Infinity);
  const last = points.reduce((m, p) => Math.max(m, p.ms), -Infinity);
  const startMs = meta.start_time ?? (points.length > 0 ? first : (await fs.stat(metaFile)).mtimeMs);
  const endMs = meta.end_time ?? (points.length > 0 ? last : startMs);
  return {
    header: {
      name: meta.run_name || tags['mlflow.runName'] || runId,
      command: tags['mlflow.source.name'] ? [tags['mlflow.source.name']] : [],
      commit: tags['mlflow.source.git.commit'] || null,
      branch: tags['mlflow.source.git.branch'] || null,
      startedAt: new Date(startMs).toISOString(),
      host: '',
      ...(Object.keys(params).length > 0 && { params }),
      ...(Object.keys(tags).length > 0 && { tags }),
      source: { tool: 'mlflow', id: runId, experiment, path: runDir },
    },
    startMs,
    status,
    endMs,
    points: points.map(({ ms: _ms, ...p }) => p),
  };
}
