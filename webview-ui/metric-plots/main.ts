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
import { assignRunColors } from '../shared/colors';
import { vscodeApi } from '../shared/vscodeApi';
import { chartOptions } from './chart';
import { emptyMessage } from './emptyState';
import { Legend } from './legend';
import { bucketsFor, emaSmooth, formatValue, toggleHidden } from './plotMath';
import { rowsAt, Tooltip, type HoverSeries } from './tooltip';

const stateSchema = z.object({
  metric: z.optional(z.string()),
  axis: metricAxisSchema,
  smoothing: z.number(),
  log: z.boolean(),
  /** Runs whose curves the legend hid. */
  hidden: z.optional(z.array(z.string())),
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
  <div class="error" role="alert" hidden></div>
  <div class="plot" role="img" aria-label="Metric plot"></div>
  <ul class="legend" aria-label="Runs: click to hide or show, Alt+click to show only one"></ul>`;
const metricSelect = root.querySelector('.metric') as HTMLSelectElement;
const axisSelect = root.querySelector('.axis') as HTMLSelectElement;
const smoothingInput = root.querySelector('.smoothing') as HTMLInputElement;
const smoothingValue = root.querySelector('.smoothing-value') as HTMLOutputElement;
const logInput = root.querySelector('.log') as HTMLInputElement;
const statusBox = root.querySelector('.status') as HTMLElement;
const plotBox = root.querySelector('.plot') as HTMLElement;
const errorBox = root.querySelector('.error') as HTMLElement;
const legend = new Legend(root.querySelector('.legend') as HTMLElement, {
  toggle: (id, solo) =>
    setHidden(
      toggleHidden(
        hidden,
        runs.map((r) => r.id),
        id,
        solo,
      ),
    ),
  showAll: () => setHidden(new Set()),
});
const tooltip = new Tooltip(plotBox);
axisSelect.value = state.axis;
metricSelect.append(new Option('none yet', ''));
metricSelect.disabled = true;
smoothingInput.value = String(state.smoothing);
smoothingValue.textContent = state.smoothing.toFixed(2);
logInput.checked = state.log;

let runs: PlotRun[] = [];
/** The host has said which runs to plot (until then the view says nothing). */
let runsKnown = false;
let hidden = new Set(state.hidden ?? []);
/** The shown series' values as drawn (smoothed, log-filtered), for the tooltip. */
let hover: HoverSeries[] = [];
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
    buckets: bucketsFor(plotBox.clientWidth, runs.length - hidden.size),
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
  if (metrics.length === 0) metricSelect.replaceChildren(new Option('none yet', ''));
}

/** One series' y values as drawn: smoothed, and without values a log scale cannot show. */
function drawnY(s: PlotSeries): (number | null)[] {
  const ys = state.smoothing > 0 ? emaSmooth(s.y, state.smoothing) : s.y;
  return state.log ? ys.map((v) => (v > 0 ? v : null)) : ys;
}

function render(): void {
  const series = shown?.series ?? [];
  renderLegend();
  tooltip.hide();
  if (!shown || series.length === 0) {
    hover = [];
    plot?.destroy();
    plot = null;
    plotKey = '';
    plotBox.replaceChildren(emptyMessage(runs.length, shown?.metric), tooltip.el);
    statusBox.textContent = '';
    return;
  }
  const points = series.reduce((n, s) => n + s.count, 0);
  statusBox.textContent = `${series.length} run${series.length === 1 ? '' : 's'} · ${points.toLocaleString('en-US')} points`;
  const names = new Map(runs.map((r) => [r.id, r.name]));
  const drawn = series.map(drawnY);
  hover = series.map((s, i) => ({
    id: s.id,
    name: names.get(s.id) ?? s.id,
    x: s.x,
    drawn: drawn[i] ?? [],
    raw: s.y,
  }));
  const data = [null, ...series.map((s, i) => [s.x, drawn[i]])] as unknown as uPlot.AlignedData;
  const key = [shown.axis, state.log, ...series.map((s) => s.id)].join('|');
  if (plot && key === plotKey) {
    plot.setData(data, !range);
    if (range) plot.setScale('x', { min: range[0], max: range[1] });
    return;
  }
  plot?.destroy();
  plotBox.replaceChildren(tooltip.el);
  plotKey = key;
  plot = new uPlot(options(shown.axis, series), data, plotBox);
  if (range) plot.setScale('x', { min: range[0], max: range[1] });
  plot.over.addEventListener('dblclick', () => {
    range = undefined;
    request();
  });
}

/** Hide the runs in `next` (a legend click): their curves and bands go, the y axis fits the rest. */
function setHidden(next: Set<string>): void {
  hidden = next;
  state.hidden = [...next];
  save();
  renderLegend();
  const series = shown?.series ?? [];
  if (!plot) return;
  plot.batch(() => {
    series.forEach((s, i) => plot?.setSeries(i + 1, { show: !hidden.has(s.id) }, false));
  });
  plot.redraw(false, true);
}

/** The tooltip and legend values at uPlot's cursor (hidden when it leaves the plot). */
function showCursor(u: uPlot): void {
  const left = u.cursor.left ?? -1;
  const top = u.cursor.top ?? -1;
  if (!shown || left < 0 || top < 0) {
    tooltip.hide();
    renderLegendValues(lastValues());
    return;
  }
  const x = u.posToVal(left, 'x');
  const slack = Math.abs(u.posToVal(left + 8, 'x') - x);
  const rows = rowsAt(
    hover.filter((h) => !hidden.has(h.id)),
    x,
    slack,
    state.smoothing > 0,
  );
  const over = u.over.getBoundingClientRect();
  const box = plotBox.getBoundingClientRect();
  tooltip.show(shown.axis, x, rows, left + over.left - box.left, top + over.top - box.top);
  renderLegendValues(new Map(rows.map((r) => [r.id, formatValue(r.value)])));
}

function showError(message: string | null): void {
  errorBox.hidden = message === null;
  errorBox.textContent = message ?? '';
}

function size(): { width: number; height: number } {
  return { width: Math.max(200, plotBox.clientWidth), height: Math.max(150, plotBox.clientHeight) };
}

function options(axis: Axis, series: PlotSeries[]): uPlot.Options {
  return chartOptions({
    axis,
    log: state.log,
    size: size(),
    series,
    shownSeries: () => shown?.series ?? [],
    hidden: () => hidden,
    onCursor: showCursor,
    onDraw: () => {
      if (receivedAt > 0) {
        root.dataset.drawMs = (performance.now() - receivedAt).toFixed(1);
        receivedAt = 0;
      }
      root.dataset.drawn = String(Number(root.dataset.drawn ?? 0) + 1);
    },
    onZoom: (min, max) => {
      range = [min, max];
      request();
    },
  });
}

/** Each run's last value, by id (runs without the metric are left out). */
function lastValues(): Map<string, string> {
  const values = new Map<string, string>();
  for (const s of shown?.series ?? []) {
    if (s.y.length > 0) values.set(s.id, formatValue(s.y[s.y.length - 1] as number));
  }
  return values;
}

function renderLegend(): void {
  legend.render(runs, lastValues(), hidden);
}

function renderLegendValues(values: Map<string, string>): void {
  legend.showValues(values);
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
      const first = !runsKnown;
      runsKnown = true;
      runs = message.runs;
      assignRunColors(runs.flatMap((r) => (r.color ? [[r.id, r.color] as [string, string]] : [])));
      if (runs.map((r) => r.id).join() !== before) request();
      else if (first)
        render(); // no runs at all: say how to get some
      else renderLegend();
      return;
    }
    case 'history':
      if (message.seq !== seq) return; // an answer overtaken by a newer request
      receivedAt = arrived;
      root.dataset.parseMs = (performance.now() - arrived).toFixed(1);
      shown = { metric: message.metric, axis: state.axis, series: message.series };
      showError(null);
      if (message.metric !== '') state.metric = message.metric;
      fillMetrics(message.metrics, message.metric);
      render();
      return;
    case 'points':
      appendPoints(message);
      return;
    case 'error':
      showError(message.message);
      if (statusBox.textContent === 'Loading…') statusBox.textContent = '';
      if (!shown) plotBox.replaceChildren(tooltip.el); // not "Loading…" any more
      return;
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
});

metricSelect.addEventListener('change', () => {
  if (metricSelect.value === '') delete state.metric;
  else state.metric = metricSelect.value;
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
