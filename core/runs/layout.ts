import * as path from 'node:path';
import { monotonicFactory } from 'ulid';
import type { Repo } from '../repo';

/**
 * One run is one folder `.lineage/runs/<id>/`:
 *   run.json      immutable header, written once before the command starts
 *   metrics.jsonl append-only metric stream (the command writes it; see docs/formats.md)
 *   output.log    stdout and stderr of the command, as they came
 *   status.json   final status, written atomically once the command has exited
 * Ids are ULIDs in lowercase: they sort by start time and are unique across machines.
 */
export const RUN_FILES = {
  header: 'run.json',
  metrics: 'metrics.jsonl',
  log: 'output.log',
  status: 'status.json',
} as const;

const nextUlid = monotonicFactory();

export function newRunId(): string {
  return nextUlid().toLowerCase();
}

export const RUN_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;

export function runDir(repo: Repo, id: string): string {
  return path.join(repo.runs, id);
}

export function runFile(repo: Repo, id: string, file: keyof typeof RUN_FILES): string {
  return path.join(runDir(repo, id), RUN_FILES[file]);
}
