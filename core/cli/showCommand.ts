// `lineage show <run>`: everything about one run.
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Problem } from '../../protocol/problem';
import type { RunSummary } from '../../protocol/runs';
import { errorMessage, isErrnoCode, LineageError } from '../errors';
import { requireRepo, type Repo } from '../repo';
import { environmentSchema, type Environment } from '../runs/environment';
import { findRunId } from '../runs/find';
import { runDir, runFile } from '../runs/layout';
import { summarizeMetrics } from '../runs/metrics';
import {
  runEndSchema,
  runHeaderSchema,
  type MetricSummary,
  type RunEnd,
  type RunHeader,
} from '../runs/record';
import { readJsonSync, readRunFolder } from '../runs/summary';
import { formatBytes, formatDuration, formatMetric, formatTimestamp } from '../util/format';
import type { Io } from './commands';
import { renderTable } from './table';

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
