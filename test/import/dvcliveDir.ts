// A DVCLive output folder as DVCLive writes it, shared by the core and CLI tests.
import * as path from 'node:path';
import { dvcliveTsv, writeFile } from './fixtures';

export const D0 = 1764072000000;

/**
 * A DVCLive folder after 10 steps of `Live()`: train/loss logged with timestamp=True, train/acc
 * without (DVCLive 3's default), val/loss with a NaN, a 1,000-step lr history, a metric logged with
 * plot=False (metrics.json only), a string metric, params.yaml, dvc.yaml and an HTML report.
 */
export function writeDvclive(dir: string): void {
  const steps = Array.from({ length: 10 }, (_, i) => i);
  dvcliveTsv(
    dir,
    'train/loss',
    steps.map((i) => ({ timestamp: D0 + i * 1000, step: i, value: 1 / (i + 2) })),
  );
  dvcliveTsv(
    dir,
    'train/acc',
    steps.map((i) => ({ step: i, value: i / 10 })),
  );
  dvcliveTsv(
    dir,
    'val/loss',
    steps.map((i) => ({ timestamp: D0 + i * 1000 + 500, step: i, value: i === 9 ? NaN : 2 / (i + 2) })),
  );
  dvcliveTsv(
    dir,
    'lr',
    Array.from({ length: 1000 }, (_, i) => ({ step: i, value: 0.1 * 0.99 ** i })),
  );
  dvcliveTsv(dir, 'phase', [
    { step: 0, value: 'warmup' },
    { step: 1, value: 0.5 },
  ]);
  writeFile(
    path.join(dir, 'metrics.json'),
    // json.dump(indent=4) writes NaN bare.
    JSON.stringify(
      { train: { loss: 1 / 11, acc: 0.9 }, val: { loss: 'NAN' }, best_epoch: 7, step: 9 },
      null,
      4,
    ).replace('"NAN"', 'NaN'),
  );
  writeFile(
    path.join(dir, 'params.yaml'),
    'lr: 0.1\nepochs: 10\noptimizer:\n  name: adam\n  betas:\n  - 0.9\n  - 0.999\nuse_amp: true\n',
  );
  writeFile(
    path.join(dir, 'dvc.yaml'),
    'metrics:\n- metrics.json\nplots:\n- plots/metrics:\n    x: step\nparams:\n- params.yaml\n',
  );
  writeFile(path.join(dir, 'report.html'), '<html>report</html>');
}
