// One MLflow file store with every case the importer handles, shared by the core and CLI tests.
import * as path from 'node:path';
import { mkdirSync } from 'node:fs';
import { mlflowExperiment, mlflowRun, py, writeFile } from './fixtures';

export const T0 = 1764072000000;
export const RUN_A = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const RUN_B = 'b0000000000000000000000000000001';
// Unquoted by PyYAML (no float in YAML 1.1), but a float to a YAML 1.2 reader.
export const RUN_C = '12e45670000000000000000000000002';
export const RUN_D = 'd0000000000000000000000000000003';
export const RUN_E = 'e0000000000000000000000000000004';
export const RUN_F = 'f0000000000000000000000000000005';
export const RUN_G = '90000000000000000000000000000006';
export const RUN_TRASHED = '70000000000000000000000000000007';
export const SWEEP = '123456789012345678';
export const COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** Lines of a 1,000-step history: loss = 1/(step+1), logged every 100 ms. */
export function lossLines(): string[] {
  return Array.from({ length: 1000 }, (_, i) => `${T0 + i * 100} ${py(1 / (i + 1))} ${i}`);
}

/**
 * `<root>/mlruns`: experiment 0 (Default) with run A (finished, slashes in param/metric/tag names,
 * 1,000 steps, NaN and inf); experiment SWEEP with runs B (failed, legacy 2-field metric lines),
 * C (RUNNING, no end), D (deleted), E (a metric line that does not parse), F (malformed meta.yaml),
 * G (status by name, two values at one step and time), experiment tags and datasets folders; a
 * deleted experiment in .trash and the model registry folder.
 */
export function writeMlflowStore(root: string): string {
  const mlruns = path.join(root, 'mlruns');
  mkdirSync(path.join(mlruns, '.trash'), { recursive: true });
  mkdirSync(path.join(mlruns, 'models'), { recursive: true });
  const exp0 = mlflowExperiment(mlruns, '0', 'Default');
  mlflowRun(exp0, '0', {
    id: RUN_A,
    name: 'bright-fox-42',
    status: 3,
    start: T0,
    end: T0 + 120_000,
    params: {
      lr: '0.001',
      batch_size: '32',
      optimizer: 'adam',
      'model/depth': '50',
      'model/name': 'resnet',
      seed_text: '007',
      dropout: '1e-05',
      use_amp: 'True',
      big: '12345678901234567890',
      empty: '',
    },
    tags: {
      'mlflow.runName': 'bright-fox-42',
      'mlflow.user': 'alice',
      'mlflow.source.name': 'train.py',
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.git.commit': COMMIT,
      'mlflow.note.content': 'first line\nsecond line',
      'team/owner': 'ml-platform',
    },
    metrics: {
      loss: lossLines(),
      lr: Array.from({ length: 1000 }, (_, i) => `${T0 + i * 100} ${py(0.001)} ${i}`),
      'val/acc': Array.from(
        { length: 10 },
        (_, k) => `${T0 + k * 10_000 + 50} ${py(k === 5 ? NaN : k / 10)} ${k * 100}`,
      ),
      grad_norm: [`${T0 + 7} ${py(2.5)} 0`, `${T0 + 107} ${py(Infinity)} 1`, `${T0 + 207} ${py(1.25)} 2`],
      step: [`${T0 + 3} 0.0 0`, `${T0 + 103} 1.0 1`],
    },
  });
  const sweep = mlflowExperiment(mlruns, SWEEP, 'resnet-sweep');
  writeFile(path.join(sweep, 'tags', 'mlflow.note.content'), 'a sweep');
  mkdirSync(path.join(sweep, 'datasets', 'abc'), { recursive: true });
  mlflowRun(sweep, SWEEP, {
    id: RUN_B,
    name: 'failing',
    status: 4,
    start: T0 + 1_000_000,
    end: T0 + 1_060_000,
    params: { lr: '0.1' },
    metrics: { loss: [`${T0 + 1_000_100} 2.5`, `${T0 + 1_000_200} 2.25`] },
  });
  mlflowRun(sweep, SWEEP, {
    id: RUN_C,
    status: 1,
    start: T0 + 2_000_000,
    end: null,
    tags: { 'mlflow.runName': 'still-running' },
    metrics: { loss: [`${T0 + 2_000_500} 0.5 0`, `${T0 + 2_009_000} 0.4 1`] },
  });
  mlflowRun(sweep, SWEEP, {
    id: RUN_D,
    name: 'deleted',
    status: 3,
    start: T0 + 3_000_000,
    end: T0 + 3_001_000,
    stage: 'deleted',
  });
  mlflowRun(sweep, SWEEP, {
    id: RUN_E,
    name: 'bad-metric',
    status: 3,
    start: T0 + 4_000_000,
    end: T0 + 4_001_000,
    metrics: { loss: [`${T0 + 4_000_001} 0.5 0`, `${T0 + 4_000_002} 0.4 1`, `${T0 + 4_000_003} abc 2`] },
  });
  const f = mlflowRun(sweep, SWEEP, { id: RUN_F, name: 'bad-meta', status: 3, start: T0, end: T0 });
  writeFile(
    path.join(f, 'meta.yaml'),
    `run_id: ${RUN_F}\nexperiment_id: '${SWEEP}'\nstatus: [3\nstart_time: 1\n`,
  );
  mlflowRun(sweep, SWEEP, {
    id: RUN_G,
    name: 'killed',
    status: 'KILLED',
    start: T0 + 5_000_000,
    end: T0 + 5_000_900,
    metrics: { acc: [`${T0 + 5_000_100} 0.7 3`, `${T0 + 5_000_100} 0.5 3`, `${T0 + 5_000_050} 0.9 3`] },
  });
  const trashed = mlflowExperiment(mlruns, '456', 'old', 'deleted', path.join(mlruns, '.trash'));
  mlflowRun(trashed, '456', { id: RUN_TRASHED, name: 'gone', status: 3, start: T0, end: T0 + 1 });
  return mlruns;
}

/** Fix run E's unparsable metric line. */
export function fixRunE(mlruns: string): void {
  writeFile(
    path.join(mlruns, SWEEP, RUN_E, 'metrics', 'loss'),
    [`${T0 + 4_000_001} 0.5 0`, `${T0 + 4_000_002} 0.4 1`, `${T0 + 4_000_003} 0.3 2`, ''].join('\n'),
  );
}
