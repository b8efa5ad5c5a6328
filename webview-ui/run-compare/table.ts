import { formatMetric, shortCommit, shortRunId } from '../../core/util/format';
import type { RunSummary } from '../../protocol/runs';
import { runColor } from '../shared/colors';
import type { Row, Section, Value } from './model';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** What the table shows for a value (numbers as the views format metrics). */
export function formatValue(value: Value): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  if (typeof value === 'number') return formatMetric(value);
  return String(value);
}

export interface TableInput {
  runs: RunSummary[];
  sections: Section[];
  baseline: number;
  collapsed: Set<string>;
  /** Code status messages by `a b` run ids. */
  codeStatus: Map<string, string>;
}

function headerCell(run: RunSummary, index: number, baseline: number): string {
  const isBase = index === baseline;
  const name = escapeHtml(run.name);
  return `<div class="cell run-head${isBase ? ' baseline' : ''}" role="columnheader" data-run="${escapeHtml(run.id)}">
    <div class="run-title"><span class="swatch" data-color="${runColor(run.id)}" aria-hidden="true"></span><span class="run-name" title="${name} (${escapeHtml(run.id)})">${name}</span></div>
    <div class="run-meta"><span class="status status-${run.status}">${run.status}</span> · <span title="${escapeHtml(run.commit ?? 'no commit')}">${escapeHtml(shortCommit(run.commit, run.dirty))}</span> · ${escapeHtml(shortRunId(run.id))}</div>
    <div class="run-actions">${
      isBase
        ? '<span class="base-badge">baseline</span>'
        : `<button type="button" class="link set-baseline" aria-label="Use ${name} as the baseline">Set baseline</button>`
    }<button type="button" class="icon remove" aria-label="Remove ${name} from the comparison" title="Remove from the comparison">×</button></div>
  </div>`;
}

function valueCell(row: Row, run: RunSummary, i: number, input: TableInput): string {
  const value = row.values[i];
  const changed = row.changed[i] ? ' changed' : '';
  const missing = value === undefined ? ' missing' : '';
  let body: string;
  if (row.section === 'metrics' && typeof value === 'number') {
    const min = run.metricsMin?.[row.key];
    const max = run.metricsMax?.[row.key];
    const range =
      min !== undefined && max !== undefined
        ? `<span class="range" title="min ${min} · max ${max}">${formatMetric(min)} … ${formatMetric(max)}</span>`
        : '';
    body = `<span class="v" title="last ${value}">${formatMetric(value)}</span>${range}`;
  } else if (row.section === 'datasets' && typeof value === 'string') {
    const base = input.runs[input.baseline];
    const baseValue = row.values[input.baseline];
    const link =
      row.changed[i] && base && typeof baseValue === 'string'
        ? ` <button type="button" class="link diff-link" data-dataset="${escapeHtml(row.key)}" data-a="${escapeHtml(base.id)}" data-b="${escapeHtml(run.id)}" aria-label="Diff ${escapeHtml(row.key)} between ${escapeHtml(base.name)} and ${escapeHtml(run.name)}">Diff</button>`
        : '';
    body = `<span class="v mono" title="${escapeHtml(value)}">${escapeHtml(value.slice(0, 10))}</span>${link}`;
  } else if (row.section === 'code' && row.key === 'commit' && typeof value === 'string') {
    body = `<span class="v mono" title="${escapeHtml(value)}">${escapeHtml(value.slice(0, 10))}</span>`;
  } else {
    const text = formatValue(value);
    body = `<span class="v" title="${escapeHtml(text)}">${escapeHtml(text)}</span>`;
  }
  return `<div class="cell${changed}${missing}" role="cell">${body}</div>`;
}

/** The "Open code changes" buttons (each run against the baseline), or what the last one found. */
function codeChangesRow(input: TableInput, c0: number, c1: number, outcome: boolean): string {
  const base = input.runs[input.baseline];
  const cells = input.runs.slice(c0, c1).map((run, k) => {
    if (!base || c0 + k === input.baseline) {
      return `<div class="cell" role="cell">${outcome ? '' : '<span class="muted">baseline</span>'}</div>`;
    }
    if (outcome) {
      const status = input.codeStatus.get(`${base.id} ${run.id}`) ?? '';
      return `<div class="cell" role="cell"><span class="code-status" role="status" title="${escapeHtml(status)}">${escapeHtml(status)}</span></div>`;
    }
    return `<div class="cell" role="cell"><button type="button" class="secondary code-button" data-a="${escapeHtml(base.id)}" data-b="${escapeHtml(run.id)}" aria-label="Open code changes from ${escapeHtml(base.name)} to ${escapeHtml(run.name)}">Open code changes</button></div>`;
  });
  const key = outcome ? 'outcome' : 'code changes';
  return `<div class="cell key" role="rowheader">${key}</div><div class="skip"></div>${cells.join('')}`;
}

