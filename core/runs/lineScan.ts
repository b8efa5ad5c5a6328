/**
 * A fast reader for the common shape of a metric stream line (docs/formats.md), used by
 * MetricStreamReader before JSON.parse: an object whose keys are plain (no escapes, no leading
 * digit, no duplicates), with an optional non-negative integer `step`, an optional finite `time`,
 * and metrics that are finite numbers, `null`, or objects of those. It reads the line in place (no
 * substring per line) and gives the same values, names and order as JSON.parse + flatten would.
 * Anything else (a reserved key such as `params`, a string value, `NaN`, a half-written line, a
 * huge number…) makes it return false, and the caller parses the line the full way, which also
 * reports what is wrong with it.
 */
export interface ScannedLine {
  step: number | undefined;
  time: number | undefined;
  /** A key other than step/time was seen (the line advances the step). */
  metricLine: boolean;
  /** names[i] = values[i] for i < count; names are reused from the previous line when equal. */
  names: string[];
  values: number[];
  count: number;
}

export function newScannedLine(): ScannedLine {
  return { step: undefined, time: undefined, metricLine: false, names: [], values: [], count: 0 };
}

const QUOTE = 0x22;
const SLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MAX_EXACT = 2 ** 53;
const METRIC = 0;
const STEP = 1;
const TIME = 2;
const OTHER_RESERVED = 3;
const RESERVED = new Set(['params', 'tags', 'artifact', 'image']);
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact up to 1e22

/** Scanner state for one line; `pos` moves through `text`. */
class Scan {
  text = '';
  pos = 0;
  end = 0;
  out: ScannedLine = newScannedLine();
  /** The number just read (set by `number()`). */
  num = 0;
  /** The previous line's top-level keys and their kinds, by position. */
  keys: string[] = [];
  kinds: number[] = [];
  keyName = '';
  /** The line's own keys so far (reused from line to line). */
  seenTop: number[] = [];

