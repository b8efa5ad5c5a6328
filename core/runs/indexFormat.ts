// The runs index file (`.lineage/state/runs-index`, docs/formats.md "Local state"): the summaries of
// ended runs, columnar. A text header line, a JSON part (strings, the name table, key orders, the
// dictionaries of non-numeric params) and a binary part of float64 columns (numeric params and
// metric last/min/max), which is read without parsing. Decoding checks the structure and returns
// null for anything it does not recognise; the caller then rebuilds the index from the run folders.
import type { ParamValue, RunSummary } from '../../protocol/runs';
import type { RunField, MetricStat, NameRef, Value } from './query';

/** Bump whenever the encoding or the summaries (core/runs/summary.ts summaryOf) change. */
export const RUNS_INDEX_VERSION = 1;
const MAGIC = 'lineage-runs-index';

/** Per-run columns of the JSON part, one array entry per run (null: absent). */
interface Fields {
  name: string[];
  status: RunSummary['status'][];
  command: string[][];
  commit: (string | null)[];
  branch: (string | null)[];
  dirty: boolean[];
  startedAt: string[];
  endedAt: (string | null)[];
  durationMs: number[];
  exitCode: (number | null)[];
  lastStep: (number | null)[];
  experiment: (string | null)[];
  tags: (Record<string, string> | null)[];
  inputs: (Record<string, string> | null)[];
  reproduces: (string | null)[];
  source: (string | null)[];
}

const FIELD_NAMES = [
  'name',
  'status',
  'command',
  'commit',
  'branch',
  'dirty',
  'startedAt',
  'endedAt',
  'durationMs',
  'exitCode',
  'lastStep',
  'experiment',
  'tags',
  'inputs',
  'reproduces',
  'source',
] as const satisfies readonly (keyof Fields)[];

interface IndexJson extends Fields {
  n: number;
  ids: string[];
  /** Every param and metric name, once. */
  names: string[];
  /** Key lists (indices into names), shared by runs with the same keys in the same order. */
  shapes: number[][];
  /** Per run: the shape of its params / metrics, -1 for none. */
  pshape: number[];
  mshape: number[];
  /** [name, block] for numeric params; [name, block, dictionary] for the others (block = codes). */
  params: ([number, number] | [number, number, ParamValue[]])[];
  /** [name, block]: last, min and max are blocks block, block+1, block+2. */
  metrics: [number, number][];
  blocks: number;
}

type ParamColumn = { values: Float64Array; dict: ParamValue[] | null };
type MetricColumn = { last: Float64Array; min: Float64Array; max: Float64Array };

/** A decoded index: rows in the stored order (newest first). */
export class IndexTable {
  readonly size: number;
  readonly ids: string[];
  /** The per-run columns, the key lists and each run's: read by the encoder too. */
  readonly f: Fields;
  readonly shapes: string[][];
  readonly pshape: number[];
  readonly mshape: number[];
  readonly params = new Map<string, ParamColumn>();
  readonly metrics = new Map<string, MetricColumn>();
  private readonly templates = new Map<number, Record<string, unknown>>();
  private times: { started?: (number | undefined)[]; ended?: (number | null | undefined)[] } = {};

  constructor(json: IndexJson, data: Float64Array) {
    const n = json.n;
    this.size = n;
    this.ids = json.ids;
    this.f = json;
    this.shapes = json.shapes.map((s) => s.map((i) => json.names[i] as string));
    this.pshape = json.pshape;
    this.mshape = json.mshape;
    const block = (b: number): Float64Array => data.subarray(b * n, (b + 1) * n);
    for (const [name, b, dict] of json.params)
      this.params.set(json.names[name] as string, { values: block(b), dict: dict ?? null });
    for (const [name, b] of json.metrics)
      this.metrics.set(json.names[name] as string, { last: block(b), min: block(b + 1), max: block(b + 2) });
  }

