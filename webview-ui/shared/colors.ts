/**
 * One colour per run, the same in every view: a stable hash of the run id picks from a palette of
 * mid-luminance hues that stay readable on both light and dark editor backgrounds.
 */
export const RUN_PALETTE = [
  '#3b82f6', // blue
  '#ef4444', // red
  '#10b981', // green
  '#f59e0b', // amber
  '#8b5cf6', // violet
  '#ec4899', // pink
  '#14b8a6', // teal
  '#f97316', // orange
  '#6366f1', // indigo
  '#84cc16', // lime
  '#06b6d4', // cyan
  '#d946ef', // fuchsia
  '#b45309', // brown
  '#64748b', // slate
  '#e11d48', // rose
  '#0ea5e9', // sky
] as const;

/** FNV-1a (32-bit) of the id: stable across sessions, machines and views. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The colour of a run (a `#rrggbb` string). */
export function runColor(id: string): string {
  return RUN_PALETTE[hash(id) % RUN_PALETTE.length] as string;
}

/** `#rrggbb` with an alpha (0..1), for bands and faded lines. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
