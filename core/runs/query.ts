// Filter expressions, sort keys and column names over runs (docs/queries.md). Pure: no Node APIs, so
// the runs table webview can use the same syntax in the browser. Parsed with jsep (queryParse.ts),
// names resolved by queryNames.ts, compiled here to closures; never eval. Sorting: querySort.ts.
import type { RunSummary } from '../../protocol/runs';
import {
  asNumber,
  RUN_FIELDS,
  QueryError,
  type NameRef,
  type QueryData,
  type RunField,
  type Value,
} from './queryTypes';
import { COMPARISONS, parse, type Comparison, type Node } from './queryParse';
import { nameOf, resolveSegments, segments } from './queryNames';
import { parseSort, sortRows } from './querySort';

export {
  RUN_FIELDS,
  QueryError,
  type MetricStat,
  type NameRef,
  type QueryData,
  type RunField,
  type Value,
} from './queryTypes';
export { COMPARISONS } from './queryParse';
export { closest, formatName, nameOf, resolveName } from './queryNames';
export { parseColumns, parseSort, sortOrder, sortRows, type SortKey } from './querySort';

// ---- filters -------------------------------------------------------------------------------

export interface Filter {
  test: (row: number) => boolean;
  /** Explicit names (`params.x`) no run has: not errors, but probably typos. */
  warnings: string[];
}

type NameOperand = { kind: 'name'; ref: NameRef; read: (row: number) => Value; node: Node };
type ValueOperand = { kind: 'value'; value: Value; node: Node };
type Operand = NameOperand | ValueOperand;

/** Compile a filter expression against `data`; errors (QueryError) point at a column of `text`. */
export function compileFilter(text: string, data: QueryData): Filter {
  const warnings: string[] = [];
  const root = parse(text, 0);
  const c = new Compiler(data, warnings, text);
  return { test: c.condition(root), warnings };
}

class Compiler {
  constructor(
    private readonly data: QueryData,
    private readonly warnings: string[],
    private readonly text: string,
  ) {}

  private source(node: Node): string {
    return this.text.slice(node.start ?? 0, node.end ?? 0).trim();
  }

  private fail(node: Node, detail: string, hint?: string): never {
    const start = node.start ?? 0;
    throw new QueryError(detail, start + 1, Math.max(1, (node.end ?? start + 1) - start), hint);
  }

  condition(node: Node): (row: number) => boolean {
    switch (node.type) {
      case 'BinaryExpression': {
        const op = node.operator as string;
        if (op === 'and' || op === '&&') {
          const [a, b] = [this.condition(node.left as Node), this.condition(node.right as Node)];
          return (row) => a(row) && b(row);
        }
        if (op === 'or' || op === '||') {
          const [a, b] = [this.condition(node.left as Node), this.condition(node.right as Node)];
          return (row) => a(row) || b(row);
        }
        return this.comparison(node, op as Comparison);
      }
      case 'UnaryExpression': {
        const inner = this.condition(node.argument as Node);
        return (row) => !inner(row);
      }
      case 'Literal':
        if (typeof node.value === 'boolean') {
          const v = node.value;
          return () => v;
        }
        return this.fail(
          node,
          `expected a condition, got ${node.raw as string}`,
          'compare it with a name, e.g. lr < 0.01',
        );
      case 'Compound': {
        const [first, second] = node.body as [Node, Node];
        const comma = /[,;]/.exec(this.text.slice(first.end, second.start));
        if (comma) {
          const at = (first.end ?? 0) + comma.index;
          throw new QueryError(
            `unexpected '${comma[0]}'`,
            at + 1,
            1,
            "combine conditions with 'and' or 'or'",
          );
        }
        return this.fail(second, 'expected an operator (and, or, ==, <, ~, …) before this');
      }
      case 'SequenceExpression':
        return this.fail(node, "unexpected ','", "combine conditions with 'and' or 'or'");
      default: {
        const operand = this.operand(node);
        if (operand.kind !== 'name') return this.fail(node, 'expected a condition');
        const read = operand.read;
        // A name alone is a condition when its value is `true` (`dirty`, a boolean param).
        return (row) => read(row) === true;
      }
    }
  }