  /** One run's summary, equal to the one it was encoded from (same keys, same order). */
  summary(row: number): RunSummary {
    const f = this.f;
    const run: RunSummary = {
      id: this.ids[row] as string,
      name: f.name[row] as string,
      status: f.status[row] as RunSummary['status'],
      command: f.command[row] as string[],
      commit: f.commit[row] as string | null,
      branch: f.branch[row] as string | null,
      dirty: f.dirty[row] as boolean,
      startedAt: f.startedAt[row] as string,
      endedAt: f.endedAt[row] as string | null,
      durationMs: f.durationMs[row] as number,
      exitCode: f.exitCode[row] as number | null,
      metrics: {},
      lastStep: f.lastStep[row] as number | null,
      metricsMin: {},
      metricsMax: {},
    };
    const ms = this.mshape[row] as number;
    if (ms >= 0) {
      const keys = this.shapes[ms] as string[];
      const [last, min, max] = [this.object(ms), this.object(ms), this.object(ms)];
      for (const k of keys) {
        const col = this.metrics.get(k) as MetricColumn;
        last[k] = col.last[row];
        min[k] = col.min[row];
        max[k] = col.max[row];
      }
      run.metrics = last as Record<string, number>;
      run.metricsMin = min as Record<string, number>;
      run.metricsMax = max as Record<string, number>;
    }
    const experiment = f.experiment[row];
    if (experiment !== null && experiment !== undefined) run.experiment = experiment;
    const ps = this.pshape[row] as number;
    if (ps >= 0) {
      const params = this.object(ps);
      for (const k of this.shapes[ps] as string[]) params[k] = this.param(k, row);
      run.params = params as Record<string, ParamValue>;
    }
    // Rows with equal commands, tags or inputs share them (dictionary columns): summaries are read-only.
    const tags = f.tags[row];
    if (tags) run.tags = tags;
    const inputs = f.inputs[row];
    if (inputs) run.inputs = inputs;
    const reproduces = f.reproduces[row];
    if (reproduces !== null && reproduces !== undefined) run.reproduces = reproduces;
    const source = f.source[row];
    if (source !== null && source !== undefined) run.source = source;
    return run;
  }

  /**
   * A fresh object with the keys of a shape, in order. Copying a template made once per shape keeps
   * the objects in V8's fast mode (adding 50 keys one by one would not), which halves the cost of
   * building 10,000 summaries.
   */
  private object(shape: number): Record<string, unknown> {
    let t = this.templates.get(shape);
    if (!t) {
      const o: Record<string, number> = {};
      for (const k of this.shapes[shape] as string[])
        Object.defineProperty(o, k, { value: 0, enumerable: true, writable: true, configurable: true });
      t = JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
      this.templates.set(shape, t);
    }
    return { ...t };
  }

  /** A param's value in one run, undefined when the run does not have it. */
  param(key: string, row: number): ParamValue | undefined {
    const col = this.params.get(key);
    if (!col) return undefined;
    const v = col.values[row] as number;
    if (v !== v) return undefined;
    return col.dict ? col.dict[v] : v;
  }

  tagsOf(row: number): Record<string, string> | null {
    return this.f.tags[row] ?? null;
  }

  /** A reader of one name over the rows (for queries). */
  reader(ref: NameRef): (row: number) => Value {
    switch (ref.kind) {
      case 'field':
        return this.field(ref.field);
      case 'param': {
        const col = this.params.get(ref.key);
        if (!col) return () => undefined;
        const { values, dict } = col;
        if (!dict)
          return (row) => {
            const v = values[row] as number;
            return v === v ? v : undefined;
          };
        return (row) => {
          const v = values[row] as number;
          return v === v ? dict[v] : undefined;
        };
      }
      case 'metric': {
        const col = this.metrics.get(ref.name);
        if (!col) return () => undefined;
        const values = col[ref.stat satisfies MetricStat];
        return (row) => {
          const v = values[row] as number;
          return v === v ? v : undefined;
        };
      }
      case 'tag': {
        const key = ref.key;
        return (row) => this.f.tags[row]?.[key];
      }
    }
  }

