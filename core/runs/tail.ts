import { promises as fs } from 'node:fs';
import { isErrnoCode } from '../errors';
import { MetricStreamReader, type MetricPoint, type MetricsSummary, type MetricValueSink } from './metrics';

/** Where a MetricTail delivers values instead of returning points (MetricHistory's columns). */
export interface MetricSink {
  value: MetricValueSink;
  /** The stream was replaced: drop what was delivered before (called before the new values). */
  reset(): void;
}

const CHUNK = 1024 * 1024;

/**
 * Follows a run's metric stream as it grows: each `read()` parses only the bytes appended since the
 * last one and returns the new points. A half-written last line waits for its newline; bytes of a
 * UTF-8 character cut by a read wait for the rest. A stream that shrank (replaced) is read again
 * from the start, with `reset` set so the caller drops what it had. With a `sink`, values go there
 * as they are read and `read()` returns no points.
 */
export class MetricTail {
  private offset = 0;
  private reader: MetricStreamReader;
  private points: MetricPoint[] = [];
  private carry = Buffer.alloc(0);

  constructor(
    private readonly file: string,
    private readonly sink?: MetricSink,
  ) {
    this.reader = this.newReader();
  }

  /** Bytes of the stream read so far (the size it had at the last read). */
  get bytesRead(): number {
    return this.offset;
  }

  /** The running summary of everything read so far. */
  get summary(): MetricsSummary {
    return this.reader.summary;
  }

  async read(): Promise<{ points: MetricPoint[]; reset: boolean }> {
    let handle;
    try {
      handle = await fs.open(this.file, 'r');
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT')) return { points: [], reset: false };
      throw err;
    }
    let reset = false;
    try {
      const { size } = await handle.stat();
      if (size < this.offset) {
        this.offset = 0;
        this.carry = Buffer.alloc(0);
        this.reader = this.newReader();
        this.sink?.reset();
        reset = true;
      }
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(0, size - this.offset)));
      while (this.offset < size) {
        const { bytesRead } = await handle.read(
          buffer,
          0,
          Math.min(buffer.length, size - this.offset),
          this.offset,
        );
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const read = buffer.subarray(0, bytesRead);
        const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, read]) : read;
        const cut = completeUtf8(bytes);
        this.carry = Buffer.from(bytes.subarray(cut));
        this.reader.feed(bytes.subarray(0, cut).toString('utf8'));
      }
    } finally {
      await handle.close();
    }
    const points = this.points;
    this.points = [];
    return { points, reset };
  }

  private newReader(): MetricStreamReader {
    if (this.sink) return new MetricStreamReader(undefined, { onValue: this.sink.value });
    return new MetricStreamReader((point) => this.points.push(point));
  }
}

/** Length of the prefix of `bytes` that ends on a whole UTF-8 character. */
function completeUtf8(bytes: Buffer): number {
  let i = bytes.length;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  let back = 0;
  while (i > 0 && back < 4 && ((bytes[i - 1] as number) & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i === 0) return bytes.length;
  const lead = bytes[i - 1] as number;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need === back + 1 || need === 1 ? bytes.length : i - 1;
}
