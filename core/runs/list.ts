import type { ListRunsResult } from '../../protocol/runs';
import type { Repo } from '../repo';
import { loadRuns } from './index';

export { readRun } from './summary';

/**
 * Every run in the repository, newest first. A run whose files are malformed becomes a problem.
 * Ended runs come from the runs index (core/runs/index.ts); live ones are read from their folders.
 * The summaries of ended runs are shared with later calls in this process: treat them as read-only.
 */
export async function listRuns(repo: Repo, now = Date.now()): Promise<ListRunsResult> {
  const table = await loadRuns(repo, { now });
  return { runs: table.summaries(), problems: table.problems };
}
