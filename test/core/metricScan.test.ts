import { describe, expect, it } from 'vitest';
import { MetricStreamReader, type MetricPoint } from '../../core/runs/metrics';
import { newScannedLine, scanMetricLine } from '../../core/runs/lineScan';

/** Read `chunks` with the fast scanner and with JSON.parse only: points, summary and `end()`. */
function both(chunks: string[]): { fast: unknown; full: unknown } {
  const run = (fullParse: boolean): unknown => {
    const points: MetricPoint[] = [];
    const values: unknown[] = [];
    const reader = new MetricStreamReader((p) => points.push(p), {
      fullParse,
      onValue: (...v) => values.push(v),
    });
    for (const c of chunks) reader.feed(c);
    const live = structuredClone(reader.summary);
    const ended = reader.end();
    return { points, values, live, ended };
  };
  return { fast: run(false), full: run(true) };
}

const TRICKY = [
  '{"step":0,"time":1764072000.125,"loss":0.693,"acc":0.51}',
  '{"step": 1, "time": 1764072001.5, "loss": 0.52, "val": {"acc": 0.7, "f1": {"macro": 0.4}}}',
  '{"loss":0.1}', // no step: previous + 1
  '{"time":12}', // no metric: keeps the step
  '{"step":5}',
  '{"params": {"lr": 0.01, "optimizer": {"name": "adam"}}}',
  '{"tags": {"model": "resnet", "n": 3}}',
  '{"step": 1, "artifact": {"path": "models/model.pkl", "name": "model"}}',
  '{"step": 2, "image": {"path": "p.png"}, "loss": 3}',
  '{"image": 5}',
  '{"step":3,"loss":NaN}',
  '{"step":3,"loss":Infinity,"acc":1}',
  '{"step":3,"loss":null,"acc":null}',
  '{"step":3,"loss":"0.5","acc":true,"f":[1,2]}',
  '{"step":-1,"loss":1}',
  '{"step":1.5,"loss":1}',
  '{"step":2.0,"loss":1}',
  '{"step":1e3,"loss":1}',
  '{"step":9007199254740993,"loss":1}',
  '{"step":123456789012345678901234567890,"loss":1}',
  '{"step":1e400,"loss":1}',
  '{"step":null,"loss":1}',
  '{"step":"3","loss":1}',
  '{"time":"now","loss":1}',
  '{"time":1e999,"loss":1}',
  '{"loss":1e400}',
  '{"loss":-1e400,"acc":2}',
  '{"loss":1e-400,"acc":-0,"b":-0.0,"c":0e5}',
  '{"loss":0.30000000000000004,"acc":1.7976931348623157e308,"x":5e-324,"y":2.2250738585072014e-308}',
  '{"a":123456789012345678,"b":0.1234567890123456789,"c":1234567890.123456789e-5,"d":1E+2,"e":1e-7}',
  '{"a":01}',
  '{"a":1.}',
  '{"a":.5}',
  '{"a":+1}',
  '{"a":-}',
  '{"a":1,"b":2,"a":3}', // duplicate: JSON.parse keeps the last, at the first's place
  '{"step":1,"step":2,"a":1}',
  '{"10":1,"loss":2,"2":3}', // integer keys come first in JSON.parse order
  '{"01":1,"1x":2}',
  '{"__proto__":1,"constructor":2,"toString":{"x":3}}',
  '{"λoss":0.5,"验证/acc":0.25,"emoji😀":1}',
  '{"a\\"b":1,"c\\u0041":2,"d\\/e":3}',
  '{"":1,"x":{"":2,"y":3}}',
  '{"val":{}}',
  '{}',
  '[]',
  '[1,2]',
  '"loss"',
  '42',
  'null',
  '',
  '   ',
  '\t{"a":1}\t',
  '{"a":1}\r',
  '{"a" : 1 , "b" :2 }',
  '{"a":1}}',
  '{"a":1,}',
  '{"a":1 "b":2}',
  '{"a":1}x',
  '{"step":4,"lo',
  '{"a":[1,{"b":2}]}',
  '{"nested":{"deep":{"deeper":{"v":1}}},"w":{"step":3,"params":4}}',
  '\uFEFF{"a":1}',
  '{"a":1}\u00a0',
  '{"a\u0001b":1}',
  'not json at all',
  '{"loss":0.5}{"loss":0.6}',
];

