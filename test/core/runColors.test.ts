import { describe, expect, it } from 'vitest';
import { hashColor, RUN_PALETTE, runColors } from '../../core/util/runColors';

const run = (id: string, startedAt: string): { id: string; startedAt: string } => ({ id, startedAt });

describe('run colours', () => {
  it('colours runs in the order they started, so runs started one after another differ', () => {
    const sweep = Array.from({ length: 20 }, (_, i) =>
      run(`r${String(i).padStart(2, '0')}`, new Date(Date.UTC(2026, 10, 25, 8, i)).toISOString()),
    );
    const colors = runColors([...sweep].reverse()); // the order given does not matter
    expect(sweep.map((r) => colors.get(r.id))).toEqual(
      sweep.map((_, i) => RUN_PALETTE[i % RUN_PALETTE.length]),
    );
    for (let i = 1; i < sweep.length; i++) {
      expect(colors.get(sweep[i]!.id)).not.toBe(colors.get(sweep[i - 1]!.id));
    }
  });

  it('keeps every run its colour when newer runs arrive', () => {
    const old = [run('a', '2026-11-01T00:00:00Z'), run('b', '2026-11-02T00:00:00Z')];
    const before = runColors(old);
    const after = runColors([...old, run('c', '2026-11-03T00:00:00Z')]);
    expect(after.get('a')).toBe(before.get('a'));
    expect(after.get('b')).toBe(before.get('b'));
    expect(after.get('c')).not.toBe(after.get('b'));
  });

  it('orders runs started at the same moment by id, and unreadable start times last', () => {
    const colors = runColors([
      run('z', 'not a time'),
      run('b', '2026-11-01T00:00:00Z'),
      run('a', '2026-11-01T00:00:00Z'),
    ]);
    expect([colors.get('a'), colors.get('b'), colors.get('z')]).toEqual(RUN_PALETTE.slice(0, 3));
  });

  it('has a stable fallback for a run no host has placed, from the palette', () => {
    expect(hashColor('01m89qbnbeas3a0mzmd8hpv3zt')).toBe(hashColor('01m89qbnbeas3a0mzmd8hpv3zt'));
    expect(RUN_PALETTE).toContain(hashColor('anything'));
    expect(new Set(Array.from({ length: 64 }, (_, i) => hashColor(`run-${i}`))).size).toBeGreaterThan(10);
  });
});
