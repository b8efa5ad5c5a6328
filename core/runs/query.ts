// Filter expressions, sort keys and column names over runs (docs/queries.md). Pure: no Node APIs, so
// the runs table webview can use the same syntax in the browser. Parsed with jsep (configured here:
// comparisons, `~` / `!~`, `and`, `or`, `not`, backquoted names) and compiled to closures; never eval.
import jsep from 'jsep';
import type { RunSummary } from '../../protocol/runs';

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

// ---- parsing -------------------------------------------------------------------------------

const OR = 1;
const AND = 2;
const CMP = 6;
export const COMPARISONS = ['==', '!=', '<', '<=', '>', '>=', '~', '!~'] as const;
type Comparison = (typeof COMPARISONS)[number];

/** jsep nodes as produced here: tokens carry their span in the text. */
type Node = jsep.Expression & { start?: number; end?: number; quoted?: boolean };

let configured = false;

function configure(): void {
  if (configured) return;
  configured = true;
  // No `a ? b : c` (jsep's built-in ternary plugin): '?' is reported as unexpected.
  const hooks = jsep.hooks as unknown as Record<string, unknown[] | undefined>;
  hooks['after-expression']?.splice(0);
  jsep.removeAllBinaryOps();
  jsep.removeAllUnaryOps();
  jsep.addBinaryOp('or', OR);
  jsep.addBinaryOp('||', OR);
  jsep.addBinaryOp('and', AND);
  jsep.addBinaryOp('&&', AND);
  for (const op of COMPARISONS) jsep.addBinaryOp(op, CMP);
  jsep.hooks.add('gobble-token', gobbleToken);
}

const BACKQUOTE = 96;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** As jsep reads identifiers: letters, `$`, `_` and anything beyond ASCII. */
const isNameStart = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 36 || c === 95 || c >= 128;

/**
 * Every token goes through here, so each carries its span: names (bare, backquoted, with `.x` and
 * `["x"]` parts), numbers (with a leading `-`), strings, `( … )`, and `not` / `!`, which binds
 * looser than comparisons and tighter than `and` (`not a == 1 and b` is `(not (a == 1)) and b`).
 * Anything else is left to jsep, which reports it.
 */
function gobbleToken(this: jsep.HookScope, env: { node?: jsep.Expression }): void {
  const start = this.index;
  const c = this.code;
  let node: Node | false;
  if (c === BACKQUOTE) {
    const close = this.expr.indexOf('`', start + 1);
    if (close < 0) this.throwError('unclosed backquote');
    if (close === start + 1) this.throwError('empty name ``');
    this.index = close + 1;
    node = {
      type: 'Identifier',
      name: this.expr.slice(start + 1, close),
      quoted: true,
      start,
      end: this.index,
    };
    node = this.gobbleTokenProperty(node) as Node;
  } else if (isNameStart(c)) {
    const id = this.gobbleIdentifier() as Node;
    const word = id.name as string;
    if (word === 'not') {
      node = { type: 'UnaryExpression', operator: 'not', argument: notOperand(this), prefix: true };
    } else if (word === 'and' || word === 'or') {
      this.index = start;
      this.throwError(`'${word}' needs a condition on each side`);
    } else if (word === 'true' || word === 'false' || word === 'null') {
      node = { type: 'Literal', value: word === 'null' ? null : word === 'true', raw: word };
    } else {
      id.start = start;
      id.end = this.index;
      node = this.gobbleTokenProperty(id) as Node;
    }
  } else if (
    c === 33 /* ! */ &&
    this.expr.charCodeAt(start + 1) !== 61 /* = */ &&
    this.expr.charCodeAt(start + 1) !== 126 /* ~ */
  ) {
    this.index++;
    node = { type: 'UnaryExpression', operator: 'not', argument: notOperand(this), prefix: true };
  } else if (c === 45 /* - */) {
    this.index++;
    if (!isDigit(this.code) && this.code !== 46) {
      this.index = start;
      this.throwError("'-' must be followed by a number");
    }
    node = this.gobbleNumericLiteral() as Node;
    node.value = -(node.value as number);
    node.raw = `-${node.raw as string}`;
  } else if (isDigit(c) || c === 46 /* . */) {
    node = this.gobbleNumericLiteral() as Node;
  } else if (c === 34 || c === 39 /* quotes */) {
    node = this.gobbleStringLiteral() as Node;
  } else if (c === 91 /* [ */) {
    node = this.gobbleArray() as Node;
  } else if (c === 40 /* ( */) {
    node = this.gobbleGroup() as Node | false;
    if (!node) {
      this.index = start;
      this.throwError('empty parentheses');
    }
  } else {
    return;
  }
  let end = this.index;
  while (end > start && /\s/.test(this.expr[end - 1] as string)) end--;
  node.start = start;
  node.end = end;
  env.node = node;
}

