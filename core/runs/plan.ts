import * as path from 'node:path';
import { parse as parseShell } from 'shell-quote';
import { readConfig, type Experiment } from '../config';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import type { CaptureRule } from './capture';
import { parseOverrides, readParamsFiles, type Params } from './params';

/** What the user asked to run: a command, an experiment of lineage.yaml, or both. */
export interface RunRequest {
  /** The command after `--`; replaces the experiment's command when both are given. */
  command: string[];
  experiment?: string;
  /** `key=value` overrides (`--set`). */
  set?: string[];
  /** Where the command runs when no experiment says otherwise (absolute). */
  cwd: string;
}

/** Everything the recorder needs to start a run. */
export interface RunPlan {
  argv: string[];
  /** Absolute working directory. */
  cwd: string;
  experiment?: string;
  params: Params;
  overrides: Params;
  paramsFiles: string[];
  /** Datasets to record as inputs (data paths), or undefined for every tracked dataset. */
  inputs?: string[];
  outputs: string[];
  capture?: CaptureRule;
  /** The main metric, if the experiment names one. */
  metric?: string;
}

/**
 * Resolve a run request against lineage.yaml: the experiment's command (split like a shell would;
 * through `sh -c` when it uses pipes, `&&` or redirections), working directory, params files with
 * the overrides applied on top, inputs, outputs and stdout capture.
 */
export async function planRun(repo: Repo, request: RunRequest): Promise<RunPlan> {
  const root = repo.root;
  const overrides = parseOverrides(request.set ?? []);
  let experiment: Experiment | undefined;
  if (request.experiment !== undefined) {
    const config = await readConfig(repo);
    experiment = config.experiments[request.experiment];
    if (!experiment) {
      const names = Object.keys(config.experiments);
      throw new LineageError(
        `no experiment '${request.experiment}' in lineage.yaml (${names.length > 0 ? `it has: ${names.join(', ')}` : 'it defines none under experiments:'})`,
        repo.config,
      );
    }
  }
  const argv =
    request.command.length > 0 ? request.command : experiment ? commandArgv(experiment.command) : [];
  if (argv.length === 0) {
    throw new LineageError(
      'no command given: use `lineage run -- <command> [args...]` or `--experiment <name>`',
    );
  }
  const cwd = experiment ? path.resolve(root, experiment.cwd) : request.cwd;
  const rel = path.relative(root, cwd);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new LineageError(`the working directory is outside the repository ${root}`, cwd);
  }
  const paramsFiles = experiment?.params ?? [];
  const params = { ...(await readParamsFiles(repo, paramsFiles)), ...overrides };
  return {
    argv,
    cwd,
    ...(request.experiment !== undefined && { experiment: request.experiment }),
    params,
    overrides,
    paramsFiles,
    ...(experiment?.inputs && { inputs: experiment.inputs }),
    outputs: experiment?.outputs ?? [],
    ...(experiment?.capture && { capture: experiment.capture }),
    ...(experiment?.metric !== undefined && { metric: experiment.metric }),
  };
}

/** argv of an experiment's command: a list as is; a string split like a shell, or run by `sh -c`. */
export function commandArgv(command: string | string[]): string[] {
  if (Array.isArray(command)) return command;
  const parts = parseShell(command, (name) => `$${name}`);
  const plain = parts.every((p): p is string => typeof p === 'string');
  return plain && !command.includes('$') ? parts : ['/bin/sh', '-c', command];
}
