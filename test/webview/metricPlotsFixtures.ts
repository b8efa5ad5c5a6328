// Shared by the Metric Plots webview tests (metricPlots.*.test.ts): opening the view's real bundle
// (dist/webview/metricPlots.{js,css}) through ./harness.ts, answering its requests as the host does,
// generated training curves, and reading its canvas.
import { expect } from 'vitest';
import { downsample } from '../../core/runs/history';
import type { MetricPlotsToHost, PlotRun, PlotSeries } from '../../protocol/webview';
import { usePages, prng } from './fixtures';
import { openPanel, type OpenOptions, type PanelBundle, type PanelPage } from './harness';

export const METRIC_PLOTS: PanelBundle = { bundle: 'metricPlots', title: 'Lineage Metric Plots' };

export function usePlots(): (options: Omit<OpenOptions, 'panel'>) => Promise<PanelPage> {
  return usePages((browser, options: Omit<OpenOptions, 'panel'>) =>
    openPanel(browser, { viewport: { width: 1000, height: 420 }, ...options, panel: METRIC_PLOTS }),
  );
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const START = Date.UTC(2026, 10, 25, 9, 0, 0) / 1000;

/** `count` runs with lowercase ULID-like ids, the newest first. */
export function plotRuns(count: number, running = 0): PlotRun[] {
  const random = prng(7);
  return Array.from({ length: count }, (_, i) => {
    let id = String(i).padStart(10, '0');
    for (let k = 0; k < 16; k++) id += CROCKFORD.charAt(Math.floor(random() * 32));
    return { id, name: `run-${String(i + 1).padStart(3, '0')}`, running: i < running };
  });
}

/** A noisy decaying loss curve of `steps` points, one per second from the run's start. */
export function lossCurve(
  run: number,
  steps: number,
): { steps: number[]; times: number[]; values: number[] } {
  const random = prng(1000 + run);
  const rate = 0.0004 + (run % 10) * 0.00005;
  const floor = 0.05 + (run % 7) * 0.02;
  const out = {
    steps: new Array<number>(steps),
    times: new Array<number>(steps),
    values: new Array<number>(steps),
  };
  for (let i = 0; i < steps; i++) {
    out.steps[i] = i;
    out.times[i] = START + run * 60 + i * (0.8 + (run % 5) * 0.1);
    out.values[i] = floor + 2.3 * Math.exp(-rate * i) * (1 + 0.25 * (random() - 0.5)) + 0.02 * random();
  }
  return out;
}

/** One run's series as the server sends it: downsampled to `buckets` over `range` on `x`. */
export function seriesFor(
  id: string,
  run: number,
  steps: number,
  buckets: number,
  x: 'step' | 'relative' | 'wall' = 'step',
  range?: [number, number],
): PlotSeries {
  const c = lossCurve(run, steps);
  const start = START + run * 60;
  const xs = x === 'step' ? c.steps : c.times.map((t) => (x === 'relative' ? t - start : t));
  const d = downsample(xs, c.values, buckets, range);
  const count = range ? xs.filter((v) => v >= range[0] && v <= range[1]).length : xs.length;
  return { id, start, x: [...d.x], y: [...d.y], min: [...d.min], max: [...d.max], count };
}

/** The history requests the view posted so far. */
export async function historyRequests(
  p: PanelPage,
): Promise<Extract<MetricPlotsToHost, { type: 'history' }>[]> {
  return (await p.posted()).filter(
    (m): m is Extract<MetricPlotsToHost, { type: 'history' }> => (m as { type?: string }).type === 'history',
  );
}

/** Wait for the view's next history request (after `seen` of them) and return it. */
export async function nextRequest(
  p: PanelPage,
  seen: number,
): Promise<Extract<MetricPlotsToHost, { type: 'history' }>> {
  await expect.poll(async () => (await historyRequests(p)).length, { timeout: 5_000 }).toBeGreaterThan(seen);
  return (await historyRequests(p)).at(-1)!;
}

/** How many times uPlot has drawn. */
export async function drawCount(p: PanelPage): Promise<number> {
  return Number((await p.page.locator('#root').getAttribute('data-drawn')) ?? 0);
}

/** Non-transparent pixels of the plot canvas and a checksum of them (changes when the drawing does). */
export async function canvasPixels(p: PanelPage): Promise<{ inked: number; sum: number }> {
  return p.page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.plot canvas');
    if (!canvas) return { inked: 0, sum: 0 };
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] as number) === 0) continue;
      inked++;
      sum =
        (sum + (i / 4) * ((data[i] as number) + 3 * (data[i + 1] as number) + 7 * (data[i + 2] as number))) %
        1e12;
    }
    return { inked, sum };
  });
}

/** Open the view, give it `runs`, and answer its first request with `series(request)`. */
export async function plotted(
  open: (o: Omit<OpenOptions, 'panel'>) => Promise<PanelPage>,
  options: Omit<OpenOptions, 'panel'>,
  runs: PlotRun[],
  steps: number,
): Promise<PanelPage> {
  const p = await open(options);
  await p.send({ type: 'runs', runs });
  const req = await nextRequest(p, 0);
  expect(req.ids).toEqual(runs.map((r) => r.id));
  await sendJson(p, {
    type: 'history',
    seq: req.seq,
    metric: 'loss',
    metrics: ['acc', 'loss', 'lr'],
    series: runs.map((r, i) => seriesFor(r.id, i, steps, req.buckets, req.x, req.range)),
  });
  await expect.poll(() => drawCount(p)).toBeGreaterThan(0);
  return p;
}

/** Deliver a large host message as JSON text (structured arguments of that size are slow to pass). */
export async function sendJson(p: PanelPage, message: unknown): Promise<void> {
  await p.page.evaluate((json) => {
    window.dispatchEvent(
      new MessageEvent('message', { data: JSON.parse(json) as unknown, origin: window.origin }),
    );
  }, JSON.stringify(message));
}
