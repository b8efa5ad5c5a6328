// Shared by the Dataset Diff webview tests (datasetDiff.*.test.ts): a per-file browser with pages that
// fail the test on any error, generated diffs and table diffs (answered through the panel's message
// protocol, as the extension host would), and helpers that read the rendered panel.
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import type { DatasetDiff, DiffSide, FileDiffEntry } from '../../protocol/diff';
import type { DatasetDiffToHost, DatasetDiffToWebview } from '../../protocol/webview';
import { openPanel, type OpenOptions, type PanelBundle, type PanelPage } from './harness';
import { tableDiff } from './diffTableFixtures';
import { usePages } from './fixtures';

export { tableDiff };

/** The Dataset Diff panel's bundle and a title like the one its host gives it. */
export const DATASET_DIFF: PanelBundle = { bundle: 'datasetDiff', title: 'Lineage Dataset Diff' };

/** `usePages` (fixtures.ts) for the Dataset Diff panel. */
export function useDiffPanels(): (options: OpenOptions) => Promise<PanelPage> {
  return usePages(async (browser: Browser, options: OpenOptions) => {
    const p = await openPanel(browser, { ...options, panel: DATASET_DIFF });
    p.page.setDefaultTimeout(5000); // a missing element fails the test quickly, naming the locator
    return p;
  });
}

// ---------------------------------------------------------------------------------------------
// Data: what core/diff produces for a small image-classification dataset.

/** The commit of side `a` (HEAD). */
export const COMMIT = '3f9c2a1e7b5d48c09e6f1a2b3c4d5e6f70819a2b';
const hex = (seed: number): string =>
  (seed * 2654435761).toString(16).padStart(8, '0').repeat(8).slice(0, 64);

function side(rev: string, label: string, commit: string | null, size: number, files: number): DiffSide {
  return { rev, label, commit, hash: hex(size), size, files };
}

/** A diff from its changes: counts and the bytes delta follow from them. */
export function makeDiff(changes: FileDiffEntry[], extra: Partial<DatasetDiff> = {}): DatasetDiff {
  const counts = { added: 0, removed: 0, modified: 0, renamed: 0, bytesDelta: 0 };
  for (const c of changes) {
    counts[c.change] += 1;
    if (c.change === 'added') counts.bytesDelta += c.size;
    if (c.change === 'removed') counts.bytesDelta -= c.size;
    if (c.change === 'modified') counts.bytesDelta += c.size - (c.oldSize ?? c.size);
  }
  return {
    dataset: 'data/train',
    a: side('HEAD', 'HEAD (3f9c2a1)', COMMIT, 52_428_800, 1204),
    b: side(
      'workspace',
      'workspace',
      null,
      52_428_800 + counts.bytesDelta,
      1204 + counts.added - counts.removed,
    ),
    counts,
    changes,
    missing: [],
    ...extra,
  };
}

const file = (
  path: string,
  change: FileDiffEntry['change'],
  size: number,
  more: Partial<FileDiffEntry> = {},
) =>
  ({
    path,
    change,
    type: 'file',
    size,
    ...(change === 'removed' ? { oldHash: hex(size) } : { newHash: hex(size + 1) }),
    ...more,
  }) satisfies FileDiffEntry;

/** Twelve changes of every kind, with nested and single-child folders, a rename and an empty folder. */
export function sampleChanges(): FileDiffEntry[] {
  return [
    file('images/cats/cat_001.png', 'added', 20_480),
    file('images/cats/cat_010.png', 'added', 18_000),
    file('images/cats/cat_002.png', 'added', 19_456),
    file('images/dogs/dog_014.png', 'removed', 22_000),
    file('images/dogs/dog_015.png', 'modified', 21_504, { oldSize: 21_000, oldHash: hex(1) }),
    file('images/dogs/puppy_003.png', 'renamed', 15_000, { from: 'images/cats/puppy_003.png' }),
    file('labels.csv', 'modified', 43_008, { oldSize: 40_960, oldHash: hex(2) }),
    file('meta/events.jsonl', 'modified', 9_800, { oldSize: 9_500, oldHash: hex(3) }),
    file('meta/schema.json', 'modified', 512, { oldSize: 498, oldHash: hex(4) }),
    file('meta/splits/test.parquet', 'added', 131_072),
    file('notes/2024/q1/summary.txt', 'added', 1_200),
    file('README.md', 'removed', 2_048),
    { path: 'scratch', change: 'added', type: 'dir', size: 0 },
  ];
}

