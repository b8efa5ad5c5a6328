import type { ParamValue } from '../metrics';

/** One logged value of an imported run. `time` is seconds since the epoch; `null` values are NaN/inf. */
export interface ImportPoint {
  name: string;
  step: number;
  time?: number;
  value: number | null;
}

/** Keys of a metric stream line that cannot be metric names. */
const RESERVED = new Set(['step', 'time', 'params', 'tags', 'artifact', 'image']);

/**
 * The metric stream (docs/formats.md) holding every point: lines ordered by step, then time; values
 * of one step and time share a line unless a name repeats. Input order is kept among equal
 * (step, time), so the last point given for a name is the one the stream reader sees last. Names
 * the stream reserves (`step`, `time`, …) become `metrics/<name>`; `null` stays null (readers skip it).
 */
export function encodeMetricStream(points: ImportPoint[]): string {
  const keys = new Map<string, string>();
  const keyOf = (name: string): string => {
    let key = keys.get(name);
    if (key === undefined)
      keys.set(name, (key = `,${JSON.stringify(RESERVED.has(name) ? `metrics/${name}` : name)}:`));
    return key;
  };
  const time = (p: ImportPoint): number => p.time ?? -Infinity;
  // Stable: among equal (step, time) the input order stays.
  const order = points.map((_p, i) => i);
  order.sort((a, b) => {
    const pa = points[a] as ImportPoint;
    const pb = points[b] as ImportPoint;
    return pa.step - pb.step || time(pa) - time(pb) || a - b;
  });
  const chunks: string[] = [];
  const used = new Map<string, number>(); // name → lines of the current group holding it
  const lines: string[] = [];
  for (let i = 0; i < order.length;) {
    const first = points[order[i] as number] as ImportPoint;
    used.clear();
    lines.length = 0;
    for (; i < order.length; i++) {
      const p = points[order[i] as number] as ImportPoint;
      if (p.step !== first.step || p.time !== first.time) break;
      const key = keyOf(p.name);
      const at = used.get(key) ?? 0;
      used.set(key, at + 1);
      lines[at] = (lines[at] ?? '') + key + (p.value === null ? 'null' : String(p.value));
    }
    const head =
      first.time === undefined ? `{"step":${first.step}` : `{"step":${first.step},"time":${first.time}`;
    for (const line of lines) chunks.push(`${head}${line}}\n`);
  }
  return chunks.join('');
}

/** Notes about how points were written: non-finite values and renamed metrics. */
export function pointNotes(points: ImportPoint[]): string[] {
  const notes: string[] = [];
  const nonFinite = points.filter((p) => p.value === null).length;
  if (nonFinite > 0) notes.push(`${nonFinite} NaN/inf value${nonFinite === 1 ? '' : 's'} written as null`);
  const renamed = [...new Set(points.filter((p) => RESERVED.has(p.name)).map((p) => p.name))];
  for (const name of renamed)
    notes.push(`metric '${name}' imported as 'metrics/${name}' (a reserved stream key)`);
  return notes;
}

/**
 * A finite number from MLflow/DVCLive text as Python writes floats (`0.5`, `1e-05`, `nan`, `inf`,
 * `-inf`): `null` for NaN and infinities, `undefined` when it is not a number at all.
 */
export function parseFloatText(text: string): number | null | undefined {
  const t = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const n = Number(t);
    return Number.isFinite(n) ? n : null;
  }
  if (/^[+-]?(nan|inf|infinity)$/i.test(t)) return null;
  return undefined;
}

/** MLflow params are text; a text that is wholly a plain decimal number (and exact as one) becomes it. */
export function paramFromText(text: string): ParamValue {
  if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return text;
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  if (/^-?\d+$/.test(text) && !Number.isSafeInteger(n)) return text;
  return n;
}
