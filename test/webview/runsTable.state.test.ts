// The Runs Table's column layout rules and saved state (webview-ui/runs-table/state.ts), in Node.
import { describe, expect, it } from 'vitest';
import { columnsFor, emptyNames, type Column } from '../../webview-ui/runs-table/columns';
import {
  applyColumnCommand,
  arrange,
  defaultState,
  layout,
  loadState,
  moveColumn,
  moveColumnBy,
} from '../../webview-ui/runs-table/state';

const names = emptyNames();
['lr', 'batch', 'seed'].forEach((p) => names.params.add(p));
names.metrics.add('acc');
const all: Column[] = columnsFor(names);
const ids = (columns: Column[]): string[] => columns.map((c) => c.id);

describe('Runs Table column layout and state', () => {
  it('loads saved state, filling fields an older version did not save, and rejects other shapes', () => {
    // What a table saved before grouping, pins and column order existed.
    const { sort, filter: _filter, hidden, shown, differingOnly, selected } = defaultState();
    const old = { sort, filter: 'acc > 1', hidden, shown, differingOnly, selected };
    const state = loadState(old);
    expect(state.filter).toBe('acc > 1');
    expect(state.groupBy).toEqual([]);
    expect(state.aggregate).toBe('mean');
    expect(loadState({ sort: 'nope' })).toEqual(defaultState());
    expect(loadState(undefined)).toEqual(defaultState());
  });

  it('arranges columns in the saved order, new columns after their default neighbour, Name first', () => {
    expect(arrange(all, [])).toBe(all);
    const order = ['param:seed', 'status', 'param:lr'];
    const arranged = ids(arrange(all, order));
    expect(arranged[0]).toBe('name');
    expect(arranged.indexOf('param:seed')).toBeLessThan(arranged.indexOf('status'));
    expect(arranged.indexOf('status')).toBeLessThan(arranged.indexOf('param:lr'));
    // `id` follows `status` by default, `param:batch` follows `duration`.
    expect(arranged[arranged.indexOf('status') + 1]).toBe('id');
    expect(new Set(arranged)).toEqual(new Set(ids(all)));
    expect(arranged).toHaveLength(all.length);
  });

  it('moves columns by drop and by one place, pinning when dropped among pinned columns', () => {
    const state = defaultState();
    moveColumn(state, all, 'param:lr', 'status', false);
    expect(ids(arrange(all, state.order)).slice(0, 3)).toEqual(['name', 'param:lr', 'status']);
    moveColumn(state, all, 'param:lr', 'id', true);
    expect(ids(arrange(all, state.order)).slice(0, 4)).toEqual(['name', 'status', 'id', 'param:lr']);
    // Dropped on Name (or a pinned column): pinned there.
    moveColumn(state, all, 'metric:acc', 'name', true);
    expect(state.pinnedColumns).toEqual(['metric:acc']);
    moveColumn(state, all, 'param:seed', 'metric:acc', false);
    expect(state.pinnedColumns).toEqual(['param:seed', 'metric:acc']);
    const shown = (): Column[] => layout(arrange(all, state.order), state.pinnedColumns).columns;
    expect(ids(shown()).slice(0, 3)).toEqual(['name', 'param:seed', 'metric:acc']);
    expect(layout(arrange(all, state.order), state.pinnedColumns).pinnedCount).toBe(3);
    // By one place: within its section; at an end nothing moves.
    moveColumnBy(state, all, shown(), 'metric:acc', -1);
    expect(state.pinnedColumns).toEqual(['metric:acc', 'param:seed']);
    moveColumnBy(state, all, shown(), 'metric:acc', -1);
    expect(state.pinnedColumns).toEqual(['metric:acc', 'param:seed']);
    moveColumnBy(state, all, shown(), 'status', 1);
    expect(ids(shown()).slice(3, 6)).toEqual(['id', 'status', 'param:lr']);
    moveColumn(state, all, 'name', 'status', true);
    expect(ids(shown())[0]).toBe('name');
  });

  it('applies the header menu commands: sort, group (nesting), pin, unpin, move', () => {
    const state = defaultState();
    const shown = (): Column[] => layout(arrange(all, state.order), state.pinnedColumns).columns;
    applyColumnCommand(state, all, shown(), 'sortDescending', 'metric:acc');
    expect(state.sort).toEqual([{ column: 'metric:acc', desc: true }]);
    applyColumnCommand(state, all, shown(), 'groupByColumn', 'param:lr');
    applyColumnCommand(state, all, shown(), 'groupByColumn', 'param:batch');
    applyColumnCommand(state, all, shown(), 'groupByColumn', 'param:seed');
    expect(state.groupBy).toEqual(['param:lr', 'param:seed']);
    applyColumnCommand(state, all, shown(), 'ungroup', 'param:lr');
    expect(state.groupBy).toEqual(['param:seed']);
    applyColumnCommand(state, all, shown(), 'pinColumn', 'param:batch');
    applyColumnCommand(state, all, shown(), 'pinColumn', 'name');
    expect(state.pinnedColumns).toEqual(['param:batch']);
    applyColumnCommand(state, all, shown(), 'moveColumnRight', 'status');
    expect(ids(shown()).slice(0, 4)).toEqual(['name', 'param:batch', 'id', 'status']);
    applyColumnCommand(state, all, shown(), 'unpinColumn', 'param:batch');
    expect(state.pinnedColumns).toEqual([]);
  });
});
