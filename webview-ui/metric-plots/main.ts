import 'uplot/dist/uPlot.min.css';
import '../shared/base.css';
import './styles.css';
import uPlot from 'uplot';
import * as z from 'zod/mini';
import {
  metricAxisSchema,
  metricPlotsToWebviewSchema,
  type MetricPlotsToHost,
  type MetricPlotsToWebview,
  type PlotRun,
  type PlotSeries,
} from '../../protocol/webview';
import { runColor, withAlpha } from '../shared/colors';
import { vscodeApi } from '../shared/vscodeApi';
import { emaSmooth, formatDuration, formatValue } from './plotMath';

const stateSchema = z.object({
  metric: z.optional(z.string()),
  axis: metricAxisSchema,
  smoothing: z.number(),
  log: z.boolean(),
});
type State = z.infer<typeof stateSchema>;
type Axis = State['axis'];

const api = vscodeApi<State>();
const saved = stateSchema.safeParse(api.getState());
const state: State = saved.success ? saved.data : { axis: 'step', smoothing: 0, log: false };

const root = document.getElementById('root') as HTMLElement;
root.innerHTML = `
  <header class="toolbar">
    <label>Metric <select class="metric" aria-label="Metric"></select></label>
    <label>X axis <select class="axis" aria-label="X axis">
      <option value="step">Step</option>
      <option value="relative">Relative time</option>
      <option value="wall">Wall time</option>
    </select></label>
    <label class="smoothing-label">Smoothing
      <input class="smoothing" type="range" min="0" max="0.99" step="0.01" aria-label="Smoothing">
      <output class="smoothing-value"></output></label>
    <label><input class="log" type="checkbox"> Log scale</label>
    <span class="status" aria-live="polite"></span>
  </header>
  <div class="plot" role="img" aria-label="Metric plot"></div>
  <ul class="legend" aria-label="Runs"></ul>`;
const metricSelect = root.querySelector('.metric') as HTMLSelectElement;
const axisSelect = root.querySelector('.axis') as HTMLSelectElement;
const smoothingInput = root.querySelector('.smoothing') as HTMLInputElement;
const smoothingValue = root.querySelector('.smoothing-value') as HTMLOutputElement;
const logInput = root.querySelector('.log') as HTMLInputElement;
const statusBox = root.querySelector('.status') as HTMLElement;
const plotBox = root.querySelector('.plot') as HTMLElement;
const legend = root.querySelector('.legend') as HTMLElement;
axisSelect.value = state.axis;
smoothingInput.value = String(state.smoothing);
smoothingValue.textContent = state.smoothing.toFixed(2);
logInput.checked = state.log;

let runs: PlotRun[] = [];
/** The last answer: one metric's series, on `axis`. */
let shown: { metric: string; axis: Axis; series: PlotSeries[] } | null = null;
let seq = 0;
let range: [number, number] | undefined;
let plot: uPlot | null = null;
/** What the current uPlot instance was built for; anything else builds a new one. */
let plotKey = '';
/** When the message being drawn arrived (performance.now()), for the draw time. */
let receivedAt = 0;

function post(message: MetricPlotsToHost): void {
  api.postMessage(message);
}

function save(): void {
  api.setState(state);
}

function request(): void {
  seq += 1;
  if (runs.length === 0) {
    shown = null;
    render();
    return;
  }
  statusBox.textContent = 'Loading…';
  post({
    type: 'history',
    seq,
    ids: runs.map((r) => r.id),
    ...(state.metric !== undefined && { metric: state.metric }),
    x: state.axis,
    buckets: Math.max(100, Math.round(plotBox.clientWidth || 800)),
    ...(range && { range }),
  });
}

function fillMetrics(metrics: string[], metric: string): void {
  const current = [...metricSelect.options].map((o) => o.value);
  if (current.join('\n') !== metrics.join('\n')) {
    metricSelect.replaceChildren(
      ...metrics.map((m) => {
        const o = document.createElement('option');
        o.value = m;
        o.textContent = m;
        return o;
      }),
    );
  }
  metricSelect.value = metric;
  metricSelect.disabled = metrics.length === 0;
}

/** One series' y values as drawn: smoothed, and without values a log scale cannot show. */
function drawnY(s: PlotSeries): (number | null)[] {
  const ys = state.smoothing > 0 ? emaSmooth(s.y, state.smoothing) : s.y;
  return state.log ? ys.map((v) => (v > 0 ? v : null)) : ys;
}

