// Table diffs for the Dataset Diff webview tests, as core/diff's table diff would answer them: one
// page of changed rows at the asked offset, for the configured keys or the ones the panel asks for.
import type { ColumnDiff, ColumnStats, RowDiff, TableDiff } from '../../protocol/diff';

/** Changed rows per page (the host's page size). */
export const PAGE_SIZE = 100;

const stats = (s: Partial<ColumnStats> & { count: number }): ColumnStats => ({
  nulls: 0,
  distinct: s.count,
  distinctCapped: false,
  ...s,
});

function column(
  name: string,
  change: ColumnDiff['change'],
  before: ColumnDiff['before'],
  after: ColumnDiff['after'],
  statsBefore: ColumnStats | null,
  statsAfter: ColumnStats | null,
  changedCells = 0,
): ColumnDiff {
  return { name, change, before, after, statsBefore, statsAfter, changedCells };
}

function page(rows: RowDiff[], offset: number): TableDiff['page'] {
  return { offset, total: rows.length, rows: rows.slice(offset, offset + PAGE_SIZE) };
}

// ---- labels.csv: keyed on `id` (configured), 250 changed rows, every kind of column change --------

/** labels.csv's columns: same, retyped, added and removed ones. */
const LABEL_COLUMNS: ColumnDiff[] = [
  column(
    'id',
    'same',
    'integer',
    'integer',
    stats({ count: 1000, min: 1000, max: 3997, mean: 2498.5 }),
    stats({ count: 1030, min: 1000, max: 4087, mean: 2543.5 }),
  ),
  column(
    'label',
    'same',
    'string',
    'string',
    stats({
      count: 1000,
      distinct: 3,
      top: [
        { value: 'cat', count: 512 },
        { value: 'dog', count: 480 },
        { value: 'bird', count: 8 },
      ],
    }),
    stats({
      count: 1028,
      nulls: 2,
      distinct: 3,
      top: [
        { value: 'cat', count: 530 },
        { value: 'dog', count: 490 },
        { value: 'bird', count: 8 },
      ],
    }),
    67,
  ),
  column(
    'score',
    'retyped',
    'integer',
    'number',
    stats({ count: 1000, distinct: 100, min: 0, max: 99, mean: 49.5 }),
    stats({ count: 1030, distinct: 1030, min: 0.01, max: 99.98, mean: 50.1234 }),
    200,
  ),
  column(
    'split',
    'added',
    null,
    'string',
    null,
    stats({
      count: 1030,
      distinct: 2,
      top: [
        { value: 'train', count: 824 },
        { value: 'val', count: 206 },
      ],
    }),
  ),
  column(
    'weight',
    'removed',
    'number',
    null,
    stats({ count: 990, nulls: 10, distinct: 5, min: 0.5, max: 2, mean: 1.1 }),
    null,
  ),
];

/** The i-th changed row of labels.csv (key order): 40 added, 10 removed, 200 changed. */
function labelRow(i: number): RowDiff {
  const id = String(1000 + i * 3);
  const label = ['cat', 'dog', 'bird'][i % 3] ?? 'cat';
  const kind = i % 25 < 4 ? 'added' : i % 25 === 4 ? 'removed' : 'changed';
  const before = [id, label, String(i % 100), null, '1.0'];
  const after = [id, label, `${i % 100}.5`, i % 5 ? 'train' : 'val', null];
  if (kind === 'added')
    return { change: kind, key: [id], rowBefore: null, rowAfter: i + 1, before: null, after, changed: [] };
  if (kind === 'removed')
    return { change: kind, key: [id], rowBefore: i + 1, rowAfter: null, before, after: null, changed: [] };
  const relabel = i % 3 === 0;
  if (relabel) after[1] = label === 'cat' ? 'dog' : 'cat';
  return {
    change: kind,
    key: [id],
    rowBefore: i + 1,
    rowAfter: i + 1,
    before,
    after,
    changed: relabel ? [1, 2] : [2],
  };
}

function labels(offset: number): TableDiff {
  const rows = Array.from({ length: 250 }, (_, i) => labelRow(i));
  return {
    path: 'labels.csv',
    format: 'csv',
    matching: 'key',
    keys: ['id'],
    columns: LABEL_COLUMNS,
    rows: { before: 1000, after: 1030, added: 40, removed: 10, changed: 200, unchanged: 790 },
    duplicateKeys: 2,
    page: page(rows, offset),
    warnings: [],
  };
}

// ---- meta/events.jsonl: no configured key (content matching) unless the panel asks for keys ---------

