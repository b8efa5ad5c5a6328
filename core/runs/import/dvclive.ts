import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrnoCode, LineageError } from '../../errors';
import type { Repo } from '../../repo';
import { flatten } from '../metrics';
import { flattenParams, parseParamsText } from '../params';
import {
  importedSources,
  listFiles,
  requireDir,
  skippedFor,
  writeImportedRun,
  type ImportReport,
} from './shared';
import { parseFloatText, type ImportPoint } from './stream';

const METRICS_JSON = 'metrics.json';
const PARAMS_YAML = 'params.yaml';
const PLOTS = 'plots/metrics';

/**
 * Import a DVCLive folder (default `dvclive/`) as one run: the history of each metric from
 * `plots/metrics/<name>.tsv` (subfolders give `a/b` names), metrics that have only a latest value in
 * `metrics.json` as one point at its `step`, and `params.yaml` flattened to dotted keys. Reports,
 * images and `dvc.yaml` are left alone. Its source id is a hash of the folder's path (relative to
 * the repository when inside it) and of those files, so re-importing unchanged output is a no-op
 * and a new training run in the same folder imports as a new run.
 */
export async function importDvclive(repo: Repo, dir: string, name?: string): Promise<ImportReport> {
  const root = path.resolve(dir);
  await requireDir(root, 'DVCLive');
  const report: ImportReport = { tool: 'dvclive', from: root, imported: [], present: [], skipped: [] };
  const files = await readOutput(root);
  const rel = path.relative(repo.root, root).split(path.sep).join('/');
  const where = rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel) ? root : rel;
  const hash = createHash('sha256').update(`dvclive\0${where}\0`);
  for (const [f, bytes] of files) hash.update(`${f}\0${bytes.length}\0`).update(bytes);
  const sourceId = hash.digest('hex');
  const existing = (await importedSources(repo)).get(`dvclive:${sourceId}`);
  if (existing) {
    report.present.push({ id: existing, sourceId });
    return report;
  }
  try {
    const text = (f: string): string | undefined => files.get(f)?.toString('utf8');
    const notes: string[] = [];
    const points: ImportPoint[] = [];
    for (const f of files.keys()) {
      if (!f.startsWith(`${PLOTS}/`)) continue;
      const history = readTsv(text(f) ?? '', abs(root, f), f.slice(PLOTS.length + 1, -4), notes);
      for (const p of history) points.push(p); // no spread: a history can outgrow the argument limit
    }
    const metricsJson = text(METRICS_JSON);
    const latest = metricsJson === undefined ? null : readLatest(metricsJson, abs(root, METRICS_JSON));
    const withHistory = new Set(points.map((p) => p.name));
    for (const [metric, value] of latest?.values ?? []) {
      if (!withHistory.has(metric)) points.push({ name: metric, step: latest?.step ?? 0, value });
    }
    const paramsYaml = text(PARAMS_YAML);
    const paramsFile = abs(root, PARAMS_YAML);
    const params =
      paramsYaml === undefined ? {} : flattenParams(parseParamsText(paramsYaml, paramsFile), paramsFile);
    // DVCLive keeps no start or end: the first and last timestamps, else the files' modification times.
    const times = points.flatMap((p) => (p.time === undefined ? [] : [Math.round(p.time * 1000)]));
    const span =
      times.length > 0
        ? times
        : await Promise.all([...files.keys()].map(async (f) => (await fs.stat(abs(root, f))).mtimeMs));
    const startMs = span.reduce((a, b) => Math.min(a, b), Infinity);
    const endMs = span.reduce((a, b) => Math.max(a, b), -Infinity);
    const written = await writeImportedRun(repo, {
      header: {
        name: name ?? where,
        command: [],
        commit: null,
        branch: null,
        startedAt: new Date(startMs).toISOString(),
        host: '',
        ...(Object.keys(params).length > 0 && { params }),
        source: { tool: 'dvclive', id: sourceId, path: root },
      },
      startMs,
      // DVCLive records no outcome: its output exists, so the run got as far as writing it.
      status: 'finished',
      endMs,
      points,
    });
    report.imported.push({
      id: written.id,
      sourceId,
      name: name ?? where,
      notes: [...notes, ...written.notes],
    });
  } catch (err) {
    report.skipped.push(skippedFor(err, root, sourceId));
  }
  return report;
}

