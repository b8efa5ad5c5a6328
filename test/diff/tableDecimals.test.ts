import { describe, expect, it } from 'vitest';
import { canonicalNumber, hashText, narrowTypes, NUMBER, parseNumber } from '../../core/diff/table/cells';
import {
  codeText,
  decimalCode,
  decimalHasPoint,
  decimalValue,
  isDecimalCode,
  textCode,
} from '../../core/diff/table/textCode';
import { IntegerTally } from '../../core/diff/table/integerTally';
import { ColumnProfile, DISTINCT_CAP } from '../../core/diff/table/profile';
import type { Cell } from '../../core/diff/table/cells';

/** The grammar of coded text, as a regular expression (the digit limit is checked apart). */
const CODED_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** Every string of up to `length` pieces from `alphabet`. */
function strings(alphabet: string[], length: number): string[] {
  let all = [''];
  const out = [''];
  for (let n = 0; n < length; n++) {
    all = all.flatMap((s) => alphabet.map((a) => s + a));
    out.push(...all);
  }
  return out;
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What ColumnProfile counted before integer tallies: every value text in one map, same cap. */
function reference(cells: Cell[]): { distinct: number; capped: boolean; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  let capped = false;
  for (const cell of cells) {
    if (cell === null || capped) continue;
    const count = counts.get(cell);
    if (count !== undefined) counts.set(cell, count + 1);
    else if (counts.size < DISTINCT_CAP) counts.set(cell, 1);
    else capped = true;
  }
  return { distinct: counts.size, capped, counts };
}

/** The five most frequent values, ties by value, from a reference count. */
function referenceTop(counts: Map<string, number>): { value: string; count: number }[] {
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, 5);
}

function profile(cells: Cell[]): ColumnProfile {
  const column = new ColumnProfile();
  for (const cell of cells) column.observe(cell);
  return column;
}

describe('decimal codes', () => {
  it('code exactly the texts of their grammar, and give each text back', () => {
    const codes = new Map<number, string>();
    for (const text of strings(['0', '1', '9', '-', '.', 'e', '+', ' '], 5)) {
      const code = decimalCode(text);
      expect([text, code >= 0]).toEqual([text, CODED_RE.test(text)]);
      expect(textCode(text)).toBe(code);
      if (code < 0) continue;
      expect(isDecimalCode(code)).toBe(true);
      expect(codeText(code)).toBe(text);
      expect(Object.is(decimalValue(code), Number(text))).toBe(true);
      expect(Object.is(decimalValue(code), parseNumber(text))).toBe(true);
      expect(decimalHasPoint(code)).toBe(text.includes('.'));
      expect(codes.get(code)).toBeUndefined(); // one text per code
      codes.set(code, text);
    }
    expect(codes.size).toBeGreaterThan(500);
  });

  it('keep texts apart that are equal as numbers', () => {
    const texts = [
      '0',
      '-0',
      '0.0',
      '-0.0',
      '0.00',
      '1',
      '1.0',
      '1.50',
      '1.5',
      '10',
      '10.0',
      '0.05',
      '0.050',
    ];
    expect(new Set(texts.map(decimalCode)).size).toBe(texts.length);
    expect(Object.is(decimalValue(decimalCode('-0')), -0)).toBe(true);
  });

  it('stop at 14 digits, with every code exact', () => {
    const big = '99999999999999'; // 14 digits
    for (const text of [big, `-${big}`, '9999999999999.9', '-0.0000000000009', '0.0000000000000']) {
      const code = decimalCode(text);
      expect(code).toBeGreaterThanOrEqual(0);
      expect(code).toBeLessThan(2 ** 53);
      expect(codeText(code)).toBe(text);
    }
    for (const text of [`${big}9`, '99999999999999.9', '0.00000000000000', '123456789012345678901']) {
      expect(decimalCode(text)).toBe(-1);
    }
  });

  it('refuse other number spellings and specials', () => {
    for (const text of [
      '',
      '-',
      '.',
      '1.',
      '.5',
      '-.5',
      '+1',
      '01',
      '-01',
      '00',
      '1e5',
      '1E5',
      'NaN',
      'inf',
    ]) {
      expect([text, decimalCode(text)]).toEqual([text, -1]);
    }
    for (const text of ['-Infinity', ' 1', '1 ', '1,5', '١', '1.2.3', '--1', '0x10']) {
      expect([text, decimalCode(text)]).toEqual([text, -1]);
    }
  });

  it('agree with Number on many decimals', () => {
    const next = random(3);
    for (let i = 0; i < 20_000; i++) {
      const text = ((next() - 0.5) * 10 ** Math.floor(next() * 12)).toFixed(Math.floor(next() * 8));
      const code = decimalCode(text);
      if (code < 0) continue;
      expect(codeText(code)).toBe(text);
      expect(Object.is(decimalValue(code), Number(text))).toBe(true);
    }
  });
});