/** One line of the table body: a section heading, a row of values, or the code changes buttons. */
export type Line =
  | { kind: 'section'; section: Section; differing: number }
  | { kind: 'row'; row: Row }
  | { kind: 'none' }
  | { kind: 'code' }
  | { kind: 'codeOutcome' };

/**
 * The lines shown: collapsed sections keep their heading; Differences only drops equal rows, and a
 * find text keeps only rows whose key holds it (ignoring case).
 */
export function tableLines(
  sections: Section[],
  collapsed: Set<string>,
  diffOnly: boolean,
  runs: number,
  find = '',
): Line[] {
  const lines: Line[] = [];
  const needle = find.trim().toLowerCase();
  for (const section of sections) {
    const differing = section.rows.filter((r) => r.differs).length;
    const rows = section.rows.filter(
      (r) => (!diffOnly || r.differs) && (needle === '' || r.key.toLowerCase().includes(needle)),
    );
    const codeButtons = section.id === 'code' && runs > 1 && needle === '';
    if ((diffOnly || needle !== '') && rows.length === 0 && !codeButtons) continue;
    lines.push({ kind: 'section', section, differing });
    if (collapsed.has(section.id)) continue;
    if (rows.length === 0 && section.id !== 'code') lines.push({ kind: 'none' });
    for (const row of rows) lines.push({ kind: 'row', row });
    if (codeButtons) lines.push({ kind: 'code' }, { kind: 'codeOutcome' });
  }
  return lines;
}

/** The header row: the runs of columns c0 to c1 (the others are left out: a spacer stands in). */
export function headHtml(input: TableInput, c0: number, c1: number): string {
  return `<div class="cell key corner" role="columnheader">${input.runs.length} runs</div><div class="skip"></div>${input.runs
    .slice(c0, c1)
    .map((run, k) => headerCell(run, c0 + k, input.baseline))
    .join('')}`;
}

/** Lines r0 to r1, columns c0 to c1: only what is in view is in the DOM. */
export function linesHtml(
  input: TableInput,
  lines: Line[],
  r0: number,
  r1: number,
  c0: number,
  c1: number,
): string {
  const parts: string[] = [];
  for (let r = r0; r < r1; r++) {
    const line = lines[r] as Line;
    const index = ` aria-rowindex="${r + 2}"`;
    if (line.kind === 'section') {
      const { section, differing } = line;
      const open = !input.collapsed.has(section.id);
      parts.push(
        `<div class="row section" role="row"${index}><div class="cell key" role="rowheader"><button type="button" class="section-toggle" aria-expanded="${open}" data-section="${section.id}"><span class="chevron" aria-hidden="true">${open ? '▾' : '▸'}</span>${section.title} <span class="section-count">${section.rows.length}${differing > 0 ? ` · ${differing} differ` : ''}</span></button></div></div>`,
      );
    } else if (line.kind === 'none') {
      parts.push(
        `<div class="row" role="row"${index}><div class="cell key muted" role="rowheader">none</div></div>`,
      );
    } else if (line.kind === 'code' || line.kind === 'codeOutcome') {
      const outcome = line.kind === 'codeOutcome';
      parts.push(
        `<div class="row code-changes" role="row"${index}>${codeChangesRow(input, c0, c1, outcome)}</div>`,
      );
    } else {
      const { row } = line;
      let cells = '';
      for (let i = c0; i < c1; i++) cells += valueCell(row, input.runs[i] as RunSummary, i, input);
      parts.push(
        `<div class="row ${row.differs ? 'differs' : 'same'}" role="row"${index}><div class="cell key" role="rowheader" title="${escapeHtml(row.key)}">${escapeHtml(row.key)}</div><div class="skip"></div>${cells}</div>`,
      );
    }
  }
  return parts.join('');
}
