import '../shared/base.css';
import './styles.css';
import * as z from 'zod/mini';
import {
  runCompareToWebviewSchema,
  type RunCompareToHost,
  type RunPatchInfo,
} from '../../protocol/runCompare';
import type { RunSummary } from '../../protocol/runs';
import { formatMetric } from '../../core/util/format';
import { assignRunColors } from '../shared/colors';
import { vscodeApi } from '../shared/vscodeApi';
import { attachHighlight } from './hover';
import { differingParams, metricNames, paramNames } from './model';
import { parallelSvg } from './parallel';
import { scatterSvg } from './scatter';
import { escapeHtml, formatValue } from './table';
import { TableView } from './tableView';

const stateSchema = z.object({
  /** The compared runs, for the host to restore the panel after a window reload. */
  ids: z.array(z.string()),
  diffOnly: z.boolean(),
  find: z.string(),
  baseline: z.nullable(z.string()),
  collapsed: z.array(z.string()),
  chartsOpen: z.boolean(),
  pcMetric: z.nullable(z.string()),
  scMetric: z.nullable(z.string()),
  scParam: z.nullable(z.string()),
  scrollTop: z.number(),
  scrollLeft: z.number(),
});
type State = z.infer<typeof stateSchema>;

const api = vscodeApi<State>();
const saved = stateSchema.safeParse(api.getState());
const state: State = saved.success
  ? saved.data
  : {
      ids: [],
      diffOnly: false,
      find: '',
      baseline: null,
      collapsed: [],
      chartsOpen: true,
      pcMetric: null,
      scMetric: null,
      scParam: null,
      scrollTop: 0,
      scrollLeft: 0,
    };
const save = (): void => api.setState(state);
const post = (message: RunCompareToHost): void => api.postMessage(message);

let runs: RunSummary[] = [];
const codeStatus = new Map<string, string>();
let restoredScroll = false;

const root = document.getElementById('root') as HTMLElement;
root.innerHTML = `
  <header class="toolbar">
    <h1>Compare Runs</h1>
    <span class="count" aria-live="polite"></span>
    <input class="input find" type="search" spellcheck="false" placeholder="Find params, metrics, tags…" aria-label="Find rows by key">
    <label class="toggle" title="Hide rows whose values are equal across the runs"><input type="checkbox" class="diff-only"> Differences only</label>
    <label class="select-label">Baseline <select class="baseline-select" aria-label="Baseline run"></select></label>
    <span class="missing muted" role="status"></span>
  </header>
  <details class="charts">
    <summary>Charts</summary>
    <div class="chart-row">
      <section class="chart" aria-label="Parallel coordinates">
        <div class="chart-bar"><h2>Parallel coordinates</h2><label class="select-label">Metric <select class="pc-metric" aria-label="Metric axis of the parallel coordinates"></select></label></div>
        <div class="chart-host pc-host"></div>
      </section>
      <section class="chart" aria-label="Metric against param">
        <div class="chart-bar"><h2>Scatter</h2><label class="select-label">Metric <select class="sc-metric" aria-label="Scatter metric (y)"></select></label><label class="select-label">Param <select class="sc-param" aria-label="Scatter param (x)"></select></label></div>
        <div class="chart-host sc-host"></div>
      </section>
    </div>
  </details>
  <p class="empty">Loading runs…</p>
  <div class="table-scroll" tabindex="0" aria-label="Compared runs: params, metrics, tags, datasets and code">
    <div class="grid" role="table" aria-label="Compared runs">
      <div class="row head" role="row" aria-rowindex="1"></div>
      <div class="body" role="rowgroup"></div>
    </div>
  </div>`;
const $ = <T extends HTMLElement>(selector: string): T => root.querySelector(selector) as T;
const count = $('.count');
const diffOnly = $<HTMLInputElement>('.diff-only');
const find = $<HTMLInputElement>('.find');
const baselineSelect = $<HTMLSelectElement>('.baseline-select');
const missingNote = $('.missing');
const charts = $<HTMLDetailsElement>('.charts');
const pcMetric = $<HTMLSelectElement>('.pc-metric');
const scMetric = $<HTMLSelectElement>('.sc-metric');
const scParam = $<HTMLSelectElement>('.sc-param');
const pcHost = $('.pc-host');
const scHost = $('.sc-host');
const scroller = $('.table-scroll');
const grid = $('.grid');
const empty = $('.empty');

diffOnly.checked = state.diffOnly;
find.value = state.find;
charts.open = state.chartsOpen;

const table = new TableView(scroller, grid);
const patches = new Map<string, RunPatchInfo>();

function baselineIndex(): number {
  const i = runs.findIndex((r) => r.id === state.baseline);
  return i < 0 ? 0 : i;
}

/** Fill a select with `values`, keeping `chosen` when it is one of them; returns what is selected. */
function options(select: HTMLSelectElement, values: string[], chosen: string | null): string | null {
  const pick = chosen !== null && values.includes(chosen) ? chosen : (values[0] ?? null);
  select.innerHTML = values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');
  select.value = pick ?? '';
  select.disabled = values.length === 0;
  return pick;
}

function renderTable(): void {
  table.render(runs, {
    baseline: baselineIndex(),
    collapsed: new Set(state.collapsed),
    diffOnly: state.diffOnly,
    find: state.find,
    codeStatus,
    patches,
  });
}

