import type { ColumnType } from '../../../protocol/diff';
import { decimalCode } from './textCode';
import { INTEGER_TEXT, isCanonicalInteger, isIsoDate, numericKind, plainDecimal } from './textScan';

/**
 * A cell as text, or null.
 *
 * Null rules (one place, used by every reader):
 * - CSV/TSV: an empty field is null, and so is a field missing from a short (ragged) row. Nothing
 *   else is: `NA`, `null`, `None` and `NaN` are text as written (`NaN`, `inf`, `Infinity` do count as
 *   numbers for type inference, so a float column holding them stays numeric).
 * - JSON lines: `null` and a key missing from an object are null; an empty string `""` is null too,
 *   so a table converted between CSV and JSON lines compares equal.
 * - Parquet: null, and an empty string, as in the text formats.
 *
 * Rows may be shorter than the column list (JSON lines grow their columns as keys appear): a cell past
 * the end of a row is null.
 */
export type Cell = string | null;

// Candidate types, as bits. Inference starts from all of them and drops each that a value rules out.
export const INTEGER = 1;
export const NUMBER = 2;
export const BOOLEAN = 4;
export const DATE = 8;
export const TIMESTAMP = 16;
export const ALL_TYPES = INTEGER | NUMBER | BOOLEAN | DATE | TIMESTAMP;

const SPECIAL_RE = /^[+-]?(?:nan|inf|infinity)$/i;
const BOOLEAN_RE = /^(?:true|false)$/i;
const TIMESTAMP_RE =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The candidates in `mask` that `text` is compatible with. Types, exactly as written (no trimming):
 * integer `-12`; number also `1.5`, `.5`, `1e-3`, `NaN`, `inf`; boolean `true`/`false` in any case;
 * date `YYYY-MM-DD`; timestamp an ISO 8601 date-time (`T` or space, optional seconds, fraction and
 * zone) or a plain date. A column's type is the first of integer, number, boolean, date, timestamp
 * that all its non-null values allow, else string; a column without values is `null`.
 */
export function narrowTypes(mask: number, text: string): number {
  let out = 0;
  const c = text.charCodeAt(0);
  if (mask & (INTEGER | NUMBER)) {
    const digitLike = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46; // 0-9 + - .
    const kind = digitLike ? numericKind(text) : 0;
    if (kind === INTEGER_TEXT) out |= INTEGER | NUMBER;
    else if (kind !== 0) out |= NUMBER;
    else if (mayBeSpecial(c) && SPECIAL_RE.test(text)) out |= NUMBER;
  }
  // t T f F
  if (mask & BOOLEAN && (c === 116 || c === 84 || c === 102 || c === 70) && BOOLEAN_RE.test(text)) {
    out |= BOOLEAN;
  }
  if (mask & (DATE | TIMESTAMP) && c >= 48 && c <= 57) {
    if (isIsoDate(text)) out |= DATE | TIMESTAMP;
    else if (mask & TIMESTAMP && TIMESTAMP_RE.test(text)) out |= TIMESTAMP;
  }
  return out & mask;
}

/** The first character of text that SPECIAL_RE may match: + - n N i I. */
function mayBeSpecial(c: number): boolean {
  return c === 43 || c === 45 || c === 110 || c === 78 || c === 105 || c === 73;
}

/** The type a candidate mask stands for (see `narrowTypes`); `null` when no value was seen. */
export function typeOfMask(mask: number, values: number): ColumnType {
  if (values === 0) return 'null';
  if (mask & INTEGER) return 'integer';
  if (mask & NUMBER) return 'number';
  if (mask & BOOLEAN) return 'boolean';
  if (mask & DATE) return 'date';
  if (mask & TIMESTAMP) return 'timestamp';
  return 'string';
}