const EVENT_COLUMNS: ColumnDiff[] = [
  column(
    'event_id',
    'same',
    'integer',
    'integer',
    stats({ count: 500, min: 1, max: 500, mean: 250.5 }),
    stats({ count: 505, min: 1, max: 505, mean: 253 }),
  ),
  column(
    'ts',
    'same',
    'timestamp',
    'timestamp',
    stats({ count: 500, min: '2026-11-01T00:00:00Z', max: '2026-11-20T23:59:00Z' }),
    stats({ count: 505, min: '2026-11-01T00:00:00Z', max: '2026-11-24T08:00:00Z' }),
  ),
  column(
    'kind',
    'same',
    'string',
    'string',
    stats({
      count: 500,
      distinct: 2,
      top: [
        { value: 'click', count: 400 },
        { value: 'view', count: 100 },
      ],
    }),
    stats({
      count: 505,
      distinct: 2,
      top: [
        { value: 'click', count: 403 },
        { value: 'view', count: 102 },
      ],
    }),
  ),
  column(
    'value',
    'same',
    'number',
    'number',
    stats({ count: 500, distinct: 90, min: 0, max: 9.5, mean: 3.2 }),
    stats({ count: 505, distinct: 92, min: 0, max: 9.5, mean: 3.25 }),
  ),
];

const event = (n: number, value: string): (string | null)[] => [
  String(n),
  `2026-11-${String(1 + (n % 24)).padStart(2, '0')}T08:00:00Z`,
  n % 4 ? 'click' : 'view',
  value,
];

function events(offset: number, keys: string[] | undefined): TableDiff {
  const base = {
    path: 'meta/events.jsonl',
    format: 'jsonl' as const,
    columns: EVENT_COLUMNS,
    warnings: ['meta/events.jsonl: line 212: not valid JSON, skipped'],
  };
  if (!keys?.length) {
    // Seven edited events show as removed + added, five new ones as added.
    const rows: RowDiff[] = [];
    for (let n = 0; n < 7; n += 1) {
      const at = 40 + n * 60;
      rows.push({
        change: 'removed',
        key: [],
        rowBefore: at,
        rowAfter: null,
        before: event(at, '1'),
        after: null,
        changed: [],
      });
      rows.push({
        change: 'added',
        key: [],
        rowBefore: null,
        rowAfter: at,
        before: null,
        after: event(at, '1.5'),
        changed: [],
      });
    }
    for (let n = 501; n <= 505; n += 1)
      rows.push({
        change: 'added',
        key: [],
        rowBefore: null,
        rowAfter: n,
        before: null,
        after: event(n, '2'),
        changed: [],
      });
    return {
      ...base,
      matching: 'content',
      keys: [],
      rows: { before: 500, after: 505, added: 12, removed: 7, changed: 0, unchanged: 493 },
      duplicateKeys: 0,
      page: page(rows, offset),
    };
  }
  const index = keys.map((k) => EVENT_COLUMNS.findIndex((c) => c.name === k));
  const rows: RowDiff[] = [];
  for (let n = 0; n < 7; n += 1) {
    const at = 40 + n * 60;
    const after = event(at, '1.5');
    rows.push({
      change: 'changed',
      key: index.map((i) => after[i] ?? null),
      rowBefore: at,
      rowAfter: at,
      before: event(at, '1'),
      after,
      changed: [3],
    });
  }
  for (let n = 501; n <= 505; n += 1) {
    const after = event(n, '2');
    rows.push({
      change: 'added',
      key: index.map((i) => after[i] ?? null),
      rowBefore: null,
      rowAfter: n,
      before: null,
      after,
      changed: [],
    });
  }
  return {
    ...base,
    matching: 'key',
    keys,
    rows: { before: 500, after: 505, added: 5, removed: 0, changed: 7, unchanged: 493 },
    duplicateKeys: 0,
    page: page(rows, offset),
  };
}

// ---- meta/splits/test.parquet: a new table, every row added ---------------------------------------

function parquet(offset: number): TableDiff {
  const rows = Array.from({ length: 2000 }, (_, i): RowDiff => {
    const after = [String(i), `img-${i}.png`, i % 2 ? 'cat' : 'dog'];
    return {
      change: 'added',
      key: [String(i)],
      rowBefore: null,
      rowAfter: i + 1,
      before: null,
      after,
      changed: [],
    };
  });
  return {
    path: 'meta/splits/test.parquet',
    format: 'parquet',
    matching: 'key',
    keys: ['row_id'],
    columns: [
      column(
        'row_id',
        'added',
        null,
        'integer',
        null,
        stats({ count: 2000, min: 0, max: 1999, mean: 999.5 }),
      ),
      column('file', 'added', null, 'string', null, stats({ count: 2000, distinctCapped: false })),
      column(
        'label',
        'added',
        null,
        'string',
        null,
        stats({
          count: 2000,
          distinct: 2,
          top: [
            { value: 'cat', count: 1000 },
            { value: 'dog', count: 1000 },
          ],
        }),
      ),
    ],
    rows: { before: 0, after: 2000, added: 2000, removed: 0, changed: 0, unchanged: 0 },
    duplicateKeys: 0,
    page: page(rows, offset),
    warnings: [],
  };
}

/** The table diff of a sample table at `offset`, matched on `keys` when given. */
export function tableDiff(path: string, offset: number, keys?: string[]): TableDiff {
  if (path === 'labels.csv') return labels(offset);
  if (path === 'meta/events.jsonl') return events(offset, keys);
  if (path === 'meta/splits/test.parquet') return parquet(offset);
  throw new Error(`no table fixture for ${path}`);
}