/** The files an import reads, by `/`-joined relative path, sorted: TSV histories, metrics.json, params.yaml. */
async function readOutput(root: string): Promise<Map<string, Buffer>> {
  const tsvs = (await listFiles(abs(root, PLOTS)))
    .filter((f) => f.endsWith('.tsv'))
    .map((f) => `${PLOTS}/${f}`);
  const files = new Map<string, Buffer>();
  for (const f of [...tsvs, METRICS_JSON, PARAMS_YAML].sort()) {
    try {
      files.set(f, await fs.readFile(abs(root, f)));
    } catch (err) {
      if (!isErrnoCode(err, 'ENOENT') && !isErrnoCode(err, 'EISDIR')) throw err;
    }
  }
  if (files.size === 0) {
    throw new LineageError(
      `not a DVCLive folder: no ${METRICS_JSON}, ${PARAMS_YAML} or ${PLOTS}/*.tsv`,
      root,
    );
  }
  return files;
}

function abs(root: string, rel: string): string {
  return path.join(root, ...rel.split('/'));
}

/**
 * One metric's history: a header row naming `step`, optionally `timestamp` (ms since the epoch), and
 * the value column; then one row per logged value. Non-numeric values (DVCLive 3 logs strings too)
 * are left out with a note; a row that does not fit the header is an error naming the line.
 */
function readTsv(text: string, file: string, name: string, notes: string[]): ImportPoint[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const header = (lines[0] ?? '').split('\t').map((h) => h.replace(/^"(.*)"$/, '$1'));
  const stepAt = header.indexOf('step');
  const timeAt = header.indexOf('timestamp');
  const valueAt = header.findIndex((_h, i) => i !== stepAt && i !== timeAt);
  if (stepAt < 0 || valueAt < 0)
    throw new LineageError("line 1: expected a header with 'step' and the metric's column", file);
  const points: ImportPoint[] = [];
  let textValues = 0;
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = line.split('\t');
    const bad = (why: string): never => {
      throw new LineageError(`line ${i + 2}: ${why}`, file);
    };
    if (cells.length !== header.length)
      bad(`expected ${header.length} tab-separated fields, found ${cells.length}`);
    const step = cells[stepAt] ?? '';
    if (!/^\d+$/.test(step) || !Number.isSafeInteger(Number(step)))
      bad(`step '${step}' is not a non-negative integer`);
    const ts = timeAt < 0 ? undefined : (cells[timeAt] ?? '');
    if (ts !== undefined && !/^-?\d+(\.\d+)?$/.test(ts)) bad(`timestamp '${ts}' is not a number`);
    const value = parseFloatText(cells[valueAt] ?? '');
    if (value === undefined) textValues++;
    else
      points.push({ name, step: Number(step), ...(ts !== undefined && { time: Number(ts) / 1000 }), value });
  });
  if (textValues > 0)
    notes.push(`${name}: ${textValues} non-numeric value${textValues === 1 ? '' : 's'} not imported`);
  return points;
}

/**
 * metrics.json: the latest value of each metric (nested objects give `a/b` names) and `step`.
 * Python writes NaN and infinities as bare `NaN`/`Infinity`, which are read as null (no value).
 */
function readLatest(text: string, file: string): { step?: number; values: [string, number][] } {
  let doc: unknown;
  try {
    doc = JSON.parse(
      text.replace(
        /("(?:[^"\\]|\\.)*")|-?\b(?:NaN|Infinity)\b/g,
        (_m, str: string | undefined) => str ?? 'null',
      ),
    );
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? ` at line ${text.slice(0, Number(at[1])).split('\n').length}` : '';
    throw new LineageError(`invalid JSON${line}: ${message.replace(/ in JSON at position.*$/, '')}`, file);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new LineageError('expected a JSON object', file);
  const { step, ...rest } = doc as Record<string, unknown>;
  const values: [string, number][] = [];
  for (const [name, v] of flatten(rest, '', '/')) if (typeof v === 'number') values.push([name, v]);
  return { ...(Number.isSafeInteger(step) && (step as number) >= 0 && { step: step as number }), values };
}
