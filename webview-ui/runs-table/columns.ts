import type { RunSummary } from '../../protocol/runs';
import {
  formatDuration,
  formatMetric,
  formatTimestamp,
  shortCommit,
  shortRunId,
} from '../../core/util/format';

export interface Column {
  id: string;
  label: string;
  /** Value used for sorting; null sorts last. */
  sortValue(run: RunSummary): string | number | null;
  text(run: RunSummary): string;
  numeric?: boolean;
  title?(run: RunSummary): string;
}

const fixedColumns: Column[] = [
  {
    id: 'name',
    label: 'Name',
    sortValue: (r) => r.name.toLowerCase(),
    text: (r) => r.name,
    title: (r) => r.command.join(' '),
  },
  { id: 'id', label: 'Run', sortValue: (r) => r.id, text: (r) => shortRunId(r.id), title: (r) => r.id },
  { id: 'status', label: 'Status', sortValue: (r) => r.status, text: (r) => r.status },
  {
    id: 'commit',
    label: 'Commit',
    sortValue: (r) => r.commit,
    text: (r) => shortCommit(r.commit, r.dirty),
    title: (r) =>
      r.commit
        ? `${r.commit}${r.dirty ? ' (uncommitted changes)' : ''}${r.branch ? ` on ${r.branch}` : ''}`
        : 'no git commit',
  },
  {
    id: 'started',
    label: 'Started',
    sortValue: (r) => r.startedAt,
    text: (r) => formatTimestamp(r.startedAt),
    title: (r) => r.startedAt,
  },
  {
    id: 'duration',
    label: 'Duration',
    sortValue: (r) => r.durationMs,
    text: (r) => formatDuration(r.durationMs),
    numeric: true,
  },
];

/** Fixed columns, then one per metric name found in any run (alphabetical). */
export function columnsFor(runs: RunSummary[]): Column[] {
  const names = new Set<string>();
  for (const run of runs) for (const name of Object.keys(run.metrics)) names.add(name);
  const metricColumns = [...names].sort().map<Column>((name) => ({
    id: `metric:${name}`,
    label: name,
    numeric: true,
    sortValue: (r) => r.metrics[name] ?? null,
    text: (r) => {
      const v = r.metrics[name];
      return v === undefined ? '' : formatMetric(v);
    },
    title: (r) =>
      r.metrics[name] === undefined ? `${name}: not logged` : `${name} = ${r.metrics[name]} (last value)`,
  }));
  return [...fixedColumns, ...metricColumns];
}

export interface Sort {
  column: string;
  descending: boolean;
}

export function sortRuns(runs: RunSummary[], column: Column | undefined, descending: boolean): RunSummary[] {
  if (!column) return runs;
  const dir = descending ? -1 : 1;
  return [...runs].sort((a, b) => {
    const x = column.sortValue(a);
    const y = column.sortValue(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return (x < y ? -1 : x > y ? 1 : 0) * dir;
  });
}