function render(): void {
  const series = shown?.series ?? [];
  renderLegend(series);
  if (!shown || series.length === 0) {
    plot?.destroy();
    plot = null;
    plotKey = '';
    plotBox.replaceChildren(emptyMessage());
    statusBox.textContent = '';
    return;
  }
  const points = series.reduce((n, s) => n + s.count, 0);
  statusBox.textContent = `${series.length} run${series.length === 1 ? '' : 's'} · ${points.toLocaleString('en-US')} points`;
  const data = [null, ...series.map((s) => [s.x, drawnY(s)])] as unknown as uPlot.AlignedData;
  const key = [shown.axis, state.log, ...series.map((s) => s.id)].join('|');
  if (plot && key === plotKey) {
    plot.setData(data, !range);
    if (range) plot.setScale('x', { min: range[0], max: range[1] });
    return;
  }
  plot?.destroy();
  plotBox.replaceChildren();
  plotKey = key;
  plot = new uPlot(options(shown.axis, series), data, plotBox);
  if (range) plot.setScale('x', { min: range[0], max: range[1] });
  plot.over.addEventListener('dblclick', () => {
    range = undefined;
    request();
  });
}

function emptyMessage(): HTMLElement {
  const p = document.createElement('p');
  p.className = 'empty';
  p.textContent =
    runs.length === 0
      ? 'No runs to plot yet. Record one: lineage run -- python train.py'
      : shown && shown.metric === ''
        ? 'These runs have not logged any metrics yet.'
        : 'Loading metrics…';
  return p;
}

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function size(): { width: number; height: number } {
  return { width: Math.max(200, plotBox.clientWidth), height: Math.max(150, plotBox.clientHeight) };
}

function options(axis: Axis, series: PlotSeries[]): uPlot.Options {
  const fg = themeColor('--vscode-descriptionForeground', '#888');
  const grid = withAlpha('#808080', 0.18);
  const axisStyle = {
    stroke: fg,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    font: `11px ${themeColor('--vscode-font-family', 'sans-serif')}`,
  };
  return {
    mode: 2,
    ...size(),
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
    select: { show: true, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      x: { time: axis === 'wall', auto: true },
      y: state.log ? { distr: 3, auto: true } : { auto: true },
    },
    axes: [
      {
        ...axisStyle,
        ...(axis === 'relative' && { values: (_u: uPlot, splits: number[]) => splits.map(formatDuration) }),
        ...(axis === 'step' && {
          values: (_u: uPlot, splits: number[]) => splits.map((v) => formatValue(v)),
        }),
      },
      { ...axisStyle, size: 56, values: (_u: uPlot, splits: number[]) => splits.map((v) => formatValue(v)) },
    ],
    series: [
      {},
      ...series.map((s): uPlot.Series => ({
        label: s.id,
        stroke: runColor(s.id),
        width: 1.5,
        points: { show: false },
        paths: uPlot.paths.linear?.(),
        facets: [
          { scale: 'x', auto: true, sorted: 1 },
          { scale: 'y', auto: true },
        ],
      })),
    ],
    hooks: {
      drawClear: [(u) => drawBands(u)],
      draw: [
        () => {
          if (receivedAt > 0) {
            root.dataset.drawMs = (performance.now() - receivedAt).toFixed(1);
            receivedAt = 0;
          }
          root.dataset.drawn = String(Number(root.dataset.drawn ?? 0) + 1);
        },
      ],
      setSelect: [
        (u) => {
          if (u.select.width < 3) return;
          const min = u.posToVal(u.select.left, 'x');
          const max = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          range = [min, max];
          u.setScale('x', { min, max });
          request();
        },
      ],
    },
  };
}

