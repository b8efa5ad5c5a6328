import { build } from 'esbuild';
import {
  appendFileSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricHistory, readMetricHistory, type MetricSeries } from '../../core/runs/history';
import {
  HistoryCacheDamaged,
  readHistoryCache,
  streamId,
  sweepHistoryCache,
  writeHistoryCache,
} from '../../core/runs/historyCache';
import { FixedHistory, HistoryPool, readStreamColumns } from '../../core/runs/historyPool';
import { tempDir } from '../helpers/tmp';

const plain = (s: MetricSeries | undefined): unknown =>
  s && { steps: [...s.steps], times: [...s.times], values: [...s.values] };

/** A stream with shared and separate steps, missing times, nulls, a nested metric and reserved lines. */
function writeStream(file: string, steps = 300): void {
  const lines = ['{"params":{"lr":0.1}}'];
  for (let i = 0; i < steps; i++) {
    const time = i % 7 === 0 ? '' : `,"time":${1_764_000_000 + i / 3}`;
    lines.push(`{"step":${i}${time},"loss":${1 / (i + 1)},"acc":${i / steps},"f1":${i % 5 ? i : 'null'}}`);
    if (i % 50 === 0) lines.push(`{"val":{"acc":${i / 1000}},"tags":{"at":"${i}"}}`);
  }
  lines.push('{"step":3,"f1":-0.0,"λ":1e300}', '{"step":4,"lo'); // out of order; a half-written line
  writeFileSync(file, lines.join('\n'));
}

async function setup(): Promise<{ dir: string; stream: string; cache: string; history: MetricHistory }> {
  const dir = tempDir();
  const stream = path.join(dir, 'metrics.jsonl');
  const cache = path.join(dir, 'state', 'history', 'run');
  writeStream(stream);
  const history = new MetricHistory(stream);
  await history.update({ points: false });
  expect(await writeHistoryCache(cache, stream, streamId(statSync(stream)), history)).toBe(true);
  return { dir, stream, cache, history };
}

describe('history cache', () => {
  it('gives back every metric exactly as read from the stream, steps and times stored once', async () => {
    const { stream, cache, history } = await setup();
    const cached = await readHistoryCache(cache, statSync(stream));
    expect(cached).not.toBeNull();
    expect(cached!.names()).toEqual(['loss', 'acc', 'val/acc', 'f1', 'λ']);
    for (const name of history.names()) {
      expect(plain(await cached!.series(name)), name).toEqual(plain(history.series(name)));
    }
    expect(Object.is((await cached!.series('f1'))!.values.at(-1), -0)).toBe(true);
    const noTimes = await cached!.series('acc', false);
    expect([...noTimes!.values]).toEqual([...history.series('acc')!.values]);
    expect(noTimes!.times.length).toBe(0);
    expect(await cached!.series('nope')).toBeUndefined();
    // loss and acc share steps and times (both logged on every line but the last): stored once.
    const bytes = readFileSync(cache);
    const header = JSON.parse(bytes.subarray(16, 16 + bytes.readUInt32LE(8)).toString());
    const [loss, acc] = header.metrics as [string, number, number, number][];
    expect([acc![1], acc![2]]).toEqual([loss![1], loss![2]]);
    expect(acc![3]).not.toBe(loss![3]);
  });

  it('is stale once the stream is appended to, touched or replaced', async () => {
    const { stream, cache } = await setup();
    const before = statSync(stream);
    appendFileSync(stream, 'ss":1}\n');
    expect(await readHistoryCache(cache, statSync(stream))).toBeNull();

    const { stream: s2, cache: c2 } = await setup();
    const t = statSync(s2).mtime;
    expect(await readHistoryCache(c2, statSync(s2))).not.toBeNull();
    utimesSync(s2, t, new Date(t.getTime() + 5000));
    expect(await readHistoryCache(c2, statSync(s2))).toBeNull();

    // Replaced by a stream of the same size: another inode.
    const { stream: s3, cache: c3 } = await setup();
    const text = readFileSync(s3);
    rmSync(s3);
    writeFileSync(path.join(path.dirname(s3), 'other'), 'x');
    writeFileSync(s3, text);
    const now = statSync(s3);
    expect(now.size).toBe(before.size);
    expect(await readHistoryCache(c3, now)).toBeNull();
  });

  it('is ignored when damaged, truncated, foreign or of another version', async () => {
    const { stream, cache } = await setup();
    const good = readFileSync(cache);
    const stat = statSync(stream);
    const tryWith = async (bytes: Buffer): Promise<unknown> => {
      writeFileSync(cache, bytes);
      return readHistoryCache(cache, stat, { name: 'loss', withTimes: true });
    };
    const headerLength = good.readUInt32LE(8);
    const header = JSON.parse(good.subarray(16, 16 + headerLength).toString());
    // A bit flipped in the values of loss.
    const lossValues = header.blocks[header.metrics[0][3]] as [number, number, number];
    const flipped = Buffer.from(good);
    flipped[16 + headerLength + lossValues[0] + 5]! ^= 0x40;
    const badHeader = Buffer.from(good);
    badHeader[16 + 2]! ^= 0x01;
    expect(await tryWith(good.subarray(0, good.length - 8))).toBeNull();
    expect(await tryWith(badHeader)).toBeNull();
    expect(await tryWith(Buffer.from('not a cache at all'))).toBeNull();
    expect(await tryWith(Buffer.alloc(0))).toBeNull();
    // Another version, with a header that is otherwise right.
    const other = Buffer.from(JSON.stringify({ ...header, version: 999 }));
    const prefix = Buffer.from(good.subarray(0, 16));
    prefix.writeUInt32LE(other.length, 8);
    prefix.writeUInt32LE(zlib.crc32(other), 12);
    expect(await tryWith(Buffer.concat([prefix, other, good.subarray(16 + headerLength)]))).toBeNull();
    expect(await tryWith(good)).not.toBeNull();
    // A bad block is found when it is read: at once when preloaded, else as HistoryCacheDamaged.
    expect(await tryWith(flipped)).toBeNull();
    const lazy = await readHistoryCache(cache, stat);
    expect(lazy!.names()).toContain('loss');
    await expect(lazy!.series('acc')).resolves.toBeDefined();
    await expect(lazy!.series('loss')).rejects.toBeInstanceOf(HistoryCacheDamaged);
  });

  it('is not written when the stream changed after it was read', async () => {
    const dir = tempDir();
    const stream = path.join(dir, 'metrics.jsonl');
    writeStream(stream);
    const id = streamId(statSync(stream));
    const history = new MetricHistory(stream);
    await history.update();
    appendFileSync(stream, 'ss":1}\n');
    const cache = path.join(dir, 'cache');
    expect(await writeHistoryCache(cache, stream, id, history)).toBe(false);
    expect(await readHistoryCache(cache, statSync(stream))).toBeNull();
  });
});

