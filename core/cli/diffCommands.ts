import * as path from 'node:path';
import type { DatasetDiff, DatasetLog } from '../../protocol/diff';
import { datasetsOn, defaultRevisions, diffDatasets, targetOf } from '../diff/datasets';
import { datasetLog } from '../diff/log';
import { resolveRevision, WORKSPACE } from '../diff/sides';
import { requireRepo, repoRelative } from '../repo';
import { formatBytes, shortRunId } from '../util/format';
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
}

/** `lineage diff [<rev-a> [<rev-b>]] [--] [<path>…]`: what changed in the data, file by file. */
export async function diffCommand(io: Io, args: string[], opts: DiffOptions): Promise<number> {
  const repo = requireRepo(io.cwd);
  const { revs, paths } = await splitArgs(repo, args);
  const [a, b] = defaultRevisions(revs);
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

/** Revisions come first; the rest (or everything after `--`) are paths, as with `git diff`. */
async function splitArgs(
  repo: ReturnType<typeof requireRepo>,
  args: string[],
): Promise<{ revs: string[]; paths: string[] }> {
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
