import type { RevisionChoice } from '../../protocol/lsp';
import type { Repo } from '../repo';
import { listRefs } from '../git/history';
import { listRuns } from '../runs/list';
import { formatBytes, formatTimestamp, shortRunId } from '../util/format';
import { datasetLog } from './log';
import { WORKSPACE } from './sides';

/**
 * What a user may compare a dataset at, for a picker: the workspace, HEAD, branches and tags, the
 * commits that changed the dataset (newest first), and runs. Outside git, only the workspace and runs.
 */
export async function revisionChoices(repo: Repo, dataset: string, limit = 50): Promise<RevisionChoice[]> {
  const choices: RevisionChoice[] = [
    { rev: WORKSPACE, kind: 'workspace', label: 'Workspace', description: 'the data on disk now' },
  ];
  const [refs, log] = await Promise.all([
    listRefs(repo.root).catch(() => []),
    datasetLog(repo, dataset, { limit }).catch(() => null),
  ]);
  if (log) choices.push({ rev: 'HEAD', kind: 'commit', label: 'HEAD', description: 'the last commit' });
  for (const ref of refs) {
    choices.push({
      rev: ref.name,
      kind: ref.kind,
      label: ref.name,
      description: `${ref.kind} · ${ref.commit.slice(0, 7)}`,
    });
  }
  for (const v of log?.versions ?? []) {
    const version = v.hash ? `${v.hash.slice(0, 10)} · ${v.files} files, ${formatBytes(v.size)}` : 'removed';
    choices.push({
      rev: v.commit,
      kind: 'commit',
      label: `${v.commit.slice(0, 7)} ${v.subject}`,
      description: `${v.author}, ${formatTimestamp(v.date)}`,
      detail: version + (v.runs.length ? ` · used by ${v.runs.map((r) => r.name).join(', ')}` : ''),
    });
  }
  const { runs } = await listRuns(repo);
  for (const run of runs.slice(0, limit)) {
    choices.push({
      rev: run.id,
      kind: 'run',
      label: `run ${run.name}`,
      description: `${run.status} · ${formatTimestamp(run.startedAt)} · ${shortRunId(run.id)}`,
    });
  }
  return choices;
}
