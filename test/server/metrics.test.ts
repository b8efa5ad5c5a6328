import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ExitNotification,
  ShutdownRequest,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { downsample, readMetricHistory } from '../../core/runs/history';
import { readHistoryCache } from '../../core/runs/historyCache';
import {
  listRunsRequest,
  metricHistoryRequest,
  metricPointsNotification,
  type MetricPointsParams,
} from '../../protocol/lsp';
import { CLI, lineageWorkspace, startRecordedRun } from '../helpers/cli';
import { startServer } from '../helpers/server';

/** Python that appends metric lines to the run's stream, as the client does. */
const LOG = [
  'import json, os, time',
  "f = os.open(os.environ['LINEAGE_METRICS'], os.O_WRONLY | os.O_APPEND)",
  'def log(**kw):',
  "    os.write(f, (json.dumps(dict(kw, time=time.time())) + '\\n').encode())",
].join('\n');

describe('language server: metric histories', () => {
  it('returns downsampled series with their min/max band, metric names, and zoomed ranges', async () => {
    const root = lineageWorkspace();
    const script = [
      LOG,
      'for i in range(2000):',
      '    log(step=i, loss=1000 if i == 1234 else 1 / (i + 1), acc=i / 2000)',
    ].join('\n');
    const res = spawnSync(process.execPath, [CLI, 'run', '--', 'python3', '-c', script], { cwd: root });
    expect(res.status, String(res.stderr)).toBe(0);
    const conn = await startServer(root);
    const id = (await conn.sendRequest(listRunsRequest)).runs[0]!.id;

    const all = await conn.sendRequest(metricHistoryRequest, { ids: [id], metric: 'loss', buckets: 50 });
    expect(all.metrics).toEqual(['acc', 'loss']);
    expect(all.metric).toBe('loss');
    const s = all.series[0]!;
    expect(s.id).toBe(id);
    expect(s.count).toBe(2000);
    expect(s.x.length).toBeGreaterThan(90);
    expect(s.x.length).toBeLessThanOrEqual(102);
    expect(Math.max(...s.y)).toBe(1000); // the spike survives
    expect(s.x[s.y.indexOf(1000)]).toBe(1234);
    expect(Math.min(...s.min)).toBe(1 / 2000);

    // Default metric: the first logged; zoom re-samples the range at full detail.
    const zoom = await conn.sendRequest(metricHistoryRequest, {
      ids: [id],
      buckets: 50,
      range: [1200, 1260],
    });
    expect(zoom.metric).toBe('loss');
    expect(zoom.series[0]!.count).toBe(61);
    expect(zoom.series[0]!.x).toEqual(Array.from({ length: 63 }, (_, i) => 1199 + i));

    // Time axes: relative to the run's start (small, positive), and wall time.
    const rel = await conn.sendRequest(metricHistoryRequest, {
      ids: [id],
      metric: 'acc',
      buckets: 10,
      x: 'relative',
    });
    const r = rel.series[0]!;
    expect(r.x[0]).toBeGreaterThan(0);
    expect(r.x[r.x.length - 1]).toBeLessThan(60);
    expect(r.start).toBeGreaterThan(1.7e9);
    const wall = await conn.sendRequest(metricHistoryRequest, {
      ids: [id],
      metric: 'acc',
      buckets: 10,
      x: 'wall',
    });
    expect(wall.series[0]!.x[0]).toBeCloseTo(r.x[0]! + r.start, 3);

    // Unknown ids and metrics give nothing, not an error.
    const none = await conn.sendRequest(metricHistoryRequest, {
      ids: ['0'.repeat(26), id],
      metric: 'nope',
      buckets: 5,
    });
    expect(none.series).toEqual([]);
  });

  it('sends a live run’s appended point as lineage/metricPoints within 500 ms', async () => {
    const root = lineageWorkspace();
    const go = path.join(root, 'go');
    const script = [
      LOG,
      'log(step=0, loss=1.0)',
      'log(step=1, loss=0.5)',
      "print('ready', flush=True)",
      `while not os.path.exists(${JSON.stringify(go)}): time.sleep(0.005)`,
      'log(step=2, loss=0.25)',
      'time.sleep(60)',
    ].join('\n');
    startRecordedRun(root, script);
    const conn = await startServer(root);
    let id = '';
    await expect
      .poll(
        async () => {
          const run = (await conn.sendRequest(listRunsRequest)).runs[0];
          id = run?.id ?? '';
          const log = path.join(root, '.lineage', 'runs', id, 'output.log');
          return run?.status === 'running' && existsSync(log) && readFileSync(log, 'utf8').includes('ready');
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe(true);

    const first = await conn.sendRequest(metricHistoryRequest, { ids: [id], buckets: 100 });
    expect(first.series[0]!.y).toEqual([1, 0.5]);

    const arrived = new Promise<{ params: MetricPointsParams; at: number }>((resolve) => {
      conn.onNotification(metricPointsNotification.method, (params: MetricPointsParams) => {
        if (params.id === id) resolve({ params, at: Date.now() / 1000 });
      });
    });
    writeFileSync(go, '');
    const { params, at } = await arrived;
    expect(params.reset).toBe(false);
    expect(params.points).toEqual([{ name: 'loss', step: 2, time: expect.any(Number), value: 0.25 }]);
    const latency = (at - params.points[0]!.time!) * 1000;
    console.log(`metric point logged → notification: ${latency.toFixed(0)} ms`);
    expect(latency).toBeLessThan(500);
  });

  it('answers for 100 runs × 10,000 steps: parsed once, then downsampled from memory', async () => {
    const root = lineageWorkspace();
    // Run folders as the recorder leaves them, written directly: header, stream, status.
    const ids = Array.from({ length: 100 }, (_, i) => `01kaz${String(i).padStart(5, '0')}0000000000000000`);
    for (const [r, id] of ids.entries()) {
      const dir = path.join(root, '.lineage', 'runs', id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ startedAt: '2026-11-25T09:00:00.000Z' }));
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++) {
        const loss = 0.05 + 2.3 * Math.exp(-0.0004 * i) * (1 + 0.1 * Math.sin(i * 7.1 + r));
        lines.push(`{"step":${i},"time":${1_764_061_200 + i},"loss":${loss}}`);
      }
      writeFileSync(path.join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
      writeFileSync(path.join(dir, 'status.json'), '{}');
    }
    const conn = await startServer(root);
    const ask = async (range?: [number, number]): Promise<number> => {
      const t0 = performance.now();
      const result = await conn.sendRequest(metricHistoryRequest, {
        ids,
        metric: 'loss',
        buckets: 1000,
        ...(range && { range }),
      });
      expect(result.series).toHaveLength(100);
      expect(result.series[0]!.x.length).toBeLessThanOrEqual(2004);
      return performance.now() - t0;
    };
    const cold = await ask();
    const warm = await ask();
    const zoom = await ask([2000, 3000]);
    console.log(
      `metricHistory, 100 runs × 10,000 steps over stdio: first ${cold.toFixed(0)} ms (streams parsed), ` +
        `again ${warm.toFixed(0)} ms, zoomed ${zoom.toFixed(0)} ms`,
    );
    expect(cold).toBeLessThan(20_000);
    expect(warm).toBeLessThan(3_000);
  }, 60_000);

  it('answers ended runs from their history cache after a restart; stale or damaged caches are rebuilt', async () => {
    const root = lineageWorkspace();
    const id = '01kb0000000000000000000000';
    const dir = path.join(root, '.lineage', 'runs', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ startedAt: '2026-11-25T09:00:00.000Z' }));
    const stream = path.join(dir, 'metrics.jsonl');
    // Big enough (> 256 KiB) to be read on a worker thread; Python-style spacing, nested and null values.
    const lines = ['{"params": {"lr": 0.1}}'];
    for (let i = 0; i < 8000; i++) {
      lines.push(
        `{"step": ${i}, "time": ${1_764_061_200 + i / 4}, "loss": ${1 / (i + 1) + (i === 4321 ? 50 : 0)}, ` +
          `"val": {"acc": ${i % 3 ? i / 8000 : 'null'}}}`,
      );
    }
    writeFileSync(stream, lines.join('\n') + '\n');
    writeFileSync(path.join(dir, 'status.json'), '{}');
    utimesSync(stream, 1_764_000_000, 1_764_000_000); // a whole-second mtime, to set again below
    const cacheFile = path.join(root, '.lineage', 'state', 'history', id);

    /** What the answer must be: the stream read and downsampled on this thread. */
    const expected = async (metric: string): Promise<unknown> => {
      const s = (await readMetricHistory(stream)).get(metric)!;
      const d = downsample(s.steps, s.values, 40);
      return { x: [...d.x], y: [...d.y], min: [...d.min], max: [...d.max], count: s.steps.length };
    };
    const ask = async (conn: ProtocolConnection, metric: string): Promise<unknown> => {
      const r = await conn.sendRequest(metricHistoryRequest, { ids: [id], metric, buckets: 40 });
      expect(r.metrics).toEqual(['loss', 'val/acc']);
      const { x, y, min, max, count } = r.series[0]!;
      return { x, y, min, max, count };
    };
    const stop = async (conn: ProtocolConnection): Promise<void> => {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      conn.dispose();
    };
    /** The cache file is there and valid for the stream as it is now. */
    const cacheValid = async (): Promise<boolean> =>
      existsSync(cacheFile) && (await readHistoryCache(cacheFile, statSync(stream))) !== null;

    let conn = await startServer(root);
    expect(await ask(conn, 'loss')).toEqual(await expected('loss'));
    expect(await ask(conn, 'val/acc')).toEqual(await expected('val/acc'));
    await expect.poll(cacheValid, { timeout: 15_000 }).toBe(true);
    await stop(conn);

    // Same size, mtime and inode, other values: only a server answering from the cache gives the old ones.
    const before = await expected('loss');
    const text = readFileSync(stream, 'utf8');
    writeFileSync(stream, text.replace('"loss": 1,', '"loss": 7,'));
    utimesSync(stream, 1_764_000_000, 1_764_000_000);
    expect(await expected('loss')).not.toEqual(before);
    conn = await startServer(root);
    expect(await ask(conn, 'loss')).toEqual(before);
    await stop(conn);

    // Appended to: the cache is stale, the stream is read again and the cache rewritten.
    appendFileSync(stream, '{"step": 8000, "loss": 0.125}\n');
    conn = await startServer(root);
    const appended = (await ask(conn, 'loss')) as { count: number; y: number[] };
    expect(appended).toEqual(await expected('loss'));
    expect(appended.count).toBe(8001);
    expect(appended.y[0]).toBe(7);
    await expect.poll(cacheValid, { timeout: 15_000 }).toBe(true);
    await stop(conn);

    // Damaged (a flipped bit in a column): ignored, the right answer from the stream, the cache rebuilt.
    const damaged = readFileSync(cacheFile);
    damaged[damaged.length - 100]! ^= 0x10;
    writeFileSync(cacheFile, damaged);
    expect(await cacheValid()).toBe(true); // the header is fine: the damage shows when the column is read
    conn = await startServer(root);
    expect(await ask(conn, 'val/acc')).toEqual(await expected('val/acc'));
    expect(await ask(conn, 'loss')).toEqual(await expected('loss'));
    await expect.poll(() => !readFileSync(cacheFile).equals(damaged), { timeout: 15_000 }).toBe(true);
    await expect.poll(cacheValid, { timeout: 15_000 }).toBe(true);
  }, 90_000);
});
