import { hashColor } from '../../core/util/runColors';

/** Colours of the runs this page knows (`core/util/runColors.ts`: by start order, from the host). */
const assigned = new Map<string, string>();

/** Take the run colours the host (or the page, from the full run list) worked out. */
export function assignRunColors(colors: Iterable<[string, string]>): void {
  for (const [id, color] of colors) assigned.set(id, color);
}

/** The colour of a run (a `#rrggbb` string), the same in every view. */
export function runColor(id: string): string {
  return assigned.get(id) ?? hashColor(id);
}

/** `#rrggbb` with an alpha (0..1), for bands and faded lines. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
