// `lineage runs` (list, filter, sort, columns) and `lineage show <run>` (everything about one run).
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Problem } from '../../protocol/problem';
import type { RunSummary } from '../../protocol/runs';
import { errorMessage, isErrnoCode, LineageError } from '../errors';
import { requireRepo, type Repo } from '../repo';
import { environmentSchema, type Environment } from '../runs/environment';
import { findRunId } from '../runs/find';
import { loadRuns, type RunsTable } from '../runs/index';
import { runDir, runFile } from '../runs/layout';
import { summarizeMetrics } from '../runs/metrics';
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
import {
  runEndSchema,
  runHeaderSchema,
  type MetricSummary,
  type RunEnd,
  type RunHeader,
} from '../runs/record';
import { readJsonSync, readRunFolder } from '../runs/summary';
import {
  formatBytes,
  formatDuration,
  formatMetric,
  formatTimestamp,
  shortCommit,
  shortRunId,
} from '../util/format';
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

export interface ShowFlags {
  json?: boolean;
  lines?: string;
}

/** Lines of output.log `show` prints by default, and how much of the file's end it reads for them. */
const LOG_LINES = 10;
const LOG_TAIL_BYTES = 64 * 1024;

interface ShowResult {
  id: string;
  /** The run as listings show it (status, duration, last metrics); null when it cannot be read. */
  summary: RunSummary | null;
  header: RunHeader;
  status: RunEnd | null;
  environment: Environment | null;
  /** Per metric: last, min, max, step of the last value, count (from status.json, or the stream). */
  metrics: Record<string, MetricSummary>;
  /** The last lines of output.log; null when there is none. */
  log: { lines: string[]; truncated: boolean } | null;
  /** The name of the run this one reproduces, when it is still here. */
  reproducesName?: string;
  problems: Problem[];
}

/** `lineage show <run>`: header, environment, status, outputs, metric summary, end of the log. */
export async function showCommand(io: Io, rev: string, flags: ShowFlags): Promise<number> {
  const repo = requireRepo(io.cwd);
  let lines = LOG_LINES;
  if (flags.lines !== undefined) {
    lines = Number(flags.lines);
    if (!Number.isInteger(lines) || lines < 0)
      throw new LineageError(`--lines ${flags.lines}: expected a whole number`);
  }
  const found = await findRunId(repo, rev, { newestByName: true, hexNames: true });
  if (!found)
    throw new LineageError(`no run '${rev}' here (give its id, the last 8 characters of it, or its name)`);
  if (found.note) io.err.write(`lineage: ${found.note}\n`);
  const result = await showRun(repo, found.id, lines);
  if (flags.json) io.out.write(JSON.stringify(result, null, 2) + '\n');
  else io.out.write(renderShow(result, lines));
  for (const p of result.problems) io.err.write(`lineage: ${p.file}: ${p.message}\n`);
  return result.problems.length > 0 ? 1 : 0;
}

async function showRun(repo: Repo, id: string, lines: number): Promise<ShowResult> {
  const problems: Problem[] = [];
  const rel = (file: string): string => path.relative(repo.root, file);
  const problem = (file: string, err: unknown): void => {
    const message = err instanceof LineageError ? err.detail : errorMessage(err);
    problems.push({ file: rel(err instanceof LineageError && err.file ? err.file : file), message });
  };
  /** A JSON file of the run: its value, null when absent (or broken: then a problem). */
  const optional = <T>(file: string, read: () => T): T | null => {
    try {
      return read();
    } catch (err) {
      if (!isErrnoCode(err, 'ENOENT')) problem(file, err);
      return null;
    }
  };
  const headerFile = runFile(repo, id, 'header');
  let header: RunHeader;
  try {
    header = readJsonSync(headerFile, runHeaderSchema, 'run header');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) throw new LineageError('run header is missing', rel(headerFile));
    if (err instanceof LineageError) throw new LineageError(err.detail, rel(err.file ?? headerFile));
    throw err;
  }
  const statusFile = runFile(repo, id, 'status');
  const status = optional(statusFile, () => readJsonSync(statusFile, runEndSchema, 'run status'));
  const envFile = path.join(runDir(repo, id), 'environment.json');
  const environment = optional(envFile, () => readJsonSync(envFile, environmentSchema, 'run environment'));
  const read = await readRunFolder(repo, id);
  const summary = 'run' in read ? read.run : null;

  let metrics: Record<string, MetricSummary> = status?.metrics ?? {};
  if (!status) {
    // A live (or crashed) run: summarize the stream as it is.
    const file = runFile(repo, id, 'metrics');
    const text = optional(file, () => readFileSync(file, 'utf8')) ?? '';
    const s = summarizeMetrics(text, summary?.status !== 'running');
    metrics = s.metrics;
    for (const p of s.problems) problems.push({ file: rel(file), message: p });
  }
  const logFile = runFile(repo, id, 'log');
  let log: ShowResult['log'] = null;
  try {
    log = await tailLines(logFile, lines);
  } catch (err) {
    if (!isErrnoCode(err, 'ENOENT')) problem(logFile, err);
  }
  let reproducesName: string | undefined;
  if (header.reproduces !== undefined && /^[0-9a-z]{26}$/.test(header.reproduces)) {
    try {
      reproducesName = readJsonSync(
        runFile(repo, header.reproduces, 'header'),
        runHeaderSchema,
        'run header',
      ).name;
    } catch {
      // Deleted or unreadable: the id alone is shown.
    }
  }
  return {
    id,
    summary,
    header,
    status,
    environment,
    metrics,
    log,
    problems,
    ...(reproducesName !== undefined && { reproducesName }),
  };
}

