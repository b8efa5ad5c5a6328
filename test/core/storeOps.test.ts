import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPath, storeOf } from '../../core/datasets/add';
import { checkout } from '../../core/datasets/checkout';
import { fsck } from '../../core/datasets/fsck';
import { gc } from '../../core/datasets/gc';
import { readPointer } from '../../core/datasets/pointer';
import { datasetStatus } from '../../core/datasets/status';
import { unprotect } from '../../core/datasets/unprotect';
import { initRepo } from '../../core/init';
import { repoAt, type Repo } from '../../core/repo';
import { withRepoLock } from '../../core/store/lock';
import { git, tempGitRepo } from '../helpers/tmp';

async function setup(link?: string[]): Promise<{ repo: Repo; data: string }> {
  const root = tempGitRepo();
  await initRepo(root);
  if (link) writeFileSync(path.join(root, 'lineage.yaml'), `schema: 1\nlink: [${link.join(', ')}]\n`);
  const data = path.join(root, 'data');
  mkdirSync(path.join(data, 'sub', 'deep'), { recursive: true });
  mkdirSync(path.join(data, 'empty'));
  for (let i = 0; i < 20; i++) writeFileSync(path.join(data, `f${i}.txt`), `file ${i}\n`.repeat(i + 1));
  writeFileSync(path.join(data, 'sub', 'deep', 'x.csv'), 'a,b\n1,2\n');
  writeFileSync(path.join(data, 'tool.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(path.join(data, 'tool.sh'), 0o755);
  return { repo: repoAt(root), data };
}

const state = async (repo: Repo) => (await datasetStatus(repo, { files: true })).datasets[0];

describe('stat cache', () => {
  it('answers status and re-add without reading unchanged files', async () => {
    const { repo, data } = await setup();
    const first = await addPath(repo, data);
    expect(first.hashedFiles).toBe(22);
    const again = await addPath(repo, data);
    expect(again.hashedFiles).toBe(0);
    expect(again.pointer.sha256).toBe(first.pointer.sha256);
    // Point the cache entry of an unchanged file at other content: a status that read the file would
    // call it unchanged; one that trusts the stat cache (reads nothing) calls it modified. (Without
    // the tree memo, which would answer for the whole folder: see treeMemo.test.ts.)
    rmSync(path.join(repo.dir, 'state', 'tree-memo'), { force: true });
    const cacheFile = path.join(repo.dir, 'state', 'stat-cache');
    const lines = readFileSync(cacheFile, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.endsWith(' data/f3.txt'));
    lines[at] = 'a'.repeat(64) + lines[at]!.slice(64);
    writeFileSync(cacheFile, lines.join('\n'));
    expect(await state(repo)).toMatchObject({
      state: 'modified',
      modified: 1,
      changes: [{ path: 'f3.txt' }],
    });
    rmSync(cacheFile);
    expect((await state(repo))?.state).toBe('clean');
    const file = path.join(data, 'f3.txt');
    // A real edit changes the mtime and is seen.
    writeFileSync(file, 'edited');
    expect(await state(repo)).toMatchObject({ state: 'modified', modified: 1 });
  });

  it('survives a damaged cache file by re-hashing', async () => {
    const { repo, data } = await setup();
    await addPath(repo, data);
    writeFileSync(path.join(repo.dir, 'state', 'stat-cache'), 'lineage-stat-cache 1 17\nabc 1 2');
    rmSync(path.join(repo.dir, 'state', 'tree-memo'), { force: true });
    expect((await addPath(repo, data)).hashedFiles).toBe(22);
    expect((await state(repo))?.state).toBe('clean');
  });
});

describe('checkout', () => {
  it('restores a deleted dataset exactly: content, exec bits, empty folders, kept symlinks', async () => {
    const { repo, data } = await setup();
    symlinkSync('sub/deep/x.csv', path.join(data, 'link.csv'));
    const added = await addPath(repo, data);
    rmSync(data, { recursive: true });
    expect(await state(repo)).toMatchObject({ state: 'missing' });
    const [result] = await checkout(repo);
    expect(result).toMatchObject({ path: 'data', removed: 0, modified: 0 });
    expect(readFileSync(path.join(data, 'f5.txt'), 'utf8')).toBe('file 5\n'.repeat(6));
    expect(statSync(path.join(data, 'tool.sh')).mode & 0o111).not.toBe(0);
    expect(statSync(path.join(data, 'f1.txt')).mode & 0o222).not.toBe(0); // copy mode: writable
    expect(existsSync(path.join(data, 'empty'))).toBe(true);
    expect(readlinkSync(path.join(data, 'link.csv'))).toBe('sub/deep/x.csv');
    expect(await state(repo)).toMatchObject({ state: 'clean' });
    expect((await addPath(repo, data)).pointer.sha256).toBe(added.pointer.sha256);
  });

  it('touches only files that differ, and removes files and folders the version lacks', async () => {
    const { repo, data } = await setup();
    await addPath(repo, data);
    const untouched = lstatSync(path.join(data, 'f7.txt'));
    writeFileSync(path.join(data, 'f1.txt'), 'edited');
    mkdirSync(path.join(data, 'newdir'));
    writeFileSync(path.join(data, 'newdir', 'n.txt'), 'n');
    await addPath(repo, data); // save the edits so checkout may replace them
    const v2 = (await readPointer(path.join(repo.root, 'data.lineage'))).sha256;
    git(repo.root, 'add', '-A');
    git(repo.root, 'commit', '-q', '-m', 'v2');
    writeFileSync(path.join(data, 'f1.txt'), 'file 1\nfile 1\n');
    rmSync(path.join(data, 'newdir'), { recursive: true });
    await addPath(repo, data); // v3 = v1 content again
    expect((await readPointer(path.join(repo.root, 'data.lineage'))).sha256).not.toBe(v2);

    const [result] = await checkout(repo, { paths: [data], version: v2.slice(0, 10) });
    expect(result).toMatchObject({ added: 1, removed: 0, modified: 1, differsFromPointer: true });
    expect(readFileSync(path.join(data, 'f1.txt'), 'utf8')).toBe('edited');
    const after = lstatSync(path.join(data, 'f7.txt'));
    expect([after.ino, after.mtimeMs]).toEqual([untouched.ino, untouched.mtimeMs]);
    await checkout(repo, { paths: [data] });
    expect(existsSync(path.join(data, 'newdir'))).toBe(false);
    expect(await state(repo)).toMatchObject({ state: 'clean' });
  });

  it('refuses to overwrite or delete content the store does not have, unless forced', async () => {
    const { repo, data } = await setup();
    await addPath(repo, data);
    writeFileSync(path.join(data, 'f2.txt'), 'precious unsaved work');
    writeFileSync(path.join(data, 'mine.txt'), 'also unsaved');
    await expect(checkout(repo)).rejects.toThrow(
      /2 file\(s\) whose content is not in the store: data\/f2.txt, data\/mine.txt/,
    );
    expect(readFileSync(path.join(data, 'f2.txt'), 'utf8')).toBe('precious unsaved work');
    await checkout(repo, { force: true });
    expect(existsSync(path.join(data, 'mine.txt'))).toBe(false);
    expect(await state(repo)).toMatchObject({ state: 'clean' });
  });

  it('hardlink strategy shares read-only inodes with the store; unprotect makes a writable copy', async () => {
    const { repo, data } = await setup(['hardlink', 'copy']);
    const first = await addPath(repo, data);
    // An executable is copied, not linked: the user's file keeps its exec bit and stays writable.
    expect(statSync(path.join(data, 'tool.sh')).mode & 0o777).toBe(0o755);
    expect(await state(repo)).toMatchObject({ state: 'clean' });
    expect((await addPath(repo, data)).pointer.sha256).toBe(first.pointer.sha256);
    const file = path.join(data, 'f4.txt');
    expect(statSync(file).nlink).toBe(2); // add linked the file into the store
    expect(statSync(file).mode & 0o222).toBe(0);
    rmSync(data, { recursive: true });
    await checkout(repo);
    expect(statSync(file).nlink).toBeGreaterThanOrEqual(2);
    expect(statSync(path.join(data, 'tool.sh')).nlink).toBe(1); // exec bit: hardlink impossible, copied
    expect(await unprotect(repo, [file])).toBe(1);
    expect(statSync(file).nlink).toBe(1);
    writeFileSync(file, 'now editable');
    expect(await state(repo)).toMatchObject({ state: 'modified', modified: 1 });
    expect((await fsck(repo)).issues).toEqual([]); // the store was not touched by the edit
  });

  it('symlink strategy points into the store, and status still reads the dataset as clean', async () => {
    const { repo, data } = await setup(['symlink', 'copy']);
    await addPath(repo, data);
    rmSync(data, { recursive: true });
    await checkout(repo);
    const link = path.join(data, 'f9.txt');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link).startsWith(path.join(repo.cache, 'sha256'))).toBe(true);
    expect(readFileSync(link, 'utf8')).toBe('file 9\n'.repeat(10));
    expect(await state(repo)).toMatchObject({ state: 'clean' });
    await unprotect(repo, [data]);
    expect(lstatSync(link).isFile()).toBe(true);
    expect(await state(repo)).toMatchObject({ state: 'clean' });
  });
});

