import {
  ResponseError,
  type CancellationToken,
  type Connection,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver';
import { addPaths } from '../core/datasets/add';
import { checkout, UnsavedFilesError } from '../core/datasets/checkout';
import type { ScanProgress } from '../core/datasets/scan';
import { errorMessage, LineageError } from '../core/errors';
import type { Repo } from '../core/repo';
import { formatBytes } from '../core/util/format';
import {
  addRequest,
  checkoutRequest,
  datasetsChangedNotification,
  UNSAVED_FILES_CODE,
} from '../protocol/lsp';

/** An AbortSignal that fires when the client cancels the request. */
function abortOn(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort(new LineageError('cancelled'));
  token.onCancellationRequested(() => controller.abort(new LineageError('cancelled')));
  return controller.signal;
}

/** Progress at most every 100 ms: a report per file would flood the client. */
function throttled(reporter: WorkDoneProgressReporter): (percent: number, message: string) => void {
  let last = 0;
  return (percent, message) => {
    const now = Date.now();
    if (now - last < 100 && percent < 100) return;
    last = now;
    reporter.report(Math.min(100, Math.floor(percent)), message);
  };
}

function failure(err: unknown): ResponseError<unknown> {
  if (err instanceof UnsavedFilesError)
    return new ResponseError(UNSAVED_FILES_CODE, errorMessage(err), { unsaved: err.unsaved });
  return new ResponseError(1, errorMessage(err));
}

function addMessage(name: string, p: ScanProgress): string {
  const count = (n: number): string => n.toLocaleString('en');
  switch (p.phase) {
    case 'scan':
      return `${name}: ${count(p.totalFiles)} files · ${formatBytes(p.totalBytes)} to read`;
    case 'hash':
      return `${name}: ${count(p.files)}/${count(p.totalFiles)} files · ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}`;
    case 'store':
      return `${name}: saving ${count(p.totalFiles)} files to the store…`;
  }
}

/** `lineage/add` and `lineage/checkout`, with work-done progress and cancellation. */
export function registerDataHandlers(connection: Connection, repoOf: () => Repo | null): void {
  connection.onRequest(addRequest, async (params, token) => {
    const workDone = connection.window.attachWorkDoneProgress(params.workDoneToken);
    const repo = repoOf();
    if (!repo) throw failure(new LineageError('no Lineage repository is open'));
    const report = throttled(workDone);
    workDone.begin('Adding data', 0, 'Scanning…', true);
    try {
      const results = await addPaths(repo, params.paths, {
        signal: abortOn(token),
        onProgress: (name, p) =>
          report(
            p.phase === 'hash' ? (100 * p.bytes) / (p.totalBytes || 1) : p.phase === 'store' ? 100 : 0,
            addMessage(name, p),
          ),
      });
      void connection.sendNotification(datasetsChangedNotification, {});
      return results.map((r) => ({
        path: r.path,
        pointerFile: r.pointerFile,
        files: r.pointer.files,
        size: r.pointer.size,
        hashedFiles: r.hashedFiles,
      }));
    } catch (err) {
      throw failure(err);
    } finally {
      workDone.done();
    }
  });

  connection.onRequest(checkoutRequest, async (params, token) => {
    const workDone = connection.window.attachWorkDoneProgress(params.workDoneToken);
    const repo = repoOf();
    if (!repo) throw failure(new LineageError('no Lineage repository is open'));
    const report = throttled(workDone);
    workDone.begin('Checking out data', 0, undefined, true);
    try {
      const results = await checkout(repo, {
        paths: params.paths,
        force: params.force,
        signal: abortOn(token),
        onProgress: (name, done, total) =>
          report(total > 0 ? (100 * done) / total : 100, `${name}: ${done}/${total} files`),
      });
      void connection.sendNotification(datasetsChangedNotification, {});
      return results.map(({ path, added, removed, modified }) => ({ path, added, removed, modified }));
    } catch (err) {
      throw failure(err);
    } finally {
      workDone.done();
    }
  });
}
