import { appendFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricTail } from '../../core/runs/tail';
import { tempDir } from '../helpers/tmp';

describe('MetricTail', () => {
  it('returns only new points, waits for a half-written line, and survives a cut UTF-8 character', async () => {
    const file = path.join(tempDir(), 'metrics.jsonl');
    const tail = new MetricTail(file);
    expect(await tail.read()).toEqual({ points: [], reset: false }); // not there yet
    writeFileSync(file, '{"step":0,"time":10,"loss":1}\n{"step":1,"lo');
    expect((await tail.read()).points).toEqual([{ name: 'loss', step: 0, time: 10, value: 1 }]);
    appendFileSync(file, 'ss":0.5}\n');
    expect((await tail.read()).points).toEqual([{ name: 'loss', step: 1, time: undefined, value: 0.5 }]);
    // "é" is two bytes; write the first alone.
    const line = Buffer.from('{"tags":{"note":"é"},"acc":0.9}\n');
    const cut = line.indexOf(0xc3) + 1;
    appendFileSync(file, line.subarray(0, cut));
    expect((await tail.read()).points).toEqual([]);
    appendFileSync(file, line.subarray(cut));
    expect((await tail.read()).points).toEqual([{ name: 'acc', step: 2, time: undefined, value: 0.9 }]);
    expect(tail.summary.tags).toEqual({ note: 'é' });
    expect(tail.summary.problems).toEqual([]);
  });

  it('starts over when the stream is replaced by a shorter one', async () => {
    const file = path.join(tempDir(), 'metrics.jsonl');
    writeFileSync(file, '{"a":1}\n{"a":2}\n{"a":3}\n');
    const tail = new MetricTail(file);
    expect((await tail.read()).points).toHaveLength(3);
    writeFileSync(file, '{"b":1}\n');
    const again = await tail.read();
    expect(again.reset).toBe(true);
    expect(again.points).toEqual([{ name: 'b', step: 0, time: undefined, value: 1 }]);
    expect(Object.keys(tail.summary.metrics)).toEqual(['b']);
  });
});
