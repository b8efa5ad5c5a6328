// `lineage runs`: list, filter, sort, columns.
import { LineageError } from '../errors';
import { requireRepo } from '../repo';
import { loadRuns, type RunsTable } from '../runs/index';
import {
  compileFilter,
  parseColumns,
  parseSort,
  QueryError,
  sortRows,
  type NameRef,
  type QueryData,
  type SortKey,
  type Value,
} from '../runs/query';
import { formatDuration, formatMetric, formatTimestamp, shortCommit, shortRunId } from '../util/format';
import type { Io } from './commands';
import { renderTable } from './table';

export interface RunsFlags {
  filter?: string;
  sort?: string;
  limit?: string;
  json?: boolean;
  columns?: string;
}

/** A filter, sort or columns error: the message, then the option's text with a caret under the spot. */
class OptionError extends Error {
  constructor(
    readonly option: string,
    readonly text: string,
    readonly error: QueryError,
  ) {
    super(`${option}: ${error.message}`);
  }
}

function option<T>(name: string, text: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof QueryError) throw new OptionError(name, text, err);
    throw err;
  }
}

function reportOptionError(io: Io, err: OptionError): number {
  const { column, length } = err.error;
  io.err.write(`lineage: ${err.message}\n`);
  io.err.write(`  ${err.text}\n  ${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(Math.max(1, length))}\n`);
  return 2;
}

/** The columns every table starts with (unless --columns says otherwise). */
const BASE: NameRef[] = (['id', 'name', 'status', 'commit', 'started', 'duration'] as const).map((field) => ({
  kind: 'field',
  field,
}));
/** Terminal width when stdout is not a terminal. */
const DEFAULT_WIDTH = 160;
/** Longest cell; longer text is cut with an ellipsis. */
const MAX_CELL = 32;

/** `lineage runs`: runs newest first (or sorted), filtered, limited, as a table or JSON. */
export async function runsCommand(io: Io, flags: RunsFlags): Promise<number> {
  try {
    return await runs(io, flags);
  } catch (err) {
    if (err instanceof OptionError) return reportOptionError(io, err);
    throw err;
  }
}

async function runs(io: Io, flags: RunsFlags): Promise<number> {
  let limit: number | undefined;
  if (flags.limit !== undefined) {
    limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 0)
      throw new LineageError(`--limit ${flags.limit}: expected a whole number`);
  }
  const repo = requireRepo(io.cwd);
  const table = await loadRuns(repo);
  const warnings: string[] = [];
  const { filter, sort, columns } = flags;
  const test =
    filter !== undefined
      ? option('--filter', filter, () => {
          const f = compileFilter(filter, table);
          warnings.push(...f.warnings.map((w) => `--filter: ${w}`));
          return f.test;
        })
      : null;
  const keys: SortKey[] =
    sort !== undefined ? option('--sort', sort, () => parseSort(sort, table, warnings)) : [];
  const chosen =
    columns !== undefined ? option('--columns', columns, () => parseColumns(columns, table, warnings)) : null;
  for (const w of warnings) io.err.write(`lineage: warning: ${w}\n`);

  let rows: number[] = [];
  for (let r = 0; r < table.size; r++) if (!test || test(r)) rows.push(r);
  const matched = rows.length;
  rows = sortRows(rows, keys, table);
  if (limit !== undefined) rows = rows.slice(0, limit);

  if (flags.json) {
    io.out.write(JSON.stringify({ runs: table.summaries(rows), problems: table.problems }, null, 2) + '\n');
  } else if (table.size === 0) {
    io.out.write('No runs yet. Record one with `lineage run -- <command>`.\n');
  } else if (matched === 0) {
    io.out.write(`No runs match the filter (of ${table.size} runs).\n`);
  } else {
    const width = (io.out as { columns?: number }).columns ?? DEFAULT_WIDTH;
    const mentioned = [...keys.map((k) => k.ref), ...(filter !== undefined ? namesIn(filter, table) : [])];
    const { refs, hidden } = chosen
      ? { refs: chosen, hidden: 0 }
      : autoColumns(table, rows, mentioned, width);
    io.out.write(tableOf(table, rows, refs));
    const notes: string[] = [];
    const count = (n: number): string => n.toLocaleString('en');
    if (rows.length < matched)
      notes.push(`showing ${count(rows.length)} of ${count(matched)} ${test ? 'matching ' : ''}runs`);
    else if (test) notes.push(`${count(matched)} of ${count(table.size)} runs match`);
    if (hidden > 0) notes.push(`${hidden} more params and metrics not shown (choose with --columns)`);
    if (notes.length) io.err.write(`lineage: ${notes.join('; ')}\n`);
  }
  for (const p of table.problems) io.err.write(`lineage: ${p.file}: ${p.message}\n`);
  return 0;
}