/** The operand of `not`: one token and any comparisons after it (not `and` / `or`). */
function notOperand(scope: jsep.HookScope): Node {
  let left = scope.gobbleToken() as Node | false;
  if (!left) scope.throwError("expected a condition after 'not'");
  for (;;) {
    const before = scope.index;
    const op = scope.gobbleBinaryOp() as unknown as string | false;
    if (!op || (jsep.binary_ops[op] ?? 0) <= AND) {
      scope.index = before;
      return left;
    }
    const right = scope.gobbleToken() as Node | false;
    if (!right) scope.throwError(`expected a value after '${op}'`);
    left = { type: 'BinaryExpression', operator: op, left, right };
  }
}

/** Parse `text` into a tree whose nodes all carry `start` / `end`. */
function parse(text: string, offset: number): Node {
  configure();
  if (text.trim() === '') throw new QueryError('empty expression', offset + 1);
  let node: Node;
  try {
    node = jsep(text) as Node;
  } catch (err) {
    throw parseError(err, text, offset);
  }
  span(node, text);
  return node;
}

function parseError(err: unknown, text: string, offset: number): QueryError {
  if (err instanceof QueryError) return err;
  const e = err as { index?: number; description?: string; message?: string };
  const index = Math.min(e.index ?? 0, text.length);
  const desc = e.description ?? e.message ?? String(err);
  const ch = text[index];
  const after = /^Expected expression after (.+)$/.exec(desc);
  let detail: string;
  if (after) detail = `expected a value after '${after[1]}'`;
  else if (/^Unexpected /.test(desc))
    detail = ch === undefined ? 'unexpected end of expression' : `unexpected '${ch}'`;
  else if (desc === 'Unclosed (') detail = "missing ')'";
  else if (desc === 'Unclosed [') detail = "missing ']'";
  else if (/^Unclosed quote/.test(desc)) detail = 'unclosed quote';
  else detail = desc.charAt(0).toLowerCase() + desc.slice(1);
  let hint: string | undefined;
  if (ch === '=' && text[index + 1] !== '=') hint = "compare with '=='";
  else if (ch === '/' || ch === '-') {
    const word = /[\w$./-]*$/.exec(text.slice(0, index))?.[0] ?? '';
    const rest = /^[\w$./-]*/.exec(text.slice(index))?.[0] ?? '';
    if (word !== '') hint = `a name with '/' or '-' needs backquotes: \`${word}${rest}\``;
  }
  return new QueryError(detail, offset + index + 1, 1, hint);
}

/** Give every node a span (binary and group nodes get theirs from their parts). */
function span(node: Node, text: string): [number, number] {
  if (node.type === 'BinaryExpression') {
    const [s] = span(node.left as Node, text);
    const [, e] = span(node.right as Node, text);
    node.start ??= s;
    node.end ??= e;
  } else if (node.type === 'UnaryExpression') {
    span(node.argument as Node, text);
  } else if (node.type === 'MemberExpression') {
    span(node.object as Node, text);
  } else if (node.type === 'Compound' || node.type === 'SequenceExpression') {
    const parts = ((node.body ?? node.expressions) as Node[]).map((n) => span(n, text));
    node.start ??= parts[0]?.[0] ?? 0;
    node.end ??= parts[parts.length - 1]?.[1] ?? text.length;
  }
  node.start ??= 0;
  node.end ??= text.length;
  return [node.start, node.end];
}

// ---- names ---------------------------------------------------------------------------------

interface Segment {
  name: string;
  /** Written in backquotes or brackets: taken as is, never a statistic or a prefix. */
  quoted: boolean;
}

/** The parts of a name expression (`a.b["c"].min`, `` `val/acc`.max ``), or null if it is not one. */
function segments(node: Node): Segment[] | null {
  if (node.type === 'Identifier') return [{ name: node.name as string, quoted: node.quoted === true }];
  if (node.type !== 'MemberExpression' || node.optional) return null;
  const head = segments(node.object as Node);
  if (!head) return null;
  const prop = node.property as Node;
  if (!node.computed && prop.type === 'Identifier')
    return [...head, { name: prop.name as string, quoted: false }];
  if (node.computed && prop.type === 'Literal' && typeof prop.value === 'string')
    return [...head, { name: prop.value, quoted: true }];
  return null;
}

const STATS = new Set<string>(['last', 'min', 'max']);
const join = (segs: Segment[]): string => segs.map((s) => s.name).join('.');

