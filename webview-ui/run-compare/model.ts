import type { RunPatchInfo } from '../../protocol/runCompare';
import type { RunSummary } from '../../protocol/runs';

/** A value in one cell: what it shows, and what equality is judged on. */
export type Value = string | number | boolean | null | undefined;

export type SectionId = 'params' | 'metrics' | 'tags' | 'datasets' | 'code';

export interface Row {
  section: SectionId;
  key: string;
  /** One value per run, in run order. */
  values: Value[];
  /** Not every run has the same value. */
  differs: boolean;
  /** Per run: its value differs from the baseline run's. */
  changed: boolean[];
}

export interface Section {
  id: SectionId;
  title: string;
  rows: Row[];
}

const sorted = (keys: Set<string>): string[] => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function keysOf(runs: RunSummary[], pick: (r: RunSummary) => Record<string, unknown> | undefined): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const key in pick(run) ?? {}) keys.add(key);
  return sorted(keys);
}

function row(section: SectionId, key: string, values: Value[], baseline: number): Row {
  const base = values[baseline];
  const changed = values.map((v) => v !== base);
  return { section, key, values, differs: changed.some(Boolean), changed };
}

/** The comparison's sections, rows in key order, each row judged against the baseline run. */
export function buildSections(
  runs: RunSummary[],
  baseline: number,
  patches: Map<string, RunPatchInfo> = new Map(),
): Section[] {
  const rows = (section: SectionId, pick: (r: RunSummary) => Record<string, Value> | undefined): Row[] =>
    keysOf(runs, pick).map((key) =>
      row(
        section,
        key,
        runs.map((r) => pick(r)?.[key]),
        baseline,
      ),
    );
  const code = (key: string, value: (r: RunSummary) => Value): Row =>
    row('code', key, runs.map(value), baseline);
  const codeRows = [
    code('commit', (r) => r.commit),
    code('branch', (r) => r.branch),
    code('uncommitted changes', (r) => r.dirty),
    code('patch', (r) => patchText(patches.get(r.id))),
  ];
  return [
    { id: 'params', title: 'Params', rows: rows('params', (r) => r.params) },
    { id: 'metrics', title: 'Metrics', rows: rows('metrics', (r) => r.metrics) },
    { id: 'tags', title: 'Tags', rows: rows('tags', (r) => r.tags) },
    { id: 'datasets', title: 'Datasets', rows: rows('datasets', (r) => r.inputs) },
    { id: 'code', title: 'Code', rows: codeRows },
  ];
}

/** A run's patch in a few words: its object (short), files and lines; undefined until known. */
export function patchText(info: RunPatchInfo | undefined): string | undefined {
  if (!info) return undefined;
  const omitted = info.omitted.length > 0 ? ` · ${info.omitted.length} left out (too large)` : '';
  if (!info.patch) return `none${omitted}`;
  if (info.missing) return `${info.patch.slice(0, 8)} missing from the store`;
  const files = `${info.files} file${info.files === 1 ? '' : 's'}`;
  return `${info.patch.slice(0, 8)} · ${files} +${info.added} −${info.removed}${omitted}`;
}

/** Keys whose values differ across the runs, that a plot can use as an axis. */
export function differingParams(runs: RunSummary[]): string[] {
  return keysOf(runs, (r) => r.params).filter((key) => {
    const first = runs[0]?.params?.[key];
    return runs.some((r) => r.params?.[key] !== first);
  });
}

export function paramNames(runs: RunSummary[]): string[] {
  return keysOf(runs, (r) => r.params);
}

export function metricNames(runs: RunSummary[]): string[] {
  return keysOf(runs, (r) => r.metrics);
}

/** Where a run's value sits on an axis, 0 (bottom) to 1 (top); null when it has none. */
export interface Axis {
  key: string;
  label: string;
  kind: 'number' | 'category';
  /** Numbers: [min, max]. */
  min: number;
  max: number;
  /** Categories in order (bottom to top). */
  categories: string[];
  position(value: Value): number | null;
}

/** An axis over some values: numeric when every present value is a number, else ordinal categories. */
export function axisOf(key: string, label: string, values: Value[]): Axis {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length > 0 && present.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const nums = present as number[];
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    return {
      key,
      label,
      kind: 'number',
      min,
      max,
      categories: [],
      position: (v) => (typeof v !== 'number' ? null : max === min ? 0.5 : (v - min) / (max - min)),
    };
  }
  const categories = [...new Set(present.map(String))].sort();
  return {
    key,
    label,
    kind: 'category',
    min: 0,
    max: Math.max(0, categories.length - 1),
    categories,
    position: (v) => {
      if (v === undefined || v === null) return null;
      const i = categories.indexOf(String(v));
      return categories.length === 1 ? 0.5 : i / (categories.length - 1);
    },
  };
}

/** About `count` round tick values between min and max. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}