/** Names a filter mentions (they come first among the table's columns); none if it does not compile. */
function namesIn(filter: string, data: QueryData): NameRef[] {
  const refs: NameRef[] = [];
  const recording: QueryData = { ...data, reader: (ref) => (refs.push(ref), data.reader(ref)) };
  try {
    compileFilter(filter, recording);
  } catch {
    return [];
  }
  return refs;
}

const sameRef = (a: NameRef, b: NameRef): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The columns of a table without --columns: the base ones, then the params and metrics the filter
 * and sort name, then metrics, then params whose value differs between the listed runs, while
 * they fit the terminal's width. Returns how many were left out.
 */
function autoColumns(
  table: RunsTable,
  rows: number[],
  mentioned: NameRef[],
  width: number,
): { refs: NameRef[]; hidden: number } {
  const candidates: NameRef[] = [];
  const add = (ref: NameRef): void => {
    if (!candidates.some((c) => sameRef(c, ref)) && !BASE.some((b) => sameRef(b, ref))) candidates.push(ref);
  };
  for (const ref of mentioned) add(ref);
  const shown = rows.slice(0, 200);
  const present = (ref: NameRef): boolean => {
    const read = table.reader(ref);
    return shown.some((r) => read(r) !== undefined);
  };
  const varies = (ref: NameRef): boolean => {
    const read = table.reader(ref);
    const first = read(shown[0] as number);
    return shown.some((r) => read(r) !== first);
  };
  // Then metrics and params (those that differ between the runs listed), taking turns.
  const metrics = [...table.metricNames()]
    .map((name): NameRef => ({ kind: 'metric', name, stat: 'last' }))
    .filter(present);
  const params = [...table.paramNames()]
    .map((key): NameRef => ({ kind: 'param', key }))
    .filter((ref) => present(ref) && (shown.length === 1 || varies(ref)));
  for (let i = 0; i < Math.max(metrics.length, params.length); i++) {
    if (metrics[i]) add(metrics[i] as NameRef);
    if (params[i]) add(params[i] as NameRef);
  }

  const refs = [...BASE];
  let used = BASE.map((ref) => columnWidth(table, shown, ref)).reduce((a, b) => a + b + 2, 0);
  let hidden = 0;
  for (const ref of candidates) {
    const w = columnWidth(table, shown, ref);
    if (used + w + 2 <= width) {
      refs.push(ref);
      used += w + 2;
    } else hidden++;
  }
  return { refs, hidden };
}

function columnWidth(table: RunsTable, rows: number[], ref: NameRef): number {
  const read = table.reader(ref);
  let w = header(table, ref).length;
  for (const r of rows) w = Math.max(w, cell(ref, read(r), table, r).length);
  return w;
}

function header(data: QueryData, ref: NameRef): string {
  switch (ref.kind) {
    case 'field':
      return ref.field.toUpperCase();
    case 'param':
      return data.hasMetric(ref.key) ? `params.${ref.key}` : ref.key;
    case 'metric': {
      const name = data.hasParam(ref.name) ? `metrics.${ref.name}` : ref.name;
      return ref.stat === 'last' ? name : `${name}.${ref.stat}`;
    }
    case 'tag':
      return `tags.${ref.key}`;
  }
}

function cell(ref: NameRef, v: Value, table: RunsTable, row: number): string {
  if (v === undefined) return '—';
  if (ref.kind === 'field') {
    switch (ref.field) {
      case 'id':
        return shortRunId(String(v));
      case 'started':
      case 'ended':
        return typeof v === 'number' ? formatTimestamp(new Date(v).toISOString()) : '—';
      case 'duration':
        return typeof v === 'number' ? formatDuration(v * 1000) : '—';
      case 'commit':
        return shortCommit(v as string | null, table.reader({ kind: 'field', field: 'dirty' })(row) === true);
      default:
        break;
    }
  }
  const text = v === null ? 'null' : typeof v === 'number' ? formatMetric(v) : String(v);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

function tableOf(table: RunsTable, rows: number[], refs: NameRef[]): string {
  const readers = refs.map((ref) => table.reader(ref));
  const body = rows.map((r) =>
    refs.map((ref, i) => cell(ref, (readers[i] as (row: number) => Value)(r), table, r)),
  );
  return renderTable(
    refs.map((ref) => header(table, ref)),
    body,
  );
}

// ---- lineage show -------------------------------------------------------------------------------
