import { newScannedLine, scanMetricLine } from './lineScan';
import type { MetricSummary } from './record';

/** Longest metric line accepted; longer ones are reported and skipped. */
export const MAX_METRIC_LINE = 1024 * 1024;
const MAX_PROBLEMS = 10;

/** Keys of a stream line that are not metrics. */
const RESERVED = new Set(['step', 'time', 'params', 'tags', 'artifact', 'image']);

export type ParamValue = string | number | boolean | null;

/** A file the run logged, to be stored when it ends. */
export interface LoggedRef {
  kind: 'artifact' | 'image';
  path: string;
  name?: string;
  step: number;
}

/** One logged value: what plots draw. `time` is seconds since the epoch, when the line had one. */
export interface MetricPoint {
  name: string;
  step: number;
  time: number | undefined;
  value: number;
}

export interface MetricsSummary {
  metrics: Record<string, MetricSummary>;
  lastStep: number | null;
  /** Params the script logged (`{"params": …}` lines), flattened to dotted keys. */
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  refs: LoggedRef[];
  /** Lines that could not be read, as "line N: problem". */
  problems: string[];
}

/** Sees every logged value without a MetricPoint object per value (see MetricStreamReader). */
export type MetricValueSink = (name: string, step: number, time: number | undefined, value: number) => void;

/**
 * Reads a metric stream (docs/formats.md) incrementally: feed it text as the file grows and it
 * keeps a running summary. A last line without its newline is held back until more text arrives,
 * or parsed by `end()` once the writer has exited. `onPoint` sees every logged value (for plots);
 * `onValue` too, without allocating (for the plots' history columns). Lines of the common shape
 * are read by a fast scanner (lineScan.ts), the others by JSON.parse: the results are the same.
 */
export class MetricStreamReader {
  readonly summary: MetricsSummary = {
    metrics: {},
    lastStep: null,
    params: {},
    tags: {},
    refs: [],
    problems: [],
  };
  private pending = '';
  private lineNumber = 0;
  private nextStep = 0;
  private readonly scanned = newScannedLine();
  /** summary.metrics by name, for a quicker lookup per value. */
  private readonly metricOf = new Map<string, MetricSummary>();

  private readonly onValue: MetricValueSink | undefined;
  private readonly fast: boolean;

  /** `fullParse` turns the fast scanner off (tests compare both ways). */
  constructor(
    private readonly onPoint?: (point: MetricPoint) => void,
    options: { onValue?: MetricValueSink; fullParse?: boolean } = {},
  ) {
    this.onValue = options.onValue;
    this.fast = !options.fullParse;
  }

  /** Parse every complete line of `text` (appended to what came before). */
  feed(text: string): void {
    const all = this.pending + text;
    let start = 0;
    for (let nl = all.indexOf('\n'); nl >= 0; nl = all.indexOf('\n', start)) {
      if (!this.fast || nl - start > MAX_METRIC_LINE || !this.scannedLine(all, start, nl)) {
        this.line(all.slice(start, nl));
      }
      start = nl + 1;
    }
    this.pending = all.slice(start);
    if (this.pending.length > MAX_METRIC_LINE) {
      // Cap what is held for a line that never ends; it is reported when it does.
      this.pending = this.pending.slice(0, MAX_METRIC_LINE + 1);
    }
  }

  /** The writer has exited: a last line without a newline counts (and is reported if broken). */
  end(): MetricsSummary {
    if (this.pending.trim() !== '') this.line(this.pending);
    this.pending = '';
    return this.summary;
  }

  private report(message: string): void {
    if (this.summary.problems.length < MAX_PROBLEMS)
      this.summary.problems.push(`line ${this.lineNumber}: ${message}`);
  }

  /** The line text[start, end) when it has the common shape (lineScan.ts); false to parse it fully. */
  private scannedLine(text: string, start: number, end: number): boolean {
    const s = this.scanned;
    if (!scanMetricLine(text, start, end, s)) return false;
    this.lineNumber++;
    const current = this.summary.lastStep ?? 0;
    const step = s.step !== undefined ? s.step : s.metricLine ? this.nextStep : current;
    if (s.metricLine || s.step !== undefined) {
      this.summary.lastStep = step;
      this.nextStep = step + 1;
    }
    for (let i = 0; i < s.count; i++) this.observe(s.names[i] as string, step, s.time, s.values[i] as number);
    return true;
  }

