// Runs for the Run Compare webview tests: a small realistic set, and a big generated one.
import type { RunSummary } from '../../protocol/runs';
import { openPanel, RUN_COMPARE, type OpenOptions, type PanelPage } from './harness';
import { prng, usePages } from './fixtures';

/** `usePages` for the Run Compare panel. */
export function useCompare(): (options: Omit<OpenOptions, 'panel'>) => Promise<PanelPage> {
  return usePages((browser, options: Omit<OpenOptions, 'panel'>) =>
    openPanel(browser, { viewport: { width: 1180, height: 760 }, ...options, panel: RUN_COMPARE }),
  );
}

const HASH = (c: string): string => c.repeat(64);

function run(over: Partial<RunSummary> & Pick<RunSummary, 'id' | 'name'>): RunSummary {
  return {
    status: 'finished',
    command: ['python', 'train.py'],
    commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    branch: 'main',
    dirty: false,
    startedAt: '2026-11-25T09:00:00.000Z',
    endedAt: '2026-11-25T09:10:00.000Z',
    durationMs: 600_000,
    exitCode: 0,
    metrics: {},
    lastStep: 10,
    ...over,
  };
}

/** Four runs of a sweep: lr and optimizer vary, batch does not; one read other data and was dirty. */
export const SWEEP: RunSummary[] = [
  run({
    id: '01jq0000000000000000baseaa',
    name: 'baseline',
    params: { lr: 0.1, batch: 32, optimizer: 'adam', layers: 2 },
    metrics: { acc: 0.81, loss: 0.52 },
    metricsMin: { acc: 0.2, loss: 0.52 },
    metricsMax: { acc: 0.81, loss: 2.3 },
    tags: { team: 'vision' },
    inputs: { 'data/train': HASH('a') },
  }),
  run({
    id: '01jq0000000000000000lrsmbb',
    name: 'small-lr',
    params: { lr: 0.01, batch: 32, optimizer: 'adam', layers: 4 },
    metrics: { acc: 0.88, loss: 0.31 },
    metricsMin: { acc: 0.25, loss: 0.31 },
    metricsMax: { acc: 0.88, loss: 2.2 },
    tags: { team: 'vision' },
    inputs: { 'data/train': HASH('a') },
  }),
  run({
    id: '01jq0000000000000000sgdmcc',
    name: 'sgd-new-data',
    status: 'failed',
    exitCode: 1,
    commit: 'ffeeddccbbaa99887766554433221100ffeeddcc',
    dirty: true,
    params: { lr: 0.01, batch: 32, optimizer: 'sgd', layers: 4 },
    metrics: { acc: 0.74, loss: 0.66 },
    metricsMin: { acc: 0.1, loss: 0.66 },
    metricsMax: { acc: 0.74, loss: 2.4 },
    tags: { team: 'vision', note: 'new data' },
    inputs: { 'data/train': HASH('b') },
  }),
  run({
    id: '01jq0000000000000000tinydd',
    name: 'tiny',
    params: { lr: 0.001, batch: 32, optimizer: 'adam', layers: 1 },
    metrics: { acc: 0.65, loss: 0.9 },
    metricsMin: { acc: 0.3, loss: 0.9 },
    metricsMax: { acc: 0.65, loss: 2.1 },
    tags: { team: 'vision' },
    inputs: { 'data/train': HASH('a') },
  }),
];

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** `runs` runs with `keys` params (half of them differing) and 20 metrics each. */
export function bigComparison(runs: number, keys: number): RunSummary[] {
  const random = prng(11);
  return Array.from({ length: runs }, (_, i) => {
    let id = String(i).padStart(10, '0');
    for (let k = 0; k < 16; k++) id += CROCKFORD.charAt(Math.floor(random() * 32));
    const params: Record<string, number | string> = {};
    for (let k = 0; k < keys; k++) {
      const key = `group${k % 10}.param${String(k).padStart(3, '0')}`;
      params[key] =
        k % 2 === 0
          ? k
          : k % 3 === 0
            ? ['adam', 'sgd', 'rmsprop'][i % 3]!
            : Math.round(random() * 1000) / 1000;
    }
    const metrics: Record<string, number> = {};
    for (let m = 0; m < 20; m++) metrics[`metric${m}`] = random();
    return run({ id, name: `run-${String(i + 1).padStart(3, '0')}`, params, metrics });
  });
}

/** The table's rows as text: key and cell texts, only rows that are displayed. */
export function visibleRows(p: PanelPage): Promise<string[][]> {
  return p.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.grid .row:not(.head):not(.section)')]
      .filter((row) => getComputedStyle(row).display !== 'none')
      .map((row) => [...row.querySelectorAll<HTMLElement>('.cell')].map((c) => c.textContent?.trim() ?? '')),
  );
}
