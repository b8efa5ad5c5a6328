// The Metric Plots view's pure helpers (no browser): legend visibility, nearest points, tooltip rows.
import { describe, expect, it } from 'vitest';
import {
  BAND_LIMIT,
  bucketsFor,
  formatX,
  nearestIndex,
  toggleHidden,
} from '../../webview-ui/metric-plots/plotMath';
import { rowsAt } from '../../webview-ui/metric-plots/tooltip';

describe('Metric Plots helpers', () => {
  it('toggles one run, solos one, and un-solos back to every run', () => {
    const ids = ['a', 'b', 'c'];
    const none = new Set<string>();
    expect([...toggleHidden(none, ids, 'b', false)]).toEqual(['b']);
    expect([...toggleHidden(new Set(['b']), ids, 'b', false)]).toEqual([]);
    expect([...toggleHidden(none, ids, 'b', true)]).toEqual(['a', 'c']);
    expect([...toggleHidden(new Set(['a', 'c']), ids, 'b', true)]).toEqual([]); // already alone
    expect([...toggleHidden(new Set(['a', 'c']), ids, 'a', true)]).toEqual(['b', 'c']); // solo another
    expect([...toggleHidden(new Set(['b']), ids, 'b', true)]).toEqual(['a', 'c']); // a hidden run soloed
  });

  it('finds the nearest x, ties to the earlier, ends clamped', () => {
    const xs = [0, 10, 20, 30];
    expect([-5, 0, 4, 5, 6, 29, 30, 99].map((x) => nearestIndex(xs, x))).toEqual([0, 0, 0, 0, 1, 3, 3, 3]);
    expect(nearestIndex([], 3)).toBe(-1);
  });

  it('formats the tooltip heading for each axis', () => {
    expect(formatX('step', 12345.4)).toBe('Step 12,345');
    expect(formatX('relative', 754)).toBe('12m 34s');
    expect(formatX('wall', 0)).toMatch(/^19(69|70)-\d\d-\d\d \d\d:\d\d:00$/);
  });

  it('lists the runs that reach the cursor, highest first, skipping gaps and log-hidden values', () => {
    const rows = rowsAt(
      [
        { id: 'a', name: 'A', x: [0, 1, 2], drawn: [1, 2, 3], raw: [1, 2, 3] },
        { id: 'b', name: 'B', x: [0, 1, 2], drawn: [5, null, 7], raw: [5, -1, 7] },
        { id: 'c', name: 'C', x: [5, 6], drawn: [9, 9], raw: [9, 9] },
        { id: 'd', name: 'D', x: [0, 1.2], drawn: [0.5, 4], raw: [0.4, 4.5] },
      ],
      1,
      0.5,
      true,
    );
    expect(rows).toEqual([
      { id: 'd', name: 'D', x: 1.2, value: 4, raw: 4.5 },
      { id: 'a', name: 'A', x: 1, value: 2, raw: 2 },
    ]);
  });

  it('asks for one bucket per pixel, one per two past the band limit, never fewer than 100', () => {
    expect(bucketsFor(984, 2)).toBe(984);
    expect(bucketsFor(984, BAND_LIMIT)).toBe(984);
    expect(bucketsFor(984, BAND_LIMIT + 1)).toBe(492);
    expect(bucketsFor(0, 3)).toBe(800); // not laid out yet: a usual width
    expect(bucketsFor(120, 100)).toBe(100);
  });
});
