import { promises as fs, type Stats } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Repo } from '../repo';
import { writeFileAtomic } from '../util/atomicWrite';
import type { MetricSeries } from './history';

/**
 * The metric history of an ENDED run (its stream never changes again), kept as typed columns in
 * `.lineage/state/history/<run id>` so that a restarted server answers without parsing the stream:
 *
 *   "LNGHIST\n" | u32 header length | u32 header CRC-32 | header JSON | Float64 blocks (little endian)
 *
 * The header holds the version, the stream's size, mtime and inode when it was read, the metric
 * names in logging order with the blocks of their steps, times and values (a column shared by
 * several metrics is stored once), and each block's offset, length and CRC-32. A cache whose stream
 * changed, of another version, or damaged in any way is ignored (and rebuilt by the caller); it is
 * written atomically (temp + rename), so a crash leaves the old file or the new one, never a mix.
 */
export const HISTORY_CACHE_VERSION = 1;
const MAGIC = Buffer.from('LNGHIST\n', 'latin1');
const PREFIX = MAGIC.length + 8;
const FIRST_READ = 8 * 1024;

interface Header {
  version: number;
  stream: StreamId;
  /** [name, steps block, times block, values block] */
  metrics: [string, number, number, number][];
  /** [offset after the header, number of values, CRC-32] */
  blocks: [number, number, number][];
}

/** What a stream was when its history was read: a different size, mtime or inode is a different stream. */
export interface StreamId {
  size: number;
  mtimeMs: number;
  ino: number;
}

export function streamId(stat: Stats): StreamId {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
}

export function historyCacheFile(repo: Repo, id: string): string {
  return path.join(repo.dir, 'state', 'history', id);
}

/** The cache is written and read in this machine's byte order; only little endian is supported. */
const SUPPORTED = os.endianness() === 'LE' && typeof zlib.crc32 === 'function';

/** A damaged cache file: the caller reads the stream instead. */
export class HistoryCacheDamaged extends Error {}

/** An ended run's history from its cache file: names at once, each column when first asked for. */
export class CachedHistory {
  private blocks = new Map<number, Float64Array>();

  constructor(
    private readonly file: string,
    private readonly header: Header,
    /** Where the blocks start: the end of the header. */
    private readonly base: number,
  ) {}

  names(): string[] {
    return this.header.metrics.map((m) => m[0]);
  }

  /**
   * One metric's columns, read from the file the first time (`times` left empty unless `withTimes`:
   * a step axis does not need them); HistoryCacheDamaged when a block is bad.
   */
  async series(name: string, withTimes = true, open?: fs.FileHandle): Promise<MetricSeries | undefined> {
    const metric = this.header.metrics.find((m) => m[0] === name);
    if (!metric) return undefined;
    const wanted = withTimes ? [metric[1], metric[2], metric[3]] : [metric[1], metric[3]];
    const missing = wanted.filter((b) => !this.blocks.has(b));
    if (missing.length > 0) {
      const handle = open ?? (await fs.open(this.file, 'r'));
      try {
        for (const index of missing)
          this.blocks.set(index, await readBlock(handle, this.header.blocks[index], this.base));
      } finally {
        if (!open) await handle.close();
      }
    }
    const steps = this.blocks.get(metric[1]) as Float64Array;
    const values = this.blocks.get(metric[3]) as Float64Array;
    const times = withTimes ? (this.blocks.get(metric[2]) as Float64Array) : new Float64Array(0);
    if (steps.length !== values.length || (withTimes && times.length !== values.length)) {
      throw new HistoryCacheDamaged(`${this.file}: the columns of '${name}' differ in length`);
    }
    return { steps, times, values };
  }
}

async function readBlock(
  handle: fs.FileHandle,
  block: [number, number, number] | undefined,
  base: number,
): Promise<Float64Array> {
  if (!block) throw new HistoryCacheDamaged('no such block');
  const [offset, count, crc] = block;
  const data = new Float64Array(count);
  const bytes = new Uint8Array(data.buffer);
  const { bytesRead } = await handle.read(bytes, 0, bytes.length, base + offset);
  if (bytesRead !== bytes.length || zlib.crc32(bytes) !== crc)
    throw new HistoryCacheDamaged('a block is damaged');
  return data;
}

