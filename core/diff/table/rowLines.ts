import type { Cell } from './cells';

/**
 * A row as one line of text: the cells joined by SEP (U+001F), a null cell empty (no cell is the
 * empty string, see cells.ts). Cells of a reader that may hold U+001B, U+001E or U+001F have them
 * escaped (ESC, then the character + 0x40), so a line never holds END (U+001E, which ends a line in
 * the row store's files) and two rows with the same cells in the same columns have equal lines.
 * ASCII text stays one byte per character in memory and on disk.
 */

const ESC = '\u001b';
const SEP = '\u001f';
/** SEP and END as UTF-8 bytes. */
export const SEP_BYTE = 0x1f;
export const END_BYTE = 0x1e;
// Control characters are the point of these two patterns.
/** Characters a cell must not hold as they are. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u001b\u001e\u001f]/g;
// eslint-disable-next-line no-control-regex
const ESCAPED = /\u001b(.)/gs;

/** A row's line; `escape` when a cell may hold a character of CONTROLS. */
export function encodeRow(cells: Cell[], escape: boolean): string {
  if (!escape) return cells.join(SEP);
  return cells
    .map((cell) => cell?.replace(CONTROLS, (c) => ESC + String.fromCharCode(c.charCodeAt(0) + 0x40)))
    .join(SEP);
}

/**
 * A row's line (not escaped: no cell holds a character of CONTROLS) as UTF-8 into `bytes` at `at`,
 * which has room for it (3 bytes per UTF-16 unit); returns where it ends. ASCII is copied a
 * character at a time, which is cheaper than building the line as a string.
 */
export function writeRow(bytes: Buffer, at: number, cells: Cell[]): number {
  for (let c = 0; c < cells.length; c++) {
    if (c > 0) bytes[at++] = SEP_BYTE;
    const cell = cells[c];
    if (cell === null || cell === undefined) continue;
    const start = at;
    for (let i = 0; i < cell.length; i++) {
      const code = cell.charCodeAt(i);
      if (code >= 0x80) {
        at = start + bytes.write(cell, start, 'utf8');
        break;
      }
      bytes[at++] = code;
    }
  }
  return at;
}

/** A line's cells. */
export function decodeRow(line: string): Cell[] {
  const cells: Cell[] = line.split(SEP);
  const escaped = line.includes(ESC);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    if (cell === '') cells[i] = null;
    else if (escaped) cells[i] = unescape(cell);
  }
  return cells;
}

/** The cell at `index` of a line, without splitting all of it. */
export function cellAt(line: string, index: number): Cell {
  let start = 0;
  for (let i = 0; i < index; i++) {
    start = line.indexOf(SEP, start) + 1;
    if (start === 0) return null;
  }
  const end = line.indexOf(SEP, start);
  const text = end < 0 ? line.slice(start) : line.slice(start, end);
  return text === '' ? null : unescape(text);
}

function unescape(text: string): string {
  return text.includes(ESC)
    ? text.replace(ESCAPED, (_, c: string) => String.fromCharCode(c.charCodeAt(0) - 0x40))
    : text;
}
