import type { RunSummary } from '../../protocol/runs';
import {
  formatDuration,
  formatMetric,
  formatTimestamp,
  shortCommit,
  shortRunId,
} from '../../core/util/format';
import { sortOrder } from '../../core/runs/query';

/** A raw cell value: what sorting, "differing only" and CSV export read. */
export type CellValue = string | number | boolean | null | undefined;

export interface Column {
  /** `name`, `status`, …, `param:<key>`, `metric:<name>`, `metric.min:<name>`, `metric.max:<name>`, `tag:<key>`, `input:<path>`. */
  id: string;
  label: string;
  /** What the header's tooltip says (e.g. the name to type in a filter). */
  title: string;
  group: 'run' | 'param' | 'metric' | 'tag' | 'input';
  width: number;
  numeric: boolean;
  /** Hidden unless shown in the column picker (metric min/max). */
  hiddenByDefault: boolean;
  value(run: RunSummary): CellValue;
  text(run: RunSummary): string;
  cellTitle?(run: RunSummary): string;
  /** How a number of this column is shown in group aggregates (default: formatMetric). */
  format?(value: number): string;
}

/** A value as the table reads it; anything but a string, number, boolean or null counts as missing. */
function checked(v: unknown): CellValue {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? v
    : undefined;
}

function plain(v: CellValue): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  return typeof v === 'number' ? formatMetric(v) : String(v);
}

const numberOrUndefined = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const stringOrUndefined = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const quoted = (s: string): string => (/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(s) ? s : `\`${s}\``);

export const fixedColumns: Column[] = [
  {
    id: 'name',
    label: 'Name',
    title: 'name',
    group: 'run',
    width: 200,
    numeric: false,
    hiddenByDefault: false,
    value: (r) => r.name,
    text: (r) => r.name,
    cellTitle: (r) => r.command.join(' '),
  },
  {
    id: 'status',
    label: 'Status',
    title: 'status',
    group: 'run',
    width: 96,
    numeric: false,
    hiddenByDefault: false,
    value: (r) => r.status,
    text: (r) => r.status,
  },
  {
    id: 'id',
    label: 'Run',
    title: 'id',
    group: 'run',
    width: 96,
    numeric: false,
    hiddenByDefault: false,
    value: (r) => r.id,
    text: (r) => shortRunId(r.id),
    cellTitle: (r) => r.id,
  },
  {
    id: 'experiment',
    label: 'Experiment',
    title: 'experiment',
    group: 'run',
    width: 120,
    numeric: false,
    hiddenByDefault: false,
    value: (r) => r.experiment,
    text: (r) => r.experiment ?? '',
  },
  {
    id: 'commit',
    label: 'Commit',
    title: 'commit',
    group: 'run',
    width: 96,
    numeric: false,
    hiddenByDefault: false,
    value: (r) => r.commit,
    text: (r) => shortCommit(r.commit, r.dirty),
    cellTitle: (r) =>
      r.commit
        ? `${r.commit}${r.dirty ? ' (uncommitted changes)' : ''}${r.branch ? ` on ${r.branch}` : ''}`
        : 'no git commit',
  },
  {
    id: 'started',
    label: 'Started',
    title: 'started',
    group: 'run',
    width: 140,
    numeric: false,
    hiddenByDefault: false,
    value: (r) => r.startedAt,
    text: (r) => formatTimestamp(r.startedAt),
    cellTitle: (r) => r.startedAt,
  },
  {
    id: 'duration',
    label: 'Duration',
    title: 'duration (seconds in filters)',
    group: 'run',
    width: 90,
    numeric: true,
    hiddenByDefault: false,
    value: (r) => r.durationMs / 1000,
    text: (r) => formatDuration(r.durationMs),
    format: (seconds) => formatDuration(seconds * 1000),
  },
];

function paramColumn(key: string): Column {
  return {
    id: `param:${key}`,
    label: key,
    title: `param ${quoted(key)}`,
    group: 'param',
    width: 110,
    numeric: false,
    hiddenByDefault: false,
    value: (r) => checked(r.params?.[key]),
    text: (r) => plain(checked(r.params?.[key])),
  };
}

