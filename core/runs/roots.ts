import { promises as fs } from 'node:fs';
import type { Root, RootProblem } from '../datasets/reachable';
import { errorMessage, isErrnoCode } from '../errors';
import type { Repo } from '../repo';
import { RUN_ID_PATTERN, runFile } from './layout';
import { readRunJson, runEndSchema, runHeaderSchema } from './record';

/**
 * Objects runs keep alive in the store: each run's patch, its stored inputs and its outputs. A run
 * whose header or status cannot be read is a problem (so gc refuses to delete: what it names is
 * unknown); a run still without status is fine.
 */
export async function runRoots(repo: Repo): Promise<{ roots: Root[]; problems: RootProblem[] }> {
  const roots: Root[] = [];
  const problems: RootProblem[] = [];
  let ids: string[];
  try {
    ids = (await fs.readdir(repo.runs)).filter((id) => RUN_ID_PATTERN.test(id)).sort();
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return { roots, problems };
    throw err;
  }
  const add = (source: string, type: 'file' | 'dir', sha256: string): void => {
    roots.push({ source, pointer: { schema: 1, path: 'run', type, sha256, size: 0, files: 0 } });
  };
  for (const id of ids) {
    const where = `.lineage/runs/${id}`;
    try {
      const header = await readRunJson(runFile(repo, id, 'header'), runHeaderSchema, 'run header');
      if (header.patch) add(`${where} (patch)`, 'file', header.patch);
      for (const input of header.inputs ?? [])
        add(`${where} (input ${input.path})`, input.type, input.sha256);
      const end = await readRunJson(runFile(repo, id, 'status'), runEndSchema, 'run status').catch(
        (err: unknown) => {
          if (isErrnoCode(err, 'ENOENT')) return null;
          throw err;
        },
      );
      for (const output of end?.outputs ?? [])
        add(`${where} (${output.kind} ${output.path})`, output.type, output.sha256);
    } catch (err) {
      problems.push({ file: where, message: errorMessage(err) });
    }
  }
  return { roots, problems };
}