/** Each run's min/max band under its line: what downsampling folded into each kept point. */
function drawBands(u: uPlot): void {
  const series = shown?.series ?? [];
  const { ctx, bbox } = u;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  const alpha = series.length > 20 ? 0.06 : 0.15;
  // The scales' linear maps, inlined: valToPos per point costs several times more.
  const sx = u.scales.x;
  const sy = u.scales.y;
  if (!sx || !sy) return ctx.restore();
  const x0 = sx.min ?? 0;
  const kx = bbox.width / ((sx.max ?? 1) - x0 || 1);
  const log = sy.distr === 3;
  const fy = (v: number): number => (log ? Math.log10(Math.max(v, 1e-300)) : v);
  const y0 = fy(sy.min ?? 0);
  const ky = bbox.height / (fy(sy.max ?? 1) - y0 || 1);
  const px = (v: number): number => bbox.left + (v - x0) * kx;
  const py = (v: number): number => bbox.top + bbox.height - (fy(v) - y0) * ky;
  for (const s of series) {
    if (s.x.length < 2) continue;
    // A band only where downsampling folded points (min < max somewhere).
    let folded = false;
    for (let i = 0; i < s.min.length && !folded; i++)
      if ((s.min[i] as number) < (s.max[i] as number)) folded = true;
    if (!folded) continue;
    ctx.beginPath();
    for (let i = 0; i < s.x.length; i++) {
      const x = px(s.x[i] as number);
      const y = py(s.max[i] as number);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    for (let i = s.x.length - 1; i >= 0; i--) ctx.lineTo(px(s.x[i] as number), py(s.min[i] as number));
    ctx.closePath();
    ctx.fillStyle = withAlpha(runColor(s.id), alpha);
    ctx.fill();
  }
  ctx.restore();
}

function renderLegend(series: PlotSeries[]): void {
  const byId = new Map(series.map((s) => [s.id, s]));
  legend.replaceChildren(
    ...runs.map((r) => {
      const li = document.createElement('li');
      li.dataset.id = r.id;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = runColor(r.id);
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = r.name;
      name.title = r.id;
      const value = document.createElement('span');
      value.className = 'value';
      const s = byId.get(r.id);
      value.textContent = s && s.y.length > 0 ? formatValue(s.y[s.y.length - 1] as number) : '—';
      li.append(swatch, name, value);
      if (r.running) li.classList.add('running');
      if (!s) li.classList.add('absent');
      return li;
    }),
  );
}

/** New points of a training run: appended to its series when they belong to the plotted metric. */
function appendPoints(message: Extract<MetricPlotsToWebview, { type: 'points' }>): void {
  if (!shown || !runs.some((r) => r.id === message.id)) return;
  const s = shown.series.find((x) => x.id === message.id);
  const mine = message.points.filter((p) => p.name === shown?.metric);
  if (message.reset || (!s && mine.length > 0)) {
    request();
    return;
  }
  if (!s || mine.length === 0) return;
  for (const p of mine) {
    const x =
      shown.axis === 'step'
        ? p.step
        : p.time === null
          ? null
          : p.time - (shown.axis === 'relative' ? s.start : 0);
    if (x === null || Number.isNaN(x)) continue;
    s.x.push(x);
    s.y.push(p.value);
    s.min.push(p.value);
    s.max.push(p.value);
    s.count += 1;
  }
  render();
}

window.addEventListener('message', (event: MessageEvent) => {
  const arrived = performance.now();
  const parsed = metricPlotsToWebviewSchema.safeParse(event.data);
  if (!parsed.success) return;
  const message = parsed.data;
  switch (message.type) {
    case 'runs': {
      const before = runs.map((r) => r.id).join();
      runs = message.runs;
      if (runs.map((r) => r.id).join() !== before) request();
      else renderLegend(shown?.series ?? []);
      return;
    }
    case 'history':
      if (message.seq !== seq) return; // an answer overtaken by a newer request
      receivedAt = arrived;
      root.dataset.parseMs = (performance.now() - arrived).toFixed(1);
      shown = { metric: message.metric, axis: state.axis, series: message.series };
      if (message.metric !== '') state.metric = message.metric;
      fillMetrics(message.metrics, message.metric);
      render();
      return;
    case 'points':
      appendPoints(message);
      return;
    case 'error':
      statusBox.textContent = message.message;
      return;
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
});

metricSelect.addEventListener('change', () => {
  state.metric = metricSelect.value;
  range = undefined;
  save();
  request();
});
axisSelect.addEventListener('change', () => {
  state.axis = metricAxisSchema.parse(axisSelect.value);
  range = undefined;
  save();
  request();
});
smoothingInput.addEventListener('input', () => {
  state.smoothing = Number(smoothingInput.value);
  smoothingValue.textContent = state.smoothing.toFixed(2);
  save();
  render();
});
logInput.addEventListener('change', () => {
  state.log = logInput.checked;
  save();
  render();
});
new ResizeObserver(() => plot?.setSize(size())).observe(plotBox);

post({ type: 'ready' });
