// The Metric Plots chart: uPlot's options in the theme's colours, and the min/max bands that
// downsampling folded, drawn under the lines.
import uPlot from 'uplot';
import type { PlotSeries } from '../../protocol/webview';
import { runColor, withAlpha } from '../shared/colors';
import { BAND_LIMIT, formatDuration, formatValue } from './plotMath';

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** What the chart needs from the view. */
export interface ChartContext {
  axis: 'step' | 'relative' | 'wall';
  log: boolean;
  size: { width: number; height: number };
  series: PlotSeries[];
  /** The series and hidden runs at draw time (they change without a new chart). */
  shownSeries(): PlotSeries[];
  hidden(): ReadonlySet<string>;
  onCursor(u: uPlot): void;
  onDraw(): void;
  /** A drag over [min, max] of x: zoom there. */
  onZoom(min: number, max: number): void;
}

/** uPlot options for one metric's series (mode 2: each run its own x values), in the theme's colours. */
export function chartOptions(c: ChartContext): uPlot.Options {
  const { axis, series } = c;
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
    ...c.size,
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
    select: { show: true, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      x: { time: axis === 'wall', auto: true },
      y: c.log ? { distr: 3, auto: true } : { auto: true },
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
        show: !c.hidden().has(s.id),
        stroke: runColor(s.id),
        // Past the band limit, whole-pixel lines: a fractional width costs Chromium several times more to
        // rasterize (100 runs: ~0.45 s against ~0.14 s here).
        width: series.length > BAND_LIMIT ? 1 : 1.5,
        points: { show: false },
        paths: uPlot.paths.linear?.(),
        facets: [
          { scale: 'x', auto: true, sorted: 1 },
          { scale: 'y', auto: true },
        ],
      })),
    ],
    hooks: {
      drawClear: [(u) => drawBands(u, c.shownSeries(), c.hidden())],
      setCursor: [(u) => c.onCursor(u)],
      draw: [() => c.onDraw()],
      setSelect: [
        (u) => {
          if (u.select.width < 3) return;
          const min = u.posToVal(u.select.left, 'x');
          const max = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          u.setScale('x', { min, max });
          c.onZoom(min, max);
        },
      ],
    },
  };
}

/** Each run's min/max band under its line: what downsampling folded into each kept point. */
function drawBands(u: uPlot, series: readonly PlotSeries[], hidden: ReadonlySet<string>): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  const drawn = series.filter((s) => !hidden.has(s.id));
  if (drawn.length > BAND_LIMIT) return ctx.restore();
  const alpha = drawn.length > 5 ? 0.08 : 0.15;
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
    if (s.x.length < 2 || hidden.has(s.id)) continue;
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
