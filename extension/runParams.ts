// Pure helpers for launching and showing runs: the params input line and the live run summary.
// No vscode import, so they stay trivially testable.
import type { ParamValue, RunSummary } from '../protocol/runs';
import { formatMetric } from '../core/util/format';

/** Words YAML (or a reader of it) might take for something other than a string. */
const RESERVED = /^(true|false|yes|no|on|off|null|none|~)$/i;
const PLAIN = /^[A-Za-z_/][\w./-]*$/;

/**
 * One param value as the user types it after `key=`, read back as a YAML scalar by `--set`:
 * numbers and booleans as is, strings bare when safe, else single-quoted ('it''s').
 */
export function formatParamValue(value: ParamValue): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (PLAIN.test(value) && !RESERVED.test(value)) return value;
  if (/^[[{]/.test(value) && !/\s/.test(value)) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'object' && parsed !== null) return value; // a list or mapping, kept as JSON
    } catch {
      // not JSON: quote it
    }
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** `lr=0.01 epochs=10`: the params input's starting text. */
export function formatParams(params: Record<string, ParamValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${formatParamValue(v)}`)
    .join(' ');
}

export type ParsedParams = { ok: true; values: Map<string, string> } | { ok: false; error: string };

/**
 * Read the params input: `key=value` items separated by spaces. A value may hold spaces inside
 * quotes ('a b', "a b") or brackets ([1, 2]). Returns each key's value text, or the first problem.
 */
export function parseParamsInput(text: string): ParsedParams {
  const values = new Map<string, string>();
  const items: string[] = [];
  let current = '';
  let quote: string | null = null;
  let depth = 0;
  for (const ch of text) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === '[' || ch === '{') {
      depth++;
      current += ch;
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
      current += ch;
    } else if (/\s/.test(ch) && depth === 0) {
      if (current) items.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quote) return { ok: false, error: `Unclosed ${quote} quote: close it or remove it.` };
  if (depth > 0) return { ok: false, error: `Unclosed bracket in '${current}'.` };
  if (current) items.push(current);
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      return {
        ok: false,
        error: `'${item}' is not key=value: write each param as name=value, separated by spaces.`,
      };
    }
    const key = item.slice(0, eq);
    if (!/^[\w.\-/]+$/.test(key)) {
      return { ok: false, error: `'${key}' is not a param name (letters, digits, _ . - /).` };
    }
    if (values.has(key)) return { ok: false, error: `'${key}' is given twice.` };
    values.set(key, item.slice(eq + 1));
  }
  return { ok: true, values };
}

/**
 * The `--set key=value` overrides of an edited params input: each key whose text differs from the
 * params file's value (or that the file lacks). Keys left out keep the file's value.
 */
export function overridesFrom(params: Record<string, ParamValue>, edited: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [key, text] of edited) {
    const original = Object.hasOwn(params, key) ? formatParamValue(params[key] ?? null) : undefined;
    if (text !== original) out.push(`${key}=${text}`);
  }
  return out;
}

/** The run's main metric: the experiment's `metric:` once logged, else the first metric logged. */
export function mainMetric(run: RunSummary, configured: string | undefined): [string, number] | null {
  if (configured !== undefined) {
    const value = run.metrics[configured];
    return value === undefined ? null : [configured, value];
  }
  const first = Object.entries(run.metrics)[0];
  return first ?? null;
}

/** `step 120 · val/acc 0.912` (either part only when known); '' before anything is logged. */
export function liveSummary(run: RunSummary, configured: string | undefined): string {
  const parts: string[] = [];
  if (run.lastStep !== null) parts.push(`step ${run.lastStep}`);
  const metric = mainMetric(run, configured);
  if (metric) parts.push(`${metric[0]} ${formatMetric(metric[1])}`);
  return parts.join(' · ');
}
