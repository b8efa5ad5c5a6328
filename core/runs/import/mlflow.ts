import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LineageError } from '../../errors';
import type { Repo } from '../../repo';
import { experimentMetaSchema, readMeta, readMlflowRun, runMetaSchema } from './mlflowRun';
import { importedSources, requireDir, skippedFor, writeImportedRun, type ImportReport } from './shared';

/** Folders of an experiment that are not runs (FileStore's reserved names; `models` in MLflow 3). */
const NOT_RUNS = new Set(['tags', 'datasets', 'traces', 'models']);
/** Folders of the store root that are not experiments: the model registry. */
const NOT_EXPERIMENTS = new Set(['models']);

interface Experiment {
  id: string;
  name: string;
  dir: string;
  /** Why its runs are not imported, when it is deleted. */
  deleted?: string;
}

/**
 * Import an MLflow file store (an `mlruns` folder): every run of every experiment becomes a Lineage
 * run (see writeImportedRun), except runs already imported (same MLflow run id), deleted runs and
 * experiments (`lifecycle_stage: deleted`, or moved to `.trash`), and runs that cannot be read, which
 * are reported with the file and line. One bad run never stops the others.
 */
export async function importMlflow(repo: Repo, dir: string): Promise<ImportReport> {
  const root = path.resolve(dir);
  await requireDir(root, 'MLflow');
  const report: ImportReport = { tool: 'mlflow', from: root, imported: [], present: [], skipped: [] };
  const present = await importedSources(repo);
  const experiments: Experiment[] = [];
  const notExperiments: string[] = [];
  let found = 0;
  for (const name of await subfolders(root)) {
    if (name === '.trash') {
      for (const trashed of await subfolders(path.join(root, name))) {
        const exp = await readExperiment(path.join(root, name, trashed), report);
        if (exp) experiments.push({ ...exp, deleted: `experiment '${exp.name}' is deleted (in .trash)` });
      }
      continue;
    }
    const expDir = path.join(root, name);
    if (!(await exists(path.join(expDir, 'meta.yaml')))) {
      // Hidden folders and the model registry are not experiments.
      if (!name.startsWith('.') && !NOT_EXPERIMENTS.has(name)) notExperiments.push(expDir);
      continue;
    }
    found++;
    const exp = await readExperiment(expDir, report);
    if (exp) experiments.push(exp);
  }
  if (found === 0) throw new LineageError('not an MLflow file store: no <experiment>/meta.yaml in it', root);
  for (const dir of notExperiments) {
    report.skipped.push({ path: dir, reason: 'not an MLflow experiment (no meta.yaml)', problem: true });
  }
  for (const exp of experiments) {
    for (const name of await subfolders(exp.dir)) {
      if (!NOT_RUNS.has(name)) await importRun(repo, exp, path.join(exp.dir, name), present, report);
    }
  }
  return report;
}

async function readExperiment(dir: string, report: ImportReport): Promise<Experiment | null> {
  try {
    const meta = await readMeta(path.join(dir, 'meta.yaml'), experimentMetaSchema, 'experiment meta.yaml');
    const id = String(meta.experiment_id);
    const deleted = meta.lifecycle_stage === 'deleted' ? `experiment '${meta.name}' is deleted` : undefined;
    return { id, name: meta.name, dir, ...(deleted && { deleted }) };
  } catch (err) {
    report.skipped.push(skippedFor(err, dir));
    return null;
  }
}

async function importRun(
  repo: Repo,
  exp: Experiment,
  runDir: string,
  present: Map<string, string>,
  report: ImportReport,
): Promise<void> {
  let sourceId = path.basename(runDir);
  try {
    const meta = await readMeta(path.join(runDir, 'meta.yaml'), runMetaSchema, 'run meta.yaml');
    sourceId = meta.run_id ?? meta.run_uuid ?? sourceId;
    if (String(meta.experiment_id) !== exp.id) {
      throw new LineageError(
        `run meta.yaml: experiment_id '${meta.experiment_id}' is not the experiment it is in ('${exp.id}')`,
        path.join(runDir, 'meta.yaml'),
      );
    }
    const deleted =
      exp.deleted ?? (meta.lifecycle_stage === 'deleted' ? 'run is deleted in MLflow' : undefined);
    if (deleted) {
      report.skipped.push({ path: runDir, sourceId, reason: deleted, problem: false });
      return;
    }
    const existing = present.get(`mlflow:${sourceId}`);
    if (existing) {
      report.present.push({ id: existing, sourceId });
      return;
    }
    const run = await readMlflowRun(runDir, meta, sourceId, exp.name);
    const { id, notes } = await writeImportedRun(repo, run);
    present.set(`mlflow:${sourceId}`, id);
    report.imported.push({ id, sourceId, name: run.header.name, notes });
  } catch (err) {
    report.skipped.push(skippedFor(err, runDir, sourceId));
  }
}

/** Names of the folders in `dir`, sorted. */
async function subfolders(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