describe('gc', () => {
  it('is a dry run by default, deletes with force, and keeps what git history references when asked', async () => {
    const { repo, data } = await setup();
    await addPath(repo, data);
    git(repo.root, 'add', '-A');
    git(repo.root, 'commit', '-q', '-m', 'v1');
    git(repo.root, 'checkout', '-q', '-b', 'experiment');
    for (const version of ['v2', 'v2b']) {
      writeFileSync(path.join(data, 'f0.txt'), `${version} on a branch`);
      await addPath(repo, data);
      git(repo.root, 'commit', '-q', '-am', version);
    }
    git(repo.root, 'checkout', '-q', 'main');
    await checkout(repo, { force: true });
    writeFileSync(path.join(data, 'f0.txt'), 'uncommitted version');
    await addPath(repo, data); // v3, only in the workspace

    // Each version differs from the others by its root tree and its f0.txt.
    const dry = await gc(repo, { history: null, force: false });
    expect(dry.deleted).toBe(false);
    expect(dry.unreferenced).toHaveLength(6); // v1, v2, v2b
    expect((await gc(repo, { history: 'branches', force: false })).unreferenced).toHaveLength(2); // v2
    expect((await gc(repo, { history: 'all-commits', force: false })).unreferenced).toHaveLength(0);

    const forced = await gc(repo, { history: 'branches', force: true });
    expect(forced.deleted).toBe(true);
    expect((await fsck(repo)).issues).toEqual([]);
    expect((await gc(repo, { history: 'branches', force: false })).unreferenced).toHaveLength(0);
  });

  it('refuses to delete while a pointer cannot be read', async () => {
    const { repo, data } = await setup();
    await addPath(repo, data);
    writeFileSync(path.join(data, 'f0.txt'), 'x');
    await addPath(repo, data);
    writeFileSync(path.join(repo.root, 'broken.lineage'), 'schema: 1\npath: [');
    const result = await gc(repo, { history: null, force: true });
    expect(result.deleted).toBe(false);
    expect(result.unreferenced.length).toBeGreaterThan(0);
    expect(result.problems[0]?.file).toBe('broken.lineage');
  });
});

