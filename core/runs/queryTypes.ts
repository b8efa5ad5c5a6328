// The vocabulary of run queries (docs/queries.md): values, run fields, resolved names, the data a
// query reads and its error. Pure, shared with the webviews.

/** A value a name has in one run; `undefined` when the run does not have it. */
export type Value = string | number | boolean | null | undefined;

/** Run fields a bare name can name, and their types. */
export const RUN_FIELDS = {
  id: 'string',
  name: 'string',
  status: 'string',
  experiment: 'string',
  commit: 'string',
  branch: 'string',
  dirty: 'boolean',
  /** Start time, compared with a date in quotes ("2026-11-25", "2026-11-25T08:00"). */
  started: 'time',
  ended: 'time',
  /** Seconds. */
  duration: 'number',
  exitCode: 'number',
  /** Step of the last metric line. */
  step: 'number',
  /** The command line, joined with spaces. */
  command: 'string',
  /** Imported runs: the tool they came from. */
  source: 'string',
  reproduces: 'string',
} as const;
export type RunField = keyof typeof RUN_FIELDS;

export type MetricStat = 'last' | 'min' | 'max';

/** What a name stands for, once resolved. */
export type NameRef =
  | { kind: 'field'; field: RunField }
  | { kind: 'param'; key: string }
  | { kind: 'metric'; name: string; stat: MetricStat }
  | { kind: 'tag'; key: string };

/** The runs a query reads: rows 0…size-1, and a reader per name. */
export interface QueryData {
  readonly size: number;
  hasParam(key: string): boolean;
  hasMetric(name: string): boolean;
  hasTag(key: string): boolean;
  /** Every param, metric and tag name some run has (for suggestions and column choices). */
  paramNames(): Iterable<string>;
  metricNames(): Iterable<string>;
  tagNames(): Iterable<string>;
  reader(ref: NameRef): (row: number) => Value;
}

/** A filter, sort key or column that does not parse or names nothing; `column` is 1-based. */
export class QueryError extends Error {
  constructor(
    readonly detail: string,
    readonly column: number,
    readonly length = 1,
    readonly hint?: string,
  ) {
    super(`${detail} at column ${column}${hint ? `; ${hint}` : ''}`);
    this.name = 'QueryError';
  }
}

/** A string as a number when it is one (numeric strings compare with numbers). */
export function asNumber(v: string): number | null {
  if (v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