/**
 * The cached history of the stream `stream` (its stat now), or null when there is none, it is of
 * another version or stream, or it is damaged. `preload` reads that metric's columns at once.
 */
export async function readHistoryCache(
  file: string,
  stream: Stats,
  preload?: { name: string; withTimes: boolean },
): Promise<CachedHistory | null> {
  if (!SUPPORTED) return null;
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return null; // none yet, or unreadable: the stream is read instead
  }
  try {
    const size = (await handle.stat()).size;
    const first = Buffer.alloc(Math.min(size, FIRST_READ));
    await handle.read(first, 0, first.length, 0);
    if (first.length < PREFIX || !first.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    const length = first.readUInt32LE(MAGIC.length);
    const crc = first.readUInt32LE(MAGIC.length + 4);
    if (PREFIX + length > size) return null;
    let json = first.subarray(PREFIX, PREFIX + length);
    if (json.length < length) {
      json = Buffer.alloc(length);
      await handle.read(json, 0, length, PREFIX);
    }
    if (zlib.crc32(json) !== crc) return null;
    const header = JSON.parse(json.toString('utf8')) as Header;
    if (header.version !== HISTORY_CACHE_VERSION || !sameStream(header.stream, streamId(stream))) return null;
    const base = PREFIX + length;
    const end = header.blocks.reduce((e, [offset, count]) => Math.max(e, base + offset + count * 8), base);
    if (end !== size) return null;
    const cached = new CachedHistory(file, header, base);
    if (preload) await cached.series(preload.name, preload.withTimes, handle);
    return cached;
  } catch {
    return null; // unreadable or not ours: rebuilt from the stream
  } finally {
    await handle.close();
  }
}

function sameStream(a: StreamId | undefined, b: StreamId): boolean {
  return !!a && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/**
 * Write the history of the stream identified by `stream` (read whole). Nothing is written unless
 * the stream is still that one, so a cache never describes other bytes than its stream's.
 */
export async function writeHistoryCache(
  file: string,
  streamFile: string,
  stream: StreamId,
  history: { names(): string[]; series(name: string): MetricSeries | undefined },
): Promise<boolean> {
  if (!SUPPORTED) return false;
  const blocks: Float64Array[] = [];
  const blockOf = (column: Float64Array): number => {
    const bytes = new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
    const same = blocks.findIndex(
      (b) =>
        b.length === column.length &&
        Buffer.compare(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), bytes) === 0,
    );
    if (same >= 0) return same;
    blocks.push(column);
    return blocks.length - 1;
  };
  const metrics: Header['metrics'] = [];
  for (const name of history.names()) {
    const s = history.series(name);
    if (s) metrics.push([name, blockOf(s.steps), blockOf(s.times), blockOf(s.values)]);
  }
  let offset = 0; // from the end of the header
  const placed = blocks.map((b): [number, number, number] => {
    const at = offset;
    offset += b.byteLength;
    return [at, b.length, zlib.crc32(new Uint8Array(b.buffer, b.byteOffset, b.byteLength))];
  });
  const header: Header = { version: HISTORY_CACHE_VERSION, stream, metrics, blocks: placed };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(json.length, MAGIC.length);
  prefix.writeUInt32LE(zlib.crc32(json), MAGIC.length + 4);
  const data = Buffer.concat([
    prefix,
    json,
    ...blocks.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
  ]);
  // The stream must still be the one read: otherwise the cache would describe other bytes.
  const now = await fs.stat(streamFile).catch(() => null);
  if (!now || !sameStream(stream, streamId(now))) return false;
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, data);
  return true;
}

/** Temp files older than this in the cache folder were left by a crash mid-write. */
const STALE_TEMP_MS = 10 * 60 * 1000;

/**
 * Remove temp files that a process killed while writing a cache left behind (writeFileAtomic's
 * `.<name>.<random>.tmp`); recent ones may be another process's write in progress and stay.
 */
export async function sweepHistoryCache(dir: string, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith('.') || !name.endsWith('.tmp')) continue;
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat && now - stat.mtimeMs > STALE_TEMP_MS) {
      await fs.rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
