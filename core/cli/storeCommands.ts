import * as path from 'node:path';
import { addPaths } from '../datasets/add';
import { checkout } from '../datasets/checkout';
import { fsck } from '../datasets/fsck';
import { gc } from '../datasets/gc';
import { unprotect } from '../datasets/unprotect';
import { LineageError } from '../errors';
import { requireRepo } from '../repo';
import { formatBytes } from '../util/format';
import type { Io } from './commands';
import { progressLine } from './progress';

/** Abort on Ctrl-C: the operation stops, cleans up its staging and leaves the store as it was. */
function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInt = (): void => controller.abort(new LineageError('interrupted'));
  process.once('SIGINT', onInt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInt) };
}

export async function addCommand(io: Io, targets: string[]): Promise<number> {
  const repo = requireRepo(io.cwd);
  const bar = progressLine(io.err);
  const { signal, dispose } = interruptible();
  try {
    const started = Date.now();
    const results = await addPaths(
      repo,
      targets.map((t) => path.resolve(io.cwd, t)),
      {
        onProgress: (name, p) => bar.update(`Adding ${name}`, p.files, p.totalFiles, p.bytes, p.totalBytes),
        signal,
      },
    );
    bar.done();
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    for (const r of results) {
      const files = r.pointer.type === 'dir' ? `${r.pointer.files} files, ` : '';
      const fresh = r.hashedFiles === r.pointer.files ? '' : `, ${r.hashedFiles} read`;
      io.out.write(`Added ${r.path} (${files}${formatBytes(r.pointer.size)}${fresh}) → ${r.pointerFile}\n`);
    }
    io.out.write(
      `Done in ${seconds} s. Commit the .lineage pointer files (and .gitignore) with git to pin these versions.\n`,
    );
    return 0;
  } finally {
    bar.done();
    dispose();
  }
}

export async function checkoutCommand(
  io: Io,
  paths: string[],
  opts: { version?: string; force?: boolean },
): Promise<number> {
  const repo = requireRepo(io.cwd);
  const bar = progressLine(io.err);
  const results = await checkout(repo, {
    paths: paths.map((p) => path.resolve(io.cwd, p)),
    version: opts.version,
    force: opts.force,
    onProgress: (name, done, total) => bar.update(`Checking out ${name}`, done, total, done, total),
  });
  bar.done();
  for (const r of results) {
    const changed = r.added + r.removed + r.modified;
    io.out.write(
      changed === 0
        ? `${r.path}: up to date\n`
        : `${r.path}: ${r.added} added, ${r.removed} removed, ${r.modified} modified\n`,
    );
    if (r.differsFromPointer) {
      io.out.write(`${r.path} now differs from its pointer; \`lineage add ${r.path}\` pins this version.\n`);
    }
  }
  return 0;
}

export async function unprotectCommand(io: Io, paths: string[]): Promise<number> {
  const repo = requireRepo(io.cwd);
  const n = await unprotect(
    repo,
    paths.map((p) => path.resolve(io.cwd, p)),
  );
  io.out.write(`${n} file(s) made independent and writable.\n`);
  return 0;
}

export async function gcCommand(
  io: Io,
  opts: { allCommits?: boolean; branches?: boolean; force?: boolean; json?: boolean },
): Promise<number> {
  const repo = requireRepo(io.cwd);
  const history = opts.allCommits ? 'all-commits' : opts.branches ? 'branches' : null;
  const result = await gc(repo, { history, force: opts.force === true });
  for (const p of result.problems) io.err.write(`lineage: ${p.file}: ${p.message}\n`);
  if (opts.json) {
    io.out.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    const shown = result.unreferenced.slice(0, 20);
    for (const o of shown) io.out.write(`  ${o.hash}  ${formatBytes(o.size)}\n`);
    if (result.unreferenced.length > shown.length) {
      io.out.write(`  … and ${result.unreferenced.length - shown.length} more (--json lists them all)\n`);
    }
    const what = `${result.unreferenced.length} unreferenced object(s), ${formatBytes(result.bytes)}`;
    const scope = history
      ? ` (keeping what ${history === 'branches' ? 'branch tips' : 'any commit'} reference)`
      : '';
    if (result.deleted) io.out.write(`Deleted ${what}${scope}; kept ${result.kept}.\n`);
    else if (opts.force) io.out.write(`Deleted nothing: fix the problems above first (${what} would go).\n`);
    else io.out.write(`Would delete ${what}${scope}; kept ${result.kept}. Run with --force to delete.\n`);
  }
  return result.problems.length > 0 ? 1 : 0;
}

export async function fsckCommand(io: Io, opts: { json?: boolean }): Promise<number> {
  const repo = requireRepo(io.cwd);
  const bar = progressLine(io.err);
  const result = await fsck(repo, (done, total) => bar.update('Checking objects', done, total, done, total));
  bar.done();
  if (opts.json) io.out.write(JSON.stringify(result, null, 2) + '\n');
  else {
    for (const issue of result.issues) io.out.write(`${issue.kind}: ${issue.target}: ${issue.message}\n`);
    io.out.write(
      `Checked ${result.objects} objects (${formatBytes(result.bytes)}): ` +
        (result.issues.length === 0 ? 'all sound.\n' : `${result.issues.length} problem(s).\n`),
    );
  }
  return result.issues.length === 0 ? 0 : 1;
}
