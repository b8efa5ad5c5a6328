import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsyncDir } from '../util/atomicWrite';
import { ensureRepoDirs, type Repo } from '../repo';
import { RUN_FILES, runDir } from './layout';
import type { RunEnd, RunHeader } from './record';

/** What a run folder starts with besides its header. */
export interface RunFolderFiles {
  /** The metric stream so far (an imported run's whole history); empty by default. */
  metrics?: string;
  /** The final status, for runs that are complete when written (imports). */
  status?: RunEnd;
  /** Other files by name (e.g. `output.log`). */
  extra?: Record<string, string>;
}

/**
 * Make a run's folder appear complete: its files are written and fsynced in a scratch folder under
 * `.lineage/tmp/`, which is then renamed into `runs/`. So a run folder never lacks its header, and a
 * run written whole (an import) appears with its status or not at all.
 */
export async function createRunFolder(
  repo: Repo,
  header: RunHeader,
  files: RunFolderFiles = {},
): Promise<string> {
  await ensureRepoDirs(repo);
  const scratch = path.join(repo.tmp, `run-${header.id}`);
  await fs.mkdir(scratch);
  try {
    const contents: [string, string][] = [
      [RUN_FILES.header, json(header)],
      [RUN_FILES.metrics, files.metrics ?? ''],
      ...(files.status ? [[RUN_FILES.status, json(files.status)] as [string, string]] : []),
      ...Object.entries(files.extra ?? {}),
    ];
    for (const [name, text] of contents) {
      const handle = await fs.open(path.join(scratch, name), 'wx');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await fsyncDir(scratch);
    const target = runDir(repo, header.id);
    await fs.rename(scratch, target);
    await fsyncDir(repo.runs);
    return target;
  } catch (err) {
    await fs.rm(scratch, { recursive: true, force: true });
    throw err;
  }
}

/** The JSON form of run files (header, status): indented, newline-terminated. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
