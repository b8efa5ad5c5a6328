import { Command, CommanderError } from 'commander';
import { LineageError, errorMessage } from '../errors';
import { diffCommand, logCommand } from './diffCommands';
import { initCommand, statusCommand, type Io } from './commands';
import { runsCommand, type RunsFlags } from './queryCommands';
import { showCommand, type ShowFlags } from './showCommand';
import { reproduceCommand, runCommand, type ReproduceFlags, type RunFlags } from './runCommands';
import { registerImportCommands } from './importCommands';
import { addCommand, checkoutCommand, fsckCommand, gcCommand, unprotectCommand } from './storeCommands';

declare const LINEAGE_VERSION: string;

/** Commander's accumulator for repeatable options. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Parse `argv` (without node and script), run the command, and return the exit status. */
export async function main(argv: string[], io: Io): Promise<number> {
  let status = 0;
  const program = new Command('lineage')
    .description(
      'Experiment tracking and data versioning: content-addressed datasets linked to git and runs.',
    )
    .version(typeof LINEAGE_VERSION === 'string' ? LINEAGE_VERSION : 'dev')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'lineage: ')),
    });

  program
    .command('init')
    .description('set up Lineage here: .lineage/, a commented lineage.yaml and .gitignore entries')
    .action(async () => {
      status = await initCommand(io);
    });
  program
    .command('add')
    .description('hash files or folders into the store and write <path>.lineage pointer files')
    .argument('<paths...>', 'files or folders to track')
    .action(async (paths: string[]) => {
      status = await addCommand(io, paths);
    });
  program
    .command('status')
    .description('compare each tracked dataset with its pointer: clean, modified or missing')
    .option('--json', 'machine-readable output')
    .option('--files', 'list the added, removed and modified files')
    .action(async (opts: { json?: boolean; files?: boolean }) => {
      status = await statusCommand(io, opts.json === true, opts.files === true);
    });
  program
    .command('checkout')
    .description('make the workspace match the pointer files (or one dataset a given version)')
    .argument('[paths...]', 'datasets to check out (all by default)')
    .option('--version <hash>', 'put this version (hash or unique prefix) in place instead')
    .option('--force', 'overwrite or delete files whose content is not saved in the store')
    .action(async (paths: string[], opts: { version?: string; force?: boolean }) => {
      status = await checkoutCommand(io, paths, opts);
    });
  program
    .command('unprotect')
    .description('turn hardlinked or symlinked files back into independent, writable copies')
    .argument('<paths...>', 'files or folders')
    .action(async (paths: string[]) => {
      status = await unprotectCommand(io, paths);
    });
  program
    .command('gc')
    .description('remove objects no pointer references (a dry run unless --force)')
    .option('--branches', 'also keep objects referenced at the tip of any local branch')
    .option('--all-commits', 'also keep objects referenced by any commit')
    .option('--force', 'delete (default: only report)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { branches?: boolean; allCommits?: boolean; force?: boolean; json?: boolean }) => {
      status = await gcCommand(io, opts);
    });
  program
    .command('fsck')
    .description('re-hash every object, check every tree, quarantine corrupt objects')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      status = await fsckCommand(io, opts);
    });
  program
    .command('log')
    .description('each version of a dataset through git history, with the runs that used it')
    .argument('<path>', 'a dataset (data path or pointer file)')
    .option('--json', 'machine-readable output')
    .option('--limit <n>', 'at most this many commits')
    .action(async (target: string, opts: { json?: boolean; limit?: string }) => {
      status = await logCommand(io, target, opts);
    });
  program
    .command('diff')
    .description(
      'what changed in the data between two revisions (commits, branches, tags, runs or `workspace`); HEAD against the workspace by default',
    )
    .argument(
      '[args...]',
      '[<rev-a> [<rev-b>]] [--] [<path>…]; a table file (CSV, TSV, JSON lines, Parquet) shows its rows',
    )
    .option('--json', 'machine-readable output')
    .option('--key <columns>', 'table diff: match rows on these key columns (comma-separated)')
    .option('--offset <n>', 'table diff: first changed row to show', '0')
    .option('--limit <n>', 'table diff: changed rows to show', '20')
    .action(
      async (args: string[], opts: { json?: boolean; key?: string; offset?: string; limit?: string }) => {
        status = await diffCommand(io, args, opts);
      },
    );
  program
    .command('run')
    .description(
      'run a command (or an experiment of lineage.yaml) as a recorded run: code, params, data, environment, metrics, outputs',
    )
    .argument('[command...]', 'the command and its arguments, after --')
    .option('-e, --experiment <name>', 'launch this experiment of lineage.yaml')
    .option('-s, --set <key=value>', 'override a param (repeatable): --set lr=0.01', collect, [])
    .option('--name <name>', 'a name for the run (default: the experiment or script name)')
    .option('--tag <key=value>', 'tag the run (repeatable)', collect, [])
    .option('--id <ulid>', 'use this run id (a new lowercase ULID; the editor picks its own)')
    .passThroughOptions()
    .action(async (command: string[], opts: RunFlags) => {
      status = await runCommand(io, command, opts);
    });
  program
    .command('reproduce')
    .description(
      're-run a run from its recorded commit, uncommitted patch, dataset versions and params (in a git worktree) and compare its metrics',
    )
    .argument('<run>', 'run id, unique prefix, or name')
    .option('--tolerance <relative>', 'largest relative difference that counts as the same metric value', '0')
    .option('--keep', 'keep the worktree (.lineage/worktrees/<id>) afterwards')
    .option('--id <ulid>', 'the new run id (a new lowercase ULID; the editor picks its own)')
    .option('--json', 'machine-readable result')
    .action(async (rev: string, opts: ReproduceFlags) => {
      status = await reproduceCommand(io, rev, opts);
    });
  program
    .command('runs')
    .description('list recorded runs (newest first), with their params and metrics; filter and sort them')
    .option('--filter <expr>', "only runs matching, e.g. 'lr < 0.01 and acc > 0.9' (docs/queries.md)")
    .option('--sort <keys>', 'sort by these names, comma-separated; -name or name:desc for descending')
    .option('--limit <n>', 'at most this many runs')
    .option('--columns <names>', 'table columns, comma-separated (default: fields, then params and metrics)')
    .option('--json', 'machine-readable output: the full summaries')
    .action(async (opts: RunsFlags) => {
      status = await runsCommand(io, opts);
    });
  program
    .command('show')
    .description('everything about one run: command, code, params, data, environment, outputs, metrics, log')
    .argument('<run>', 'run id, its last 8 characters (or another unique part), or name (the newest)')
    .option('--lines <n>', 'lines of output.log to show', '10')
    .option('--json', 'machine-readable output')
    .action(async (run: string, opts: ShowFlags) => {
      status = await showCommand(io, run, opts);
    });

  registerImportCommands(program, io, (s) => (status = s));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof LineageError) {
      io.err.write(`lineage: ${err.message}\n`);
      return 1;
    }
    io.err.write(`lineage: ${errorMessage(err)}\n`);
    if (process.env.LINEAGE_DEBUG && err instanceof Error) io.err.write(`${err.stack}\n`);
    return 2;
  }
}