  private operand(node: Node): Operand {
    if (node.type === 'Literal') {
      if (node.value instanceof RegExp) return this.fail(node, 'unexpected regular expression');
      return { kind: 'value', value: node.value as Value, node };
    }
    const segs = segments(node);
    if (segs) {
      let ref: NameRef;
      try {
        ref = resolveSegments(segs, this.data, node, 0, this.warnings);
      } catch (err) {
        const word = segs.length === 1 && !segs[0]?.quoted ? segs[0]?.name : undefined;
        if (err instanceof QueryError && !err.hint && word !== undefined)
          throw new QueryError(
            err.detail,
            err.column,
            err.length,
            `to compare with text, quote it: "${word}"`,
          );
        throw err;
      }
      return { kind: 'name', ref, read: this.data.reader(ref), node };
    }
    if (node.type === 'CallExpression') return this.fail(node, 'functions are not supported');
    if (node.type === 'ArrayExpression')
      return this.fail(
        node,
        'lists are not supported',
        'use \'or\': status == "failed" or status == "killed"',
      );
    if (node.type === 'BinaryExpression' || node.type === 'UnaryExpression')
      return this.fail(
        node,
        'expected a name or a value',
        'comparisons cannot be chained; combine them with and',
      );
    return this.fail(node, 'expected a name or a value');
  }

  private comparison(node: Node, op: Comparison): (row: number) => boolean {
    const first = node.left as Node;
    if (
      first.type === 'BinaryExpression' &&
      (COMPARISONS as readonly string[]).includes(first.operator as string)
    ) {
      const middle = first.right as Node;
      const at = this.text.indexOf(op, middle.end ?? 0);
      throw new QueryError(
        'comparisons cannot be chained',
        at + 1,
        op.length,
        `write ${this.source(first)} and ${this.source(middle)} ${op} ${this.source(node.right as Node)}`,
      );
    }
    const left = this.operand(node.left as Node);
    const right = this.operand(node.right as Node);
    if (left.kind === 'name') {
      return this.compiled(op, left, right.kind === 'value' ? this.literalFor(left, right, op) : right);
    }
    if (right.kind === 'name') {
      if (op === '~' || op === '!~') return this.fail(left.node, `put the name on the left of '${op}'`);
      // `0.9 < acc` reads as `acc > 0.9`.
      return this.compiled(flip(op), right, this.literalFor(right, left, flip(op)));
    }
    const result = compare(op, left.value, right.value);
    return () => result;
  }

  /** Check and convert a literal compared with a name: dates for time fields, text for `~`. */
  private literalFor(name: NameOperand, lit: ValueOperand, op: Comparison): ValueOperand {
    const type = name.ref.kind === 'field' ? RUN_FIELDS[name.ref.field] : null;
    if (type === 'time' && op !== '~' && op !== '!~' && lit.value !== null) {
      if (typeof lit.value !== 'string')
        return this.fail(
          lit.node,
          `compare '${nameOf(name.ref)}' with a date in quotes`,
          'e.g. started > "2026-11-25"',
        );
      const ms = Date.parse(lit.value);
      if (Number.isNaN(ms))
        return this.fail(lit.node, `'${lit.value}' is not a date`, 'e.g. "2026-11-25" or "2026-11-25T08:00"');
      return { ...lit, value: ms };
    }
    if ((op === '~' || op === '!~') && (lit.value === null || typeof lit.value === 'boolean'))
      return this.fail(lit.node, `'${op}' needs text to look for`, `e.g. name ~ "resnet"`);
    return lit;
  }

  private compiled(op: Comparison, left: NameOperand, right: Operand): (row: number) => boolean {
    const read = left.read;
    if (right.kind === 'value') {
      const v = right.value;
      if (op === '~' || op === '!~') {
        const needle = String(v).toLowerCase();
        return op === '~' ? (row) => contains(read(row), needle) : (row) => notContains(read(row), needle);
      }
      if (typeof v === 'number' && op !== '==' && op !== '!=') {
        // The common case (lr < 0.01), without the general comparison's type dispatch.
        const cmp = ORDER[op];
        return (row) => {
          const x = read(row);
          return typeof x === 'number' ? cmp(x, v) : compare(op, x, v);
        };
      }
      return (row) => compare(op, read(row), v);
    }
    const other = right.read;
    if (op === '~' || op === '!~') {
      return (row) => {
        const needle = other(row);
        if (needle === undefined || needle === null) return false;
        const s = String(needle).toLowerCase();
        return op === '~' ? contains(read(row), s) : notContains(read(row), s);
      };
    }
    return (row) => compare(op, read(row), other(row));
  }
}

const ORDER = {
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
};

function flip(op: Comparison): Comparison {
  return op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
}

function contains(v: Value, needle: string): boolean {
  return v !== undefined && v !== null && String(v).toLowerCase().includes(needle);
}

function notContains(v: Value, needle: string): boolean {
  return v !== undefined && v !== null && !String(v).toLowerCase().includes(needle);
}

/** A string that reads as a number ("0.01", "1e-3") compares as one with numbers. */

/**
 * One comparison. A missing value (the run lacks the name) equals `null` and nothing else, and
 * every other comparison with it is false; `null` equals only `null` and has no order. Numbers
 * compare with numbers and with numeric strings; strings compare by code points.
 */