  private field(field: RunField): (row: number) => Value {
    const f = this.f;
    switch (field) {
      case 'id':
        return (row) => this.ids[row];
      case 'started': {
        const t = (this.times.started ??= f.startedAt.map(parseTime));
        return (row) => t[row];
      }
      case 'ended': {
        const t = (this.times.ended ??= f.endedAt.map((s) => (s === null ? null : parseTime(s))));
        return (row) => t[row];
      }
      case 'duration':
        return (row) => (f.durationMs[row] as number) / 1000;
      case 'step':
        return (row) => f.lastStep[row];
      case 'command':
        return (row) => f.command[row]?.join(' ');
      case 'experiment':
      case 'reproduces':
      case 'source':
        return (row) => f[field][row] ?? undefined;
      default: {
        const col = f[field];
        return (row) => col[row];
      }
    }
  }
}

function parseTime(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

// ---- encoding ------------------------------------------------------------------------------

/** A row of a new index: a summary just read, or a row of the stored index, copied as it is. */
export type IndexRow = RunSummary | { table: IndexTable; row: number };

const isStored = (r: IndexRow): r is { table: IndexTable; row: number } => 'table' in r;

/**
 * Encode ended runs (in the order given: newest first). Rows of a stored index are copied column
 * by column, without building their summaries, so adding one run to 10,000 costs little more than
 * writing the file. All stored rows must come from one table.
 */
export function encodeIndex(rows: readonly IndexRow[]): Uint8Array {
  const n = rows.length;
  let table: IndexTable | null = null;
  const at = new Int32Array(n).fill(-1); // row in the stored table, or -1
  const runs = new Array<RunSummary | undefined>(n);
  rows.forEach((r, i) => {
    if (isStored(r)) {
      if (table && table !== r.table) throw new Error('runs index: rows from two tables');
      table = r.table;
      at[i] = r.row;
    } else runs[i] = r;
  });
  const t = table as IndexTable | null;

  const names: string[] = [];
  const nameIds = new Map<string, number>();
  const nameId = (k: string): number => {
    let i = nameIds.get(k);
    if (i === undefined) {
      i = names.length;
      nameIds.set(k, i);
      names.push(k);
    }
    return i;
  };
  const shapes: number[][] = [];
  const shapeIds = new Map<string, number>();
  const shapeOf = (keys: string[]): number => {
    if (keys.length === 0) return -1;
    const ids = keys.map(nameId);
    const sig = ids.join(',');
    let s = shapeIds.get(sig);
    if (s === undefined) {
      s = shapes.length;
      shapeIds.set(sig, s);
      shapes.push(ids);
    }
    return s;
  };
  // A stored row's shape maps to a new one once per stored shape.
  const storedShape = new Map<number, number>();
  const fromStored = (s: number): number => {
    if (s < 0 || !t) return -1;
    let v = storedShape.get(s);
    if (v === undefined) storedShape.set(s, (v = shapeOf(t.shapes[s] as string[])));
    return v;
  };

  const fields = Object.fromEntries(FIELD_NAMES.map((k) => [k, new Array(n)])) as unknown as Fields;
  const ids = new Array<string>(n);
  const pshape = new Array<number>(n);
  const mshape = new Array<number>(n);
  const paramNames = new Set<string>(t ? t.params.keys() : []);
  const metricNames = new Set<string>(t ? t.metrics.keys() : []);
  // Stored rows, column by column (monomorphic loops), then the new summaries.
  const fresh: number[] = [];
  for (let r = 0; r < n; r++) if (runs[r]) fresh.push(r);
  if (t) {
    for (const k of FIELD_NAMES) {
      const src = t.f[k] as unknown[];
      const dst = fields[k] as unknown[];
      for (let r = 0; r < n; r++) {
        const row = at[r] as number;
        if (row >= 0) dst[r] = src[row];
      }
    }
    for (let r = 0; r < n; r++) {
      const row = at[r] as number;
      if (row < 0) continue;
      ids[r] = t.ids[row] as string;
      pshape[r] = fromStored(t.pshape[row] as number);
      mshape[r] = fromStored(t.mshape[row] as number);
    }
  }
  for (const r of fresh) {
    const run = runs[r] as RunSummary;
    ids[r] = run.id;
    fields.name[r] = run.name;
    fields.status[r] = run.status;
    fields.command[r] = run.command;
    fields.commit[r] = run.commit;
    fields.branch[r] = run.branch;
    fields.dirty[r] = run.dirty;
    fields.startedAt[r] = run.startedAt;
    fields.endedAt[r] = run.endedAt;
    fields.durationMs[r] = run.durationMs;
    fields.exitCode[r] = run.exitCode;
    fields.lastStep[r] = run.lastStep;
    fields.experiment[r] = run.experiment ?? null;
    fields.tags[r] = run.tags ?? null;
    fields.inputs[r] = run.inputs ?? null;
    fields.reproduces[r] = run.reproduces ?? null;
    fields.source[r] = run.source ?? null;
    const pkeys = run.params ? Object.keys(run.params) : [];
    pshape[r] = shapeOf(pkeys);
    for (const k of pkeys) paramNames.add(k);
    const mkeys = Object.keys(run.metrics);
    mshape[r] = shapeOf(mkeys);
    for (const k of mkeys) metricNames.add(k);
  }

  const blocks = paramNames.size + 3 * metricNames.size;
  const data = new Float64Array(blocks * n).fill(NaN);
  let next = 0;
  const params: IndexJson['params'] = [];
  for (const key of paramNames) {
    const b = next++;
    const out = data.subarray(b * n, (b + 1) * n);
    const stored = t?.params.get(key);
    let numeric = !stored?.dict;
    for (const r of fresh) {
      const v = runs[r]?.params?.[key];
      if (v !== undefined && typeof v !== 'number') numeric = false;
    }
    if (numeric) {
      if (stored) copyRows(stored.values, out, at);
      for (const r of fresh) {
        const v = runs[r]?.params?.[key];
        if (v !== undefined) out[r] = v as number;
      }
      params.push([nameId(key), b]);
      continue;
    }
    const dict: ParamValue[] = [];
    const codes = new Map<string, number>();
    const code = (v: ParamValue): number => {
      const sig = typeof v === 'string' ? `s${v}` : JSON.stringify(v);
      let c = codes.get(sig);
      if (c === undefined) {
        c = dict.length;
        codes.set(sig, c);
        dict.push(v);
      }
      return c;
    };
    // A stored dictionary code maps to a new one once per code.
    const recode = stored?.dict ? new Float64Array(stored.dict.length).fill(NaN) : null;
    for (let r = 0; r < n; r++) {
      const run = runs[r];
      if (run) {
        const v = run.params?.[key];
        if (v !== undefined) out[r] = code(v);
        continue;
      }
      if (!stored) continue;
      const v = stored.values[at[r] as number] as number;
      if (v !== v) continue;
      if (!recode) out[r] = code(v);
      else {
        let c = recode[v] as number;
        if (c !== c) recode[v] = c = code((stored.dict as ParamValue[])[v] as ParamValue);
        out[r] = c;
      }
    }
    params.push([nameId(key), b, dict]);
  }
  const metrics: IndexJson['metrics'] = [];
  for (const name of metricNames) {
    const b = next;
    next += 3;
    const [last, min, max] = [0, 1, 2].map((k) => data.subarray((b + k) * n, (b + k + 1) * n)) as [
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const stored = t?.metrics.get(name);
    if (stored) {
      copyRows(stored.last, last, at);
      copyRows(stored.min, min, at);
      copyRows(stored.max, max, at);
    }
    for (const r of fresh) {
      const run = runs[r] as RunSummary;
      const v = run.metrics[name];
      if (v === undefined) continue;
      last[r] = v;
      min[r] = run.metricsMin?.[name] ?? NaN;
      max[r] = run.metricsMax?.[name] ?? NaN;
    }
    metrics.push([nameId(name), b]);
  }
  const columns = Object.fromEntries(FIELD_NAMES.map((k) => [k, encodeColumn(fields[k] as unknown[])]));
  const json = { n, ids, ...columns, names, shapes, pshape, mshape, params, metrics, blocks };
  const text = new TextEncoder().encode(JSON.stringify(json));
  const header = new TextEncoder().encode(
    `${MAGIC} ${RUNS_INDEX_VERSION} ${text.length} ${data.byteLength}\n`,
  );
  const binAt = align8(header.length + text.length);
  const out = new Uint8Array(binAt + data.byteLength);
  out.set(header, 0);
  out.set(text, header.length);
  const bytes = new Uint8Array(data.buffer);
  if (LITTLE_ENDIAN) out.set(bytes, binAt);
  else {
    const view = new DataView(out.buffer, out.byteOffset + binAt);
    for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i] as number, true);
  }
  return out;
}

