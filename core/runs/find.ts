import { promises as fs } from 'node:fs';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import { shortRunId } from '../util/format';
import { loadRuns } from './index';
import { RUN_ID_PATTERN, runFile } from './layout';
import { runHeaderSchema, type RunHeader } from './record';
import { readJsonSync } from './summary';

export interface FindRunOptions {
  /**
   * A name several runs share: the newest of them (true; `note` says so), or an error asking for
   * the id (false, the default).
   */
  newestByName?: boolean;
  /**
   * Look names up even when `rev` looks like a commit id (4–40 hex digits). Off by default, so that
   * `lineage diff abc123` does not list every run to find out that abc123 is a commit.
   */
  hexNames?: boolean;
}

export interface FoundRun {
  id: string;
  /** How a name was resolved, when it was ambiguous. */
  note?: string;
}

/**
 * The run `rev` names: its id, a unique prefix or suffix of its id (6+ characters; the last 8 are
 * what listings show), or its name. Null when nothing matches; an error when several runs do.
 */
export async function findRunId(
  repo: Repo,
  rev: string,
  options: FindRunOptions = {},
): Promise<FoundRun | null> {
  let ids: string[];
  try {
    ids = (await fs.readdir(repo.runs)).filter((id) => RUN_ID_PATTERN.test(id));
  } catch {
    return null;
  }
  const lower = rev.toLowerCase();
  if (ids.includes(lower)) return { id: lower };
  if (lower.length >= 6) {
    const matches = ids.filter((id) => id.startsWith(lower) || id.endsWith(lower));
    if (matches.length > 1) throw ambiguous(rev, matches.sort().reverse(), 'use more of the run id');
    if (matches.length === 1) return { id: matches[0] as string };
  }
  if (!options.hexNames && /^[0-9a-f]{4,40}$/.test(rev)) return null;
  const table = await loadRuns(repo);
  const name = table.reader({ kind: 'field', field: 'name' });
  const named: string[] = [];
  for (let row = 0; row < table.size; row++) if (name(row) === rev) named.push(table.id(row));
  if (named.length === 0) return null;
  if (named.length === 1) return { id: named[0] as string };
  if (!options.newestByName) throw ambiguous(rev, named, 'use the run id');
  return { id: named[0] as string, note: `${named.length} runs are named '${rev}'; showing the newest` };
}

function ambiguous(rev: string, ids: string[], advice: string): LineageError {
  const shown = ids.slice(0, 5).map(shortRunId).join(', ');
  return new LineageError(
    `'${rev}' matches ${ids.length} runs (${shown}${ids.length > 5 ? ', …' : ''}); ${advice}`,
  );
}

/** Like findRunId, and reads the run's header. */
export async function findRun(
  repo: Repo,
  rev: string,
  options: FindRunOptions = {},
): Promise<RunHeader | null> {
  const found = await findRunId(repo, rev, options);
  return found ? readJsonSync(runFile(repo, found.id, 'header'), runHeaderSchema, 'run header') : null;
}
