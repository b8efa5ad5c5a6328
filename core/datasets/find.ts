import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gitListFiles, isGitRepo } from '../git/info';
import { LINEAGE_DIR, type Repo } from '../repo';
import { POINTER_SUFFIX } from './pointer';

const SKIP_DIRS = new Set(['.git', LINEAGE_DIR, 'node_modules']);

/**
 * Pointer files in the repository, relative to its root, sorted. In a git work tree git lists them
 * (tracked and untracked, skipping ignored folders such as the tracked data itself); elsewhere the
 * folders are walked, skipping `.git`, `.lineage`, `node_modules` and any folder a pointer names.
 */
export async function findPointerFiles(repo: Repo): Promise<string[]> {
  const found = (await isGitRepo(repo.root))
    ? await gitListFiles(repo.root, '*' + POINTER_SUFFIX)
    : await walkForPointers(repo.root, '');
  return found.filter((f) => f.endsWith(POINTER_SUFFIX) && !f.startsWith(LINEAGE_DIR + '/')).sort();
}

async function walkForPointers(root: string, rel: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  const names = new Set(entries.map((e) => e.name));
  const out: string[] = [];
  for (const entry of entries) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isFile() && entry.name.endsWith(POINTER_SUFFIX)) out.push(child);
    else if (entry.isDirectory() && !SKIP_DIRS.has(entry.name) && !names.has(entry.name + POINTER_SUFFIX)) {
      out.push(...(await walkForPointers(root, child)));
    }
  }
  return out;
}