/** out[r] = from[at[r]] for every stored row r (at[r] >= 0). */
function copyRows(from: Float64Array, out: Float64Array, at: Int32Array): void {
  const n = at.length;
  for (let r = 0; r < n; r++) {
    const row = at[r] as number;
    if (row >= 0) out[r] = from[row] as number;
  }
}

/**
 * A per-run column of the JSON part: the values as a list, or, when they repeat (commits, commands,
 * statuses, inputs), `{"d": [distinct values], "c": [one index per run]}`.
 */
function encodeColumn(values: unknown[]): unknown {
  const dict: unknown[] = [];
  const codes = new Map<string, number>();
  // Rows copied from a stored index share their objects: each is stringified once.
  const sigs = new Map<unknown, string>();
  const c = values.map((v) => {
    let sig = typeof v === 'string' ? v : sigs.get(v);
    if (sig === undefined) sigs.set(v, (sig = `\u0000${JSON.stringify(v)}`));
    let i = codes.get(sig);
    if (i === undefined) {
      i = dict.length;
      codes.set(sig, i);
      dict.push(v);
    }
    return i;
  });
  return dict.length * 2 <= values.length ? { d: dict, c } : values;
}

function decodeColumn(col: unknown, n: number): unknown[] | null {
  if (Array.isArray(col)) return col.length === n ? col : null;
  if (typeof col !== 'object' || col === null) return null;
  const { d, c } = col as { d?: unknown; c?: unknown };
  if (!Array.isArray(d) || !Array.isArray(c) || c.length !== n) return null;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const v = c[i] as number;
    if (!Number.isInteger(v) || v < 0 || v >= d.length) return null;
    out[i] = d[v];
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function align8(x: number): number {
  return (x + 7) & ~7;
}

// ---- decoding ------------------------------------------------------------------------------

export type Decoded = { table: IndexTable } | { unusable: string };

/** Decode an index file; anything unexpected (another version, damage) is `unusable`, with why. */
export function decodeIndex(bytes: Uint8Array): Decoded {
  const nl = bytes.subarray(0, 100).indexOf(10);
  if (nl < 0) return { unusable: 'no header' };
  const head = new TextDecoder().decode(bytes.subarray(0, nl)).split(' ');
  if (head[0] !== MAGIC || head.length !== 4) return { unusable: 'not a runs index' };
  if (head[1] !== String(RUNS_INDEX_VERSION))
    return { unusable: `version ${head[1]}, not ${RUNS_INDEX_VERSION}` };
  const jsonBytes = Number(head[2]);
  const binBytes = Number(head[3]);
  const jsonAt = nl + 1;
  if (!Number.isSafeInteger(jsonBytes) || !Number.isSafeInteger(binBytes) || binBytes % 8 !== 0)
    return { unusable: 'bad header' };
  const binAt = align8(jsonAt + jsonBytes);
  if (bytes.length !== binAt + binBytes) return { unusable: 'truncated or too long' };
  let json: IndexJson;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(jsonAt, jsonAt + jsonBytes))) as IndexJson;
  } catch {
    return { unusable: 'damaged' };
  }
  for (const k of FIELD_NAMES) {
    const col = decodeColumn((json as unknown as Record<string, unknown>)[k], json.n);
    if (!col) return { unusable: `bad column '${k}'` };
    (json as unknown as Record<string, unknown>)[k] = col;
  }
  const problem = check(json, binBytes / 8);
  if (problem) return { unusable: problem };
  let data: Float64Array;
  if (LITTLE_ENDIAN && (bytes.byteOffset + binAt) % 8 === 0) {
    data = new Float64Array(bytes.buffer, bytes.byteOffset + binAt, binBytes / 8);
  } else {
    data = new Float64Array(binBytes / 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset + binAt, binBytes);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat64(i * 8, true);
  }
  return { table: new IndexTable(json, data) };
}