/** Candidate bits that values of a known type keep (so stats know what to collect). */
export function maskOfType(type: ColumnType): number {
  switch (type) {
    case 'integer':
      return INTEGER | NUMBER;
    case 'number':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    case 'date':
      return DATE | TIMESTAMP;
    case 'timestamp':
      return TIMESTAMP;
    default:
      return 0;
  }
}

/** Integer and number columns compare by value. */
export function isNumeric(type: ColumnType | null): boolean {
  return type === 'integer' || type === 'number';
}

/** The value of a numeric cell (`NaN`, `inf` and `Infinity` included), NaN when it is not a number. */
export function parseNumber(text: string): number {
  const plain = plainDecimal(text);
  if (!Number.isNaN(plain)) return plain;
  const n = Number(text);
  if (!Number.isNaN(n) || !SPECIAL_RE.test(text)) return n;
  const negative = text.charCodeAt(0) === 45;
  return /nan/i.test(text) ? NaN : negative ? -Infinity : Infinity;
}

/**
 * One text per numeric value, so `1`, `1.0`, `+1` and `1e0` agree. Integers longer than 15 digits
 * keep every digit (a double would merge neighbours); everything else goes through a double.
 */
export function canonicalNumber(text: string): string {
  if (isCanonicalInteger(text)) return text;
  if (decimalCode(text) >= 0) return canonicalDecimal(text);
  if (text.length > 15 && numericKind(text) === INTEGER_TEXT) {
    const negative = text.charCodeAt(0) === 45;
    const digits = text.replace(/^[+-]?0*/, '');
    return digits === '' ? '0' : negative ? `-${digits}` : digits;
  }
  return String(parseNumber(text));
}

/**
 * `canonicalNumber` of plain decimal text (`textCode.ts`) without printing a double: such text has
 * at most 14 digits, so the shortest digits that give its double back are its own digits without
 * trailing zeros, and `String` writes them as they are for 0 and for magnitudes from 1e-6 on.
 */
function canonicalDecimal(text: string): string {
  let end = text.length;
  if (text.includes('.')) {
    while (text.charCodeAt(end - 1) === 48) end--; // 0
    if (text.charCodeAt(end - 1) === 46) end--; // .
  }
  const short = end === text.length ? text : text.slice(0, end);
  if (short === '0' || short === '-0') return '0';
  if (text.startsWith('0.000000') || text.startsWith('-0.000000')) return String(parseNumber(text)); // 1e-7
  return short;
}

/** Text that equal values share: the canonical number for numeric-looking text, else the text. */
export function hashText(text: string): string {
  if (decimalCode(text) >= 0) return canonicalDecimal(text);
  return narrowTypes(NUMBER, text) ? canonicalNumber(text) : text;
}

/**
 * Cells equal: same text, or the same number in a column that is numeric (integer or number) on both
 * sides. Everything else compares as text, exactly: `TRUE` ≠ `true`, `2024-01-01T00:00:00Z` ≠
 * `2024-01-01T00:00:00.000Z`, `a` ≠ `a ` (no trimming, no case folding).
 */
export function cellsEqual(a: Cell, b: Cell, numeric: boolean): boolean {
  if (a === b) return true;
  if (!numeric || a === null || b === null) return false;
  return canonicalNumber(a) === canonicalNumber(b);
}

/**
 * An unambiguous map key for a tuple of cells; numeric columns use the canonical number. One column:
 * the text, '' for null (no cell is ''). More: length-prefixed texts, `~` for null.
 */
export function tupleKey(cells: Cell[], indexes: number[], numeric: boolean[]): string {
  if (indexes.length === 1) {
    const index = indexes[0] as number;
    const cell = index < 0 ? null : (cells[index] ?? null);
    return cell === null ? '' : numeric[0] ? canonicalNumber(cell) : cell;
  }
  let key = '';
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i] as number;
    const cell = index < 0 ? null : (cells[index] ?? null);
    if (cell === null) key += '~';
    else {
      const text = numeric[i] ? canonicalNumber(cell) : cell;
      key += `${text.length}:${text}`;
    }
  }
  return key;
}
