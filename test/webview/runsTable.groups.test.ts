// Grouping and aggregates of the Runs Table (webview-ui/runs-table/groups.ts), in Node.
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../protocol/runs';
import { addNames, columnsFor, emptyNames, sortRuns, type Column } from '../../webview-ui/runs-table/columns';
import {
  aggregateText,
  common,
  flatten,
  groupRuns,
  groupStats,
  stats,
} from '../../webview-ui/runs-table/groups';
import { generateRuns } from './runsTableFixtures';

const data = generateRuns({ runs: 60, params: 6, metrics: 3, minMax: 1, tags: 1, inputs: 1, seed: 11 });
const names = emptyNames();
for (const r of data) addNames(names, r);
const columns = columnsFor(names);
const col = (id: string): Column => {
  const c = columns.find((x) => x.id === id);
  if (!c) throw new Error(`no column ${id}`);
  return c;
};

/** Mean and sample std computed the textbook way. */
function naive(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

describe('Runs Table grouping', () => {
  it('computes mean, sample std, min and max of the numbers only', () => {
    expect(stats([])).toBeNull();
    expect(stats(['a', null, undefined])).toBeNull();
    expect(stats([2])).toEqual({ count: 1, mean: 2, std: 0, min: 2, max: 2 });
    const s = stats([1, 2, 'x', 3, 4, null]);
    expect(s?.count).toBe(4);
    expect(s?.mean).toBe(2.5);
    expect(s?.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect([s?.min, s?.max]).toEqual([1, 4]);
    // Welford stays exact where the naive sum of squares would cancel.
    const big = stats([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(big?.std).toBeCloseTo(1, 9);
    expect(aggregateText(s as NonNullable<typeof s>, 'mean')).toBe('2.5 ± 1.3');
    expect(aggregateText(s as NonNullable<typeof s>, 'max')).toBe('4');
    expect(aggregateText({ count: 1, mean: 0.5, std: 0, min: 0.5, max: 0.5 }, 'mean')).toBe('0.5');
  });

  it('groups by a param across seeds, with aggregates matching a direct computation', () => {
    const groups = groupRuns(data, [col('param:lr')], [], 'mean');
    const lrs = [...new Set(data.map((r) => r.params?.lr))];
    expect(groups.map((g) => g.value).sort()).toEqual(lrs.sort());
    expect(groups.reduce((n, g) => n + g.runs.length, 0)).toBe(data.length);
    for (const g of groups) {
      const runs = data.filter((r) => r.params?.lr === g.value);
      expect(g.runs).toEqual(runs);
      const acc = runs.map((r) => r.metrics.acc as number);
      const s = groupStats(g, col('metric:acc'));
      const expected = naive(acc);
      expect(s?.count).toBe(acc.length);
      expect(s?.mean).toBeCloseTo(expected.mean, 12);
      if (acc.length > 1) expect(s?.std).toBeCloseTo(expected.std, 12);
      expect(s?.min).toBe(Math.min(...acc));
      expect(s?.max).toBe(Math.max(...acc));
    }
    // Groups come in the order of their first run when nothing is sorted.
    expect(groups[0]?.value).toBe(data[0]?.params?.lr);
  });

  it('orders groups by the aggregate of the sort column and runs within each group', () => {
    const keys = [{ column: col('metric:acc'), desc: true }];
    const sorted = sortRuns(data, keys);
    for (const aggregate of ['mean', 'min', 'max'] as const) {
      const groups = groupRuns(sorted, [col('param:batch')], keys, aggregate);
      const values = groups.map((g) => groupStats(g, col('metric:acc'))?.[aggregate] as number);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      for (const g of groups) {
        const acc = g.runs.map((r) => r.metrics.acc as number);
        expect(acc).toEqual([...acc].sort((a, b) => b - a));
      }
    }
    // Sorting by the grouping column orders groups by their value.
    const byLr = [{ column: col('param:lr'), desc: false }];
    const groups = groupRuns(sortRuns(data, byLr), [col('param:lr')], byLr, 'mean');
    const lrs = groups.map((g) => g.value as number);
    expect(lrs).toEqual([...lrs].sort((a, b) => a - b));
  });

  it('nests two grouping columns, flattens by what is expanded, and finds common values', () => {
    const groups = groupRuns(data, [col('experiment'), col('param:batch')], [], 'mean');
    expect(groups.map((g) => g.label).sort()).toEqual(['sweep', 'train']);
    const train = groups.find((g) => g.value === 'train') as (typeof groups)[number];
    expect(train.children?.length).toBeGreaterThan(1);
    const child = train.children?.[0] as (typeof groups)[number];
    expect(child.depth).toBe(1);
    expect(child.key.startsWith(train.key)).toBe(true);
    expect(child.runs.every((r) => r.experiment === 'train' && r.params?.batch === child.value)).toBe(true);

    expect(flatten(groups, new Set()).map((r) => r.kind)).toEqual(['group', 'group']);
    const open = flatten(groups, new Set([train.key, child.key]));
    const kinds = open.map((r) => (r.kind === 'group' ? `g${r.group.depth}` : 'run'));
    const runsShown = open.filter((r) => r.kind === 'run');
    expect(runsShown).toHaveLength(child.runs.length);
    expect(kinds.slice(0, 2)).toEqual(groups[0] === train ? ['g0', 'g1'] : ['g0', 'g0']);
    expect(runsShown.every((r) => r.kind === 'run' && r.depth === 2)).toBe(true);

    expect(common(train, col('experiment'))).toEqual({ value: 'train', text: 'train' });
    expect(common(train, col('param:optimizer'))).toEqual({ value: 'adam', text: 'adam' });
    expect(common(train, col('param:lr'))).toMatchObject({ distinct: expect.any(Number) });
  });

  it('puts runs without the grouping value in a "(none)" group', () => {
    const runs: RunSummary[] = data.slice(0, 4).map((r, i) => ({
      ...r,
      experiment: i < 2 ? undefined : 'train',
    }));
    const groups = groupRuns(runs, [col('experiment')], [], 'mean');
    expect(groups.map((g) => [g.label, g.runs.length])).toEqual([
      ['(none)', 2],
      ['train', 2],
    ]);
  });
});