function metricColumn(name: string, stat: 'last' | 'min' | 'max'): Column {
  const pick = (r: RunSummary): number | undefined =>
    numberOrUndefined((stat === 'last' ? r.metrics : stat === 'min' ? r.metricsMin : r.metricsMax)?.[name]);
  const typed = quoted(name) + (stat === 'last' ? '' : `.${stat}`);
  return {
    id: stat === 'last' ? `metric:${name}` : `metric.${stat}:${name}`,
    label: stat === 'last' ? name : `${name} (${stat})`,
    title: `metric ${typed}${stat === 'last' ? ' (last value)' : ''}`,
    group: 'metric',
    width: 110,
    numeric: true,
    hiddenByDefault: stat !== 'last',
    value: pick,
    text: (r) => {
      const v = pick(r);
      return v === undefined ? '' : formatMetric(v);
    },
    cellTitle: (r) => {
      const v = pick(r);
      return v === undefined ? `${name}: not logged` : `${typed} = ${v}`;
    },
  };
}

function tagColumn(key: string): Column {
  return {
    id: `tag:${key}`,
    label: `#${key}`,
    title: `tags.${quoted(key)}`,
    group: 'tag',
    width: 110,
    numeric: false,
    hiddenByDefault: false,
    value: (r) => stringOrUndefined(r.tags?.[key]),
    text: (r) => stringOrUndefined(r.tags?.[key]) ?? '',
  };
}

function inputColumn(path: string): Column {
  return {
    id: `input:${path}`,
    label: path,
    title: `input dataset ${path} (version)`,
    group: 'input',
    width: 120,
    numeric: false,
    hiddenByDefault: false,
    value: (r) => stringOrUndefined(r.inputs?.[path]),
    text: (r) => stringOrUndefined(r.inputs?.[path])?.slice(0, 10) ?? '',
    cellTitle: (r) => stringOrUndefined(r.inputs?.[path]) ?? `${path}: not an input`,
  };
}

/** The names runs have, so columns are rebuilt only when a new one appears. */
export interface Names {
  params: Set<string>;
  metrics: Set<string>;
  tags: Set<string>;
  inputs: Set<string>;
}

export function emptyNames(): Names {
  return { params: new Set(), metrics: new Set(), tags: new Set(), inputs: new Set() };
}

/** Add a run's names; true when one was new. */
export function addNames(names: Names, run: RunSummary): boolean {
  let added = false;
  const add = (set: Set<string>, record: Record<string, unknown> | undefined): void => {
    if (!record) return;
    const before = set.size;
    for (const k of Object.keys(record)) set.add(k);
    if (set.size !== before) added = true;
  };
  add(names.params, run.params);
  add(names.metrics, run.metrics);
  add(names.tags, run.tags);
  add(names.inputs, run.inputs);
  return added;
}

const byName = (a: string, b: string): number => a.localeCompare(b);

/** Fixed columns, params, metrics (last, then min and max), tags, input dataset versions. */
export function columnsFor(names: Names): Column[] {
  const metrics = [...names.metrics].sort(byName);
  return [
    ...fixedColumns,
    ...[...names.params].sort(byName).map(paramColumn),
    ...metrics.map((m) => metricColumn(m, 'last')),
    ...metrics.flatMap((m) => [metricColumn(m, 'min'), metricColumn(m, 'max')]),
    ...[...names.tags].sort(byName).map(tagColumn),
    ...[...names.inputs].sort(byName).map(inputColumn),
  ];
}

export interface SortKey {
  column: string;
  desc: boolean;
}

/** Sort runs by the keys (stable); a missing value sorts last either way, as in the CLI. */
export function sortRuns(runs: RunSummary[], keys: { column: Column; desc: boolean }[]): RunSummary[] {
  if (keys.length === 0) return runs;
  const values = keys.map((k) => runs.map((r) => k.column.value(r)));
  return sortOrder(
    values,
    keys.map((k) => k.desc),
  ).map((i) => runs[i] as RunSummary);
}

/** Columns whose values are not all the same among `runs` (a missing value counts as a value). */
export function differing(columns: Column[], runs: RunSummary[]): Set<string> {
  const out = new Set<string>();
  for (const c of columns) {
    if (runs.length === 0) break;
    const first = c.value(runs[0] as RunSummary);
    for (let i = 1; i < runs.length; i++)
      if (c.value(runs[i] as RunSummary) !== first) {
        out.add(c.id);
        break;
      }
  }
  return out;
}

function csvField(v: CellValue): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV of the given rows and columns: labels, then raw values (full ids, ISO times, seconds). */
export function toCsv(columns: Column[], runs: RunSummary[]): string {
  const lines = [columns.map((c) => csvField(c.label)).join(',')];
  for (const r of runs) lines.push(columns.map((c) => csvField(c.value(r))).join(','));
  return `${lines.join('\n')}\n`;
}
