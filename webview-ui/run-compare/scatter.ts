import { formatMetric } from '../../core/util/format';
import type { RunSummary } from '../../protocol/runs';
import { runColor } from '../shared/colors';
import { axisOf, niceTicks, type Axis } from './model';
import { escapeHtml, formatValue } from './table';

const HEIGHT = 210;
const M = { top: 14, right: 16, bottom: 36, left: 64 };

function ticks(axis: Axis): { text: string; p: number }[] {
  if (axis.kind === 'number') {
    return niceTicks(axis.min, axis.max, 5).map((t) => ({ text: formatMetric(t), p: axis.position(t) ?? 0 }));
  }
  return axis.categories.length <= 12
    ? axis.categories.map((c) => ({ text: c, p: axis.position(c) ?? 0 }))
    : [];
}

/** A metric (y) against a param (x), one point per run in its colour; categorical params ordinal. */
export function scatterSvg(
  runs: RunSummary[],
  param: string | null,
  metric: string | null,
  width: number,
): string {
  if (!param || !metric) return '<p class="muted chart-empty">Pick a param and a metric.</p>';
  const xs = runs.map((r) => r.params?.[param]);
  const ys = runs.map((r) => r.metrics[metric]);
  const xAxis = axisOf(param, param, xs);
  const yAxis = axisOf(metric, metric, ys);
  const w = Math.max(width, 200);
  const pad = (p: number): number => 0.04 + p * 0.92;
  const x = (p: number): number => M.left + pad(p) * (w - M.left - M.right);
  const y = (p: number): number => M.top + (1 - pad(p)) * (HEIGHT - M.top - M.bottom);
  const grid = [
    ...ticks(xAxis).map(
      (t) =>
        `<line class="gridline" x1="${x(t.p)}" x2="${x(t.p)}" y1="${M.top}" y2="${HEIGHT - M.bottom}"/><text class="tick" x="${x(t.p)}" y="${HEIGHT - M.bottom + 14}" text-anchor="middle">${escapeHtml(t.text.slice(0, 12))}</text>`,
    ),
    ...ticks(yAxis).map(
      (t) =>
        `<line class="gridline" x1="${M.left}" x2="${w - M.right}" y1="${y(t.p)}" y2="${y(t.p)}"/><text class="tick" x="${M.left - 6}" y="${y(t.p) + 3}" text-anchor="end">${escapeHtml(t.text.slice(0, 10))}</text>`,
    ),
  ];
  let drawn = 0;
  const points = runs.map((run, i) => {
    const px = xAxis.position(xs[i]);
    const py = yAxis.position(ys[i]);
    if (px === null || py === null) return '';
    drawn++;
    const text = `${run.name}: ${param}=${formatValue(xs[i])}, ${metric}=${formatValue(ys[i])}`;
    return `<circle class="point" data-run="${escapeHtml(run.id)}" cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="5" fill="${runColor(run.id)}"><title>${escapeHtml(text)}</title></circle>`;
  });
  const label = `${metric} against ${param}: ${drawn} of ${runs.length} runs have both`;
  return `<svg class="scatter" width="${w}" height="${HEIGHT}" role="img" tabindex="0" aria-label="${escapeHtml(label)}">${grid.join('')}<line class="axis-line" x1="${M.left}" x2="${w - M.right}" y1="${HEIGHT - M.bottom}" y2="${HEIGHT - M.bottom}"/><line class="axis-line" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${HEIGHT - M.bottom}"/><text class="axis-title" x="${(M.left + w - M.right) / 2}" y="${HEIGHT - 4}" text-anchor="middle">${escapeHtml(param)}</text><text class="axis-title" transform="rotate(-90)" x="${-(M.top + (HEIGHT - M.bottom)) / 2}" y="12" text-anchor="middle">${escapeHtml(metric)}</text><g class="points">${points.join('')}</g></svg>`;
}