describe('fsck', () => {
  it('quarantines a corrupt object and reports missing ones, naming where they are used', async () => {
    const { repo, data } = await setup();
    const { pointer } = await addPath(repo, data);
    expect(await fsck(repo)).toMatchObject({ issues: [], quarantined: [] });
    const store = storeOf(repo);
    const victim = (await readPointer(path.join(repo.root, 'data.lineage'))).sha256;
    expect(victim).toBe(pointer.sha256);
    let fileObject = '';
    for await (const h of store.list())
      if (readFileSync(store.objectPath(h), 'utf8') === 'file 0\n') fileObject = h;
    chmodSync(store.objectPath(fileObject), 0o644);
    writeFileSync(store.objectPath(fileObject), 'bit rot');
    const result = await fsck(repo);
    expect(result.issues.map((i) => [i.kind, i.target])).toEqual([
      ['corrupt', fileObject],
      ['missing', fileObject],
    ]);
    expect(result.issues[1]?.message).toContain('data/f0.txt');
    expect(readFileSync(result.quarantined[0]!, 'utf8')).toBe('bit rot');
    expect(store.has(fileObject)).toBe(false);
    await addPath(repo, data); // re-adding heals the store from the workspace copy
    expect((await fsck(repo)).issues).toEqual([]);
  });
});

