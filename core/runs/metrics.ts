import type { MetricSummary } from './record';

/** Longest metric line accepted; longer ones are reported and skipped. */
export const MAX_METRIC_LINE = 1024 * 1024;
const MAX_PROBLEMS = 10;

export interface MetricsSummary {
  metrics: Record<string, MetricSummary>;
  lastStep: number | null;
  /** Lines that could not be read, as "line N: problem". */
  problems: string[];
}

/**
 * Summarize a metric stream: JSON objects, one per line, e.g. `{"step": 3, "loss": 0.2}`.
 * `step` (integer) and `time` are optional; every other key with a number value is a metric, and
 * nested objects flatten to `a/b` names. A last line without a newline that does not parse is a
 * write in progress and is ignored unless `complete` is set (the writer has exited).
 */
export function summarizeMetrics(text: string, complete: boolean): MetricsSummary {
  const metrics: Record<string, MetricSummary> = {};
  const problems: string[] = [];
  const report = (msg: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(msg);
  };
  const lines = text.split('\n');
  let lastStep: number | null = null;
  let implicitStep = 0;
  lines.forEach((line, index) => {
    const isTail = index === lines.length - 1;
    if (line.trim() === '') return;
    if (line.length > MAX_METRIC_LINE)
      return report(`line ${index + 1}: longer than ${MAX_METRIC_LINE} bytes`);
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      if (!isTail || complete) report(`line ${index + 1}: not a JSON object`);
      return;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return report(`line ${index + 1}: not a JSON object`);
    }
    const { step: rawStep, time: _time, ...values } = record as Record<string, unknown>;
    if (rawStep !== undefined && !(Number.isInteger(rawStep) && (rawStep as number) >= 0)) {
      return report(`line ${index + 1}: 'step' must be a non-negative integer`);
    }
    const step = rawStep === undefined ? implicitStep : (rawStep as number);
    implicitStep = step + 1;
    lastStep = step;
    for (const [name, value] of flatten(values)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        if (value !== null) report(`line ${index + 1}: '${name}' is not a finite number`);
        continue;
      }
      const m = metrics[name];
      if (!m) metrics[name] = { last: value, min: value, max: value, step, count: 1 };
      else {
        m.last = value;
        m.step = step;
        m.min = Math.min(m.min, value);
        m.max = Math.max(m.max, value);
        m.count += 1;
      }
    }
  });
  return { metrics, lastStep, problems };
}

function* flatten(obj: Record<string, unknown>, prefix = ''): Generator<[string, unknown]> {
  for (const [key, value] of Object.entries(obj)) {
    const name = prefix + key;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      yield* flatten(value as Record<string, unknown>, name + '/');
    } else yield [name, value];
  }
}
