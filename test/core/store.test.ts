import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareNames, decodeTree, encodeTree } from '../../core/datasets/tree';
import { hashFiles } from '../../core/store/hashPool';
import { ObjectStore } from '../../core/store/objects';
import { tempDir } from '../helpers/tmp';

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function newStore(): { store: ObjectStore; dir: string } {
  const dir = tempDir();
  return { store: new ObjectStore(path.join(dir, 'cache'), path.join(dir, 'tmp')), dir };
}

describe('ObjectStore', () => {
  it('names objects by SHA-256 and lays them out as sha256/ab/cdef…', async () => {
    const { store, dir } = newStore();
    const hash = await store.putBytes(Buffer.from('hello\n'));
    expect(hash).toBe(sha('hello\n'));
    const file = path.join(dir, 'cache', 'sha256', hash.slice(0, 2), hash.slice(2));
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    expect(statSync(file).mode & 0o222).toBe(0); // objects are read-only
    expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]); // staging removed
  });

  it('hashes on worker threads while staging a copy, then publishes exactly the hashed bytes', async () => {
    const { store, dir } = newStore();
    const files = [0, 1, 3 * 1024 * 1024 + 17, 5].map((n, i) => {
      const file = path.join(dir, `f${i}.bin`);
      writeFileSync(file, Buffer.alloc(n, i + 1));
      return file;
    });
    const staging = await store.stage();
    const results = await hashFiles(
      files.map((src) => ({ src, tmp: staging.next(), mode: 'copy' as const })),
    );
    const staged = results.map((r, i) => {
      if (!('hash' in r)) throw new Error(r.error.message);
      expect(r.hash).toBe(sha(readFileSync(files[i]!)));
      expect(r.size).toBe(statSync(files[i]!).size);
      return { tmp: path.join(staging.dir, String(i + 1)), hash: r.hash };
    });
    await store.publish(staged, staging);
    for (const file of files) {
      const hash = sha(readFileSync(file));
      expect((await store.readVerified(hash)).equals(readFileSync(file))).toBe(true);
    }
    expect(readdirSync(staging.dir)).toEqual([]);
    await staging.remove();
  });

  it('reports unreadable and vanished files per file instead of failing the batch', async () => {
    const { dir } = newStore();
    const ok = path.join(dir, 'ok');
    writeFileSync(ok, 'fine');
    const results = await hashFiles([
      { src: ok, tmp: null, mode: 'hash' },
      { src: path.join(dir, 'missing'), tmp: null, mode: 'hash' },
      { src: dir, tmp: null, mode: 'hash' },
    ]);
    expect(results[0]).toMatchObject({ hash: sha('fine'), size: 4 });
    expect(results[1]).toMatchObject({ error: { code: 'ENOENT' } });
    expect(results[2]).toMatchObject({ error: { code: expect.stringMatching(/EISDIR|ENOTFILE/) } });
  });

  it('detects a corrupt object on read and names the file', async () => {
    const { store } = newStore();
    const hash = await store.putBytes(Buffer.from('payload'));
    const file = store.objectPath(hash);
    chmodSync(file, 0o644);
    writeFileSync(file, 'tampered');
    await expect(store.readVerified(hash)).rejects.toThrow(`${file}: object is corrupt`);
    await expect(store.readVerified(sha('absent'))).rejects.toThrow(/is missing from the cache/);
  });

  it('rejects ids that are not SHA-256 digests (no path traversal through ids)', () => {
    const { store } = newStore();
    expect(() => store.objectPath('../../etc/passwd')).toThrow(/not a SHA-256 object id/);
    expect(existsSync(store.objectPath(sha('x')))).toBe(false);
  });
});

describe('tree objects', () => {
  const file = { type: 'file' as const, hash: sha('a'), size: 1, exec: false };

  it('encode canonically: same entries in any order give the same bytes, sorted by UTF-8 bytes', () => {
    const entries = [
      { ...file, name: 'é.csv' },
      { ...file, name: 'B.csv' },
      { name: 'sub', type: 'dir' as const, hash: sha('t'), size: 5, files: 2 },
      { ...file, name: 'a.csv' },
    ];
    const a = encodeTree(entries);
    const b = encodeTree([...entries].reverse());
    expect(a.equals(b)).toBe(true);
    expect(decodeTree(a, 'tree').map((e) => e.name)).toEqual(['B.csv', 'a.csv', 'sub', 'é.csv']);
  });

  it('reject malformed trees: bad names, bad hashes, duplicates, junk', () => {
    const bad = (entries: unknown[]): Buffer => Buffer.from(JSON.stringify({ schema: 1, entries }));
    expect(() => decodeTree(bad([{ ...file, name: '..' }]), 'T')).toThrow(/T: malformed tree object/);
    expect(() => decodeTree(bad([{ ...file, name: 'a/b' }]), 'T')).toThrow(/single path component/);
    expect(() => decodeTree(bad([{ ...file, name: 'a', hash: 'xyz' }]), 'T')).toThrow(/SHA-256/);
    expect(() =>
      decodeTree(
        bad([
          { ...file, name: 'a' },
          { ...file, name: 'a' },
        ]),
        'T',
      ),
    ).toThrow(/duplicate/);
    expect(() => decodeTree(Buffer.from('{not json'), 'T')).toThrow(/not valid UTF-8 JSON/);
    expect(() => decodeTree(Buffer.from([0xff, 0xfe]), 'T')).toThrow(/not valid UTF-8 JSON/);
  });
});

describe('compareNames', () => {
  it('orders names by their UTF-8 bytes, also where UTF-16 order differs', () => {
    const names = ['b', 'a', 'Z', 'é', '\uffff', '😀', 'ab', '', 'a\u0000'];
    const byBytes = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...names].sort(compareNames)).toEqual(byBytes);
    expect(byBytes.indexOf('\uffff')).toBeLessThan(byBytes.indexOf('😀')); // UTF-16 order says otherwise
  });
});
