import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { LineageError } from '../../errors';
import type { TableSource } from './reader';

/** Bytes read at a time, by the scan and by the plain reader. */
const CHUNK = 1 << 20;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** Records handed out per call, at most. */
const RECORDS = 2048;

/** A record delimiter as csv-parse discovers it: the first CR LF, LF or CR of the file. */
export type LineEnd = '\r\n' | '\n' | '\r';

/** What one native scan of a file's bytes says about reading it without csv-parse. */
export interface CsvScan {
  /** No `"` anywhere and no UTF-16 BOM: every field is plain text between delimiters. */
  plain: boolean;
  /** The record delimiter csv-parse would settle on; null when the file has no line break. */
  lineEnd: LineEnd | null;
}

/**
 * Scan a file for a quote byte (stopping at the first) and for its first line break. By RFC 4180 a
 * field without `"` holds neither the delimiter nor a line break, so a quote-free file can be split
 * with plain string operations into exactly the records csv-parse would give.
 */
export async function scanCsv(file: string): Promise<CsvScan> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let lineEnd: LineEnd | null = null;
    let pendingCr = false;
    for (let first = true; ; first = false) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const bytes = buffer.subarray(0, bytesRead);
      if (first && bytes[0] === 0xff && bytes[1] === 0xfe) return { plain: false, lineEnd: null };
      if (bytes.indexOf(QUOTE) >= 0) return { plain: false, lineEnd: null };
      if (lineEnd !== null) continue;
      if (pendingCr) {
        lineEnd = bytes[0] === LF ? '\r\n' : '\r';
        continue;
      }
      const lf = bytes.indexOf(LF);
      const cr = bytes.indexOf(CR);
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr + 1 < bytesRead) lineEnd = bytes[cr + 1] === LF ? '\r\n' : '\r';
        else pendingCr = true;
      } else if (lf >= 0) lineEnd = '\n';
    }
    return { plain: true, lineEnd: lineEnd ?? (pendingCr ? '\r' : null) };
  } finally {
    await handle.close();
  }
}

/**
 * The records of a quote-free CSV/TSV file (see `scanCsv`), a chunk at a time: each chunk is decoded
 * once, cut after its last line break, and split on the line break and the delimiter, up to
 * RECORDS records per call (so only that many rows are alive at a time, not a whole chunk's). Like
 * csv-parse (with `bom: true`): a UTF-8 BOM is dropped, only the discovered line break ends a record
 * (a lone CR in a LF file stays in its field), an empty line is the record `['']`, and text after
 * the last line break is one more record.
 */
export class PlainCsvRecords {
  /** Never true: a record is one line. */
  readonly quoted = false;
  private handle: Promise<FileHandle> | undefined;
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private first = true;
  private done = false;
  private closed = false;
  private controls = false;
  /** Lines not handed out yet: `text` from `pos` to `end`, separated by `lineEnd` ('' for one line). */
  private lines: Lines = { text: '', pos: 1, end: 0, lineEnd: '', delimiterAt: -1 };

  constructor(
    private readonly source: TableSource,
    private readonly delimiter: string,
    private readonly lineEnd: LineEnd | null,
  ) {}

  /** The records of the next lines (at least one), or null at the end of the file. */
  async next(): Promise<string[][] | null> {
    while (this.lines.pos > this.lines.end) {
      const lines = await this.read();
      if (lines === null) return null;
      this.lines = lines;
    }
    const records: string[][] = [];
    splitLines(this.lines, this.delimiter, RECORDS, records);
    return records;
  }

  /** The next complete lines, or null at the end of the file. */
  private async read(): Promise<Lines | null> {
    while (!this.done) {
      const handle = await (this.handle ??= open(this.source.file, 'r'));
      const { bytesRead } = await handle.read(this.buffer, 0, CHUNK, null);
      if (bytesRead === 0) {
        this.close(); // the end of the file: release it now
        const rest = this.carry + this.decoder.end();
        this.carry = '';
        if (rest === '') return null;
        return { text: rest, pos: 0, end: rest.length, lineEnd: '', delimiterAt: -1 };
      }
      let bytes = this.buffer.subarray(0, bytesRead);
      if (this.first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
        bytes = bytes.subarray(3);
      this.first = false;
      if (bytes.indexOf(QUOTE) >= 0) {
        throw new LineageError('the file changed while it was being read', this.source.label);
      }
      if (!this.controls && (bytes.includes(0x1b) || bytes.includes(0x1e) || bytes.includes(0x1f))) {
        this.controls = true;
      }
      const piece = this.decoder.write(bytes);
      const lineEnd = this.lineEnd;
      let end = lineEnd === null ? -1 : piece.lastIndexOf(lineEnd);
      if (end >= 0) end += this.carry.length;
      else if (lineEnd === '\r\n' && piece.charCodeAt(0) === LF && this.carry.endsWith('\r')) {
        end = this.carry.length - 1; // CR LF split between two chunks
      }
      if (end < 0 || lineEnd === null) {
        this.carry += piece;
        continue;
      }
      const text = this.carry + piece;
      this.carry = text.slice(end + lineEnd.length);
      return { text, pos: 0, end, lineEnd, delimiterAt: -1 };
    }
    return null;
  }

  /** True once a chunk read so far holds U+001B, U+001E or U+001F. */
  mayHoldControls(): boolean {
    return this.controls;
  }

  /** Release the file (safe to call more than once; not while `next` is pending). */
  close(): void {
    this.done = true;
    if (this.closed) return;
    this.closed = true;
    void this.handle?.then((handle) => handle.close()).catch(() => {});
  }
}

/** Decoded lines being split: see `splitLines`. */
interface Lines {
  text: string;
  /** Where the next line starts; past `end` when none is left. */
  pos: number;
  /** Where the last line ends. */
  end: number;
  /** Separates the lines before `end`; '' when there is only one. */
  lineEnd: string;
  /** The first delimiter at or after the current field's start, once found; -1 before. */
  delimiterAt: number;
}

/**
 * Push the records of up to `limit` lines and move past them. The position of the next delimiter is
 * remembered across lines (and calls), so a file with few delimiters is not scanned again for every
 * line.
 */
function splitLines(lines: Lines, delimiter: string, limit: number, out: string[][]): void {
  const { text, end, lineEnd } = lines;
  const step = lineEnd.length;
  const width = delimiter.length;
  let next = lines.delimiterAt;
  let pos = lines.pos;
  for (; pos <= end && out.length < limit;) {
    const stop = step === 0 ? end : text.indexOf(lineEnd, pos);
    const record: string[] = [];
    let from = pos;
    for (;;) {
      if (next < from) {
        next = text.indexOf(delimiter, from);
        if (next < 0) next = text.length;
      }
      if (next >= stop) break;
      record.push(text.slice(from, next));
      from = next + width;
    }
    record.push(text.slice(from, stop));
    out.push(record);
    pos = stop + Math.max(step, 1);
  }
  lines.pos = pos;
  lines.delimiterAt = next;
}