/** The structure decoding relies on; a problem names what is wrong. Values are trusted as written. */
function check(j: IndexJson, values: number): string | null {
  if (typeof j !== 'object' || j === null) return 'not an object';
  const n = j.n;
  if (!Number.isSafeInteger(n) || n < 0) return "bad 'n'";
  for (const k of ['ids', ...FIELD_NAMES, 'pshape', 'mshape'] as const) {
    const a = j[k];
    if (!Array.isArray(a) || a.length !== n) return `'${k}' is not a list of ${n}`;
  }
  if (!Array.isArray(j.names) || !j.names.every((s) => typeof s === 'string')) return "bad 'names'";
  if (
    !Array.isArray(j.shapes) ||
    !j.shapes.every((s) => Array.isArray(s) && s.every((i) => j.names[i] !== undefined))
  )
    return "bad 'shapes'";
  if (!j.ids.every((id) => typeof id === 'string')) return "bad 'ids'";
  for (const k of ['pshape', 'mshape'] as const)
    if (!j[k].every((s) => Number.isInteger(s) && s >= -1 && s < j.shapes.length)) return `bad '${k}'`;
  if (!Number.isSafeInteger(j.blocks) || j.blocks * n !== values) return "bad 'blocks'";
  if (!Array.isArray(j.params) || !Array.isArray(j.metrics)) return 'bad columns';
  const used = new Set<number>();
  const block = (b: unknown): boolean =>
    Number.isInteger(b) &&
    (b as number) >= 0 &&
    (b as number) < j.blocks &&
    !used.has(b as number) &&
    used.add(b as number) !== null;
  for (const p of j.params) {
    if (!Array.isArray(p) || j.names[p[0]] === undefined || !block(p[1])) return 'bad param column';
    if (p.length === 3 && !Array.isArray(p[2])) return 'bad param dictionary';
  }
  for (const m of j.metrics) {
    if (
      !Array.isArray(m) ||
      j.names[m[0]] === undefined ||
      !block(m[1]) ||
      !block(m[1] + 1) ||
      !block(m[1] + 2)
    )
      return 'bad metric column';
  }
  // Every name a shape lists has its column.
  const paramNames = new Set(j.params.map((p) => p[0]));
  const metricNames = new Set(j.metrics.map((m) => m[0]));
  const pShapes = new Set(j.pshape);
  const mShapes = new Set(j.mshape);
  for (const s of pShapes)
    if (s >= 0 && !(j.shapes[s] as number[]).every((i) => paramNames.has(i))) return 'param without column';
  for (const s of mShapes)
    if (s >= 0 && !(j.shapes[s] as number[]).every((i) => metricNames.has(i))) return 'metric without column';
  return null;
}
