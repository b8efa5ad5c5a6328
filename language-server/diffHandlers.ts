import { statSync } from 'node:fs';
import { ResponseError, type Connection } from 'vscode-languageserver';
import { datasetDiffFor } from '../core/diff/datasets';
import { fileSource } from '../core/diff/fileAt';
import { datasetLog } from '../core/diff/log';
import { revisionChoices } from '../core/diff/revisions';
import { resolveRevision, type Side } from '../core/diff/sides';
import { openDatasetTableDiff, tablePaths } from '../core/diff/tables';
import type { TableDiffSession } from '../core/diff/table/index';
import { readSides } from '../core/diff/datasets';
import { errorMessage } from '../core/errors';
import type { Repo } from '../core/repo';
import {
  datasetLogRequest,
  diffDatasetRequest,
  diffTableRequest,
  fileSidesRequest,
  revisionsRequest,
  type DiffParams,
} from '../protocol/lsp';

/** Table diffs kept open for paging, newest last; the oldest are closed past this many. */
const OPEN_TABLES = 4;

/**
 * Dataset history and diff requests. A table diff is computed once and kept for paging, keyed by
 * both sides' content (so an edited workspace file is diffed afresh).
 */
export function registerDiffHandlers(connection: Connection, getRepo: () => Repo | null): void {
  const sessions = new Map<string, Promise<TableDiffSession>>();
  const need = (): Repo => {
    const repo = getRepo();
    if (!repo) throw new ResponseError(1, 'no Lineage repository is open');
    return repo;
  };
  /** `scanWorkspace: false` when only single files are read (table pages, file sides): no scan. */
  const sidesOf = async (repo: Repo, p: DiffParams, scanWorkspace = true): Promise<[Side, Side]> => {
    const [a, b] = await Promise.all([resolveRevision(repo, p.a), resolveRevision(repo, p.b)]);
    return readSides(repo, p.dataset, a, b, { scanWorkspace });
  };
  const failing =
    <P, R>(handler: (params: P) => Promise<R>) =>
    async (params: P): Promise<R> => {
      try {
        return await handler(params);
      } catch (err) {
        throw err instanceof ResponseError ? err : new ResponseError(1, errorMessage(err));
      }
    };

  connection.onRequest(
    diffDatasetRequest,
    failing(async (p) => {
      const repo = need();
      const diff = await datasetDiffFor(repo, p.dataset, await sidesOf(repo, p));
      const changed = diff.changes.filter((c) => c.type === 'file').map((c) => c.path);
      return { diff, tables: tablePaths(changed, p.dataset) };
    }),
  );

  connection.onRequest(
    diffTableRequest,
    failing(async (p) => {
      const repo = need();
      const sides = await sidesOf(repo, p, false);
      const [a, b] = await Promise.all([
        fileSource(repo, p.dataset, sides[0], p.path),
        fileSource(repo, p.dataset, sides[1], p.path),
      ]);
      // Workspace files have no hash until read: their size, mtime and inode stand in.
      const stamp = (s: typeof a): string => {
        if (!s) return '-';
        if (s.hash) return s.hash;
        const st = statSync(s.file);
        return `${s.file}:${st.size}:${st.mtimeMs}:${st.ino}`;
      };
      const key = JSON.stringify([p.dataset, p.path, stamp(a), stamp(b), p.keys ?? null]);
      let session = sessions.get(key);
      if (!session) {
        session = openDatasetTableDiff(repo, p.dataset, sides, p.path, p.keys ? { keys: p.keys } : {});
        session.catch(() => sessions.delete(key));
        sessions.set(key, session);
        while (sessions.size > OPEN_TABLES) {
          const [oldest, old] = sessions.entries().next().value as [string, Promise<TableDiffSession>];
          sessions.delete(oldest);
          void old.then(
            (s) => s.close(),
            () => undefined,
          );
        }
      }
      const opened = await session;
      return { ...opened.summary, page: await opened.page(p.offset, p.limit) };
    }),
  );

  connection.onRequest(
    fileSidesRequest,
    failing(async (p) => {
      const repo = need();
      const sides = await sidesOf(repo, p, false);
      const [a, b] = await Promise.all(sides.map((s) => fileSource(repo, p.dataset, s, p.path)));
      const shown = (s: typeof a): { file: string; label: string } | null =>
        s ? { file: s.file, label: s.label } : null;
      return { a: shown(a ?? null), b: shown(b ?? null) };
    }),
  );

  connection.onRequest(
    revisionsRequest,
    failing(async (p) => revisionChoices(need(), p.dataset)),
  );
  connection.onRequest(
    datasetLogRequest,
    failing(async (p) => datasetLog(need(), p.dataset)),
  );
  connection.onShutdown(async () => {
    for (const s of sessions.values())
      await s.then(
        (x) => x.close(),
        () => undefined,
      );
  });
}
