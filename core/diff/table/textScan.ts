/**
 * Character-code scans that classify and parse the text of a cell without regular expressions or
 * allocations (they run for every cell of a table). Each one accepts exactly the grammar in its doc
 * comment; `cells.ts` owns the type rules built on them.
 */

/** `numericKind`: text is `[+-]?\d+`. */
export const INTEGER_TEXT = 2;
/** `numericKind`: text is a decimal number, `[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`, not an integer. */
export const DECIMAL_TEXT = 1;

/** Exact powers of ten, 10^0 … 10^15. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** INTEGER_TEXT, DECIMAL_TEXT, or 0 when the text is neither (NaN and inf are 0 here). */
export function numericKind(text: string): number {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 43 || c === 45) c = text.charCodeAt(++i);
  const intStart = i;
  while (isDigit(c)) c = text.charCodeAt(++i);
  const intDigits = i - intStart;
  if (i === n) return intDigits > 0 ? INTEGER_TEXT : 0;
  let fracDigits = 0;
  if (c === 46) {
    c = text.charCodeAt(++i);
    const fracStart = i;
    while (isDigit(c)) c = text.charCodeAt(++i);
    fracDigits = i - fracStart;
  }
  if (intDigits + fracDigits === 0) return 0;
  if (i === n) return DECIMAL_TEXT;
  if (c !== 101 && c !== 69) return 0; // e E
  c = text.charCodeAt(++i);
  if (c === 43 || c === 45) c = text.charCodeAt(++i);
  const expStart = i;
  while (isDigit(c)) c = text.charCodeAt(++i);
  return i > expStart && i === n ? DECIMAL_TEXT : 0;
}

/**
 * The value of `[+-]?\d*\.?\d*` text holding 1 to 15 digits, else NaN (the caller falls back to
 * `Number`). Exact: the digits form an integer below 2^53 and a power of ten up to 10^15 is exact,
 * so one division rounds correctly, as `Number(text)` does (`-0` stays negative zero too).
 */
export function plainDecimal(text: string): number {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let m = 0;
  let digits = 0;
  let scale = -1; // digits after the point; -1 before it
  for (; i < n; i++) {
    c = text.charCodeAt(i);
    if (isDigit(c)) {
      m = m * 10 + (c - 48);
      digits++;
      if (scale >= 0) scale++;
    } else if (c === 46 && scale < 0) scale = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const value = scale > 0 ? m / (POW10[scale] as number) : m;
  return negative ? -value : value;
}

/** Text is `-?[1-9]\d{0,14}|0`: an integer already in canonical form. */
export function isCanonicalInteger(text: string): boolean {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const first = text.charCodeAt(i);
  if (first === 48) return n === 1;
  if (!(first >= 49 && first <= 57) || n - i > 15) return false;
  for (i++; i < n; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** Text is a date `\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])`. */
export function isIsoDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  for (let i = 0; i < 10; i++) if (i !== 4 && i !== 7 && !isDigit(text.charCodeAt(i))) return false;
  const m1 = text.charCodeAt(5);
  const m2 = text.charCodeAt(6);
  const d1 = text.charCodeAt(8);
  const d2 = text.charCodeAt(9);
  const month = m1 === 48 ? m2 !== 48 : m2 <= 50; // 01–09, 10–12
  const day = d1 === 48 ? d2 !== 48 : d1 === 51 ? d2 <= 49 : true; // 01–09, 10–29, 30–31
  return month && m1 <= 49 && day && d1 <= 51;
}
