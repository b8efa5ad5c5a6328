import { closeSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { LineageError } from '../errors';
import { requireRepo, type Repo } from '../repo';
import { withRepoLock } from '../store/lock';
import { probeEnvironment } from '../runs/environment';
import { commandLabel } from '../runs/execute';
import { createRunFolder, json } from '../runs/folder';
import { newRunId, runDir, runFile } from '../runs/layout';
import { finishRun, startHeader } from '../runs/lifecycle';
import { flattenParams, type Params } from '../runs/params';
import type { RunPlan } from '../runs/plan';
import type { RunEnd } from '../runs/record';
import { writeFileAtomic } from '../util/atomicWrite';

export interface InitOptions {
  /** The script's params (defaults): what Lineage launched the run with overrides them. */
  params?: Record<string, unknown>;
  name?: string;
  experiment?: string;
  tags?: Record<string, string>;
  /** The repository (standalone runs): found from the working directory by default. */
  repo?: string;
}

/**
 * A run seen from the code that trains: log metrics, params, tags, artifacts and images, like the
 * Python client (`clients/python`). Under `lineage run` it appends to the recorder's stream
 * ($LINEAGE_METRICS) and the recorder does the rest; on its own it records a complete run itself
 * (header, environment, and at `finish` the stored artifacts and the status).
 */
export class LineageRun {
  private fd: number;
  private nextStep = 0;
  private finished = false;

  private constructor(
    readonly id: string,
    /** Params flattened to dotted keys: the script's defaults with the launch's values over them. */
    readonly params: Params,
    private readonly metricsFile: string,
    /** Set for a standalone run: what `finish` needs to write its status. */
    private readonly standalone: { repo: Repo; plan: RunPlan } | null,
  ) {
    this.fd = openSync(metricsFile, 'a');
  }

  /** Start logging: join the run Lineage launched, or record a new one in the repository. */
  static async init(options: InitOptions = {}): Promise<LineageRun> {
    const defaults = flattenParams(options.params ?? {}, 'init({ params })');
    const launched = process.env.LINEAGE_METRICS;
    if (launched && process.env.LINEAGE_RUN_ID) {
      const given = JSON.parse(process.env.LINEAGE_PARAMS ?? '{}') as Params;
      const run = new LineageRun(process.env.LINEAGE_RUN_ID, { ...defaults, ...given }, launched, null);
      run.write({ params: run.params, ...(options.tags && { tags: options.tags }) });
      return run;
    }
    const repo = requireRepo(options.repo ?? process.cwd());
    const id = newRunId();
    const plan: RunPlan = {
      argv: process.argv,
      cwd: process.cwd(),
      ...(options.experiment !== undefined && { experiment: options.experiment }),
      params: defaults,
      overrides: {},
      paramsFiles: [],
      outputs: [],
    };
    const warn = (message: string): void => void process.stderr.write(`lineage: warning: ${message}\n`);
    const name = options.name ?? options.experiment ?? commandLabel(process.argv.slice(1));
    await withRepoLock(repo, 'start a run', async () => {
      const header = await startHeader(repo, plan, id, { name, tags: options.tags, pid: process.pid }, warn);
      await createRunFolder(repo, header);
    });
    const env = await probeEnvironment([], process.env, plan.cwd);
    await writeFileAtomic(path.join(runDir(repo, id), 'environment.json'), json(env));
    return new LineageRun(id, defaults, runFile(repo, id, 'metrics'), { repo, plan });
  }

  /** Log metric values (nested objects flatten to `a/b`) at `step`, or the step after the last. */
  log(values: Record<string, unknown>, step?: number): void {
    if (step !== undefined && !(Number.isInteger(step) && step >= 0)) {
      throw new LineageError(`step must be a non-negative integer, not ${step}`);
    }
    const at = step ?? this.nextStep;
    this.nextStep = at + 1;
    this.write({ step: at, time: Date.now() / 1000, ...values });
  }

  /** A file or folder to store with the run when it ends (relative to the working directory). */
  logArtifact(file: string, name?: string): void {
    this.write({ step: Math.max(0, this.nextStep - 1), artifact: { path: file, ...(name && { name }) } });
  }

  logImage(file: string, name?: string): void {
    this.write({ step: Math.max(0, this.nextStep - 1), image: { path: file, ...(name && { name }) } });
  }

  setTags(tags: Record<string, string>): void {
    this.write({ tags });
  }

  /** End the run. Standalone runs store their artifacts and write their status now. */
  async finish(status: 'finished' | 'failed' = 'finished'): Promise<RunEnd | null> {
    if (this.finished) return null;
    this.finished = true;
    closeSync(this.fd);
    if (!this.standalone) return null;
    const { repo, plan } = this.standalone;
    const exit = { code: status === 'finished' ? 0 : 1, signal: null, stopped: false };
    const warn = (message: string): void => void process.stderr.write(`lineage: warning: ${message}\n`);
    return withRepoLock(repo, 'finish a run', () => finishRun(repo, this.id, plan, exit, warn, true));
  }

  /** One stream line in one write, so concurrent writers never interleave inside a line. */
  private write(record: Record<string, unknown>): void {
    if (this.finished) throw new LineageError(`run ${this.id} has finished; start another with init()`);
    writeSync(this.fd, JSON.stringify(record) + '\n');
  }
}

/** Start logging (see LineageRun.init). */
export function init(options: InitOptions = {}): Promise<LineageRun> {
  return LineageRun.init(options);
}
