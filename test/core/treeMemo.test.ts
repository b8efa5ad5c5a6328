import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPath, storeOf } from '../../core/datasets/add';
import { fsck } from '../../core/datasets/fsck';
import { scan, type ScanNode } from '../../core/datasets/scan';
import { StatCache } from '../../core/datasets/statCache';
import { datasetStatus } from '../../core/datasets/status';
import { encodeTree, type TreeEntry } from '../../core/datasets/tree';
import { initRepo } from '../../core/init';
import { repoAt, type Repo } from '../../core/repo';
import { hashBytes } from '../../core/store/hash';
import { tempGitRepo } from '../helpers/tmp';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Give every file and folder below `dir` an old mtime: the memo never vouches for brand-new ones. */
function age(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) age(p);
    utimesSync(p, HOUR_AGO, HOUR_AGO);
  }
}

async function setup(): Promise<{ repo: Repo; data: string }> {
  const root = tempGitRepo();
  await initRepo(root);
  const data = path.join(root, 'data');
  mkdirSync(path.join(data, 'sub', 'deep'), { recursive: true });
  mkdirSync(path.join(data, 'other'));
  for (let i = 0; i < 10; i++) writeFileSync(path.join(data, `f${i}.txt`), `file ${i}\n`);
  writeFileSync(path.join(data, 'sub', 'deep', 'x.csv'), 'a,b\n1,2\n');
  writeFileSync(path.join(data, 'other', 'y.csv'), 'c\n3\n');
  age(data);
  return { repo: repoAt(root), data };
}

const memoFile = (repo: Repo): string => path.join(repo.dir, 'state', 'tree-memo');
const cacheFile = (repo: Repo): string => path.join(repo.dir, 'state', 'stat-cache');

/** Status with the memo as it is, and (the reference) with no memo and no stat cache at all. */
async function statusBothWays(repo: Repo): Promise<unknown> {
  const memo = (await datasetStatus(repo, { files: true })).datasets[0];
  rmSync(memoFile(repo), { force: true });
  rmSync(cacheFile(repo), { force: true });
  const reference = (await datasetStatus(repo, { files: true })).datasets[0];
  expect(memo).toEqual(reference);
  return memo;
}

