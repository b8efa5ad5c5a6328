import { LineageError } from '../errors';
import { requireRepo } from '../repo';
import { recordRun } from '../runs/execute';
import type { Io } from './commands';

export interface RunFlags {
  experiment?: string;
  set: string[];
  name?: string;
  tag: string[];
  id?: string;
}

/** `lineage run`: record a command or an experiment; exits with the command's status. */
export async function runCommand(io: Io, command: string[], flags: RunFlags): Promise<number> {
  const repo = requireRepo(io.cwd);
  const outcome = await recordRun(
    repo,
    { command, experiment: flags.experiment, set: flags.set, cwd: io.cwd },
    { name: flags.name, id: flags.id, tags: parseTags(flags.tag), stdout: io.out, stderr: io.err },
  );
  io.err.write(`lineage: run ${outcome.id} ${outcome.end.status}\n`);
  return outcome.exitStatus;
}

function parseTags(items: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new LineageError(`--tag ${item}: expected key=value`);
    tags[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return tags;
}
