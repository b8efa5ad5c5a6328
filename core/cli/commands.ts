import { datasetStatus } from '../datasets/status';
import { initRepo } from '../init';
import { requireRepo } from '../repo';
import { formatBytes } from '../util/format';
import { renderTable } from './table';
import { isGitRepo } from '../git/info';

export interface Io {
  cwd: string;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export async function initCommand(io: Io): Promise<number> {
  const { repo, created } = await initRepo(io.cwd);
  if (created.length === 0) io.out.write(`Lineage is already set up in ${repo.root}\n`);
  else io.out.write(`Initialized Lineage in ${repo.root} (created ${created.join(', ')})\n`);
  if (!(await isGitRepo(repo.root))) {
    io.err.write('lineage: warning: not a git repository; runs will record no commit (run `git init`)\n');
  }
  return 0;
}

export async function statusCommand(io: Io, json: boolean, files: boolean): Promise<number> {
  const repo = requireRepo(io.cwd);
  const result = await datasetStatus(repo, { files });
  if (json) {
    io.out.write(JSON.stringify(result, null, 2) + '\n');
  } else if (result.datasets.length === 0) {
    io.out.write('No datasets tracked yet. Track one with `lineage add <path>`.\n');
  } else {
    const rows = result.datasets.map((d) => {
      const detail =
        d.state === 'modified'
          ? `+${d.added} added, -${d.removed} removed, ~${d.modified} modified`
          : d.state === 'error'
            ? (d.message ?? '')
            : d.state === 'missing'
              ? 'run `lineage checkout` to restore'
              : '';
      const recorded = d.state === 'error' ? '—' : `${d.files} files, ${formatBytes(d.size)}`;
      return [d.path, d.state, recorded, detail];
    });
    io.out.write(renderTable(['DATASET', 'STATE', 'RECORDED', 'CHANGES'], rows));
    for (const d of result.datasets) {
      for (const c of d.changes ?? []) {
        const mark = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
        io.out.write(`  ${mark} ${c.path ? `${d.path}/${c.path}` : d.path}${c.type === 'dir' ? '/' : ''}\n`);
      }
    }
  }
  return result.datasets.some((d) => d.state === 'error') ? 1 : 0;
}
