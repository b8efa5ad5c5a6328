// Names in run queries: a dotted name resolved to a run field, param, metric (with last/min/max) or
// tag, with suggestions for names that match nothing.
import {
  RUN_FIELDS,
  QueryError,
  type MetricStat,
  type NameRef,
  type QueryData,
  type RunField,
} from './queryTypes';
import { parse, type Node } from './queryParse';

interface Segment {
  name: string;
  /** Written in backquotes or brackets: taken as is, never a statistic or a prefix. */
  quoted: boolean;
}

/** The parts of a name expression (`a.b["c"].min`, `` `val/acc`.max ``), or null if it is not one. */
export function segments(node: Node): Segment[] | null {
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
export function resolveSegments(
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
