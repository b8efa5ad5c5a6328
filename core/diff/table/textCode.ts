/**
 * Short texts of common shapes as exact integers below 2^53, so that a column's values can be
 * counted in a typed array (`integerTally.ts`) instead of a map of strings. Each code gives back
 * exactly the text it came from, so different texts (`1.5` and `1.50`, `0` and `-0`) have
 * different codes.
 *
 * - Plain decimal text `-?(0|[1-9]\d*)(\.\d+)?` with at most 14 digits (`12`, `-0`, `0.050`):
 *   `digits as one integer × 32 + digits after the point × 2 + (1 if negative)`, below DATES.
 * - Date-shaped text `\d{4}-\d{2}-\d{2}`: DATES + the eight digits as one integer.
 */

/** Most digits a coded decimal may hold: 10^14 × 32 stays below DATES. */
const MAX_DIGITS = 14;
/** The first date code. */
const DATES = 2 ** 52;

/** Exact powers of ten, 10^0 … 10^15. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** The code of a plain decimal text, or -1 for any other text. */
export function decimalCode(text: string): number {
  const n = text.length;
  const negative = text.charCodeAt(0) === 45; // -
  const start = negative ? 1 : 0;
  if (n === start || n - start > MAX_DIGITS + 1) return -1;
  // A leading 0 stands alone before the point.
  if (text.charCodeAt(start) === 48 && n > start + 1 && text.charCodeAt(start + 1) !== 46) return -1;
  let m = 0;
  let scale = -1; // digits after the point; -1 before it
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      if (scale >= 0) scale++;
    } else if (c === 46 && scale < 0 && i > start) scale = 0;
    else return -1;
  }
  if (scale === 0) return -1; // a point with no digit after it
  if (n - start - (scale > 0 ? 1 : 0) > MAX_DIGITS) return -1;
  return m * 32 + Math.max(scale, 0) * 2 + (negative ? 1 : 0);
}

/** The code of a plain decimal or date-shaped text, or -1 for any other text. */
export function textCode(text: string): number {
  const code = decimalCode(text);
  if (code >= 0 || text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return code;
  let digits = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    digits = digits * 10 + (c - 48);
  }
  return DATES + digits;
}

/** True for the code of a plain decimal (not of a date). */
export function isDecimalCode(code: number): boolean {
  return code >= 0 && code < DATES;
}

/** True when the coded decimal has a point (a number not written as an integer). */
export function decimalHasPoint(code: number): boolean {
  return code - 32 * Math.floor(code / 32) >= 2;
}

/** The value of a coded decimal, exactly as `Number(text)` gives it (`-0` included). */
export function decimalValue(code: number): number {
  const m = Math.floor(code / 32);
  const low = code - 32 * m;
  const scale = low >> 1;
  const value = scale > 0 ? m / (POW10[scale] as number) : m;
  return (low & 1) === 1 ? -value : value;
}

/** The text a code was made from. */
export function codeText(code: number): string {
  if (code >= DATES) {
    const digits = String(code - DATES).padStart(8, '0');
    return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6)}`;
  }
  const m = Math.floor(code / 32);
  const low = code - 32 * m;
  const scale = low >> 1;
  let digits = String(m);
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return (low & 1) === 1 ? `-${digits}` : digits;
}
