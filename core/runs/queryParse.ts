// Parsing run queries with jsep, configured for their syntax: comparisons, `~` / `!~`, `and`, `or`,
// `not`, backquoted names; parse errors point at the column.
import jsep from 'jsep';
import { QueryError } from './queryTypes';

const OR = 1;
const AND = 2;
const CMP = 6;
export const COMPARISONS = ['==', '!=', '<', '<=', '>', '>=', '~', '!~'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** jsep nodes as produced here: tokens carry their span in the text. */
export type Node = jsep.Expression & { start?: number; end?: number; quoted?: boolean };

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
export function parse(text: string, offset: number): Node {
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
export function span(node: Node, text: string): [number, number] {
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
