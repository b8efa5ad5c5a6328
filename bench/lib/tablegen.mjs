// Two versions of a CSV table for the table-diff benchmark, written in one pass, plus exactly what
// differs between them (so the benchmark can check the diff's counts). Deterministic: the same
// arguments give the same bytes on every run.
//
// Columns: id (1…rows, ascending), qty (integer 0–999), store (integer 1–500), price (2 decimals),
// score (6 decimals, may be negative), category (one of 24 words), day (YYYY-MM-DD, 2020–2024).
// Version 2: each row is changed with probability `changeRate` (one or two of its non-key cells get
// a different value), removed with probability `removeRate`, and `addRate × rows` new rows (ids
// after the last) are appended.
import { closeSync, openSync, writeSync } from 'node:fs';
import { prng } from '../../scripts/lib/prng.mjs';

export const COLUMNS = ['id', 'qty', 'store', 'price', 'score', 'category', 'day'];

const CATEGORIES = [
  'apparel',
  'automotive',
  'baby',
  'beauty',
  'books',
  'electronics',
  'furniture',
  'garden',
  'grocery',
  'hardware',
  'health',
  'home',
  'jewelry',
  'kitchen',
  'music',
  'office',
  'outdoors',
  'pets',
  'pharmacy',
  'shoes',
  'software',
  'sports',
  'toys',
  'video-games',
];

/** 2020-01-01 plus n days, as YYYY-MM-DD, for n in [0, 2000). */
const DAYS = Array.from({ length: 2000 }, (_, n) =>
  new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10),
);

/** Standard normal deviate (Box–Muller). */
function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** A row as numbers: [id, qty, store, priceCents, scoreMicros, categoryIndex, dayIndex]. */
function randomRow(id, rand) {
  return [
    id,
    Math.floor(rand() * 1000),
    1 + Math.floor(rand() * 500),
    50 + Math.floor(rand() * 99_950),
    Math.round(gaussian(rand) * 1e6),
    Math.floor(rand() * CATEGORIES.length),
    Math.floor(rand() * 1827),
  ];
}

function line(r) {
  const score = (r[4] / 1e6).toFixed(6);
  return `${r[0]},${r[1]},${r[2]},${(r[3] / 100).toFixed(2)},${score},${CATEGORIES[r[5]]},${DAYS[r[6]]}\n`;
}

/** Column `c` (1…6) of row `r` given a different value (as text too). */
function changeCell(r, c, rand) {
  const step = (n) => 1 + Math.floor(rand() * n);
  switch (c) {
    case 1:
      r[1] = (r[1] + step(50)) % 1000;
      break;
    case 2:
      r[2] = ((r[2] - 1 + step(499)) % 500) + 1;
      break;
    case 3:
      r[3] += step(5000);
      break;
    case 4:
      r[4] += (rand() < 0.5 ? -1 : 1) * step(1_000_000);
      break;
    case 5:
      r[5] = (r[5] + step(CATEGORIES.length - 1)) % CATEGORIES.length;
      break;
    case 6:
      r[6] += step(30);
      break;
  }
}

class Writer {
  constructor(file) {
    this.fd = openSync(file, 'w', 0o644);
    this.parts = [];
    this.pending = 0;
    this.bytes = 0;
  }
  write(text) {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= 1 << 20) this.flush();
  }
  flush() {
    const buf = Buffer.from(this.parts.join(''));
    writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.pending = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Write version 1 to `fileA` and version 2 to `fileB`. Returns what a keyed diff (on `id`) must
 * report: row counts, changed cells per column, and file sizes.
 */
export function writeTablePair(
  fileA,
  fileB,
  { rows, changeRate = 0.01, removeRate = 0.001, addRate = 0.001, seed = 7 },
) {
  const rand = prng(seed);
  const a = new Writer(fileA);
  const b = new Writer(fileB);
  const header = COLUMNS.join(',') + '\n';
  a.write(header);
  b.write(header);
  const changedCells = Object.fromEntries(COLUMNS.map((c) => [c, 0]));
  let changed = 0;
  let removed = 0;
  for (let id = 1; id <= rows; id++) {
    const r = randomRow(id, rand);
    const text = line(r);
    a.write(text);
    const fate = rand();
    if (fate < removeRate) {
      removed++;
      continue;
    }
    if (fate < removeRate + changeRate) {
      changed++;
      const first = 1 + Math.floor(rand() * 6);
      const cols = [first];
      if (rand() < 0.5) cols.push(1 + ((first - 1 + 1 + Math.floor(rand() * 5)) % 6));
      for (const c of cols) {
        changeCell(r, c, rand);
        changedCells[COLUMNS[c]]++;
      }
      b.write(line(r));
    } else {
      b.write(text);
    }
  }
  const added = Math.round(rows * addRate);
  for (let id = rows + 1; id <= rows + added; id++) b.write(line(randomRow(id, rand)));
  a.close();
  b.close();
  return {
    before: rows,
    after: rows - removed + added,
    added,
    removed,
    changed,
    unchanged: rows - removed - changed,
    changedCells,
    bytesA: a.bytes,
    bytesB: b.bytes,
  };
}
