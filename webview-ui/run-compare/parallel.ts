import { formatMetric } from '../../core/util/format';
import type { RunSummary } from '../../protocol/runs';
import { runColor } from '../shared/colors';
import { axisOf, niceTicks, type Axis } from './model';
import { escapeHtml, formatValue } from './table';

const HEIGHT = 210;
const MARGIN = { top: 40, bottom: 24, side: 48 };
/** More axes than this get unreadable; the rest are listed as left out. */
export const MAX_AXES = 12;

function tickLabels(axis: Axis, x: number, y: (p: number) => number): string {
  const labels =
    axis.kind === 'number'
      ? niceTicks(axis.min, axis.max, 4).map((t) => ({ text: formatMetric(t), p: axis.position(t) ?? 0 }))
      : axis.categories.length <= 10
        ? axis.categories.map((c) => ({ text: c, p: axis.position(c) ?? 0 }))
        : [];
  return labels
    .map(
      (l) =>
        `<text class="tick" x="${x - 5}" y="${y(l.p) + 3}" text-anchor="end">${escapeHtml(l.text.length > 10 ? `${l.text.slice(0, 9)}…` : l.text)}</text><line class="tick-mark" x1="${x - 3}" x2="${x}" y1="${y(l.p)}" y2="${y(l.p)}"/>`,
    )
    .join('');
}

/**
 * Parallel coordinates: one vertical axis per param that differs among the runs (categorical values
 * as ordinal axes), the chosen metric last, and each run a line in its colour through its values.
 */
export function parallelSvg(
  runs: RunSummary[],
  params: string[],
  metric: string | null,
  width: number,
): string {
  const keys = params.slice(0, MAX_AXES);
  const axes = keys.map((k) =>
    axisOf(
      k,
      k,
      runs.map((r) => r.params?.[k]),
    ),
  );
  if (metric)
    axes.push(
      axisOf(
        metric,
        metric,
        runs.map((r) => r.metrics[metric]),
      ),
    );
  if (axes.length === 0) {
    return '<p class="muted chart-empty">No param differs among these runs, and no metric is chosen.</p>';
  }
  const w = Math.max(width, 240);
  const step = axes.length > 1 ? (w - 2 * MARGIN.side) / (axes.length - 1) : 0;
  const xOf = (i: number): number => (axes.length > 1 ? MARGIN.side + i * step : w / 2);
  const y = (p: number): number => MARGIN.top + (1 - p) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const axisParts = axes.map((axis, i) => {
    const x = xOf(i);
    const label = axis.label.length > 16 ? `${axis.label.slice(0, 15)}…` : axis.label;
    const cls = metric && i === axes.length - 1 ? 'axis metric-axis' : 'axis';
    return `<g class="${cls}" data-axis="${escapeHtml(axis.key)}"><line x1="${x}" x2="${x}" y1="${y(0)}" y2="${y(1)}"/><text class="axis-label" x="${x}" y="${MARGIN.top - 22}" text-anchor="middle"><title>${escapeHtml(axis.label)}</title>${escapeHtml(label)}</text>${tickLabels(axis, x, y)}</g>`;
  });
  const lines = runs.map((run) => {
    let d = '';
    let pen = false;
    axes.forEach((axis, i) => {
      const value = i < keys.length ? run.params?.[axis.key] : run.metrics[axis.key];
      const p = axis.position(value);
      if (p === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${xOf(i).toFixed(1)} ${y(p).toFixed(1)} `;
      pen = true;
    });
    const values = axes
      .map((a, i) => `${a.label}=${formatValue(i < keys.length ? run.params?.[a.key] : run.metrics[a.key])}`)
      .join(', ');
    return `<path class="run-line" data-run="${escapeHtml(run.id)}" d="${d.trim() || 'M0 0'}" stroke="${runColor(run.id)}"><title>${escapeHtml(`${run.name}: ${values}`)}</title></path>`;
  });
  const left = params.length - keys.length;
  const label = `Parallel coordinates of ${runs.length} runs over ${axes.map((a) => a.label).join(', ')}`;
  return `<svg class="parallel" width="${w}" height="${HEIGHT}" role="img" tabindex="0" aria-label="${escapeHtml(label)}">${axisParts.join('')}<g class="lines">${lines.join('')}</g></svg>${
    left > 0 ? `<p class="muted note">${left} more differing params are not drawn.</p>` : ''
  }`;
}
