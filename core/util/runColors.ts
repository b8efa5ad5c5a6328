// Run colours, the same in every view (pure: shared by the extension and the webviews). Runs are
// coloured in the order they started, going round a palette whose neighbours are far apart in hue:
// runs started one after another (a sweep, a run and its rerun) never share a colour, and a run
// keeps its colour as newer runs arrive.

/** Mid-luminance hues readable on light, dark and high-contrast backgrounds, neighbours far apart. */
export const RUN_PALETTE = [
  '#3b82f6', // blue
  '#f97316', // orange
  '#10b981', // green
  '#ef4444', // red
  '#8b5cf6', // violet
  '#f59e0b', // amber
  '#06b6d4', // cyan
  '#ec4899', // pink
  '#84cc16', // lime
  '#6366f1', // indigo
  '#14b8a6', // teal
  '#e11d48', // rose
  '#b45309', // brown
  '#0ea5e9', // sky
  '#d946ef', // fuchsia
  '#64748b', // slate
] as const;

/** The colour of each run: by start time (then id), round the palette from the oldest run. */
export function runColors(runs: readonly { id: string; startedAt: string }[]): Map<string, string> {
  const time = (iso: string): number => {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? Infinity : t; // an unreadable time sorts last
  };
  const order = runs.map((r) => ({ id: r.id, t: time(r.startedAt) }));
  order.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const colors = new Map<string, string>();
  order.forEach((r, i) => colors.set(r.id, RUN_PALETTE[i % RUN_PALETTE.length] as string));
  return colors;
}

/** FNV-1a (32-bit) of the id: a stable colour for a run no host has placed (see `runColors`). */
export function hashColor(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return RUN_PALETTE[(h >>> 0) % RUN_PALETTE.length] as string;
}
