import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../../scripts/demo/workspace.mjs';
import {
  datasetLogRequest,
  diffDatasetRequest,
  diffTableRequest,
  fileSidesRequest,
  revisionsRequest,
} from '../../protocol/lsp';
import { startServer } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

/** The demo workspace: dataset v1, one run on it, then v2 (6 relabelled, 3 dropped, 10 new rows, a notes file). */
function demo(): string {
  const root = path.join(tempDir(), 'demo');
  createDemoWorkspace(root, [{ name: 'baseline', lr: 0.1, epochs: 2 }]);
  return root;
}

describe('dataset diff requests (language server over stdio)', () => {
  it('answers the file diff, table pages with the configured key, file sides, revisions and the log', async () => {
    const root = demo();
    const conn = await startServer(root);
    const params = { dataset: 'data', a: 'HEAD~1', b: 'HEAD' };
    const { diff, tables } = await conn.sendRequest(diffDatasetRequest, params);
    expect(diff.changes.map((c) => `${c.change} ${c.path}`)).toEqual([
      'added NOTES.txt',
      'modified train.csv',
    ]);
    expect(tables).toEqual(['train.csv']);

    const first = await conn.sendRequest(diffTableRequest, {
      ...params,
      path: 'train.csv',
      offset: 0,
      limit: 5,
    });
    expect(first).toMatchObject({ matching: 'key', keys: ['id'] }); // from lineage.yaml `keys:`
    expect(first.rows).toMatchObject({ before: 400, after: 407, added: 10, removed: 3, changed: 6 });
    expect(first.columns.find((c) => c.name === 'label')?.changedCells).toBe(6);
    expect(first.page).toMatchObject({ offset: 0, total: 19 });
    expect(first.page.rows).toHaveLength(5);
    const last = await conn.sendRequest(diffTableRequest, {
      ...params,
      path: 'train.csv',
      offset: 15,
      limit: 5,
    });
    expect(last.page.rows).toHaveLength(4);
    const content = await conn.sendRequest(diffTableRequest, {
      ...params,
      path: 'train.csv',
      offset: 0,
      keys: [],
    });
    expect(content.matching).toBe('content');

    const sides = await conn.sendRequest(fileSidesRequest, { ...params, path: 'NOTES.txt' });
    expect(sides.a).toBeNull();
    expect(readFileSync(sides.b!.file, 'utf8')).toMatch(/^v2: relabelled 6 points/);
    expect(sides.b!.label).toMatch(/^data\/NOTES\.txt at HEAD/);

    const revisions = await conn.sendRequest(revisionsRequest, { dataset: 'data' });
    expect(revisions.map((r) => r.kind)).toEqual([
      'workspace',
      'commit',
      'branch',
      'commit',
      'commit',
      'run',
    ]);
    expect(revisions.find((r) => r.kind === 'run')?.label).toBe('run baseline');
    const log = await conn.sendRequest(datasetLogRequest, { dataset: 'data' });
    expect(log.versions.map((v) => v.runs.map((r) => r.name))).toEqual([[], ['baseline']]);

    await expect(conn.sendRequest(diffDatasetRequest, { ...params, a: 'no-such-rev' })).rejects.toThrow(
      "'no-such-rev' is not a commit, branch, tag or run here",
    );
  });
});
