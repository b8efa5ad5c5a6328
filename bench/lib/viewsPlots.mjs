// Metric Plots measurements for bench/views.mjs, in headless Chromium (bundled by views.mjs with
// esbuild). The real built bundle (dist/webview/metricPlots.js) in the extension's HTML shell: the
// time from a `history` message (100 runs × 10,000 steps, downsampled as the server does) to the
// frame that shows the plot. The peer: uPlot alone drawing every raw point (no downsampling).
/* global window -- page functions passed to page.waitForFunction */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { downsample } from '../../core/runs/history';
import { openPanel } from '../../test/webview/harness';

export const METRIC_PLOTS = { bundle: 'metricPlots', title: 'Lineage Metric Plots' };
const VIEWPORT = { width: 1000, height: 420 };

/** In-page: frames until #root's data-drawn differs from `before`; performance.now() after that frame. */
export const DRAWN = `(before) => new Promise((resolve, reject) => {
  const root = document.getElementById('root');
  const start = performance.now();
  const frame = () => requestAnimationFrame(() => setTimeout(() => {
    if ((root.dataset.drawn ?? '0') !== before) resolve(performance.now());
    else if (performance.now() - start > 60000) reject(new Error('not drawn after 60 s'));
    else frame();
  }, 0));
  frame();
})`;

/** A noisy decaying loss curve: run `r`'s value at step `i` (the same in the page and in files). */
export function lossAt(r, i) {
  const noise = Math.sin(i * 12.9898 + r * 78.233) * 43758.5453;
  return (
    0.05 +
    (r % 7) * 0.02 +
    2.3 * Math.exp(-(0.0004 + (r % 10) * 0.00005) * i) * (1 + 0.1 * (noise - Math.floor(noise)))
  );
}

/** Run ids the server accepts (26 lowercase Crockford characters), one per run. */
export function runIds(count) {
  return Array.from({ length: count }, (_, i) => `01kbench${String(i).padStart(4, '0')}00000000000000`);
}

/** `runs` × `steps` series as lineage/metricHistory returns them for `buckets` buckets on steps. */
export function historySeries(ids, steps, buckets) {
  const xs = Float64Array.from({ length: steps }, (_, i) => i);
  return ids.map((id, r) => {
    const ys = Float64Array.from({ length: steps }, (_, i) => lossAt(r, i));
    const d = downsample(xs, ys, buckets);
    return {
      id,
      start: 1_764_061_200,
      x: [...d.x],
      y: [...d.y],
      min: [...d.min],
      max: [...d.max],
      count: steps,
    };
  });
}

/** The history requests the page posted so far. */
export async function historyRequests(p) {
  return (await p.posted()).filter((m) => m && m.type === 'history');
}

/** Wait until the page has posted more than `seen` history requests; the last one. */
export async function nextHistory(p, seen) {
  await p.page.waitForFunction(
    (n) => window.__harness.posted.filter((m) => m && m.type === 'history').length > n,
    seen,
    { timeout: 30_000 },
  );
  return (await historyRequests(p)).at(-1);
}

/** Deliver `message` as JSON text and time JSON.parse + the view's work to the frame showing it. */
export async function deliverTimed(p, message) {
  return p.page.evaluate(`(async () => {
    const drawn = ${DRAWN};
    const text = ${JSON.stringify(JSON.stringify(message))};
    const before = document.getElementById('root').dataset.drawn ?? '0';
    const t0 = performance.now();
    const data = JSON.parse(text);
    const parseMs = performance.now() - t0;
    window.dispatchEvent(new MessageEvent('message', { data }));
    const at = await drawn(before);
    const root = document.getElementById('root');
    return { ms: at - t0, parseMs, drawMs: Number(root.dataset.drawMs), bytes: text.length, status: root.querySelector('.status').textContent };
  })()`);
}

/** Open Metric Plots with `ids` as the runs to plot; resolves with the page and its first history request. */
export async function openPlots(browser, ids) {
  const p = await openPanel(browser, { theme: 'dark', panel: METRIC_PLOTS, viewport: VIEWPORT });
  await p.send({ type: 'runs', runs: ids.map((id, i) => ({ id, name: `run-${i}`, running: false })) });
  return { p, request: await nextHistory(p, 0) };
}

/** One draw of `ids` × `steps` (fresh view): history message → drawn frame. */
export async function plotFirstDraw(browser, ids, steps) {
  const { p, request } = await openPlots(browser, ids);
  try {
    const series = historySeries(ids, steps, request.buckets);
    const r = await deliverTimed(p, {
      type: 'history',
      seq: request.seq,
      metric: 'loss',
      metrics: ['loss'],
      series,
    });
    const points = series.reduce((n, s) => n + s.x.length, 0);
    return { ...r, buckets: request.buckets, pointsSent: points, errors: await p.errors() };
  } finally {
    await p.close();
  }
}

/** The peer: uPlot (node_modules/uplot) alone, every raw point of `runs` × `steps`, in a bare page. */
export async function uplotRawDraw(browser, root, runs, steps) {
  const dist = path.join(root, 'node_modules', 'uplot', 'dist');
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    await page.setContent(
      '<!doctype html><html><head></head><body style="margin:0;background:#1f1f1f"></body></html>',
    );
    await page.addStyleTag({ content: readFileSync(path.join(dist, 'uPlot.min.css'), 'utf8') });
    await page.addScriptTag({ content: readFileSync(path.join(dist, 'uPlot.iife.min.js'), 'utf8') });
    return await page.evaluate(`(async () => {
      const lossAt = ${lossAt.toString()};
      const x = Float64Array.from({ length: ${steps} }, (_, i) => i);
      const ys = Array.from({ length: ${runs} }, (_, r) => Float64Array.from({ length: ${steps} }, (_, i) => lossAt(r, i)));
      await new Promise((r) => setTimeout(r, 100));
      let drawn = 0;
      const t0 = performance.now();
      new uPlot({
        width: 984, height: 340, legend: { show: false },
        series: [{}, ...ys.map((_, r) => ({ stroke: 'hsl(' + (r * 37) % 360 + ',70%,55%)', width: 1.5, points: { show: false } }))],
        hooks: { draw: [() => drawn++] },
      }, [x, ...ys], document.body);
      await new Promise((resolve) => { const f = () => requestAnimationFrame(() => setTimeout(() => drawn ? resolve() : f(), 0)); f(); });
      return { ms: performance.now() - t0, points: ${runs} * ${steps} };
    })()`);
  } finally {
    await context.close();
  }
}
