import { build } from 'esbuild';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTableDiff, type TableDiffOptions, type TableSource } from '../../core/diff/table/index';
import { LineageError } from '../../core/errors';
import type { TableDiff } from '../../protocol/diff';
import { tempDir } from '../helpers/tmp';

/** The worker bundled as scripts/build.mjs bundles it (dist/tableWorker.js), here into a temp folder. */
let workerFile: string;
const workerDir = mkdtempSync(path.join(os.tmpdir(), 'lineage-worker-'));
afterAll(() => rmSync(workerDir, { recursive: true, force: true }));
beforeAll(async () => {
  const out = path.join(workerDir, 'tableWorker.js');
  await build({
    entryPoints: [path.join(__dirname, '../../core/diff/table/sideWorker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    logLevel: 'warning',
  });
  workerFile = out;
});

function write(dir: string, name: string, text: string): TableSource {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { file, label: `${name} at HEAD` };
}

/** Summary and every page of a diff. */
async function diffAll(
  before: TableSource,
  after: TableSource,
  options: TableDiffOptions,
): Promise<TableDiff> {
  const session = await openTableDiff(before, after, 't', {
    partitionBytes: 20_000,
    pageSize: 1_000_000,
    ...options,
  });
  try {
    expect(session.partitions).toBeGreaterThan(1);
    return { ...session.summary, page: await session.page(0) };
  } finally {
    await session.close();
  }
}

/** Rows `from`…`to` of a table with a quoted, a ragged and a non-ASCII cell here and there. */
function csvRows(from: number, to: number, change: (i: number) => boolean): string {
  let text = '';
  for (let i = from; i <= to; i++) {
    const score = change(i) ? (i * 0.25 + 1).toFixed(2) : (i * 0.25).toFixed(2);
    const name = i % 97 === 0 ? `"n, ${i}"` : i % 89 === 0 ? `café ${i}` : `n${i % 300}`;
    text += i % 501 === 0 ? `${i},${name}\n` : `${i},${name},${score},${i % 7 === 0 ? '' : i % 3}\n`;
  }
  return text;
}

describe('reading the after side on a worker thread', () => {
  it('gives the same diff as reading both sides on this thread', async () => {
    const dir = tempDir();
    const header = 'id,name,score,flag\n';
    const before = write(dir, 'before.csv', header + csvRows(1, 3000, () => false));
    const after = write(dir, 'after.csv', header + csvRows(20, 3100, (i) => i % 13 === 0));
    for (const keys of [['id'], []]) {
      const tmp = tempDir();
      const threaded = await diffAll(before, after, { keys, tmpDir: tmp, workerFile });
      const here = await diffAll(before, after, { keys, tmpDir: tmp, workerFile: null });
      expect(threaded).toEqual(here);
      expect(threaded.warnings.length).toBeGreaterThan(0); // ragged rows, found by the worker
      expect(readdirSync(tmp)).toEqual([]);
    }
    // The worker file is what reads the after side: without it there is no diff.
    const missing = path.join(workerDir, 'missing.js');
    await expect(diffAll(before, after, { keys: ['id'], workerFile: missing })).rejects.toThrow(
      /missing\.js/,
    );
  });

  it('reads JSON lines and reports the after side’s errors as on this thread', async () => {
    const dir = tempDir();
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, v: `x${i % 9}` }));
    const before = write(dir, 'before.jsonl', `${lines(2000).join('\n')}\n`);
    const grown = write(
      dir,
      'after.jsonl',
      `${lines(2100)
        .map((l, i) => (i === 5 ? l.replace('}', ',"w":1}') : l))
        .join('\n')}\n`,
    );
    const threaded = await diffAll(before, grown, { keys: ['id'], workerFile });
    expect(threaded).toEqual(await diffAll(before, grown, { keys: ['id'], workerFile: null }));
    expect(threaded.columns.map((c) => c.name)).toEqual(['id', 'v', 'w']);

    const broken = write(dir, 'broken.jsonl', `${lines(2000).join('\n')}\n{"id": 3,\n`);
    const errors = await Promise.all(
      [workerFile, null].map((file) =>
        diffAll(before, broken, { keys: ['id'], workerFile: file }).then(
          () => null,
          (err: unknown) => err,
        ),
      ),
    );
    expect(errors[0]).toBeInstanceOf(LineageError);
    expect((errors[0] as LineageError).message).toBe((errors[1] as LineageError).message);
    expect((errors[0] as LineageError).message).toMatch(/^broken\.jsonl at HEAD: /);

    const missingKey = await diffAll(before, grown, { keys: ['w'], workerFile }).catch((err: unknown) => err);
    expect(missingKey).toBeInstanceOf(LineageError);
  });

  it('stops the worker when the diff is cancelled, closing and removing its files', async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const header = 'id,name,score,flag\n';
    const before = write(dir, 'before.csv', header + csvRows(1, 200_000, () => false));
    const after = write(dir, 'after.csv', header + csvRows(1, 200_000, (i) => i % 5 === 0));
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const opened = openFiles();
    const controller = new AbortController();
    // Cancel once the worker has written some of its partition files.
    const watch = setInterval(() => {
      const session = readdirSync(tmp)[0];
      if (session && readdirSync(path.join(tmp, session)).some((name) => name.startsWith('after-'))) {
        clearInterval(watch);
        controller.abort(new Error('cancelled'));
      }
    }, 1);
    const diff = diffAll(before, after, { keys: ['id'], tmpDir: tmp, workerFile, signal: controller.signal });
    await expect(diff).rejects.toThrow('cancelled');
    clearInterval(watch);
    expect(readdirSync(tmp)).toEqual([]);
    expect(openFiles()).toBe(opened);
  });
});