  skipSpace(): void {
    const t = this.text;
    while (this.pos < this.end) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return;
      this.pos++;
    }
  }

  /** A plain key; its [start, end) in `text`, or -1. */
  key(): number {
    const t = this.text;
    if (t.charCodeAt(this.pos) !== QUOTE) return -1;
    const start = ++this.pos;
    const first = t.charCodeAt(start);
    if (first >= 0x30 && first <= 0x39) return -1; // "0", "12": JSON.parse would order it first
    for (;;) {
      if (this.pos >= this.end) return -1;
      const c = t.charCodeAt(this.pos);
      if (c === QUOTE) break;
      if (c === SLASH || c < 0x20) return -1;
      this.pos++;
    }
    this.pos++;
    return start;
  }

  /** A JSON number into `num`; false when there is none or it is not finite. */
  number(): boolean {
    const t = this.text;
    const start = this.pos;
    let p = this.pos;
    let negative = false;
    if (t.charCodeAt(p) === 0x2d) {
      negative = true;
      p++;
    }
    let mantissa = 0;
    let digits = 0; // significant digits in `mantissa`
    let scale = 0; // value = mantissa × 10^scale
    let c = t.charCodeAt(p);
    if (c === 0x30) {
      p++;
    } else if (c >= 0x31 && c <= 0x39) {
      while (c >= 0x30 && c <= 0x39) {
        if (digits < 17) {
          mantissa = mantissa * 10 + (c - 0x30);
          digits++;
        } else scale++;
        c = t.charCodeAt(++p);
      }
    } else return false;
    c = t.charCodeAt(p);
    if (c === 0x2e) {
      c = t.charCodeAt(++p);
      if (!(c >= 0x30 && c <= 0x39)) return false;
      while (c >= 0x30 && c <= 0x39) {
        if (digits < 17) {
          if (digits > 0 || c !== 0x30) {
            mantissa = mantissa * 10 + (c - 0x30);
            digits++;
          }
          scale--;
        }
        c = t.charCodeAt(++p);
      }
    }
    let exact = digits <= 16 && mantissa <= MAX_EXACT;
    if (c === 0x65 || c === 0x45) {
      c = t.charCodeAt(++p);
      if (c === 0x2b || c === 0x2d) c = t.charCodeAt(++p);
      if (!(c >= 0x30 && c <= 0x39)) return false;
      while (c >= 0x30 && c <= 0x39) c = t.charCodeAt(++p);
      exact = false; // rare in practice: leave the exponent to Number()
    }
    if (p > this.end) return false;
    this.pos = p;
    let value: number;
    if (exact && scale === 0) value = mantissa;
    else if (exact && scale < 0 && scale >= -22) value = mantissa / (POW10[-scale] as number);
    else value = Number(t.slice(start, p)); // correctly rounded, as JSON.parse
    if (exact) value = negative ? -value : value;
    if (!Number.isFinite(value)) return false;
    this.num = value;
    return true;
  }

  /**
   * What the top-level key [start, end) is, with its name in `keyName`: the previous line's keys are
   * remembered by position, so a line shaped like the one before costs no string and no lookup.
   */
  topKey(index: number, start: number, end: number): number {
    const length = end - start;
    const known = this.keys[index];
    if (known !== undefined && known.length === length && sameText(this.text, start, known, length)) {
      this.keyName = known;
      return this.kinds[index] as number;
    }
    const key = this.text.slice(start, end);
    const kind = key === 'step' ? STEP : key === 'time' ? TIME : RESERVED.has(key) ? OTHER_RESERVED : METRIC;
    this.keys[index] = key;
    this.kinds[index] = kind;
    this.keyName = key;
    return kind;
  }

  /** An object's members from after its `{`; `top` for the line itself. */
  object(prefix: string, top: boolean): boolean {
    const t = this.text;
    const seen = top ? this.seenTop : []; // key [start, end) pairs, to refuse duplicates
    seen.length = 0;
    let index = 0;
    this.skipSpace();
    if (t.charCodeAt(this.pos) === CLOSE) {
      this.pos++;
      return true;
    }
    for (;;) {
      this.skipSpace();
      const start = this.key();
      if (start < 0) return false;
      const keyEnd = this.pos - 1;
      for (let i = 0; i < seen.length; i += 2) {
        const a = seen[i] as number;
        const length = (seen[i + 1] as number) - a;
        if (length === keyEnd - start && sameSpan(t, a, start, length)) return false;
      }
      seen.push(start, keyEnd);
      this.skipSpace();
      if (t.charCodeAt(this.pos) !== COLON) return false;
      this.pos++;
      this.skipSpace();
      if (!this.member(prefix, top ? index++ : -1, start, keyEnd)) return false;
      this.skipSpace();
      const c = t.charCodeAt(this.pos++);
      if (c === CLOSE) return true;
      if (c !== COMMA) return false;
    }
  }

  /** One member's value; `index` is the key's position in the line, -1 inside a nested object. */
  private member(prefix: string, index: number, start: number, keyEnd: number): boolean {
    const t = this.text;
    const out = this.out;
    let name: string;
    if (index >= 0) {
      const kind = this.topKey(index, start, keyEnd);
      if (kind === STEP || kind === TIME) {
        if (!this.number()) return false;
        if (kind === TIME) out.time = this.num;
        else if (Number.isInteger(this.num) && this.num >= 0) out.step = this.num;
        else return false;
        return true;
      }
      if (kind === OTHER_RESERVED) return false; // params, tags, artifact, image: the full reader
      out.metricLine = true;
      name = this.keyName;
    } else name = (prefix === '' ? '' : prefix + '/') + t.slice(start, keyEnd);
    const c = t.charCodeAt(this.pos);
    if (c === OPEN) {
      this.pos++;
      return this.object(name, false);
    }
    if (c === 0x6e) {
      if (!t.startsWith('null', this.pos)) return false;
      this.pos += 4;
      return true;
    }
    if (!this.number()) return false;
    out.names[out.count] = name;
    out.values[out.count] = this.num;
    out.count++;
    return true;
  }
}

/** Whether text[start, start + length) is `known` (same length). */
function sameText(text: string, start: number, known: string, length: number): boolean {
  for (let i = 0; i < length; i++) if (text.charCodeAt(start + i) !== known.charCodeAt(i)) return false;
  return true;
}

/** Whether text[a, a + length) equals text[b, b + length). */
function sameSpan(text: string, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

const scan = new Scan();

/**
 * Read the line `text[start, end)` into `out` when it has the common shape; false (and `out` in an
 * unspecified state) when the full reader must parse it.
 */
export function scanMetricLine(text: string, start: number, end: number, out: ScannedLine): boolean {
  scan.text = text;
  scan.pos = start;
  scan.end = end;
  scan.out = out;
  out.step = undefined;
  out.time = undefined;
  out.metricLine = false;
  out.count = 0;
  scan.skipSpace();
  if (text.charCodeAt(scan.pos) !== OPEN) return release(false);
  scan.pos++;
  if (!scan.object('', true)) return release(false);
  scan.skipSpace();
  return release(scan.pos === end);
}

/** Drop the reference to the text so a big chunk is not kept alive. */
function release(result: boolean): boolean {
  scan.text = '';
  return result;
}