describe('cancelling add', () => {
  it.each(['scan', 'hash', 'store'] as const)(
    'during %s leaves no pointer and no staged objects',
    async (phase) => {
      const { repo, data } = await setup();
      const controller = new AbortController();
      const add = addPath(repo, data, {
        signal: controller.signal,
        onProgress: (_name, p) => {
          if (p.phase === phase) controller.abort(new Error('cancelled'));
        },
      });
      await expect(add).rejects.toThrow(/cancelled/);
      expect(existsSync(path.join(repo.root, 'data.lineage'))).toBe(false);
      expect(readdirSync(repo.tmp)).toEqual([]);
      expect((await fsck(repo)).issues).toEqual([]);
    },
  );
});

describe('bad input', () => {
  it('refuses special files, links out of the repository and non-UTF-8 names, naming the path', async () => {
    const { repo, data } = await setup();
    const fifo = path.join(data, 'pipe');
    await new Promise((resolve) => spawn('mkfifo', [fifo]).on('exit', resolve));
    await expect(addPath(repo, data)).rejects.toThrow(`${fifo}: not a regular file, folder or symbolic link`);
    rmSync(fifo);
    symlinkSync('/etc/passwd', path.join(data, 'escape'));
    await expect(addPath(repo, data)).rejects.toThrow(/escape: symbolic link points outside the repository/);
    rmSync(path.join(data, 'escape'));
    writeFileSync(
      Buffer.concat([Buffer.from(data + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]),
      'x',
    );
    await expect(addPath(repo, data)).rejects.toThrow(
      `${data}: contains a file name that is not valid UTF-8`,
    );
    rmSync(Buffer.concat([Buffer.from(data + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]));
    writeFileSync(path.join(data, 'a\\b.csv'), 'x');
    await expect(addPath(repo, data)).rejects.toThrow(`${data}/a\\b.csv: a file name contains a backslash`);
    expect(existsSync(path.join(repo.root, 'data.lineage'))).toBe(false);
    expect(readdirSync(repo.tmp)).toEqual([]);
  });

  it('follows symlinks inside the repository when configured', async () => {
    const { repo, data } = await setup();
    writeFileSync(path.join(repo.root, 'lineage.yaml'), 'schema: 1\nsymlinks: follow\n');
    mkdirSync(path.join(repo.root, 'shared'));
    writeFileSync(path.join(repo.root, 'shared', 'labels.csv'), 'id\n1\n');
    symlinkSync('../shared/labels.csv', path.join(data, 'labels.csv'));
    const { pointer } = await addPath(repo, data);
    expect(pointer.files).toBe(23);
  });

  it('refuses a file that changes while it is hashed', async () => {
    const { repo } = await setup();
    const big = path.join(repo.root, 'growing.bin');
    writeFileSync(big, Buffer.alloc(256 * 1024 * 1024, 1));
    const writer = spawn('sh', ['-c', `while :; do printf x >> '${big}'; done`]);
    try {
      await expect(addPath(repo, big)).rejects.toThrow(/changed while it was being read/);
    } finally {
      writer.kill('SIGKILL');
    }
    expect(existsSync(big + '.lineage')).toBe(false);
  });

  it('waits for the repository lock and takes over a stale one', async () => {
    const { repo, data } = await setup();
    writeFileSync(
      path.join(repo.dir, 'lock'),
      JSON.stringify({ host: hostname(), pid: 2 ** 22 + 7, what: 'add' }),
    );
    await addPath(repo, data); // the holder is dead: taken over
    const held = withRepoLock(repo, 'test', () => new Promise((r) => setTimeout(r, 400)));
    const started = Date.now();
    await addPath(repo, data);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await held;
    await expect(
      withRepoLock(repo, 'outer', () => withRepoLock(repo, 'inner', async () => 1, 200)),
    ).rejects.toThrow(/locked by pid \d+ on .* \(outer\)/);
  });
});