describe('fast metric line scanner', () => {
  it('gives exactly what JSON.parse gives on tricky lines, one by one and all together', () => {
    for (const line of TRICKY) {
      const { fast, full } = both([line + '\n']);
      expect(fast, line).toEqual(full);
      // The same line unterminated: held back, then parsed by end().
      const last = both([line]);
      expect(last.fast, line).toEqual(last.full);
    }
    const all = both([TRICKY.join('\n') + '\n']);
    expect(all.fast).toEqual(all.full);
  });

  it('keeps a metric, param or tag named __proto__ as an own field, never touching Object.prototype', () => {
    const reader = new MetricStreamReader();
    reader.feed(
      '{"__proto__":1,"step":3}\n{"__proto__":2}\n{"params":{"__proto__":{"a":1}},"tags":{"__proto__":"t"}}\n',
    );
    const { metrics, params, tags } = reader.summary;
    expect(Object.keys(metrics)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(metrics, '__proto__')?.value).toEqual({
      last: 2,
      min: 1,
      max: 2,
      step: 4,
      count: 2,
    });
    expect(Object.getOwnPropertyDescriptor(params, '__proto__.a')?.value).toBe(1);
    expect(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value).toBe('t');
    expect(({} as Record<string, unknown>).step).toBeUndefined();
    expect(Object.getPrototypeOf(metrics)).toBe(Object.prototype);
    // Names of Object.prototype's own fields are metrics like any other.
    const other = new MetricStreamReader();
    other.feed('{"constructor":1,"toString":2}\n');
    expect(Object.keys(other.summary.metrics)).toEqual(['constructor', 'toString']);
    expect(other.summary.metrics.toString).toMatchObject({ last: 2, count: 1 });
  });

  it('matches JSON.parse on 20,000 random lines fed in random chunks (half-written lines, CRLF)', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)] as T;
    const keys = ['step', 'time', 'loss', 'acc', 'val', 'lr', 'params', 'tags', 'image', '0', 'λ', 'a b', ''];
    const number = (): string =>
      pick([
        () => JSON.stringify(rand() * 10 ** Math.floor(rand() * 40 - 20)),
        () => JSON.stringify(-rand()),
        () => String(Math.floor(rand() * 1e6)),
        () => String(Math.floor(rand() * 1e18)),
        () => `${Math.floor(rand() * 100)}e${Math.floor(rand() * 40 - 20)}`,
        () => (rand() * 1000).toFixed(Math.floor(rand() * 25)),
        () => pick(['-0', '0', '0.0', '1e400', 'NaN', 'null', '"x"', 'true', '{}', '{"a":1}', '[1]']),
      ])();
    const value = (depth: number): string =>
      depth < 2 && rand() < 0.15
        ? `{${Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `"${pick(keys)}":${value(depth + 1)}`).join(',')}}`
        : number();
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const n = Math.floor(rand() * 5);
      const sp = rand() < 0.2 ? ' ' : '';
      const members = Array.from({ length: n }, () => `"${pick(keys)}":${sp}${value(0)}`);
      let line = `{${members.join(`,${sp}`)}}`;
      if (rand() < 0.02) line = line.slice(0, Math.floor(rand() * line.length));
      if (rand() < 0.02) line += '\r';
      lines.push(line);
    }
    const text = lines.join('\n');
    const chunks: string[] = [];
    for (let at = 0; at < text.length;) {
      const size = Math.floor(rand() * 4000);
      chunks.push(text.slice(at, at + size));
      at += size;
    }
    const { fast, full } = both(chunks);
    expect(fast).toEqual(full);
    expect((full as { points: unknown[] }).points.length).toBeGreaterThan(10_000);
  });

  it('takes the common shapes itself and leaves the rest to the full reader', () => {
    const out = newScannedLine();
    const scan = (line: string): boolean => scanMetricLine(line, 0, line.length, out);
    expect(scan('{"step": 7, "time": 1.5, "loss": 0.25, "val": {"acc": 1}, "x": null}')).toBe(true);
    expect([
      out.step,
      out.time,
      out.metricLine,
      out.names.slice(0, out.count),
      out.values.slice(0, out.count),
    ]).toEqual([7, 1.5, true, ['loss', 'val/acc'], [0.25, 1]]);
    expect(scan('{"time": 2}')).toBe(true);
    expect([out.step, out.time, out.metricLine, out.count]).toEqual([undefined, 2, false, 0]);
    for (const line of [
      '{"params":{}}',
      '{"a":"x"}',
      '{"a":NaN}',
      '{"1":2}',
      '{"a":1,"a":2}',
      '{"a\\n":1}',
      '{"a":1',
    ]) {
      expect(scan(line), line).toBe(false);
    }
  });
});
