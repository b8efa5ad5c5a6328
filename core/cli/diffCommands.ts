import * as path from 'node:path';
import type { ColumnStats, DatasetDiff, DatasetLog, TableDiff } from '../../protocol/diff';
import {
  datasetsOn,
  defaultRevisions,
  diffDatasets,
  readSides,
  targetOf,
  type DiffTarget,
} from '../diff/datasets';
import { datasetTableDiff } from '../diff/tables';
import { tableFormatOf } from '../diff/table/index';
import { datasetLog } from '../diff/log';
import { resolveRevision, WORKSPACE, type Revision } from '../diff/sides';
import { requireRepo, repoRelative, type Repo } from '../repo';
import { formatBytes, formatMetric, shortRunId } from '../util/format';
import type { Io } from './commands';
import { renderTable } from './table';

export interface LogOptions {
  json?: boolean;
  limit?: string;
}

/** `lineage log <path>`: each version of a dataset through history, with the runs that used it. */
export async function logCommand(io: Io, target: string, opts: LogOptions): Promise<number> {
  const repo = requireRepo(io.cwd);
  // A dataset no longer tracked at HEAD still has a history: then the path names it as given.
  const known = await datasetsOn(repo, [{ kind: 'workspace' }, await resolveRevision(repo, 'HEAD')]);
  const abs = path.resolve(io.cwd, target);
  const given = repoRelative(repo, abs).replace(/\.lineage$/, '');
  const { dataset } = targetOf(repo, abs, [...known, given]);
  const limit = opts.limit === undefined ? undefined : Number(opts.limit);
  const log = await datasetLog(repo, dataset, limit === undefined ? {} : { limit });
  if (opts.json) io.out.write(JSON.stringify(log, null, 2) + '\n');
  else io.out.write(formatLog(log));
  return 0;
}

function formatLog(log: DatasetLog): string {
  if (log.versions.length === 0) return `${log.dataset}: no commit holds its pointer file yet\n`;
  const rows = log.versions.map((v) => [
    v.commit.slice(0, 7),
    v.date.slice(0, 16).replace('T', ' '),
    v.author,
    v.change === 'removed'
      ? 'removed'
      : `${v.hash?.slice(0, 10) ?? ''}  ${v.files} files, ${formatBytes(v.size)}`,
    v.runs.length === 0
      ? ''
      : v.runs.map((r) => `${r.name} (${shortRunId(r.id)})${r.link === 'commit' ? '*' : ''}`).join(', '),
    v.subject,
  ]);
  const inferred = log.versions.some((v) => v.runs.some((r) => r.link === 'commit'));
  return (
    `${log.dataset}\n` +
    renderTable(['COMMIT', 'DATE', 'AUTHOR', 'VERSION', 'RUNS', 'MESSAGE'], rows) +
    (inferred ? '* run recorded no inputs: linked by the commit it ran at\n' : '')
  );
}

export interface DiffOptions {
  json?: boolean;
  /** Key columns for a table diff, comma-separated. */
  key?: string;
  offset?: string;
  limit?: string;
}

/** `lineage diff [<rev-a> [<rev-b>]] [--] [<path>…]`: what changed in the data, file by file. */
export async function diffCommand(io: Io, args: string[], opts: DiffOptions): Promise<number> {
  const repo = requireRepo(io.cwd);
  const { revs, paths } = await splitArgs(repo, args);
  const [a, b] = defaultRevisions(revs);
  const table = await tableTarget(
    repo,
    a,
    b,
    paths.map((p) => path.resolve(io.cwd, p)),
  );
  if (table) {
    const sides = await readSides(repo, table.dataset, ...table.revisions, { scanWorkspace: false });
    const result = await datasetTableDiff(repo, table.dataset, sides, table.file ?? '', {
      ...(opts.key ? { keys: opts.key.split(',').map((k) => k.trim()) } : {}),
      offset: Number(opts.offset ?? 0),
      pageSize: Number(opts.limit ?? 20),
    });
    io.out.write(
      opts.json
        ? JSON.stringify(result, null, 2) + '\n'
        : formatTableDiff(table.dataset, [sides[0].side.label, sides[1].side.label], result),
    );
    return 0;
  }
  const diffs = await diffDatasets(
    repo,
    a,
    b,
    paths.map((p) => path.resolve(io.cwd, p)),
  );
  if (opts.json) {
    io.out.write(JSON.stringify(diffs, null, 2) + '\n');
    return 0;
  }
  if (diffs.length === 0) io.out.write(`No dataset differs between ${a} and ${b}.\n`);
  for (const diff of diffs) io.out.write(formatDiff(diff));
  return 0;
}

/** The one table file the paths name, if they name exactly one file inside a dataset that is a table. */
async function tableTarget(
  repo: Repo,
  a: string,
  b: string,
  paths: string[],
): Promise<(DiffTarget & { revisions: [Revision, Revision] }) | null> {
  if (paths.length !== 1 || !tableFormatOf(paths[0] as string)) return null;
  const revisions: [Revision, Revision] = await Promise.all([
    resolveRevision(repo, a),
    resolveRevision(repo, b),
  ]);
  const target = targetOf(repo, paths[0] as string, await datasetsOn(repo, revisions));
  return target.file ? { ...target, revisions } : null;
}