describe('date codes', () => {
  it('code every date-shaped text, valid date or not, and give it back', () => {
    const codes = new Set<number>();
    for (const text of ['2024-01-31', '0000-00-00', '9999-99-99', '2024-13-45', '1999-12-31', '2000-01-01']) {
      const code = textCode(text);
      expect(code).toBeGreaterThan(0);
      expect(code).toBeLessThan(2 ** 53);
      expect(isDecimalCode(code)).toBe(false);
      expect(codeText(code)).toBe(text);
      codes.add(code);
    }
    expect(codes.size).toBe(6);
    for (const text of [
      '2024-1-31',
      '2024-01-311',
      '2024/01/31',
      '2024-01-3x',
      '-024-01-31',
      '2024-01-31T00:00',
    ]) {
      expect([text, textCode(text)]).toEqual([text, -1]);
    }
  });
});

describe('integer tally', () => {
  it('counts exactly like a map, through collisions and growth', () => {
    const next = random(11);
    const tally = new IntegerTally(4);
    const expected = new Map<number, number>();
    // Small keys, keys that differ only above bit 32, and the extremes: many share a slot.
    const pool = [0, 1, 2 ** 53 - 1, 2 ** 52, 2 ** 32, 2 ** 33, 3 * 2 ** 32];
    for (let i = 0; i < 3000; i++) pool.push(i * 2 ** 32, i * 64, Math.floor(next() * 2 ** 53));
    for (let i = 0; i < 50_000; i++) {
      const key = pool[Math.floor(next() * pool.length)] as number;
      expect(tally.count(key, true)).toBe(true);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const seen = new Map<number, number>();
    tally.forEach((key, count) => seen.set(key, count));
    expect(tally.size).toBe(expected.size);
    expect(seen).toEqual(expected);
  });

  it('adds a key only when asked to', () => {
    const tally = new IntegerTally();
    expect(tally.count(7, false)).toBe(false);
    expect(tally.size).toBe(0);
    expect(tally.count(7, true)).toBe(true);
    expect(tally.count(7, false)).toBe(true);
    expect(tally.count(2 ** 53 - 1, false)).toBe(false);
    const counts: [number, number][] = [];
    tally.forEach((key, count) => counts.push([key, count]));
    expect(counts).toEqual([[7, 2]]);
  });
});

describe('distinct values of a column', () => {
  it('count every spelling apart, as one map of texts did', () => {
    const cells: Cell[] = [
      '0',
      '-0',
      '0.0',
      '1',
      '1.0',
      '1.50',
      '1.5',
      '+1',
      '01',
      '1e0',
      'NaN',
      'nan',
      'inf',
    ];
    cells.push('-Infinity', '12345678901234567890', '12345678901234567890', '1.5', null, '0', 'x', 'x');
    cells.push('2024-01-31', '2024-01-31', '2024-1-31', '2024-01-31 ', '0001-02-03');
    const column = profile(cells);
    const expected = reference(cells);
    const stats = column.stats('string');
    expect(stats.distinct).toBe(expected.distinct);
    expect(stats.distinctCapped).toBe(false);
    expect(stats.top).toEqual(referenceTop(expected.counts));
    expect(stats.top?.slice(0, 4)).toEqual([
      { value: '0', count: 2 },
      { value: '1.5', count: 2 },
      { value: '12345678901234567890', count: 2 },
      { value: '2024-01-31', count: 2 },
    ]);
  });

  it('cap decimals and other texts together, at the same value as before', () => {
    const next = random(5);
    const cells: Cell[] = [];
    for (let i = 0; i < 2.5 * DISTINCT_CAP; i++) {
      const n = Math.floor(next() * 1.5 * DISTINCT_CAP);
      // Decimals in several spellings, and words, interleaved: the cap falls on either kind.
      const day = `${1000 + (n % 9000)}-${String(n % 97).padStart(2, '0')}-0${n % 10}`;
      cells.push(n % 4 === 0 ? `w${n}` : n % 4 === 1 ? String(n) : n % 4 === 2 ? (n / 100).toFixed(2) : day);
      if (i % 7 === 0) cells.push(null);
    }
    const column = profile(cells);
    const expected = reference(cells);
    const stats = column.stats('string');
    expect(expected.capped).toBe(true);
    expect(stats).toMatchObject({ distinct: DISTINCT_CAP, distinctCapped: true });
    expect(stats.top).toEqual(referenceTop(expected.counts));
  });

  it('stop counting at the first new value past the cap, decimal or not', () => {
    for (const last of ['9999999', 'word', '2024-01-31']) {
      const cells: Cell[] = Array.from({ length: DISTINCT_CAP }, (_, i) => (i % 2 ? `${i}.5` : `v${i}`));
      cells.push(last, '1.5', '1.5', 'v0');
      const stats = profile(cells).stats('string');
      expect(stats).toMatchObject({ distinct: DISTINCT_CAP, distinctCapped: true });
      expect(stats.top).toEqual(referenceTop(reference(cells).counts));
      expect(stats.top?.[0]).toEqual({ value: '1.5', count: 1 }); // the later ones were not counted
    }
  });

  it('keep the numeric statistics and types of decimal text', () => {
    const column = profile(['-0', '2', '10', '0.5', null]);
    expect(column.type()).toBe('number');
    expect(column.stats('number')).toMatchObject({ min: -0, max: 10, mean: 12.5 / 4, distinct: 4, nulls: 1 });
    expect(profile(['-0', '7', '10']).type()).toBe('integer');
    expect(profile(['1', '2024-01-02']).type()).toBe('string');
    expect(profile(['2024', '2024-01-02']).type()).toBe('string');
  });
});

describe('canonical numbers of plain decimals', () => {
  /** canonicalNumber as it was before decimal text had a short cut: through a double. */
  function throughDouble(text: string): string {
    if (/^(?:-?[1-9]\d{0,14}|0)$/.test(text)) return text;
    if (text.length > 15 && /^[+-]?\d+$/.test(text)) {
      const digits = text.replace(/^[+-]?0*/, '');
      return digits === '' ? '0' : text.startsWith('-') ? `-${digits}` : digits;
    }
    return String(parseNumber(text));
  }

  it('are what printing the double gives', () => {
    const next = random(17);
    const samples = ['0', '-0', '0.0', '-0.000', '0.5', '-0.50', '12.000', '100', '10.10', '99999999999999'];
    samples.push(
      '0.000001',
      '0.0000010',
      '-0.000001',
      '0.0000001',
      '0.00000099',
      '-0.0000005',
      '0.0000000000001',
    );
    samples.push(
      '9999999999999.9',
      '1.00000000000001',
      '1e5',
      '+1.50',
      '01.5',
      '.5',
      '1234567890123456',
      'NaN',
    );
    for (let i = 0; i < 10_000; i++) {
      const scale = Math.floor(next() * 14);
      const digits = Math.floor(next() * 10 ** Math.floor(next() * 15));
      const text = (digits / 10 ** scale).toFixed(Math.floor(next() * 15));
      samples.push(text, `-${text}`);
    }
    for (const text of samples) {
      if (!narrowTypes(NUMBER, text)) continue;
      expect([text, canonicalNumber(text)]).toEqual([text, throughDouble(text)]);
      expect([text, hashText(text)]).toEqual([text, throughDouble(text)]);
    }
  });
});