/** How a name reads: `params.`, `metrics.` and `tags.` prefixes, else field → param → metric. */
function resolveSegments(
  segs: Segment[],
  data: QueryData,
  at: Node,
  offset: number,
  warnings: string[],
): NameRef {
  const [head, ...rest] = segs as [Segment, ...Segment[]];
  const column = offset + (at.start ?? 0) + 1;
  const length = (at.end ?? 0) - (at.start ?? 0);
  const text = formatName(segs);
  if (!head.quoted && (head.name === 'params' || head.name === 'metrics' || head.name === 'tags')) {
    if (rest.length === 0)
      throw new QueryError(
        `'${head.name}' needs a name after it`,
        column,
        length,
        `e.g. ${head.name}.x or ${head.name}["x/y"]`,
      );
    if (head.name === 'params') {
      const key = join(rest);
      if (data.size > 0 && !data.hasParam(key)) warnings.push(missing('param', key, [...data.paramNames()]));
      return { kind: 'param', key };
    }
    if (head.name === 'tags') {
      const key = join(rest);
      if (data.size > 0 && !data.hasTag(key)) warnings.push(missing('tag', key, [...data.tagNames()]));
      return { kind: 'tag', key };
    }
    const last = rest[rest.length - 1] as Segment;
    const stat = rest.length > 1 && !last.quoted && STATS.has(last.name) ? (last.name as MetricStat) : null;
    const name = join(stat ? rest.slice(0, -1) : rest);
    if (data.size > 0 && !data.hasMetric(name))
      warnings.push(missing('metric', name, [...data.metricNames()]));
    return { kind: 'metric', name, stat: stat ?? 'last' };
  }
  const whole = join(segs);
  if (segs.length === 1 && !head.quoted && Object.hasOwn(RUN_FIELDS, whole))
    return { kind: 'field', field: whole as RunField };
  if (data.hasParam(whole)) return { kind: 'param', key: whole };
  if (data.hasMetric(whole)) return { kind: 'metric', name: whole, stat: 'last' };
  const last = segs[segs.length - 1] as Segment;
  if (segs.length > 1 && !last.quoted && STATS.has(last.name)) {
    const name = join(segs.slice(0, -1));
    if (data.hasMetric(name)) return { kind: 'metric', name, stat: last.name as MetricStat };
  }
  const similar = closest(whole, [...Object.keys(RUN_FIELDS), ...data.paramNames(), ...data.metricNames()]);
  throw new QueryError(
    `unknown name '${text}'`,
    column,
    length,
    similar.length ? `did you mean ${orList(similar.map((s) => `'${formatName(s)}'`))}?` : undefined,
  );
}

function missing(kind: string, name: string, known: string[]): string {
  const similar = closest(name, known);
  return `no run has ${kind} '${name}'${similar.length ? `; did you mean ${orList(similar.map((s) => `'${s}'`))}?` : ''}`;
}

/** A name as it would be typed: backquoted when it needs to be. */
export function formatName(segs: Segment[] | string): string {
  const list = typeof segs === 'string' ? [{ name: segs, quoted: false }] : segs;
  return list
    .map((s, i) => (/^[A-Za-z_$][\w$]*$/.test(s.name) ? s.name : i === 0 ? `\`${s.name}\`` : `["${s.name}"]`))
    .join('.')
    .replace(/\.\[/g, '[');
}

/** The way to type a resolved name in a filter (for column headers and messages). */
export function nameOf(ref: NameRef): string {
  const quote = (s: string): string => (/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(s) ? s : `\`${s}\``);
  switch (ref.kind) {
    case 'field':
      return ref.field;
    case 'param':
      return quote(ref.key);
    case 'tag':
      return `tags.${quote(ref.key)}`;
    case 'metric':
      return quote(ref.name) + (ref.stat === 'last' ? '' : `.${ref.stat}`);
  }
}

/** Up to three names close to `name` (edit distance, case, prefix), closest first. */
export function closest(name: string, candidates: Iterable<string>): string[] {
  const lower = name.toLowerCase();
  const max = Math.max(1, Math.floor(name.length / 3));
  const scored: [number, string][] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c) || c === name) continue;
    seen.add(c);
    const cl = c.toLowerCase();
    let d = cl === lower ? 0 : distance(lower, cl, max);
    if (
      d > max &&
      lower.length >= 3 &&
      (cl.startsWith(lower) || cl.endsWith(`/${lower}`) || cl.endsWith(`.${lower}`))
    )
      d = max + 0.5;
    if (d <= max + 0.5) scored.push([d, c]);
  }
  // Names that differ only in case are the answer, if there are any.
  const exact = scored.filter(([d]) => d === 0);
  return (exact.length > 0 ? exact : scored)
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]))
    .slice(0, 3)
    .map(([, c]) => c);
}

