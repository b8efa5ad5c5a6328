// MLflow file stores and DVCLive folders written byte for byte as those tools write them
// (MLflow's FileStore: yaml.safe_dump of sorted keys, metric lines `timestamp value step`, param and
// tag files without a newline; DVCLive: csv.DictWriter TSVs, json.dump(indent=4) with bare NaN).
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MetricStreamReader, type MetricPoint } from '../../core/runs/metrics';

/** A float as Python's repr writes it: `1.0`, `0.25`, `1e-05`, `nan`, `inf`. */
export function py(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}

/** A string as PyYAML's safe_dump writes it: quoted when YAML 1.1 would read an int or float. */
function yamlString(s: string): string {
  const number = /^[-+]?\d[\d_]*$/.test(s) || /^[-+]?(\d[\d_]*)?\.[\d_]*([eE][-+]\d+)?$/.test(s);
  return number ? `'${s}'` : s;
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function mlflowExperiment(
  root: string,
  id: string,
  name: string,
  stage = 'active',
  dir = root,
): string {
  const expDir = path.join(dir, id);
  write(
    path.join(expDir, 'meta.yaml'),
    [
      `artifact_location: file://${path.join(root, id)}`,
      'creation_time: 1764000000000',
      `experiment_id: '${id}'`,
      'last_update_time: 1764000000000',
      `lifecycle_stage: ${stage}`,
      `name: ${name}`,
      '',
    ].join('\n'),
  );
  return expDir;
}

export interface MlflowRunSpec {
  id: string;
  name?: string;
  status: number | string;
  start: number;
  end: number | null;
  stage?: 'active' | 'deleted';
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** Metric key → lines as MLflow appends them. */
  metrics?: Record<string, string[]>;
}

export function mlflowRun(expDir: string, expId: string, run: MlflowRunSpec): string {
  const dir = path.join(expDir, run.id);
  write(
    path.join(dir, 'meta.yaml'),
    [
      `artifact_uri: file://${path.join(dir, 'artifacts')}`,
      `deleted_time: ${run.stage === 'deleted' ? run.end : 'null'}`,
      `end_time: ${run.end ?? 'null'}`,
      "entry_point_name: ''",
      `experiment_id: '${expId}'`,
      `lifecycle_stage: ${run.stage ?? 'active'}`,
      `run_id: ${yamlString(run.id)}`,
      ...(run.name ? [`run_name: ${run.name}`] : []),
      `run_uuid: ${yamlString(run.id)}`,
      "source_name: ''",
      'source_type: 4',
      "source_version: ''",
      `start_time: ${run.start}`,
      `status: ${run.status}`,
      'tags: []',
      'user_id: alice',
      '',
    ].join('\n'),
  );
  mkdirSync(path.join(dir, 'artifacts'), { recursive: true });
  mkdirSync(path.join(dir, 'params'), { recursive: true });
  mkdirSync(path.join(dir, 'metrics'), { recursive: true });
  for (const [k, v] of Object.entries(run.params ?? {})) write(path.join(dir, 'params', k), v);
  for (const [k, v] of Object.entries(run.tags ?? {})) write(path.join(dir, 'tags', k), v);
  for (const [k, lines] of Object.entries(run.metrics ?? {}))
    write(path.join(dir, 'metrics', k), lines.join('\n') + '\n');
  return dir;
}

/** Every point of a written metric stream, by metric name, as Lineage's reader sees them. */
export function pointsByName(text: string): Record<string, Omit<MetricPoint, 'name'>[]> {
  const out: Record<string, Omit<MetricPoint, 'name'>[]> = {};
  const reader = new MetricStreamReader(({ name, ...p }) => (out[name] ??= []).push(p));
  reader.feed(text);
  expectNoProblems(reader.end().problems);
  return out;
}

function expectNoProblems(problems: string[]): void {
  if (problems.length > 0) throw new Error(`metric stream problems: ${problems.join('; ')}`);
}

export interface TsvRow {
  timestamp?: number;
  step: number;
  value: number | string;
}

/** `plots/metrics/<name>.tsv` as DVCLive's Metric.dump appends it (header on the first write). */
export function dvcliveTsv(dir: string, name: string, rows: TsvRow[]): void {
  const withTime = rows[0]?.timestamp !== undefined;
  const header = [...(withTime ? ['timestamp'] : []), 'step', path.basename(name)].join('\t');
  const body = rows.map((r) =>
    [...(withTime ? [r.timestamp] : []), r.step, typeof r.value === 'number' ? py(r.value) : r.value].join(
      '\t',
    ),
  );
  write(path.join(dir, 'plots', 'metrics', `${name}.tsv`), [header, ...body, ''].join('\n'));
}

export function writeFile(file: string, text: string): void {
  write(file, text);
}