  private line(line: string): void {
    this.lineNumber++;
    if (line.trim() === '') return;
    if (line.length > MAX_METRIC_LINE) return this.report(`longer than ${MAX_METRIC_LINE} bytes`);
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return this.report('not a JSON object');
    }
    if (!isObject(record)) return this.report('not a JSON object');
    const { step: rawStep, time: rawTime } = record;
    if (rawStep !== undefined && !(Number.isInteger(rawStep) && (rawStep as number) >= 0)) {
      return this.report("'step' must be a non-negative integer");
    }
    if (rawTime !== undefined && !(typeof rawTime === 'number' && Number.isFinite(rawTime))) {
      return this.report("'time' must be a number (seconds since the epoch)");
    }
    const values: [string, number][] = [];
    let metricLine = false;
    for (const [key, value] of Object.entries(record)) {
      if (RESERVED.has(key)) continue;
      metricLine = true;
      for (const [name, v] of flatten(value, key, '/')) {
        if (typeof v === 'number' && Number.isFinite(v)) values.push([name, v]);
        else if (v !== null) this.report(`'${name}' is not a finite number`);
      }
    }
    const current = this.summary.lastStep ?? 0;
    const step = rawStep !== undefined ? (rawStep as number) : metricLine ? this.nextStep : current;
    if (metricLine || rawStep !== undefined) {
      this.summary.lastStep = step;
      this.nextStep = step + 1;
    }
    for (const [name, value] of values) this.observe(name, step, rawTime as number | undefined, value);
    this.reserved(record, step);
  }

  private observe(name: string, step: number, time: number | undefined, value: number): void {
    const m = this.metricOf.get(name);
    if (!m) {
      const created = { last: value, min: value, max: value, step, count: 1 };
      setOwn(this.summary.metrics, name, created);
      this.metricOf.set(name, created);
    } else {
      m.last = value;
      m.step = step;
      if (value < m.min) m.min = value;
      if (value > m.max) m.max = value;
      m.count += 1;
    }
    this.onPoint?.({ name, step, time, value });
    this.onValue?.(name, step, time, value);
  }

  private reserved(record: Record<string, unknown>, step: number): void {
    const { params, tags, artifact, image } = record;
    if (params !== undefined) {
      if (!isObject(params)) this.report("'params' must be an object");
      else for (const [k, v] of flatten(params, '', '.')) this.param(k, v);
    }
    if (tags !== undefined) {
      if (!isObject(tags)) this.report("'tags' must be an object");
      else
        for (const [k, v] of Object.entries(tags))
          setOwn(this.summary.tags, k, typeof v === 'string' ? v : JSON.stringify(v));
    }
    for (const [kind, ref] of [
      ['artifact', artifact],
      ['image', image],
    ] as const) {
      if (ref === undefined) continue;
      if (!isObject(ref) || typeof ref.path !== 'string' || ref.path === '') {
        this.report(`'${kind}' must be {"path": "...", "name": "..."}`);
      } else {
        const name = typeof ref.name === 'string' ? ref.name : undefined;
        this.summary.refs.push({ kind, path: ref.path, step, ...(name !== undefined && { name }) });
      }
    }
  }

  private param(key: string, value: unknown): void {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      setOwn(this.summary.params, key, value as ParamValue);
    } else setOwn(this.summary.params, key, JSON.stringify(value));
  }
}

/**
 * Summarize a whole metric stream. A last line without a newline that does not parse is a write in
 * progress and is ignored unless `complete` is set (the writer has exited).
 */
export function summarizeMetrics(text: string, complete: boolean): MetricsSummary {
  const reader = new MetricStreamReader();
  reader.feed(text);
  if (complete) return reader.end();
  const tail = readerTail(text);
  // A live stream's unterminated last line counts if it is already a whole JSON object.
  if (tail !== '' && isWholeJson(tail)) reader.end();
  return reader.summary;
}

function readerTail(text: string): string {
  const cut = text.lastIndexOf('\n');
  return text.slice(cut + 1);
}

function isWholeJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * `record[key] = value` as an own property even for `__proto__`, which a plain assignment would
 * take as the object's prototype (a metric named so once replaced Object.prototype's fields).
 */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  } else record[key] = value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Flatten nested objects to `prefix<sep>key` names; arrays and scalars are leaves. `value` itself is
 * the leaf when it is not an object.
 */
export function* flatten(value: unknown, name: string, sep: string): Generator<[string, unknown]> {
  if (!isObject(value)) {
    yield [name, value];
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    yield* flatten(inner, name === '' ? key : name + sep + key, sep);
  }
}