/** Levenshtein distance, giving up (returning max + 1) once it exceeds `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

function orList(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Resolve one name (a `--columns` entry, a sort key): `lr`, `metrics.loss.min`, `` `val/acc` ``. */
export function resolveName(text: string, data: QueryData, offset = 0, warnings: string[] = []): NameRef {
  const node = parse(text, offset);
  const segs = segments(node);
  if (!segs)
    throw new QueryError(
      'expected a name',
      offset + (node.start ?? 0) + 1,
      (node.end ?? 1) - (node.start ?? 0),
    );
  return resolveSegments(segs, data, node, offset, warnings);
}

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
function asNumber(v: string): number | null {
  if (v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

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

// ---- sorting and selection ------------------------------------------------------------------

export interface SortKey {
  ref: NameRef;
  desc: boolean;
}

/**
 * `--sort` keys: comma-separated names, each ascending, or descending with a leading `-` or a
 * trailing `:desc` (`:asc` is accepted too): `-acc,lr`, `metrics.loss.min:asc`.
 */
export function parseSort(text: string, data: QueryData, warnings: string[] = []): SortKey[] {
  const keys: SortKey[] = [];
  for (const [part, at] of splitTop(text)) {
    let body = part;
    let offset = at;
    const lead = /^\s*/.exec(body)?.[0].length ?? 0;
    body = body.slice(lead);
    offset += lead;
    body = body.trimEnd();
    if (body === '') throw new QueryError('empty sort key', offset + 1);
    let desc = false;
    if (body.startsWith('-')) {
      desc = true;
      body = body.slice(1);
      offset += 1;
    }
    const dir = /:\s*(asc|desc)$/i.exec(body);
    if (dir) {
      if (desc && dir[1]?.toLowerCase() === 'asc')
        throw new QueryError("'-' and ':asc' contradict each other", offset);
      desc = dir[1]?.toLowerCase() === 'desc';
      body = body.slice(0, dir.index).trimEnd();
    }
    keys.push({ ref: resolveName(body, data, offset, warnings), desc });
  }
  return keys;
}

/** `--columns`: comma-separated names. */
export function parseColumns(text: string, data: QueryData, warnings: string[] = []): NameRef[] {
  return splitTop(text).map(([part, at]) => {
    const lead = /^\s*/.exec(part)?.[0].length ?? 0;
    if (part.trim() === '') throw new QueryError('empty column name', at + 1);
    return resolveName(part.slice(lead).trimEnd(), data, at + lead, warnings);
  });
}

/** Split at commas outside quotes, backquotes and brackets: [part, offset]. */
function splitTop(text: string): [string, number][] {
  const parts: [string, number][] = [];
  let start = 0;
  let quote: string | null = null;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === '\\' && quote !== '`') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push([text.slice(start, i), start]);
      start = i + 1;
    }
  }
  parts.push([text.slice(start), start]);
  return parts;
}

/** Order of values of different types: numbers, strings, booleans, null; a missing value is last. */
function rank(v: Value): number {
  return typeof v === 'number'
    ? 0
    : typeof v === 'string'
      ? 1
      : typeof v === 'boolean'
        ? 2
        : v === null
          ? 3
          : 4;
}

/** Sort rows by the keys (stable: ties keep their order); runs missing a key sort last either way. */
export function sortRows(rows: number[], keys: SortKey[], data: QueryData): number[] {
  if (keys.length === 0) return rows;
  const columns = keys.map((k) => {
    const read = data.reader(k.ref);
    return rows.map((r) => {
      const v = read(r);
      // Numeric strings sort as numbers, as they compare in filters.
      return typeof v === 'string' ? (asNumber(v) ?? v) : v;
    });
  });
  return sortOrder(
    columns,
    keys.map((k) => k.desc),
  ).map((i) => rows[i] as number);
}

/**
 * The stable order of `columns[k][i]` rows by each column in turn (`desc[k]` reverses one): numbers,
 * then strings, booleans and null; a missing value sorts last either way. Shared by the CLI and the
 * Runs table.
 */
export function sortOrder(columns: Value[][], desc: boolean[]): number[] {
  const order = (columns[0] ?? []).map((_, i) => i);
  order.sort((i, j) => {
    for (let k = 0; k < columns.length; k++) {
      const col = columns[k] as Value[];
      const a = col[i];
      const b = col[j];
      const ra = rank(a);
      const rb = rank(b);
      if (ra === 4 || rb === 4) {
        if (ra !== rb) return ra === 4 ? 1 : -1;
        continue;
      }
      let c = ra - rb;
      if (c === 0 && ra < 3)
        c = (a as number | string | boolean) < (b as number | string | boolean) ? -1 : a === b ? 0 : 1;
      if (c !== 0) return desc[k] ? -c : c;
    }
    return i - j;
  });
  return order;
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
