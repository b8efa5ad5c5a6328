import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  listRunsRequest,
  runCodeDiffRequest,
  runCodeFileRequest,
  runPatchInfoRequest,
} from '../../protocol/lsp';
import { lineage, lineageWorkspace } from '../helpers/cli';
import { startServer } from '../helpers/server';
import { git, tempDir } from '../helpers/tmp';

describe('language server: run code diff', () => {
  it("returns the files changed between two runs' code and each side's text", async () => {
    const root = lineageWorkspace();
    writeFileSync(path.join(root, 'train.py'), 'lr = 0.1\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'v1');
    expect(lineage(root, ['run', '--name', 'base', '--', 'true']).status).toBe(0);
    writeFileSync(path.join(root, 'train.py'), 'lr = 0.05\n'); // uncommitted
    expect(lineage(root, ['run', '--name', 'tuned', '--', 'true']).status).toBe(0);

    const conn = await startServer(root);
    const runs = (await conn.sendRequest(listRunsRequest)).runs;
    const tuned = runs.find((r) => r.name === 'tuned')!;
    const base = runs.find((r) => r.name === 'base')!;
    const diff = await conn.sendRequest(runCodeDiffRequest, { a: base.id, b: tuned.id });
    expect(diff.files).toEqual([{ status: 'M', path: 'train.py' }]);
    expect(diff.a).toMatchObject({ id: base.id, commit: base.commit, notes: [] });
    expect(await conn.sendRequest(runCodeFileRequest, { tree: diff.a.tree, path: 'train.py' })).toEqual({
      text: 'lr = 0.1\n',
    });
    expect(await conn.sendRequest(runCodeFileRequest, { tree: diff.b.tree, path: 'train.py' })).toEqual({
      text: 'lr = 0.05\n',
    });
    const patches = await conn.sendRequest(runPatchInfoRequest, { ids: [base.id, tuned.id, 'nosuch'] });
    expect(patches).toEqual([
      { id: base.id, patch: null, missing: false, files: 0, added: 0, removed: 0, omitted: [] },
      {
        id: tuned.id,
        patch: expect.stringMatching(/^[0-9a-f]{64}$/),
        missing: false,
        files: 1,
        added: 1,
        removed: 1,
        omitted: [],
      },
    ]);
    // The run's names work as well as ids; an unknown run is an error with a message.
    expect((await conn.sendRequest(runCodeDiffRequest, { a: 'base', b: 'base' })).files).toEqual([]);
    await expect(conn.sendRequest(runCodeDiffRequest, { a: base.id, b: 'nosuch' })).rejects.toThrow(
      "no run 'nosuch' in this repository",
    );
  });

  it('refuses runs recorded outside git with a message naming the run', async () => {
    const root = tempDir();
    expect(lineage(root, ['init']).status).toBe(0);
    expect(lineage(root, ['run', '--name', 'plain', '--', 'true']).status).toBe(0);
    const conn = await startServer(root);
    const [run] = (await conn.sendRequest(listRunsRequest)).runs;
    await expect(conn.sendRequest(runCodeDiffRequest, { a: run!.id, b: run!.id })).rejects.toThrow(
      /run plain \(.{8}\) has no git commit/,
    );
  });
});
