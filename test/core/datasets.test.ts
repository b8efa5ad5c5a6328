import { mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPath, storeOf } from '../../core/datasets/add';
import { parsePointer, readPointer } from '../../core/datasets/pointer';
import { datasetStatus } from '../../core/datasets/status';
import { decodeTree, type TreeEntry } from '../../core/datasets/tree';
import { initRepo } from '../../core/init';
import { repoAt } from '../../core/repo';
import { git, tempGitRepo } from '../helpers/tmp';

async function repoWithData() {
  const root = tempGitRepo();
  await initRepo(root);
  const data = path.join(root, 'data');
  mkdirSync(path.join(data, 'images', 'train'), { recursive: true });
  mkdirSync(path.join(data, 'empty'));
  writeFileSync(path.join(data, 'labels.csv'), 'id,label\n1,cat\n2,dog\n');
  writeFileSync(path.join(data, 'images', 'train', 'a.png'), Buffer.from([1, 2, 3]));
  writeFileSync(path.join(data, 'images', 'train', 'ñandú.png'), Buffer.from([4, 5]));
  writeFileSync(path.join(data, 'run.sh'), '#!/bin/sh\n');
  chmodSync(path.join(data, 'run.sh'), 0o755);
  return { root, repo: repoAt(root), data };
}

describe('add', () => {
  it('stores every file and one tree per directory, writes the pointer and git-ignores the data', async () => {
    const { root, repo, data } = await repoWithData();
    const result = await addPath(repo, data);
    expect(result.pointerFile).toBe('data.lineage');
    expect(result.pointer).toMatchObject({
      schema: 1,
      path: 'data',
      type: 'dir',
      files: 4,
      size: 21 + 3 + 2 + 10,
    });
    expect(await readPointer(path.join(root, 'data.lineage'))).toEqual(result.pointer);
    expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).toBe('/data\n');
    expect(git(root, 'status', '--porcelain')).not.toContain('data/');

    const store = storeOf(repo);
    const rootTree = decodeTree(await store.readVerified(result.pointer.sha256), 'root');
    expect(rootTree.map((e) => [e.name, e.type])).toEqual([
      ['empty', 'dir'],
      ['images', 'dir'],
      ['labels.csv', 'file'],
      ['run.sh', 'file'],
    ]);
    expect(rootTree.find((e) => e.name === 'run.sh')).toMatchObject({ exec: true });
    const hashOf = (e: TreeEntry | undefined): string => (e && 'hash' in e ? e.hash : '');
    const images = rootTree.find((e) => e.name === 'images');
    const train = decodeTree(await store.readVerified(hashOf(images)), 'images');
    const trainTree = decodeTree(await store.readVerified(hashOf(train[0])), 'train');
    expect(trainTree.map((e) => e.name)).toEqual(['a.png', 'ñandú.png']);
    expect(await store.readVerified(hashOf(trainTree[1]))).toEqual(Buffer.from([4, 5]));
  });

  it('re-adding unchanged data gives the same hash; a change gives a new one', async () => {
    const { repo, data } = await repoWithData();
    const first = await addPath(repo, data);
    const again = await addPath(repo, data);
    expect(again.pointer.sha256).toBe(first.pointer.sha256);
    expect(again.ignored).toBe(false);
    writeFileSync(path.join(data, 'labels.csv'), 'id,label\n1,cat\n');
    expect((await addPath(repo, data)).pointer.sha256).not.toBe(first.pointer.sha256);
  });

  it('tracks a single file', async () => {
    const { root, repo } = await repoWithData();
    writeFileSync(path.join(root, 'model.bin'), 'weights');
    const r = await addPath(repo, path.join(root, 'model.bin'));
    expect(r.pointer).toMatchObject({ type: 'file', files: 1, size: 7 });
    expect((await storeOf(repo).readVerified(r.pointer.sha256)).toString()).toBe('weights');
  });

  it('refuses paths outside the repository, inside .lineage/.git, and missing ones, naming them', async () => {
    const { root, repo } = await repoWithData();
    await expect(addPath(repo, path.dirname(root))).rejects.toThrow(/outside the Lineage repository/);
    await expect(addPath(repo, path.join(root, '.lineage', 'cache'))).rejects.toThrow(/inside .lineage/);
    await expect(addPath(repo, path.join(root, 'nope'))).rejects.toThrow(
      `${path.join(root, 'nope')}: no such file`,
    );
  });
});

describe('status', () => {
  it('reports clean, then modified with counts, then missing', async () => {
    const { repo, data } = await repoWithData();
    await addPath(repo, data);
    expect((await datasetStatus(repo)).datasets).toMatchObject([{ path: 'data', state: 'clean', files: 4 }]);

    writeFileSync(path.join(data, 'labels.csv'), 'changed');
    writeFileSync(path.join(data, 'images', 'new.png'), 'new');
    rmSync(path.join(data, 'images', 'train', 'a.png'));
    mkdirSync(path.join(data, 'extra'));
    writeFileSync(path.join(data, 'extra', 'x'), 'x');
    writeFileSync(path.join(data, 'extra', 'y'), 'y');
    expect((await datasetStatus(repo)).datasets[0]).toMatchObject({
      state: 'modified',
      added: 3,
      removed: 1,
      modified: 1,
    });

    rmSync(data, { recursive: true });
    expect((await datasetStatus(repo)).datasets[0]).toMatchObject({ state: 'missing', removed: 4 });
  });

  it('reports a malformed pointer as an error naming the file, and still reports the others', async () => {
    const { root, repo, data } = await repoWithData();
    await addPath(repo, data);
    writeFileSync(path.join(root, 'other.lineage'), 'schema: 1\npath: ../../etc\ntype: dir\n');
    const { datasets } = await datasetStatus(repo);
    expect(datasets.map((d) => [d.path, d.state])).toEqual([
      ['data', 'clean'],
      ['other', 'error'],
    ]);
    expect(datasets[1]!.message).toContain(path.join(root, 'other.lineage'));
    expect(datasets[1]!.message).toMatch(/'path' must be a plain name/);
  });
});

describe('pointer files', () => {
  const valid = `schema: 1\npath: data\ntype: dir\nsha256: ${'a'.repeat(64)}\nsize: 1\nfiles: 1\n`;

  it('parse a valid pointer', () => {
    expect(parsePointer(valid, '/r/data.lineage')).toMatchObject({ path: 'data', type: 'dir', size: 1 });
  });

  it.each([
    ['bad YAML', 'schema: [1', /invalid YAML at line/],
    ['unknown schema', valid.replace('schema: 1', 'schema: 9'), /'schema' must be 1/],
    ['absolute path', valid.replace('path: data', 'path: /etc/passwd'), /'path' must be a plain name/],
    ['parent path', valid.replace('path: data', 'path: ..'), /'path' must be a plain name/],
    ['wrong name', valid.replace('path: data', 'path: other'), /named for 'data'/],
    ['bad hash', valid.replace('a'.repeat(64), 'zz'), /'sha256' must be a SHA-256/],
    ['extra field', valid + 'evil: 1\n', /malformed pointer file/],
  ])('reject %s with the file name', (_name, text, message) => {
    expect(() => parsePointer(text, '/r/data.lineage')).toThrow(message);
    expect(() => parsePointer(text, '/r/data.lineage')).toThrow(/^\/r\/data\.lineage: /);
  });
});