/** The changed files that are tables (the host decides by extension and format). */
export const SAMPLE_TABLES = ['labels.csv', 'meta/events.jsonl', 'meta/splits/test.parquet'];

/** A stored tree the local store lacks. */
export const MISSING = [{ hash: 'ab12cd34ef56'.padEnd(64, '0'), path: 'archive/2023' }];

/** HEAD against the workspace: the sample changes, one missing tree. */
export function sampleDiff(): DatasetDiff {
  return makeDiff(sampleChanges(), { missing: MISSING });
}

/** The host's `diff` message. */
export function diffMessage(diff = sampleDiff(), tables = SAMPLE_TABLES): DatasetDiffToWebview {
  return { type: 'diff', diff, tables };
}

/** `count` changes over 20 shards × 50 parts, every kind in each (e.g. a re-exported image set). */
export function manyChanges(count: number): FileDiffEntry[] {
  const kinds: FileDiffEntry['change'][] = ['modified', 'added', 'modified', 'removed', 'renamed'];
  return Array.from({ length: count }, (_, i) => {
    const shard = String(Math.floor(i / 5) % 20).padStart(2, '0');
    const where = `shard-${shard}/part-${String(Math.floor(i / 100) % 50).padStart(3, '0')}`;
    const path = `${where}/img-${String(i).padStart(6, '0')}.jpg`;
    const change = kinds[i % kinds.length] ?? 'modified';
    const size = 10_000 + ((i * 7919) % 90_000);
    if (change === 'modified') return file(path, change, size, { oldSize: size - 100, oldHash: hex(i) });
    if (change === 'renamed') return file(path, change, size, { from: `${where}/old-${i}.jpg` });
    return file(path, change, size);
  });
}

// ---------------------------------------------------------------------------------------------
// Talking to the panel.

/** The messages the panel posted, typed. */
export async function posted(p: PanelPage): Promise<DatasetDiffToHost[]> {
  return (await p.posted()) as DatasetDiffToHost[];
}

/** Wait until the panel has posted `count` messages; returns them. */
export async function waitForPosted(p: PanelPage, count: number): Promise<DatasetDiffToHost[]> {
  await expect.poll(async () => (await p.posted()).length, { timeout: 5000 }).toBeGreaterThanOrEqual(count);
  return posted(p);
}

/** Answer the panel's last `table` request from the fixtures, as the host would. */
export async function answerTable(p: PanelPage): Promise<DatasetDiffToHost & { type: 'table' }> {
  const request = (await posted(p)).findLast((m) => m.type === 'table');
  if (!request || request.type !== 'table') throw new Error('the panel asked for no table');
  await p.send({
    type: 'table',
    path: request.path,
    result: tableDiff(request.path, request.offset, request.keys),
  });
  return request;
}

/** Open the sample diff and click `path` in the tree. */
export async function clickFile(p: PanelPage, path: string): Promise<void> {
  await p.page.locator(`.tree-row[data-path="${path}"]`).click();
}

// ---------------------------------------------------------------------------------------------
// Reading the panel.

/** One tree row as read from the DOM. */
export interface TreeRowView {
  level: number;
  name: string;
  /** Files: the badge letter; folders: '+' expanded, '-' collapsed. */
  mark: string;
  /** Files: the size column (and rename description); folders: the counts. */
  detail: string;
  selected: boolean;
}

