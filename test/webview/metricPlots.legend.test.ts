// The Metric Plots legend and hover tooltip in the view's real bundle (dist/webview/metricPlots.js)
// in Chromium: hiding and soloing runs (read back from the canvas pixels of each run's colour), the
// values at the cursor, the empty states and errors, and screenshots in every theme.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlotRun } from '../../protocol/webview';
import { runColor } from '../../webview-ui/shared/colors';
import { emaSmooth, formatValue, nearestIndex } from '../../webview-ui/metric-plots/plotMath';
import type { PanelPage } from './harness';
import { THEMES, type ThemeName } from './harness';
import { nextRequest, plotRuns, plotted, sendJson, seriesFor, usePlots } from './metricPlotsFixtures';

const open = usePlots();
const SHOTS = path.resolve(__dirname, '../../test-output/webview');

const rgbOf = (hex: string): number[] => [1, 3, 5].map((k) => Number.parseInt(hex.slice(k, k + 2), 16));
const distance = (a: number[], b: number[]): number => a.reduce((d, v, i) => d + Math.abs(v - b[i]!), 0);

/**
 * `count` runs whose colours can be told apart on the canvas: each far from the others and from any
 * blend of two others (where lines cross, antialiasing mixes their colours).
 */
function distinctRuns(count: number): PlotRun[] {
  const picked: PlotRun[] = [];
  const far = (c: number[], others: number[][]): boolean =>
    others.every((o) => distance(c, o) > 90) &&
    others.every((a) =>
      others.every((b) =>
        [0.2, 0.35, 0.5, 0.65, 0.8].every(
          (t) =>
            distance(
              c,
              a.map((v, i) => v * t + b[i]! * (1 - t)),
            ) > 60,
        ),
      ),
    );
  for (const r of plotRuns(200)) {
    const colors = picked.map((p) => rgbOf(runColor(p.id)));
    const c = rgbOf(runColor(r.id));
    if (far(c, colors) && colors.every((o) => far(o, [...colors.filter((x) => x !== o), c]))) picked.push(r);
    if (picked.length === count) return picked;
  }
  throw new Error(`no ${count} runs with colours far enough apart`);
}

/** Opaque canvas pixels of each colour (the lines; the faint bands are left out). */
async function pixelsOf(p: PanelPage, colors: string[]): Promise<number[]> {
  return p.page.evaluate((hexes) => {
    const canvas = document.querySelector<HTMLCanvasElement>('.plot canvas');
    if (!canvas) return hexes.map(() => 0);
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const rgb = hexes.map((h) => [1, 3, 5].map((k) => Number.parseInt(h.slice(k, k + 2), 16)));
    const counts = hexes.map(() => 0);
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] as number) < 200) continue;
      rgb.forEach(([r, g, b], k) => {
        const d =
          Math.abs((data[i] as number) - r!) +
          Math.abs((data[i + 1] as number) - g!) +
          Math.abs((data[i + 2] as number) - b!);
        if (d < 24) counts[k]! += 1;
      });
    }
    return counts;
  }, colors);
}

const entry = (p: PanelPage, id: string) => p.page.locator(`.legend li[data-id="${id}"] .entry`);

/** Move the mouse to a fraction of the plot area's width (and its middle height). */
async function hover(p: PanelPage, fraction: number): Promise<void> {
  const box = (await p.page.locator('.u-over').boundingBox())!;
  await p.page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
}

