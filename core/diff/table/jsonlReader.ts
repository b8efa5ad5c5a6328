import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { LineageError, errorMessage } from '../../errors';
import { ALL_TYPES, BOOLEAN, type Cell, DATE, INTEGER, NUMBER, TIMESTAMP } from './cells';
import { BATCH_ROWS, readError, type TableReader, type TableSource } from './reader';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Read JSON lines: one object per line (blank lines skipped). Columns are the union of the keys in
 * first-seen order. Values become text: strings as they are, numbers and booleans as JSON writes them,
 * nested arrays and objects as JSON (type `other`). A JSON string can only be a string, date or
 * timestamp; a JSON number only an integer or number; `"1"` and `1` are different types. Numbers go
 * through a double (integers past 2^53 lose digits). A lone surrogate (`"\ud800"`) becomes U+FFFD.
 */
export async function openJsonLines(source: TableSource): Promise<TableReader> {
  let size: number;
  try {
    size = (await stat(source.file)).size;
  } catch (err) {
    throw readError(err, source, 'JSON lines');
  }
  const input = createReadStream(source.file, { highWaterMark: 1 << 20 });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    lines.close();
    input.destroy();
  };
  const columns: string[] = [];
  const index = new Map<string, number>();
  const allowed: number[] = [];
  const nested: boolean[] = [];
  let lineNumber = 0;
  let controls = false;

  async function readBatch(): Promise<Cell[][]> {
    const batch: Cell[][] = [];
    while (batch.length < BATCH_ROWS) {
      const next = await iterator.next();
      if (next.done) break;
      lineNumber++;
      const text = lineNumber === 1 ? next.value.replace(/^\uFEFF/, '') : next.value;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new LineageError(`line ${lineNumber}: not valid JSON (${errorMessage(err)})`, source.label);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        const found = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
        throw new LineageError(`line ${lineNumber}: expected a JSON object, found ${found}`, source.label);
      }
      // Only a `\u` escape can make a lone surrogate (which UTF-8 cannot hold) or a hidden control.
      const escapes = text.includes('\\u');
      if (!controls && (escapes || hasControl(text))) controls = true;
      batch.push(rowOf(value as Record<string, unknown>, escapes));
    }
    return batch;
  }

  function rowOf(object: Record<string, unknown>, escapes: boolean): Cell[] {
    const row = new Array<Cell>(columns.length).fill(null);
    for (const key in object) {
      let at = index.get(key);
      if (at === undefined) {
        at = columns.length;
        index.set(key, at);
        columns.push(key);
        allowed.push(ALL_TYPES);
        nested.push(false);
        row.push(null);
      }
      const value = object[key];
      if (value === null || value === undefined || value === '') continue;
      switch (typeof value) {
        case 'string':
          allowed[at] = (allowed[at] ?? 0) & (DATE | TIMESTAMP);
          row[at] = escapes ? value.replace(LONE_SURROGATE, '\uFFFD') : value;
          break;
        case 'number':
          allowed[at] = (allowed[at] ?? 0) & (INTEGER | NUMBER);
          row[at] = String(value);
          break;
        case 'boolean':
          allowed[at] = (allowed[at] ?? 0) & BOOLEAN;
          row[at] = String(value);
          break;
        default:
          nested[at] = true;
          row[at] = JSON.stringify(value);
      }
    }
    return row;
  }

  let first: Cell[][];
  try {
    first = await readBatch();
  } catch (err) {
    close();
    throw readError(err, source, 'JSON lines');
  }

  async function* batches(): AsyncGenerator<Cell[][]> {
    try {
      const head = first;
      first = [];
      if (head.length > 0) yield head;
      for (;;) {
        const batch = await readBatch();
        if (batch.length === 0) break;
        yield batch;
      }
    } catch (err) {
      throw readError(err, source, 'JSON lines');
    } finally {
      close();
    }
  }

  return {
    columns,
    warnings: [],
    size,
    batches,
    schemaType: () => undefined,
    allowedTypes: (column) => (nested[column] ? 'other' : (allowed[column] ?? ALL_TYPES)),
    mayHoldControls: () => controls,
    close,
  };
}

/** Holds a character the row store escapes (U+001B, U+001E, U+001F). */
function hasControl(text: string): boolean {
  return text.includes('\u001b') || text.includes('\u001e') || text.includes('\u001f');
}