/** The tree rows in the DOM, top to bottom. */
export function readTree(p: PanelPage): Promise<TreeRowView[]> {
  return p.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.tree [role=treeitem]')]
      .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
      .map((row) => {
        const text = (selector: string): string => row.querySelector(selector)?.textContent ?? '';
        const folder = row.classList.contains('folder');
        return {
          level: Number(row.getAttribute('aria-level')),
          name: text('.name'),
          mark: folder ? (row.getAttribute('aria-expanded') === 'true' ? '+' : '-') : text('.badge'),
          detail: folder
            ? [...row.querySelectorAll('.count')].map((c) => c.textContent).join(' ')
            : [text('.description'), text('.size')].filter(Boolean).join(' | '),
          selected: row.getAttribute('aria-selected') === 'true',
        };
      }),
  );
}

/** `level name mark detail` per row: compact for whole-tree assertions. */
export async function treeLines(p: PanelPage): Promise<string[]> {
  return (await readTree(p)).map((r) =>
    `${'  '.repeat(r.level - 1)}${r.name} ${r.mark} ${r.detail}`.trimEnd(),
  );
}

/** Text of the first element matching `selector`. */
export async function text(p: PanelPage, selector: string): Promise<string> {
  return (await p.page.locator(selector).first().textContent()) ?? '';
}

/** The element's computed colour of `property`, as `rgb(...)`. */
export function colorOf(p: PanelPage, selector: string, property = 'color'): Promise<string> {
  return p.page
    .locator(selector)
    .first()
    .evaluate((el, prop) => getComputedStyle(el).getPropertyValue(prop), property);
}

/** `#81b88b` or `rgba(…)` theme values as the browser computes them. */
export function rgb(value: string | undefined): string {
  if (!value) throw new Error('no colour');
  if (!value.startsWith('#')) return value;
  const n = Number.parseInt(value.slice(1, 7), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** The tree's filter box. */
export const filterBox = (p: PanelPage) => p.page.getByRole('searchbox', { name: 'Filter changed files' });
/** The tree (role=tree) that holds the rows and keyboard focus. */
export const treeList = (p: PanelPage) => p.page.getByRole('tree', { name: 'Changed files' });

/** The row the tree's aria-activedescendant points at (keyboard focus): its name, or null. */
export function activeRow(p: PanelPage): Promise<string | null> {
  return p.page.evaluate(() => {
    const id = document.querySelector('.tree')?.getAttribute('aria-activedescendant');
    return id ? (document.getElementById(id)?.querySelector('.name')?.textContent ?? null) : null;
  });
}

/** The changed rows table: header labels and cell texts; a changed cell reads `old → new`. */
export function readRows(p: PanelPage): Promise<{ headers: string[]; rows: string[][] }> {
  return p.page.evaluate(() => {
    const table = document.querySelector('.rows-table');
    const cell = (td: Element): string =>
      td.matches('.cell.changed')
        ? `${td.querySelector('del')?.textContent ?? ''} → ${td.querySelector('ins')?.textContent ?? ''}`
        : (td.textContent ?? '');
    return {
      headers: [...(table?.querySelectorAll('thead th') ?? [])].map((th) => th.textContent ?? ''),
      rows: [...(table?.querySelectorAll('tbody tr') ?? [])].map((tr) => [...tr.children].map(cell)),
    };
  });
}

/** Rows of a grid as cell texts (`th` and `td`), e.g. the schema diff or a column's statistics. */
export function readGrid(p: PanelPage, selector: string): Promise<string[][]> {
  return p.page
    .locator(selector)
    .first()
    .evaluate((table) =>
      [...table.querySelectorAll('tbody tr')].map((tr) =>
        [...tr.children].map((td) =>
          td.querySelector('li')
            ? [...td.querySelectorAll('li')].map((li) => li.textContent).join(', ')
            : (td.textContent ?? ''),
        ),
      ),
    );
}

/** The row summary: label → number. */
export async function readRowCounts(p: PanelPage): Promise<Record<string, string>> {
  const items = await p.page
    .locator('.row-count')
    .evaluateAll((els) =>
      els.map((el) => [el.querySelector('dt')?.textContent ?? '', el.querySelector('dd')?.textContent ?? '']),
    );
  return Object.fromEntries(items);
}
