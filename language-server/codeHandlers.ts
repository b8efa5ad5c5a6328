import { ResponseError, type Connection } from 'vscode-languageserver';
import { errorMessage, LineageError } from '../core/errors';
import type { Repo } from '../core/repo';
import { diffRunCode, readRunCodeFile, runPatchInfo } from '../core/runs/codeDiff';
import { runCodeDiffRequest, runCodeFileRequest, runPatchInfoRequest } from '../protocol/lsp';
import type { RunPatchInfo } from '../protocol/runCompare';

/** `lineage/runCodeDiff`, `lineage/runPatchInfo` and `lineage/runCodeFile`: the code changes between runs, for VS Code's diff editor. */
export function registerCodeHandlers(connection: Connection, repoOf: () => Repo | null): void {
  const withRepo = async <R>(work: (repo: Repo) => Promise<R>): Promise<R> => {
    const repo = repoOf();
    try {
      if (!repo) throw new LineageError('no Lineage repository is open');
      return await work(repo);
    } catch (err) {
      throw new ResponseError(1, err instanceof LineageError ? err.message : errorMessage(err));
    }
  };
  connection.onRequest(runCodeDiffRequest, ({ a, b }) => withRepo((repo) => diffRunCode(repo, a, b)));
  connection.onRequest(runPatchInfoRequest, ({ ids }) =>
    withRepo(async (repo) => {
      const infos = await Promise.all(ids.map((id) => runPatchInfo(repo, id).catch(() => null)));
      return infos.filter((i): i is RunPatchInfo => i !== null);
    }),
  );
  connection.onRequest(runCodeFileRequest, ({ tree, path }) =>
    withRepo((repo) => readRunCodeFile(repo, tree, path)),
  );
}