/** Revisions come first; the rest (or everything after `--`) are paths, as with `git diff`. */
async function splitArgs(repo: Repo, args: string[]): Promise<{ revs: string[]; paths: string[] }> {
  const dash = args.indexOf('--');
  if (dash >= 0) return { revs: args.slice(0, dash), paths: args.slice(dash + 1) };
  const revs: string[] = [];
  let i = 0;
  for (; i < args.length && revs.length < 2; i++) {
    const arg = args[i] as string;
    const isRev =
      arg === WORKSPACE ||
      (await resolveRevision(repo, arg).then(
        () => true,
        () => false,
      ));
    if (!isRev) break;
    revs.push(arg);
  }
  return { revs, paths: args.slice(i) };
}

const MARKS = { added: 'A', removed: 'D', modified: 'M', renamed: 'R' } as const;

export function formatDiff(diff: DatasetDiff): string {
  const { counts } = diff;
  const delta = `${counts.bytesDelta >= 0 ? '+' : '-'}${formatBytes(Math.abs(counts.bytesDelta))}`;
  const lines = [
    `${diff.dataset}: ${diff.a.label} → ${diff.b.label}`,
    `  ${counts.added} added, ${counts.removed} removed, ${counts.modified} modified, ${counts.renamed} renamed (${delta})`,
  ];
  if (diff.a.hash === null) lines.push(`  (not tracked at ${diff.a.label})`);
  if (diff.b.hash === null) lines.push(`  (not present at ${diff.b.label})`);
  const rows = diff.changes.map((c) => {
    const name = c.path || diff.dataset;
    const shown =
      c.change === 'renamed' ? `${c.from ?? ''} → ${name}` : `${name}${c.type === 'dir' ? '/' : ''}`;
    const size =
      c.change === 'modified'
        ? `${formatBytes(c.oldSize ?? 0)} → ${formatBytes(c.size)}`
        : formatBytes(c.size);
    return [`  ${MARKS[c.change]}`, shown, size];
  });
  if (rows.length > 0)
    lines.push(renderTable(['', 'PATH', 'SIZE'], rows).trimEnd().split('\n').slice(1).join('\n'));
  for (const m of diff.missing) {
    lines.push(`  ? ${m.path || '.'}: tree ${m.hash} is not in the local store; its files cannot be listed`);
  }
  return lines.join('\n') + '\n';
}

/** A table diff for the terminal: row counts, schema changes, per-column statistics, changed rows. */
export function formatTableDiff(dataset: string, sides: [string, string], t: TableDiff): string {
  const lines = [`${dataset}/${t.path}: ${sides[0]} → ${sides[1]}`];
  lines.push(
    t.matching === 'key'
      ? `  rows matched on key ${t.keys.join(', ')}`
      : '  no key columns: rows matched by content, so a changed row shows as removed + added (set keys with --key)',
  );
  const r = t.rows;
  lines.push(
    `  rows: ${r.before} → ${r.after}   +${r.added} added  -${r.removed} removed  ~${r.changed} changed  ${r.unchanged} unchanged` +
      (t.duplicateKeys ? `   (${t.duplicateKeys} duplicate keys)` : ''),
  );
  const schema = t.columns
    .filter((c) => c.change !== 'same')
    .map((c) =>
      c.change === 'added'
        ? `+${c.name} (${c.after ?? '?'})`
        : c.change === 'removed'
          ? `-${c.name}`
          : `~${c.name} ${c.before ?? '?'} → ${c.after ?? '?'}`,
    );
  if (schema.length) lines.push(`  columns: ${schema.join('  ')}`);
  const stat = (s: ColumnStats | null): string => {
    if (!s) return '—';
    const range = s.min !== undefined ? ` ${String(s.min)}…${String(s.max)}` : '';
    const mean = s.mean !== undefined ? ` mean ${formatMetric(s.mean)}` : '';
    const top = s.top?.length
      ? ` top ${s.top
          .slice(0, 2)
          .map((v) => `${v.value}×${v.count}`)
          .join(' ')}`
      : '';
    return `${s.count} vals, ${s.nulls} null, ${s.distinct}${s.distinctCapped ? '+' : ''} distinct${range}${mean}${top}`;
  };
  const rows = t.columns.map((c) => [
    c.name,
    c.before === c.after ? (c.after ?? '') : `${c.before ?? '—'} → ${c.after ?? '—'}`,
    stat(c.statsBefore),
    stat(c.statsAfter),
    String(c.changedCells),
  ]);
  lines.push(indent(renderTable(['COLUMN', 'TYPE', 'BEFORE', 'AFTER', 'CHANGED CELLS'], rows)));
  const { page } = t;
  if (page.total > 0) {
    lines.push(`  changed rows ${page.offset + 1}–${page.offset + page.rows.length} of ${page.total}:`);
    const names = t.columns.map((c) => c.name);
    for (const row of page.rows) {
      const key = row.key.length
        ? t.keys.map((k, i) => `${k}=${row.key[i] ?? ''}`).join(' ')
        : `row ${row.rowAfter ?? row.rowBefore}`;
      if (row.change === 'changed') {
        const cells = row.changed.map(
          (i) => `${names[i] ?? i}: ${cell(row.before?.[i])} → ${cell(row.after?.[i])}`,
        );
        lines.push(`  ~ ${key}  ${cells.join('  ')}`);
      } else {
        const values = (row.after ?? row.before ?? []).map(cell).join(', ');
        lines.push(`  ${row.change === 'added' ? '+' : '-'} ${key}  ${values}`);
      }
    }
    if (page.offset + page.rows.length < page.total)
      lines.push(
        `  … ${page.total - page.offset - page.rows.length} more (--offset ${page.offset + page.rows.length})`,
      );
  }
  for (const w of t.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

function cell(value: string | null | undefined): string {
  return value === null || value === undefined ? '∅' : value;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
