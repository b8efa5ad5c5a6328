import type { TableDiff } from '../../protocol/diff';
import { readConfig } from '../config';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import { configuredKeys, fileSource } from './fileAt';
import type { Side } from './sides';
import { openTableDiff, tableFormatOf, type TableDiffSession } from './table/index';

export interface DatasetTableOptions {
  /** Key columns; undefined = those configured in lineage.yaml for this path, if any. */
  keys?: string[];
  pageSize?: number;
  signal?: AbortSignal;
}

/** Open the table diff of `file` (inside `dataset`) between two sides, with the configured keys. */
export async function openDatasetTableDiff(
  repo: Repo,
  dataset: string,
  [a, b]: [Side, Side],
  file: string,
  options: DatasetTableOptions = {},
): Promise<TableDiffSession> {
  const repoPath = file ? `${dataset}/${file}` : dataset;
  const format = tableFormatOf(repoPath);
  if (!format) throw new LineageError('is not a table (CSV, TSV, JSON lines or Parquet)', repoPath);
  const [before, after] = await Promise.all([
    fileSource(repo, dataset, a, file),
    fileSource(repo, dataset, b, file),
  ]);
  if (!before && !after)
    throw new LineageError(`is on neither side (${a.side.label}, ${b.side.label})`, repoPath);
  const keys = options.keys ?? configuredKeys(await readConfig(repo), repoPath);
  return openTableDiff(before, after, file || repoPath, {
    format,
    ...(keys ? { keys } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Open, read one page, close. */
export async function datasetTableDiff(
  repo: Repo,
  dataset: string,
  sides: [Side, Side],
  file: string,
  options: DatasetTableOptions & { offset?: number } = {},
): Promise<TableDiff> {
  const session = await openDatasetTableDiff(repo, dataset, sides, file, options);
  try {
    return { ...session.summary, page: await session.page(options.offset ?? 0, options.pageSize) };
  } finally {
    await session.close();
  }
}

/** Changed files of a diff that can be shown as tables. */
export function tablePaths(paths: string[], dataset: string): string[] {
  return paths.filter((p) => tableFormatOf(p || dataset) !== null);
}
