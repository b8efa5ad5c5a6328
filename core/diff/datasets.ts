import * as path from 'node:path';
import type { DatasetDiff } from '../../protocol/diff';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import { findPointerFiles } from '../datasets/find';
import { POINTER_SUFFIX } from '../datasets/pointer';
import { listFilesAt } from '../git/history';
import { diffDataset } from './files';
import {
  lazyGit,
  readSide,
  resolveRevision,
  WORKSPACE,
  type ReadSideOptions,
  type Revision,
  type Side,
} from './sides';

export interface DiffTarget {
  /** The dataset's data path, repo-relative. */
  dataset: string;
  /** A file inside the dataset (path inside it), when the user named one. */
  file: string | null;
}

/**
 * The two sides the CLI and the editor default to, like `git diff`: no revision compares HEAD with
 * the workspace; one compares it with the workspace; two compare them with each other.
 */
export function defaultRevisions(revs: string[]): [string, string] {
  if (revs.length > 2) throw new LineageError('give at most two revisions to compare');
  return [revs[0] ?? 'HEAD', revs[1] ?? WORKSPACE];
}

/** Both sides of `dataset`, resolved. */
export async function readSides(
  repo: Repo,
  dataset: string,
  a: Revision,
  b: Revision,
  options: ReadSideOptions = {},
): Promise<[Side, Side]> {
  const git = lazyGit(repo);
  return Promise.all([readSide(repo, dataset, a, git, options), readSide(repo, dataset, b, git, options)]);
}

/**
 * File-level diffs between revisions `a` and `b` of the named datasets, or of every dataset that has
 * a pointer on either side. Datasets identical on both sides are left out unless named.
 */
export async function diffDatasets(
  repo: Repo,
  a: string,
  b: string,
  paths: string[] = [],
): Promise<DatasetDiff[]> {
  const [ra, rb] = await Promise.all([resolveRevision(repo, a), resolveRevision(repo, b)]);
  const known = await datasetsOn(repo, [ra, rb]);
  const targets =
    paths.length > 0
      ? paths.map((p) => targetOf(repo, p, known))
      : known.map((dataset) => ({ dataset, file: null }));
  const diffs: DatasetDiff[] = [];
  for (const dataset of [...new Set(targets.map((t) => t.dataset))]) {
    const sides = await readSides(repo, dataset, ra, rb);
    const diff = await datasetDiffFor(repo, dataset, sides);
    if (paths.length > 0 || sides[0].side.hash !== sides[1].side.hash) diffs.push(diff);
  }
  return diffs;
}

/** The file-level diff of one dataset between two sides already read. */
export function datasetDiffFor(repo: Repo, dataset: string, [a, b]: [Side, Side]): Promise<DatasetDiff> {
  return diffDataset(repo, dataset, a, b);
}

/** Datasets (data paths) with a pointer on any of these sides. */
export async function datasetsOn(repo: Repo, revisions: Revision[]): Promise<string[]> {
  const git = lazyGit(repo);
  const all = new Set<string>();
  for (const r of revisions) {
    if (r.kind === 'workspace') {
      for (const p of await findPointerFiles(repo)) all.add(p.slice(0, -POINTER_SUFFIX.length));
    } else if (r.kind === 'run' && r.run.inputs) {
      for (const i of r.run.inputs) all.add(i.path);
    } else {
      const commit = r.kind === 'commit' ? r.commit : r.run.commit;
      if (!commit) continue;
      for (const p of await listFilesAt(await git(), commit, POINTER_SUFFIX))
        all.add(p.slice(0, -POINTER_SUFFIX.length));
    }
  }
  return [...all].sort();
}

/**
 * Which dataset a path names: a data path, its pointer file, or a file inside a dataset (then
 * `file` is its path inside). Paths may be absolute or relative to the repository root.
 */
export function targetOf(repo: Repo, p: string, known: string[]): DiffTarget {
  const abs = path.resolve(repo.root, p);
  let rel = path.relative(repo.root, abs).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new LineageError('is outside the Lineage repository', p);
  if (rel.endsWith(POINTER_SUFFIX)) rel = rel.slice(0, -POINTER_SUFFIX.length);
  const dataset = known
    .filter((d) => rel === d || rel.startsWith(d + '/'))
    .sort((x, y) => y.length - x.length)[0];
  if (!dataset)
    throw new LineageError(`is not a tracked dataset on either side (no ${rel}${POINTER_SUFFIX})`, p);
  return { dataset, file: rel === dataset ? null : rel.slice(dataset.length + 1) };
}
