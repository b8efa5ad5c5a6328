// The Runs Table's saved UI state (VS Code's setState: survives hiding the panel and reloading the
// window) and the pure rules for the column layout: order, pinned columns, moves.
import * as z from 'zod/mini';
import type { RunsTableCommand } from '../../protocol/webview';
import type { Column } from './columns';

export const stateSchema = z.object({
  sort: z.array(z.object({ column: z.string(), desc: z.boolean() })),
  filter: z.string(),
  /** Columns hidden by the user, and columns hidden by default that the user showed. */
  hidden: z.array(z.string()),
  shown: z.array(z.string()),
  differingOnly: z.boolean(),
  selected: z.array(z.string()),
  /** Grouping columns (outer first, at most two), the aggregate group rows show, expanded groups. */
  groupBy: z._default(z.array(z.string()), () => []),
  aggregate: z._default(z.enum(['mean', 'min', 'max']), 'mean'),
  expanded: z._default(z.array(z.string()), () => []),
  /** Runs pinned under the header, in pin order. */
  pinnedRuns: z._default(z.array(z.string()), () => []),
  /** The user's column order (ids; columns not listed keep their place after their neighbour). */
  order: z._default(z.array(z.string()), () => []),
  /** Columns pinned beside Name, in order. */
  pinnedColumns: z._default(z.array(z.string()), () => []),
  starredOnly: z._default(z.boolean(), false),
});
export type State = z.infer<typeof stateSchema>;

export function defaultState(): State {
  return {
    sort: [{ column: 'started', desc: true }],
    filter: '',
    hidden: [],
    shown: [],
    differingOnly: false,
    selected: [],
    groupBy: [],
    aggregate: 'mean',
    expanded: [],
    pinnedRuns: [],
    order: [],
    pinnedColumns: [],
    starredOnly: false,
  };
}

/** Saved state, or the defaults when there is none or it is not ours (an older shape). */
export function loadState(saved: unknown): State {
  const parsed = stateSchema.safeParse(saved);
  return parsed.success ? parsed.data : defaultState();
}

/**
 * All columns in the user's order: Name first, listed columns in their order, and columns the list
 * does not know (new params, metrics…) right after the column they follow by default.
 */
export function arrange(all: Column[], order: string[]): Column[] {
  if (order.length === 0) return all;
  const byId = new Map(all.map((c) => [c.id, c]));
  const result = order.flatMap((id) => {
    const c = byId.get(id);
    return c && id !== 'name' ? [c] : [];
  });
  const placed = new Set(result.map((c) => c.id));
  const position = new Map(result.map((c, i) => [c.id, i]));
  const inserts: { at: number; seq: number; column: Column }[] = [];
  let anchor = -1;
  all.forEach((c, seq) => {
    if (c.id === 'name') return;
    if (placed.has(c.id)) anchor = position.get(c.id) as number;
    else inserts.push({ at: anchor + 1, seq, column: c });
  });
  // Insert from the back so earlier positions stay valid; same position keeps the default order.
  inserts.sort((a, b) => b.at - a.at || b.seq - a.seq);
  for (const { at, column } of inserts) result.splice(at, 0, column);
  const name = byId.get('name');
  return name ? [name, ...result] : result;
}

/** Shown columns in display order: Name, the pinned columns, then the others. */
export function layout(shown: Column[], pinned: string[]): { columns: Column[]; pinnedCount: number } {
  const byId = new Map(shown.map((c) => [c.id, c]));
  const pins = pinned.flatMap((id) => {
    const c = byId.get(id);
    return c && id !== 'name' ? [c] : [];
  });
  const pinnedIds = new Set(pins.map((c) => c.id));
  const name = shown.filter((c) => c.id === 'name');
  const rest = shown.filter((c) => c.id !== 'name' && !pinnedIds.has(c.id));
  return { columns: [...name, ...pins, ...rest], pinnedCount: name.length + pins.length };
}

/**
 * Move column `id` before or after the column `target`.
 * Dropping on a pinned column pins it there; dropping a pinned column among the others unpins it.
 */
export function moveColumn(state: State, all: Column[], id: string, target: string, after: boolean): void {
  if (id === 'name' || id === target) return;
  const targetPinned = target === 'name' || state.pinnedColumns.includes(target);
  state.pinnedColumns = state.pinnedColumns.filter((c) => c !== id);
  if (targetPinned) {
    const at = target === 'name' ? 0 : state.pinnedColumns.indexOf(target) + (after ? 1 : 0);
    state.pinnedColumns.splice(at, 0, id);
    return;
  }
  // Rewrite the order from what is displayed (hidden columns keep their place via `arrange`).
  const ids = arrange(all, state.order)
    .map((c) => c.id)
    .filter((c) => c !== 'name' && c !== id);
  const at = ids.indexOf(target);
  if (at < 0) return;
  ids.splice(after ? at + 1 : at, 0, id);
  state.order = ids;
}

/** Move a column one place left or right among the displayed columns of its section (pinned or not). */
export function moveColumnBy(
  state: State,
  all: Column[],
  displayed: Column[],
  id: string,
  delta: -1 | 1,
): void {
  const pinned = state.pinnedColumns.includes(id);
  const section = displayed.filter((c) => c.id !== 'name' && state.pinnedColumns.includes(c.id) === pinned);
  const at = section.findIndex((c) => c.id === id);
  const neighbour = section[at + delta];
  if (at < 0 || !neighbour) return;
  moveColumn(state, all, id, neighbour.id, delta > 0);
}

/** A header context-menu command that changes only the layout state (sort, group, pin, move). */
export function applyColumnCommand(
  state: State,
  all: Column[],
  displayed: Column[],
  command: RunsTableCommand,
  id: string,
): void {
  switch (command) {
    case 'sortAscending':
    case 'sortDescending':
      state.sort = [{ column: id, desc: command === 'sortDescending' }];
      return;
    case 'groupByColumn':
      // A second grouping nests inside the first; a third replaces the second.
      if (!state.groupBy.includes(id)) state.groupBy = [...state.groupBy.slice(0, 1), id];
      return;
    case 'ungroup':
      state.groupBy = state.groupBy.filter((g) => g !== id);
      return;
    case 'pinColumn':
      if (id !== 'name' && !state.pinnedColumns.includes(id)) state.pinnedColumns.push(id);
      return;
    case 'unpinColumn':
      state.pinnedColumns = state.pinnedColumns.filter((c) => c !== id);
      return;
    case 'moveColumnLeft':
    case 'moveColumnRight':
      moveColumnBy(state, all, displayed, id, command === 'moveColumnLeft' ? -1 : 1);
      return;
    default:
      return;
  }
}