function renderCharts(): void {
  if (!charts.open) return;
  const width = (host: HTMLElement): number => host.clientWidth || 480;
  pcHost.querySelector('.chart-body')?.remove();
  scHost.querySelector('.chart-body')?.remove();
  const pc = document.createElement('div');
  pc.className = 'chart-body';
  pc.innerHTML = parallelSvg(runs, differingParams(runs), state.pcMetric, width(pcHost));
  pcHost.prepend(pc);
  const sc = document.createElement('div');
  sc.className = 'chart-body';
  sc.innerHTML = scatterSvg(runs, state.scParam, state.scMetric, width(scHost));
  scHost.prepend(sc);
}

function render(): void {
  count.textContent = `${runs.length} runs`;
  baselineSelect.innerHTML = runs
    .map((r) => `<option value="${escapeHtml(r.id)}">${escapeHtml(r.name)}</option>`)
    .join('');
  baselineSelect.value = runs[baselineIndex()]?.id ?? '';
  const metrics = metricNames(runs);
  const params = differingParams(runs);
  state.pcMetric = options(pcMetric, metrics, state.pcMetric);
  state.scMetric = options(scMetric, metrics, state.scMetric);
  // Params that differ first; any param works.
  const allParams = [...params, ...paramNames(runs).filter((k) => !params.includes(k))];
  state.scParam = options(scParam, allParams, state.scParam);
  renderTable();
  renderCharts();
  if (!restoredScroll) {
    restoredScroll = true;
    scroller.scrollTop = state.scrollTop;
    scroller.scrollLeft = state.scrollLeft;
  }
  save();
}

window.addEventListener('message', (event: MessageEvent) => {
  const arrived = performance.now();
  const parsed = runCompareToWebviewSchema.safeParse(event.data);
  root.dataset.parseMs = (performance.now() - arrived).toFixed(1);
  if (!parsed.success) return;
  const message = parsed.data;
  if (message.type === 'runs') {
    assignRunColors(Object.entries(message.colors ?? {}));
    runs = message.runs;
    state.ids = runs.map((r) => r.id);
    save();
    missingNote.textContent =
      message.missing.length > 0 ? `${message.missing.length} run(s) no longer exist and are left out` : '';
    empty.hidden = runs.length > 0;
    empty.textContent = 'No runs to compare.';
    scroller.hidden = runs.length === 0;
    count.textContent = '';
    if (runs.length > 0) render();
    root.dataset.renderMs = (performance.now() - arrived).toFixed(1);
  } else if (message.type === 'patches') {
    for (const info of message.patches) patches.set(info.id, info);
    if (runs.length > 0) renderTable();
  } else {
    codeStatus.set(`${message.a} ${message.b}`, message.message);
    table.paint(true);
  }
});

find.addEventListener('input', () => {
  state.find = find.value;
  if (runs.length > 0) renderTable();
  save();
});
diffOnly.addEventListener('change', () => {
  state.diffOnly = diffOnly.checked;
  renderTable();
  save();
});
baselineSelect.addEventListener('change', () => {
  state.baseline = baselineSelect.value;
  renderTable();
  save();
});
charts.addEventListener('toggle', () => {
  state.chartsOpen = charts.open;
  if (charts.open) renderCharts();
  save();
});
for (const [select, field] of [
  [pcMetric, 'pcMetric'],
  [scMetric, 'scMetric'],
  [scParam, 'scParam'],
] as const) {
  select.addEventListener('change', () => {
    state[field] = select.value || null;
    renderCharts();
    save();
  });
}

grid.addEventListener('click', (event) => {
  const target = (event.target as Element).closest('button');
  if (!target) return;
  const data = target.dataset;
  if (target.classList.contains('section-toggle') && data.section) {
    const collapsed = new Set(state.collapsed);
    if (!collapsed.delete(data.section)) collapsed.add(data.section);
    state.collapsed = [...collapsed];
    renderTable();
    grid.querySelector<HTMLElement>(`.section-toggle[data-section="${data.section}"]`)?.focus();
    save();
  } else if (target.classList.contains('set-baseline')) {
    state.baseline = target.closest<HTMLElement>('[data-run]')?.dataset.run ?? null;
    render();
  } else if (target.classList.contains('remove')) {
    const id = target.closest<HTMLElement>('[data-run]')?.dataset.run;
    if (id) post({ type: 'removeRun', id });
  } else if (target.classList.contains('diff-link') && data.dataset && data.a && data.b) {
    post({ type: 'openDatasetDiff', dataset: data.dataset, a: data.a, b: data.b });
  } else if (target.classList.contains('code-button') && data.a && data.b) {
    post({ type: 'openCodeChanges', a: data.a, b: data.b });
  }
});

let scrollSave = 0;
scroller.addEventListener('scroll', () => {
  state.scrollTop = scroller.scrollTop;
  state.scrollLeft = scroller.scrollLeft;
  window.clearTimeout(scrollSave);
  scrollSave = window.setTimeout(save, 150);
});

const metricOf = (run: RunSummary, metric: string | null): string =>
  metric && run.metrics[metric] !== undefined ? `, ${metric}=${formatMetric(run.metrics[metric])}` : '';
attachHighlight(
  pcHost,
  (run) => `${run.name}${metricOf(run, state.pcMetric)}`,
  () => runs,
);
attachHighlight(
  scHost,
  (run) =>
    `${run.name}${state.scParam ? `, ${state.scParam}=${formatValue(run.params?.[state.scParam])}` : ''}${metricOf(run, state.scMetric)}`,
  () => runs,
);
let lastWidth = 0;
new ResizeObserver(() => {
  const width = pcHost.clientWidth;
  if (runs.length > 0 && width !== lastWidth) {
    lastWidth = width;
    renderCharts();
  }
}).observe(pcHost);

post({ type: 'ready' });
