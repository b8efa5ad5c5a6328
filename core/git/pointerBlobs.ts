import { spawnSync } from 'node:child_process';
import { LineageError } from '../errors';

export type HistoryScope = 'branches' | 'all-commits';

/**
 * The content of every pointer file (`*.lineage`) in git history: at the tips of local branches, or
 * in every commit reachable from any ref. Each distinct blob is read once (`git cat-file --batch`).
 * Returns [path, text] pairs; the path is where the blob was first seen.
 */
export function pointerBlobs(root: string, scope: HistoryScope, suffix: string): [string, string][] {
  const revs = scope === 'branches' ? ['--branches'] : ['--all'];
  const listing = git(root, [
    'rev-list',
    '--objects',
    ...(scope === 'branches' ? ['--no-walk'] : []),
    ...revs,
  ]);
  const blobs = new Map<string, string>();
  for (const line of listing.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const file = line.slice(space + 1);
    if (file.endsWith(suffix) && !blobs.has(line.slice(0, space))) blobs.set(line.slice(0, space), file);
  }
  if (blobs.size === 0) return [];
  const out = spawnSync('git', ['cat-file', '--batch'], {
    cwd: root,
    input: [...blobs.keys()].join('\n') + '\n',
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (out.status !== 0) throw new LineageError(`git cat-file failed: ${out.stderr.toString().trim()}`, root);
  const result: [string, string][] = [];
  const data = out.stdout;
  let at = 0;
  while (at < data.length) {
    const eol = data.indexOf(10, at);
    const [sha, type, size] = data.subarray(at, eol).toString().split(' ');
    const length = Number(size);
    if (type === 'blob' && sha)
      result.push([blobs.get(sha) ?? sha, data.subarray(eol + 1, eol + 1 + length).toString('utf8')]);
    at = eol + 1 + (Number.isFinite(length) ? length + 1 : 0);
  }
  return result;
}

function git(root: string, args: string[]): string {
  const out = spawnSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (out.status !== 0) throw new LineageError(`git ${args[0]} failed: ${out.stderr.trim()}`, root);
  return out.stdout;
}