/** The last `n` lines of a file (reading at most its last 64 KiB). */
async function tailLines(file: string, n: number): Promise<{ lines: string[]; truncated: boolean }> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - LOG_TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    let all = buf.toString('utf8').split(/\r?\n/);
    if (start > 0) all = all.slice(1); // the first line is cut
    if (all[all.length - 1] === '') all.pop();
    const lines = n === 0 ? [] : all.slice(-n);
    return { lines, truncated: start > 0 || all.length > lines.length };
  } finally {
    await handle.close();
  }
}

function renderShow(r: ShowResult, lineCount: number): string {
  const h = r.header;
  const s = r.summary;
  const out: string[] = [];
  const field = (label: string, value: string): void => {
    out.push(`  ${label.padEnd(12)}${value}`);
  };
  out.push(`Run ${h.id}  ${h.name}`);
  const statusText = s
    ? `${s.status}${s.exitCode !== null ? ` (exit ${s.exitCode})` : r.status?.signal ? ` (${r.status.signal})` : ''}`
    : (r.status?.status ?? 'unknown (unreadable)');
  field('status', statusText);
  field(
    'started',
    `${formatTimestamp(h.startedAt)}` +
      (s ? `   duration ${formatDuration(s.durationMs)}${s.status === 'running' ? ' so far' : ''}` : '') +
      (r.status ? `   ended ${formatTimestamp(r.status.endedAt)}` : ''),
  );
  field('command', h.command.map(shellWord).join(' '));
  field('cwd', h.cwd === '' ? '(repository root)' : h.cwd);
  if (h.experiment !== undefined) field('experiment', h.experiment);
  const commit = h.commit
    ? `${h.commit.slice(0, 10)}${h.branch ? ` on ${h.branch}` : ''}`
    : 'none (not a git repository)';
  field('commit', commit);
  if (h.dirty) {
    const patch = h.patch
      ? `uncommitted changes saved as patch ${h.patch.slice(0, 12)}`
      : 'uncommitted changes (no patch saved)';
    field('dirty', patch);
    const omitted = (h as { patchOmitted?: unknown }).patchOmitted;
    if (Array.isArray(omitted) && omitted.length > 0)
      field('', `left out of the patch (too big): ${omitted.join(', ')}`);
  }
  field('host', `${h.host}${h.pid !== undefined ? ` (pid ${h.pid})` : ''}`);
  if (h.reproduces !== undefined)
    field(
      'reproduces',
      `${h.reproduces}${r.reproducesName !== undefined ? ` (${r.reproducesName})` : ' (no longer here)'}`,
    );
  if (h.source) {
    const exp = h.source.experiment !== undefined ? ` (experiment ${h.source.experiment})` : '';
    field('source', `imported from ${h.source.tool} run ${h.source.id}${exp}, ${h.source.path}`);
  }

  const params = { ...h.params };
  const logged = r.status?.params ?? {};
  Object.assign(params, logged);
  const keys = Object.keys(params);
  if (keys.length > 0) {
    const marks = [
      h.overrides && Object.keys(h.overrides).length ? '* set with --set' : '',
      Object.keys(logged).length ? '+ logged by the script' : '',
    ]
      .filter(Boolean)
      .join(', ');
    out.push('', `Params (${keys.length}${marks ? `; ${marks}` : ''})`);
    const rows = keys.map((k) => {
      const v = params[k];
      const mark = (h.overrides && k in h.overrides ? '*' : '') + (k in logged ? '+' : '');
      return [
        `  ${k}`,
        `${v === null ? 'null' : typeof v === 'string' ? v : String(v)}${mark ? ` ${mark}` : ''}`,
      ];
    });
    out.push(body(rows));
    if (h.paramsFiles?.length) out.push(`  (from ${h.paramsFiles.join(', ')})`);
  }

  if (h.inputs?.length) {
    out.push('', 'Inputs');
    const rows = h.inputs.map((i) => [
      `  ${i.path}`,
      i.type,
      i.sha256.slice(0, 12),
      `${i.files.toLocaleString('en')} file${i.files === 1 ? '' : 's'}, ${formatBytes(i.size)}`,
      i.modified
        ? 'warning: modified (the workspace differed from its pointer file when the run started)'
        : '',
    ]);
    out.push(body(rows));
  }
  const tags = { ...h.tags, ...r.status?.tags };
  if (Object.keys(tags).length > 0) {
    out.push('', 'Tags');
    out.push(body(Object.entries(tags).map(([k, v]) => [`  ${k}`, v])));
  }
  if (r.environment) {
    const e = r.environment;
    out.push('', 'Environment');
    const rows = [
      [
        '  os',
        `${e.os.platform} ${e.os.release} ${e.os.arch}, ${e.cpus.count} CPUs (${e.cpus.model}), ${formatBytes(e.memory)}`,
      ],
    ];
    if (e.python) {
      const n = Object.keys(e.python.packages).length;
      rows.push([
        '  python',
        `${e.python.version} (${e.python.executable}), ${n} package${n === 1 ? '' : 's'}`,
      ]);
    }
    if (e.node) rows.push(['  node', e.node]);
    rows.push([
      '  gpus',
      e.gpus?.length
        ? e.gpus
            .map((g) => `${g.name} (${formatBytes(g.memoryMiB * 1024 * 1024)}, driver ${g.driver})`)
            .join('; ')
        : 'none',
    ]);
    out.push(body(rows));
  }
  if (r.status?.outputs?.length) {
    out.push('', 'Outputs');
    out.push(
      body(
        r.status.outputs.map((o) => [
          `  ${o.kind}`,
          o.path,
          o.type,
          o.sha256.slice(0, 12),
          `${o.files.toLocaleString('en')} file${o.files === 1 ? '' : 's'}, ${formatBytes(o.size)}`,
        ]),
      ),
    );
  }
  const names = Object.keys(r.metrics);
  out.push('');
  if (names.length === 0) out.push('Metrics: none logged');
  else {
    const rows = names.map((n) => {
      const m = r.metrics[n] as MetricSummary;
      return [
        `  ${n}`,
        formatMetric(m.last),
        formatMetric(m.min),
        formatMetric(m.max),
        String(m.step),
        String(m.count),
      ];
    });
    out.push(renderTable(['Metrics', 'last', 'min', 'max', 'step', 'count'], rows).trimEnd());
  }
  out.push('');
  if (!r.log) out.push('output.log: none');
  else if (lineCount > 0) {
    out.push(
      r.log.lines.length === 0
        ? 'output.log: empty'
        : `output.log${r.log.truncated ? ` (last ${r.log.lines.length} lines)` : ''}`,
    );
    for (const line of r.log.lines) out.push(`  ${line}`);
  }
  return out.join('\n') + '\n';
}

/** Rows of label + values, aligned, without a header line. */
function body(rows: string[][]): string {
  return renderTable(
    (rows[0] ?? []).map(() => ''),
    rows,
  )
    .split('\n')
    .slice(1)
    .join('\n')
    .trimEnd();
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** An argument as a shell would need it typed (quoted when it has spaces or specials). */
function shellWord(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  // Newlines and other control characters: bash's $'…' with escapes, so the command stays one line.
  if (CONTROL.test(arg)) {
    const escaped = arg
      .replace(/[\\']/g, (c) => `\\${c}`)
      .replace(new RegExp(CONTROL.source, 'g'), (c) => {
        const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
        return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
      });
    return `$'${escaped}'`;
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