describe('Metric Plots legend and tooltip', () => {
  it('hides a run’s curve on a legend click, shows it again, and solos one with Alt or Ctrl', async () => {
    const runs = distinctRuns(4);
    const colors = runs.map((r) => runColor(r.id));
    const p = await plotted(open, { theme: 'dark' }, runs, 2_000);
    const all = await pixelsOf(p, colors);
    for (const n of all) expect(n).toBeGreaterThan(100);

    await entry(p, runs[1]!.id).click();
    await expect.poll(async () => (await pixelsOf(p, colors))[1]).toBe(0);
    const without = await pixelsOf(p, colors);
    for (const k of [0, 2, 3]) expect(without[k]).toBeGreaterThan(100);
    expect(await entry(p, runs[1]!.id).getAttribute('aria-pressed')).toBe('false');
    expect(await p.page.locator(`.legend li[data-id="${runs[1]!.id}"]`).getAttribute('class')).toContain(
      'hidden',
    );
    expect(await p.savedState()).toMatchObject({ hidden: [runs[1]!.id] });

    await entry(p, runs[1]!.id).click();
    await expect.poll(async () => (await pixelsOf(p, colors))[1]).toBeGreaterThan(100);

    // Alt-click: that run alone; Ctrl-click on it again: every run back.
    await entry(p, runs[2]!.id).click({ modifiers: ['Alt'] });
    await expect
      .poll(async () => (await pixelsOf(p, colors)).map((n) => n > 0))
      .toEqual([false, false, true, false]);
    await expect(p.page.locator('.legend .show-all').isVisible()).resolves.toBe(true);
    await entry(p, runs[2]!.id).click({ modifiers: ['Control'] });
    await expect.poll(async () => (await pixelsOf(p, colors)).every((n) => n > 100)).toBe(true);

    // "Show all" after hiding two.
    await entry(p, runs[0]!.id).click();
    await entry(p, runs[3]!.id).click();
    await expect
      .poll(async () => (await pixelsOf(p, colors)).map((n) => n > 0))
      .toEqual([false, true, true, false]);
    await p.page.locator('.legend .show-all').click();
    await expect.poll(async () => (await pixelsOf(p, colors)).every((n) => n > 100)).toBe(true);
    expect(await p.page.locator('.legend .show-all').count()).toBe(0);
    // Hiding is drawing only: nothing was asked of the host again.
    expect((await p.posted()).filter((m) => (m as { type: string }).type === 'history')).toHaveLength(1);
    expect(await p.errors()).toEqual([]);
  });

  it('shows each shown run’s value and step at the cursor, as drawn, highest first', async () => {
    const runs = distinctRuns(3);
    const p = await plotted(open, { theme: 'light' }, runs, 300);
    // 300 steps < 2 × buckets: the view has every logged point.
    const sent = runs.map((r, i) => seriesFor(r.id, i, 300, 1000));
    const expectedAt = (step: number, smoothing: number, ids = runs.map((r) => r.id)): string[][] =>
      sent
        .filter((s) => ids.includes(s.id))
        .map((s) => {
          const ys = smoothing > 0 ? emaSmooth(s.y, smoothing) : s.y;
          const i = nearestIndex(s.x, step);
          return { name: runs.find((r) => r.id === s.id)!.name, v: ys[i]!, x: s.x[i]! };
        })
        .sort((a, b) => b.v - a.v)
        .map((r) => [r.name, formatValue(r.v), `@ ${r.x}`]);
    const rows = (): Promise<string[][]> =>
      p.page
        .locator('.tooltip tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
        );
    const heading = async (): Promise<number> =>
      Number((await p.page.locator('.tooltip .heading').textContent())!.replace(/[^0-9]/g, ''));

    await hover(p, 0.5);
    await expect.poll(() => p.page.locator('.tooltip').isVisible()).toBe(true);
    const step = await heading();
    expect(step).toBeGreaterThan(100);
    expect(step).toBeLessThan(200);
    expect(await rows()).toEqual(expectedAt(step, 0));
    // The legend shows the values at the cursor too.
    const legendValue = (id: string): Promise<string | null> =>
      p.page.locator(`.legend li[data-id="${id}"] .value`).textContent();
    const byName = new Map((await rows()).map(([name, value]) => [name, value]));
    for (const r of runs) expect(await legendValue(r.id)).toBe(byName.get(r.name));

    // Smoothed: the value drawn is the smoothed one; a hidden run is not listed.
    await p.page.getByLabel('Smoothing').fill('0.8');
    await entry(p, runs[0]!.id).click();
    await hover(p, 0.3);
    await expect.poll(async () => (await rows()).length).toBe(2);
    expect(await rows()).toEqual(expectedAt(await heading(), 0.8, [runs[1]!.id, runs[2]!.id]));

    // Leaving the plot hides the tooltip and puts the last values back in the legend.
    await p.page.mouse.move(2, 2);
    await expect.poll(() => p.page.locator('.tooltip').isVisible()).toBe(false);
    expect(await legendValue(runs[1]!.id)).toBe(formatValue(sent[1]!.y.at(-1)!));
  });

  it('says what to do when there is nothing to plot, and shows errors until an answer comes', async () => {
    const p = await open({ theme: 'dark' });
    await p.send({ type: 'runs', runs: [] });
    await expect
      .poll(() => p.page.locator('.empty').textContent())
      .toContain('Select runs in the Runs Table');
    const runs = plotRuns(2);
    await p.send({ type: 'runs', runs });
    const req = await nextRequest(p, 0);
    await sendJson(p, { type: 'history', seq: req.seq, metric: '', metrics: [], series: [] });
    await expect
      .poll(() => p.page.locator('.empty').textContent())
      .toContain('have not logged any metrics yet');
    await p.send({ type: 'error', message: 'Could not read .lineage/runs/x/metrics.jsonl: EACCES' });
    const error = p.page.getByRole('alert');
    await expect.poll(() => error.textContent()).toBe('Could not read .lineage/runs/x/metrics.jsonl: EACCES');
    expect(await error.isVisible()).toBe(true);
    await p.page.getByLabel('X axis').selectOption('relative');
    const again = await nextRequest(p, 1);
    expect(again.metric).toBeUndefined(); // none picked yet: the server's first
    await sendJson(p, {
      type: 'history',
      seq: again.seq,
      metric: 'loss',
      metrics: ['loss'],
      series: runs.map((r, i) => seriesFor(r.id, i, 100, again.buckets, 'relative')),
    });
    await expect.poll(() => p.page.getByLabel('Metric', { exact: true }).inputValue()).toBe('loss');
    await expect.poll(() => error.isVisible()).toBe(false);
  });

  for (const theme of Object.keys(THEMES) as ThemeName[]) {
    it(`looks right in the ${theme} theme: legend with a hidden run and the tooltip, empty state, error`, async () => {
      mkdirSync(SHOTS, { recursive: true });
      const runs = distinctRuns(6).map((r, i) => ({ ...r, running: i === 0 }));
      const p = await plotted(open, { theme }, runs, 5_000);
      await entry(p, runs[2]!.id).click();
      await hover(p, 0.35);
      await expect.poll(() => p.page.locator('.tooltip').isVisible()).toBe(true);
      await p.page.screenshot({ path: path.join(SHOTS, `metric-plots-legend-${theme}.png`) });
      await p.send({
        type: 'error',
        message: 'Could not read .lineage/runs/01kb…/metrics.jsonl: permission denied',
      });
      await p.page.mouse.move(2, 2);
      await p.page.screenshot({ path: path.join(SHOTS, `metric-plots-error-${theme}.png`) });
      const empty = await open({ theme });
      await empty.send({ type: 'runs', runs: [] });
      await expect.poll(() => empty.page.locator('.empty').isVisible()).toBe(true);
      await empty.page.screenshot({ path: path.join(SHOTS, `metric-plots-empty-${theme}.png`) });
    });
  }
});