describe('history cache folder', () => {
  it('sweeps temp files a crash left behind, not the caches or a write in progress', async () => {
    const { cache } = await setup();
    const dir = path.dirname(cache);
    const old = path.join(dir, '.run.0123456789ab.tmp');
    const fresh = path.join(dir, '.run.ba9876543210.tmp');
    writeFileSync(old, 'half');
    writeFileSync(fresh, 'half');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(old, hourAgo, hourAgo);
    expect(await sweepHistoryCache(dir)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['.run.ba9876543210.tmp', 'run']);
    expect(await sweepHistoryCache(path.join(dir, 'missing'))).toBe(0);
  });
});

describe('history worker threads', () => {
  let workerFile = '';
  beforeAll(async () => {
    workerFile = path.join(tempDir('lineage-history-worker-'), 'historyWorker.js');
    // Bundled as scripts/build.mjs bundles it (dist/historyWorker.js).
    await build({
      entryPoints: [path.join(__dirname, '../../core/runs/historyWorker.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: workerFile,
      logLevel: 'warning',
    });
  });

  it('read streams into the same columns as this thread, spread over the threads', async () => {
    const dir = tempDir();
    const files = Array.from({ length: 6 }, (_, i) => {
      const file = path.join(dir, `m${i}.jsonl`);
      writeStream(file, 200 + i * 100);
      return file;
    });
    const pool = new HistoryPool(workerFile, 2);
    try {
      const read = await Promise.all(files.map((f) => pool.read(f)));
      for (const [i, file] of files.entries()) {
        const here = await readMetricHistory(file);
        const fixed = new FixedHistory(read[i]!);
        expect(fixed.names()).toEqual([...here.keys()]);
        for (const [name, s] of here) expect(plain(fixed.series(name)), name).toEqual(plain(s));
        expect(read[i]!.bytesRead).toBe(statSync(file).size);
        expect(read[i]).toEqual(await readStreamColumns(file));
      }
    } finally {
      pool.close();
    }
  });

  it('falls back to this thread when a worker fails', async () => {
    const broken = path.join(tempDir(), 'broken.js');
    writeFileSync(broken, 'throw new Error("broken worker")');
    const file = path.join(tempDir(), 'metrics.jsonl');
    writeStream(file);
    const pool = new HistoryPool(broken, 2);
    try {
      expect(await pool.read(file)).toEqual(await readStreamColumns(file));
    } finally {
      pool.close();
    }
  });
});
