import { describe, expect, it } from 'vitest';
import {
  DECIMAL_TEXT,
  INTEGER_TEXT,
  isCanonicalInteger,
  isIsoDate,
  numericKind,
  plainDecimal,
} from '../../core/diff/table/textScan';

// The grammars the scans stand for, as regular expressions.
const INTEGER_RE = /^[+-]?\d+$/;
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const CANONICAL_INTEGER_RE = /^(?:-?[1-9]\d{0,14}|0)$/;
const DATE_RE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

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

describe('text scans', () => {
  it('classify numbers exactly as the number grammar does', () => {
    for (const text of strings(['0', '7', '-', '+', '.', 'e', 'E', 'x'], 5)) {
      const expected = INTEGER_RE.test(text) ? INTEGER_TEXT : NUMBER_RE.test(text) ? DECIMAL_TEXT : 0;
      expect([text, numericKind(text)]).toEqual([text, expected]);
      expect([text, isCanonicalInteger(text)]).toEqual([text, CANONICAL_INTEGER_RE.test(text)]);
      const plain = plainDecimal(text);
      if (!Number.isNaN(plain)) expect([text, plain]).toEqual([text, Number(text)]);
    }
  });

  it('parse decimals of up to 15 digits exactly as Number does', () => {
    const samples = ['-0', '-0.0', '00.10', '1.', '.5', '+.5', '0.1', '0.00000000000001'];
    samples.push('123456789012345', '-99999999999999.9', '1234567.891', '9007.199254740993');
    for (let i = 0; i < 5000; i++) samples.push((Math.sin(i) * 10 ** (i % 12)).toFixed(i % 9));
    for (const text of samples) {
      const digits = text.replace(/\D/g, '').length;
      expect([text, plainDecimal(text)]).toEqual([text, digits > 15 ? NaN : Number(text)]);
    }
    expect(Object.is(plainDecimal('-0.0'), -0)).toBe(true);
    expect(plainDecimal('1234567890123456')).toBeNaN(); // 16 digits: left to Number
    expect(plainDecimal('1e5')).toBeNaN();
  });

  it('recognise ISO dates exactly as the date pattern does', () => {
    for (const month of strings(['0', '1', '2', '9'], 2)) {
      for (const day of strings(['0', '1', '2', '3', '9'], 2)) {
        const text = `2024-${month}-${day}`;
        expect([text, isIsoDate(text)]).toEqual([text, DATE_RE.test(text)]);
      }
    }
    expect(isIsoDate('2024-01-01T00:00')).toBe(false);
    expect(isIsoDate('20x4-01-01')).toBe(false);
  });
});
