// Sort keys, column lists and the one sort order shared by the CLI and the Runs table.
import { asNumber, QueryError, type NameRef, type QueryData, type Value } from './queryTypes';
import { resolveName } from './queryNames';

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