export function compare(op: Comparison, a: Value, b: Value): boolean {
  if (op === '~') return b !== undefined && b !== null && contains(a, String(b).toLowerCase());
  if (op === '!~') return b !== undefined && b !== null && notContains(a, String(b).toLowerCase());
  const an = a === undefined ? null : a;
  const bn = b === undefined ? null : b;
  if (an === null || bn === null) {
    if (op === '==') return an === bn;
    if (op === '!=') return a !== undefined && b !== undefined && an !== bn;
    return false;
  }
  let x: string | number | boolean = an;
  let y: string | number | boolean = bn;
  if (typeof x !== typeof y) {
    if (typeof x === 'number' && typeof y === 'string') {
      const n = asNumber(y);
      if (n === null) return op === '!=';
      y = n;
    } else if (typeof x === 'string' && typeof y === 'number') {
      const n = asNumber(x);
      if (n === null) return op === '!=';
      x = n;
    } else return op === '!=';
  }
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    default:
      if (typeof x === 'boolean') return false;
      return ORDER[op](x as number, y as number);
  }
}

export interface Selection {
  /** Matching rows, sorted, at most `limit`. */
  rows: number[];
  /** Rows that matched before the limit. */
  matched: number;
  warnings: string[];
}

/** Filter, sort and limit the rows of `data` (0…size-1, in their order: newest first). */
export function selectRows(
  data: QueryData,
  opts: { filter?: string; sort?: string; limit?: number },
): Selection {
  const warnings: string[] = [];
  const filter = opts.filter !== undefined ? compileFilter(opts.filter, data) : null;
  if (filter) warnings.push(...filter.warnings);
  const keys = opts.sort !== undefined ? parseSort(opts.sort, data, warnings) : [];
  let rows: number[] = [];
  const test = filter?.test;
  for (let r = 0; r < data.size; r++) if (!test || test(r)) rows.push(r);
  const matched = rows.length;
  rows = sortRows(rows, keys, data);
  if (opts.limit !== undefined && rows.length > opts.limit) rows = rows.slice(0, opts.limit);
  return { rows, matched, warnings };
}

// ---- run summaries as query data -----------------------------------------------------------

/** A field's value in a summary (times in ms, duration in seconds). */
export function fieldOf(run: RunSummary, field: RunField): Value {
  switch (field) {
    case 'started':
      return timeOf(run.startedAt);
    case 'ended':
      return run.endedAt === null ? null : timeOf(run.endedAt);
    case 'duration':
      return run.durationMs / 1000;
    case 'step':
      return run.lastStep;
    case 'command':
      return run.command.join(' ');
    default:
      return run[field];
  }
}

function timeOf(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Read one resolved name from a summary. */
export function valueOf(run: RunSummary, ref: NameRef): Value {
  switch (ref.kind) {
    case 'field':
      return fieldOf(run, ref.field);
    case 'param':
      return run.params?.[ref.key];
    case 'tag':
      return run.tags?.[ref.key];
    case 'metric': {
      const m = ref.stat === 'last' ? run.metrics : ref.stat === 'min' ? run.metricsMin : run.metricsMax;
      return m?.[ref.name];
    }
  }
}

/** Query data over a list of summaries (the webview's runs, a server answer). */
export function summariesData(runs: readonly RunSummary[]): QueryData {
  let names: { params: Set<string>; metrics: Set<string>; tags: Set<string> } | undefined;
  const all = () => {
    if (!names) {
      names = { params: new Set(), metrics: new Set(), tags: new Set() };
      for (const r of runs) {
        for (const k in r.params) names.params.add(k);
        for (const k in r.metrics) names.metrics.add(k);
        for (const k in r.tags) names.tags.add(k);
      }
    }
    return names;
  };
  return {
    size: runs.length,
    hasParam: (k) => all().params.has(k),
    hasMetric: (k) => all().metrics.has(k),
    hasTag: (k) => all().tags.has(k),
    paramNames: () => all().params,
    metricNames: () => all().metrics,
    tagNames: () => all().tags,
    reader: (ref) => (row) => valueOf(runs[row] as RunSummary, ref),
  };
}

/** Filter, sort and limit summaries (what `lineage runs` does, for callers holding summaries). */
export function queryRuns(
  runs: readonly RunSummary[],
  opts: { filter?: string; sort?: string; limit?: number },
): { runs: RunSummary[]; matched: number; warnings: string[] } {
  const sel = selectRows(summariesData(runs), opts);
  return { runs: sel.rows.map((r) => runs[r] as RunSummary), matched: sel.matched, warnings: sel.warnings };
}