describe('tree memo', () => {
  it('answers unchanged folders without looking at their files', async () => {
    const { repo, data } = await setup();
    await addPath(repo, data);
    expect(
      readFileSync(memoFile(repo), 'utf8')
        .split('\n')
        .filter((l) => l.includes(' data')),
    ).toHaveLength(4);
    // Every stat-cache entry now names wrong content: a status that looked files up would report
    // them all modified. The memo answers for the folders, so it does not look.
    const poisoned = readFileSync(cacheFile(repo), 'utf8').replace(/^[0-9a-f]{64}/gm, 'a'.repeat(64));
    writeFileSync(cacheFile(repo), poisoned);
    expect((await datasetStatus(repo)).datasets[0]).toMatchObject({ state: 'clean' });
    expect((await addPath(repo, data)).hashedFiles).toBe(0);
    // A changed folder, and each folder above it, is no longer answered by the memo: their own files
    // are looked up one by one, and here the poisoned entries show. `other/` is still answered.
    writeFileSync(path.join(data, 'sub', 'deep', 'new.txt'), 'new');
    const after = (await datasetStatus(repo, { files: true })).datasets[0];
    const rootFiles = Array.from({ length: 10 }, (_, i) => `modified f${i}.txt`);
    expect(after?.changes?.map((c) => `${c.change} ${c.path}`)).toEqual([
      ...rootFiles,
      'added sub/deep/new.txt',
      'modified sub/deep/x.csv',
    ]);
  });

  it('sees every kind of change a folder can have', async () => {
    const { repo, data } = await setup();
    await addPath(repo, data);
    const changes: [string, () => void, string[]][] = [
      [
        'same size, new mtime',
        () => writeFileSync(path.join(data, 'f1.txt'), 'FILE 1\n'),
        ['modified f1.txt'],
      ],
      [
        'rename',
        () => renameSync(path.join(data, 'f2.txt'), path.join(data, 'f2b.txt')),
        ['removed f2.txt', 'added f2b.txt'],
      ],
      ['exec bit', () => chmodSync(path.join(data, 'f3.txt'), 0o755), ['modified f3.txt']],
      [
        'deep new file',
        () => writeFileSync(path.join(data, 'sub', 'deep', 'z.csv'), 'z'),
        ['added sub/deep/z.csv'],
      ],
      [
        'file to link',
        () => (rmSync(path.join(data, 'f4.txt')), symlinkSync('f5.txt', path.join(data, 'f4.txt'))),
        ['modified f4.txt'],
      ],
      [
        'folder removed',
        () => rmSync(path.join(data, 'other'), { recursive: true }),
        ['removed other/y.csv'],
      ],
    ];
    for (const [what, change, expected] of changes) {
      // Re-add so that the memo holds this folder state, then change it and compare.
      age(data);
      await addPath(repo, data);
      await datasetStatus(repo);
      change();
      const result = (await statusBothWays(repo)) as { changes?: { change: string; path: string }[] };
      expect(
        result.changes?.map((c) => `${c.change} ${c.path}`),
        what,
      ).toEqual(expected);
    }
  });

  it('is dropped by fsck when the store is damaged', async () => {
    const { repo, data } = await setup();
    await addPath(repo, data);
    expect(existsSync(memoFile(repo))).toBe(true);
    const store = storeOf(repo);
    for await (const h of store.list()) {
      if (readFileSync(store.objectPath(h), 'utf8') === 'file 0\n') {
        chmodSync(store.objectPath(h), 0o644);
        writeFileSync(store.objectPath(h), 'bit rot');
      }
    }
    expect((await fsck(repo)).quarantined).toHaveLength(1);
    expect(existsSync(memoFile(repo))).toBe(false);
    // The re-add now reads the file whose object was lost and stores it again.
    expect((await addPath(repo, data)).hashedFiles).toBeGreaterThan(0);
    expect((await fsck(repo)).issues).toEqual([]);
  });
});

describe('walk of a big tree (read on worker threads)', () => {
  it('hashes exactly as the tree format says, and a change shows in the hash', async () => {
    const root = tempGitRepo();
    await initRepo(root);
    const repo = repoAt(root);
    const data = path.join(root, 'big');
    // 6,300 entries: past the in-process limit, so the folders are shared with a worker. (Scanned,
    // not added: adding would wait for 12,000 files to reach the disk.)
    for (let d = 0; d < 30; d++) {
      const dir = path.join(data, `d${d}`, d % 3 === 0 ? 'inner' : '');
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 200; f++) writeFileSync(path.join(dir, `é${f}.bin`), `${d}/${f}`);
    }
    mkdirSync(path.join(data, 'empty'));
    const hashOf = async (): Promise<ScanNode> =>
      (await scan(data, { repo, cache: await StatCache.load(repo), symlinks: 'keep' })).root;
    expect(await hashOf()).toMatchObject({ files: 6000, hash: referenceHash(data) });
    rmSync(path.join(data, 'd9', 'inner', 'é0.bin'));
    writeFileSync(path.join(data, 'd7', 'é5.bin'), 'changed!');
    expect(await hashOf()).toMatchObject({ files: 5999, hash: referenceHash(data) });
  });
});

/** The tree hash computed from the format alone (docs/formats.md), by a plain recursive read. */
function referenceHash(dir: string): string {
  const entries: TreeEntry[] = readdirSync(dir).map((name) => {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      const files = countFiles(p);
      return { name, type: 'dir', hash: referenceHash(p), size: sizeOf(p), files };
    }
    return { name, type: 'file', hash: hashBytes(readFileSync(p)), size: st.size, exec: false };
  });
  return hashBytes(encodeTree(entries));
}

function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1),
    0,
  );
}

function sizeOf(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? sizeOf(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size),
    0,
  );
}
