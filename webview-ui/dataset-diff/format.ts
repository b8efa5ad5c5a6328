// Text for the Dataset Diff panel's numbers, on top of the shared helpers in core/util/format.ts.
import type { ColumnStats, FileChangeKind, FileDiffEntry } from '../../protocol/diff';
import { formatBytes, formatMetric } from '../../core/util/format';

/** `4,312`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `+1.5 MiB`, `−512 B`, `0 B`: the sign always shown (a true minus sign). */
export function formatBytesDelta(bytes: number): string {
  if (bytes === 0) return '0 B';
  return (bytes > 0 ? '+' : '−') + formatBytes(Math.abs(bytes));
}

/** The size column of a file row: `2.0 KiB`, or `1.0 KiB → 2.0 KiB` when modified. */
export function formatEntrySize(entry: FileDiffEntry): string {
  if (entry.type === 'dir') return '';
  if (entry.change === 'modified' && entry.oldSize !== undefined) {
    return `${formatBytes(entry.oldSize)} → ${formatBytes(entry.size)}`;
  }
  return formatBytes(entry.size);
}

/** The letter VS Code's git decorations use for each change. */
export const KIND_LETTER: Record<FileChangeKind, string> = {
  added: 'A',
  removed: 'D',
  modified: 'M',
  renamed: 'R',
};

/** `Rows 101–200 of 4,312` (`No changed rows` when there are none). */
export function pageRange(offset: number, shown: number, total: number): string {
  if (total === 0) return 'No changed rows';
  if (shown === 0) return `No rows at ${formatCount(offset + 1)} of ${formatCount(total)}`;
  return `Rows ${formatCount(offset + 1)}–${formatCount(offset + shown)} of ${formatCount(total)}`;
}

/** A statistic's value as text; `''` when absent. */
export function formatStat(value: number | string | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'number' ? formatMetric(value) : value;
}

/** One statistic of a column: label and value as text. */
export interface StatLine {
  label: string;
  value: string;
}

/** The statistics shown for a column, in a fixed order, so both sides line up. */
export function statLines(stats: ColumnStats | null, numericLike: boolean): StatLine[] {
  const v = (text: string): string => (stats ? text : '');
  const lines: StatLine[] = [
    { label: 'count', value: v(formatCount(stats?.count ?? 0)) },
    { label: 'nulls', value: v(formatCount(stats?.nulls ?? 0)) },
    {
      label: 'distinct',
      value: v(formatCount(stats?.distinct ?? 0) + (stats?.distinctCapped ? '+' : '')),
    },
  ];
  if (numericLike) {
    lines.push(
      { label: 'min', value: formatStat(stats?.min) },
      { label: 'max', value: formatStat(stats?.max) },
      { label: 'mean', value: formatStat(stats?.mean) },
    );
  }
  return lines;
}

/** `value ×count` for the most frequent values. */
export function topValues(stats: ColumnStats | null): string[] {
  return (stats?.top ?? []).map((t) => `${t.value === '' ? '(empty)' : t.value} ×${formatCount(t.count)}`);
}
