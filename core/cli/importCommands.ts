import * as path from 'node:path';
import type { Command } from 'commander';
import { requireRepo } from '../repo';
import { importDvclive } from '../runs/import/dvclive';
import { importMlflow } from '../runs/import/mlflow';
import type { ImportReport } from '../runs/import/shared';
import { shortRunId } from '../util/format';
import type { Io } from './commands';

/** `lineage import mlflow [dir]` and `lineage import dvclive [dir]`; `setStatus` receives the exit status. */
export function registerImportCommands(program: Command, io: Io, setStatus: (status: number) => void): void {
  const group = program
    .command('import')
    .description(
      'import runs recorded by other tools as Lineage runs (re-importing skips runs already there)',
    );
  group
    .command('mlflow')
    .description('import the runs of an MLflow file store (an mlruns folder)')
    .argument('[dir]', 'the mlruns folder', 'mlruns')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const repo = requireRepo(io.cwd);
      setStatus(printReport(io, await importMlflow(repo, path.resolve(io.cwd, dir)), opts.json === true));
    });
  group
    .command('dvclive')
    .description('import a DVCLive output folder as one run')
    .argument('[dir]', 'the DVCLive folder', 'dvclive')
    .option('--name <name>', 'a name for the run (default: the folder path)')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, opts: { json?: boolean; name?: string }) => {
      const repo = requireRepo(io.cwd);
      setStatus(
        printReport(io, await importDvclive(repo, path.resolve(io.cwd, dir), opts.name), opts.json === true),
      );
    });
}

/** Print what an import did; the exit status is 1 when a run could not be read. */
export function printReport(io: Io, report: ImportReport, json: boolean): number {
  const problems = report.skipped.filter((s) => s.problem);
  if (json) {
    io.out.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    for (const run of report.imported) {
      io.out.write(`imported ${shortRunId(run.id)}  ${run.name}  (${report.tool} ${run.sourceId})\n`);
      for (const note of run.notes) io.out.write(`  note: ${note}\n`);
    }
    for (const s of report.skipped) {
      if (!s.problem) io.out.write(`skipped ${relative(io, s.path)}: ${s.reason}\n`);
    }
    io.out.write(
      `${report.imported.length} imported, ${report.present.length} already present, ${report.skipped.length} skipped` +
        (problems.length > 0 ? ` (${problems.length} could not be read)` : '') +
        '\n',
    );
  }
  for (const p of problems) io.err.write(`lineage: ${relative(io, p.path)}: ${p.reason}\n`);
  return problems.length > 0 ? 1 : 0;
}

function relative(io: Io, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}
