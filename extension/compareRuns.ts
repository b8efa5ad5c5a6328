import * as vscode from 'vscode';
import { formatTimestamp, shortCommit, shortRunId } from '../core/util/format';
import type { RunSummary } from '../protocol/runs';
import { RunComparePanel, type CompareEnv } from './runComparePanel';
import { selectedRunIds } from './runsTablePanel';

/**
 * The runs a command argument names: an array of run ids, a Runs tree element with the tree's
 * multi-selection, or VS Code's webview context object (the Runs Table's context menu), which means
 * "the table's selection" (or the right-clicked row alone, when it is not selected). Null when the
 * argument names nothing.
 */
export function runIdsFromArgs(target: unknown, selection: unknown): string[] | null {
  const idOf = (x: unknown): string | undefined => {
    if (typeof x === 'string') return x;
    const run = (x as { run?: { id?: unknown } } | null)?.run;
    return typeof run?.id === 'string' ? run.id : undefined;
  };
  if (Array.isArray(selection) && selection.length > 0) {
    const ids = selection.map(idOf).filter((id): id is string => id !== undefined);
    const clicked = idOf(target);
    if (clicked && !ids.includes(clicked)) ids.unshift(clicked);
    return ids;
  }
  if (Array.isArray(target)) return target.map(idOf).filter((id): id is string => id !== undefined);
  if (typeof target === 'object' && target !== null && ('webview' in target || 'webviewSection' in target)) {
    // The row right-clicked (`runId`) with the rest of the selection; a row outside it on its own.
    const clicked = (target as { runId?: unknown }).runId;
    const selected = selectedRunIds();
    return typeof clicked === 'string' && !selected.includes(clicked) ? [clicked] : selected;
  }
  const one = idOf(target);
  return one ? [one] : null;
}

/**
 * "Lineage: Compare Selected Runs": the runs the arguments name, else the Runs Table's selection;
 * fewer than two known, a multi-select pick of the runs (the known ones ticked).
 */
export async function compareRuns(env: CompareEnv, target?: unknown, selection?: unknown): Promise<void> {
  let ids = [...new Set(runIdsFromArgs(target, selection) ?? selectedRunIds())];
  if (ids.length < 2) {
    const picked = await pickRuns(env, ids);
    if (!picked) return;
    ids = picked;
  }
  if (ids.length < 2) {
    void vscode.window.showInformationMessage('Lineage: pick at least two runs to compare.');
    return;
  }
  RunComparePanel.show(env, ids);
}

async function pickRuns(env: CompareEnv, preselected: string[]): Promise<string[] | undefined> {
  const { runs } = await env.model.getRuns();
  if (runs.length < 2) {
    void vscode.window.showInformationMessage(
      `Lineage: there ${runs.length === 1 ? 'is only one run' : 'are no runs'} to compare.`,
    );
    return undefined;
  }
  const items = runs.map((run: RunSummary) => ({
    label: run.name,
    description: `${run.status} · ${shortRunId(run.id)} · ${shortCommit(run.commit, run.dirty)}`,
    detail: formatTimestamp(run.startedAt),
    picked: preselected.includes(run.id),
    id: run.id,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Compare Runs',
    placeHolder: 'Pick two or more runs to compare',
    canPickMany: true,
    matchOnDescription: true,
  });
  // Oldest first: the first run is the baseline, and code changes read from it to the later runs.
  return picked?.reverse().map((p) => p.id);
}
