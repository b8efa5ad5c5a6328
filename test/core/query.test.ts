import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../protocol/runs';
import {
  closest,
  compare,
  compileFilter,
  nameOf,
  parseColumns,
  parseSort,
  queryRuns,
  QueryError,
  resolveName,
  summariesData,
} from '../../core/runs/query';

function run(id: string, rest: Partial<RunSummary>): RunSummary {
  return {
    id,
    name: id,
    status: 'finished',
    command: ['python', 'train.py'],
    commit: 'abc1234',
    branch: 'main',
    dirty: false,
    startedAt: '2026-11-20T10:00:00.000Z',
    endedAt: '2026-11-20T10:05:00.000Z',
    durationMs: 300_000,
    exitCode: 0,
    metrics: {},
    lastStep: null,
    metricsMin: {},
    metricsMax: {},
    ...rest,
  };
}

// Newest first, as listRuns gives them.
const RUNS: RunSummary[] = [
  run('e', {
    name: 'ResNet-50 long',
    experiment: 'train',
    startedAt: '2026-11-24T09:00:00.000Z',
    durationMs: 7_200_000,
    params: { lr: 0.001, optimizer: 'adam', 'model.depth': 50, aug: true },
    metrics: { acc: 0.95, 'val/acc': 0.93, loss: 0.1 },
    metricsMin: { acc: 0.4, 'val/acc': 0.35, loss: 0.1 },
    metricsMax: { acc: 0.95, 'val/acc': 0.93, loss: 2.5 },
    lastStep: 99,
    tags: { team: 'vision' },
  }),
  run('d', {
    name: 'vgg',
    status: 'failed',
    exitCode: 1,
    dirty: true,
    startedAt: '2026-11-23T09:00:00.000Z',
    durationMs: 30_000,
    params: { lr: 0.1, optimizer: 'sgd', aug: false },
    metrics: { acc: 0.5, loss: 3 },
    metricsMin: { acc: 0.5, loss: 3 },
    metricsMax: { acc: 0.5, loss: 3 },
    lastStep: 1,
  }),
  run('c', {
    name: 'resnet-18',
    status: 'running',
    endedAt: null,
    exitCode: null,
    startedAt: '2026-11-22T09:00:00.000Z',
    durationMs: 90_000,
    params: { lr: '0.01', optimizer: null },
    metrics: { 'val/acc': 0.6 },
    metricsMin: { 'val/acc': 0.6 },
    metricsMax: { 'val/acc': 0.6 },
    lastStep: 5,
    source: 'mlflow',
  }),
  run('b', {
    name: 'killed one',
    status: 'killed',
    exitCode: null,
    commit: null,
    branch: null,
    startedAt: '2026-11-21T09:00:00.000Z',
    experiment: 'eval',
    params: { lr: 0.005, 'val/acc': 'param too' },
    metrics: { acc: 0.91 },
    metricsMin: { acc: 0.2 },
    metricsMax: { acc: 0.91 },
  }),
  run('a', { name: 'bare', startedAt: '2026-11-20T09:00:00.000Z' }),
];

const ids = (filter?: string, sort?: string, limit?: number): string =>
  queryRuns(RUNS, { filter, sort, limit })
    .runs.map((r) => r.id)
    .join('');

/** The QueryError a filter raises. */
function error(filter: string): QueryError {
  try {
    compileFilter(filter, summariesData(RUNS));
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
  throw new Error(`no error for ${filter}`);
}

describe('filter expressions', () => {
  it.each([
    ['lr < 0.01', 'eb'],
    ['lr <= 0.01', 'ecb'], // '0.01' (a numeric string) compares as a number
    ['lr > 0.01', 'd'],
    ['lr >= 0.005 and lr < 0.1', 'cb'],
    ['lr == 0.01', 'c'],
    ['lr != 0.1', 'ecb'], // a run without lr is neither equal nor unequal
    ['optimizer == "adam"', 'e'],
    ["optimizer == 'sgd'", 'd'],
    ['optimizer != "sgd"', 'ec'], // null is a value, different from "sgd"
    ['optimizer == null', 'cba'], // null, and missing
    ['optimizer != null', 'ed'],
    ['not (optimizer == "sgd")', 'ecba'],
    ['not optimizer == "sgd"', 'ecba'], // not binds looser than ==
    ['!(optimizer == "sgd") and lr < 1', 'ecb'],
    ['not optimizer == "sgd" and lr < 1', 'ecb'],
    ['not not (lr < 0.01)', 'eb'],
    ['lr < 0.01 and acc > 0.9', 'eb'],
    ['lr < 0.01 && acc > 0.9', 'eb'],
    ['acc > 0.9 or lr > 0.05', 'edb'],
    ['acc > 0.9 || lr > 0.05', 'edb'],
    ['acc > 0.9 and lr < 0.01 or status == "running"', 'ecb'],
    ['acc > 0.9 and (lr < 0.002 or status == "killed")', 'eb'],
    ['status == "finished" or status == "running"', 'eca'],
    ['experiment == "train" and duration > 60', 'e'],
    ['duration <= 60', 'd'],
    ['name ~ "resnet"', 'ec'], // contains, any case
    ['name ~ "RESNET" and name !~ "long"', 'c'],
    ['name !~ "resnet"', 'dba'],
    ['command ~ "train.py"', 'edcba'],
    ['`val/acc` > 0.9', ''], // a param (in b) and a metric (in e, c): a bare name is the param
    ['metrics["val/acc"] > 0.9', 'e'],
    ['metrics.loss.max > 2', 'ed'],
    ['loss.max > 2', 'ed'],
    ['metrics["val/acc"].min < 0.5', 'e'],
    ['`val/acc`.min < 0.5', 'e'],
    ['params["val/acc"] == "param too"', 'b'],
    ['params.lr < 0.01', 'eb'],
    ['model.depth == 50', 'e'],
    ['params.model.depth >= 50', 'e'],
    ['params["model.depth"] == 50', 'e'],
    ['tags.team == "vision"', 'e'],
    ['aug', 'e'],
    ['not aug', 'dcba'],
    ['aug == false', 'd'],
    ['dirty', 'd'],
    ['!dirty', 'ecba'],
    ['exitCode != 0', 'dcb'], // null (killed, running) is a value, not 0
    ['exitCode == null', 'cb'],
    ['commit == null', 'b'],
    ['source == "mlflow"', 'c'],
    ['step >= 5', 'ec'],
    ['started > "2026-11-22"', 'edc'],
    ['started < "2026-11-21T10:00"', 'ba'],
    ['ended == null', 'c'],
    ['0.01 > lr', 'eb'],
    ['-1 < lr', 'edcb'],
    ['lr > -0.5', 'edcb'],
    ['lr < 1e-2', 'eb'],
    ['id == "a" or id == "c"', 'ca'],
    ['true', 'edcba'],
    ['false or lr < 0.002', 'e'],
    ['1 == 1', 'edcba'],
  ])('%s', (filter, expected) => {
    expect(ids(filter)).toBe(expected);
  });

  it('names params that no run has in warnings, not errors', () => {
    const f = compileFilter('params.lrr < 1 or metrics.acc_ > 0 or tags.x == "y"', summariesData(RUNS));
    expect(f.warnings).toEqual([
      "no run has param 'lrr'; did you mean 'lr'?",
      "no run has metric 'acc_'; did you mean 'acc'?",
      "no run has tag 'x'",
    ]);
    expect(compileFilter('params.lrr < 1', summariesData([])).warnings).toEqual([]);
  });

  it.each([
    ['lrr < 0.01', "unknown name 'lrr' at column 1; did you mean 'lr'?", 1, 3],
    ['acc > 0.9 and  lrr < 0.01', "unknown name 'lrr' at column 16; did you mean 'lr'?", 16, 3],
    ['Acc > 1', "unknown name 'Acc' at column 1; did you mean 'acc'?", 1, 3],
    ['val_acc > 1', "unknown name 'val_acc' at column 1; did you mean '`val/acc`'?", 1, 7],
    ['`val/acx` > 1', "unknown name '`val/acx`' at column 1; did you mean '`val/acc`'?", 1, 9],
    [
      'optimizer == adam',
      'unknown name \'adam\' at column 14; to compare with text, quote it: "adam"',
      14,
      4,
    ],
    ['val/acc > 0.9', "unexpected '/' at column 4; a name with '/' or '-' needs backquotes: `val/acc`", 4, 1],
    ['lr = 0.01', "unexpected '=' at column 4; compare with '=='", 4, 1],
    ['lr < ', "expected a value after '<' at column 6", 6, 1],
    ['lr <', "expected a value after '<' at column 5", 5, 1],
    ['(lr < 1', "missing ')' at column 8", 8, 1],
    ['lr < 1)', "unexpected ')' at column 7", 7, 1],
    ['lr < 1 and', "'and' needs a condition on each side at column 8", 8, 1],
    ['and lr < 1', "'and' needs a condition on each side at column 1", 1, 1],
    ['lr 1', 'expected an operator (and, or, ==, <, ~, …) before this at column 4', 4, 1],
    ['lr', null, 0, 0], // a name alone is a condition (true when its value is true)
    ['0.001 < lr < 0.1', 'comparisons cannot be chained at column 12; write 0.001 < lr and lr < 0.1', 12, 1],
    [
      'started > 5',
      'compare \'started\' with a date in quotes at column 11; e.g. started > "2026-11-25"',
      11,
      1,
    ],
    [
      'started > "last week"',
      '\'last week\' is not a date at column 11; e.g. "2026-11-25" or "2026-11-25T08:00"',
      11,
      11,
    ],
    ['name ~ true', '\'~\' needs text to look for at column 8; e.g. name ~ "resnet"', 8, 4],
    ['"x" ~ name', "put the name on the left of '~' at column 1", 1, 3],
    ['name ~ "x', 'unclosed quote at column 10', 10, 1],
    ['`val/acc > 1', 'unclosed backquote at column 1', 1, 1],
    ['lr < 1 ?', "unexpected '?' at column 8", 8, 1],
    ['len(name) > 3', 'functions are not supported at column 1', 1, 9],
    [
      'status == ["a"]',
      'lists are not supported at column 11; use \'or\': status == "failed" or status == "killed"',
      11,
      5,
    ],
    ['5', 'expected a condition, got 5 at column 1; compare it with a name, e.g. lr < 0.01', 1, 1],
    ['"text"', 'expected a condition, got "text" at column 1; compare it with a name, e.g. lr < 0.01', 1, 6],
    ['metrics > 1', '\'metrics\' needs a name after it at column 1; e.g. metrics.x or metrics["x/y"]', 1, 7],
    ['lr < 1, acc > 2', "unexpected ',' at column 7; combine conditions with 'and' or 'or'", 7, 1],
    ['lr < - 1', "'-' must be followed by a number at column 6", 6, 1],
    ['not', "expected a condition after 'not' at column 4", 4, 1],
    ['()', 'empty parentheses at column 1', 1, 1],
    ['', 'empty expression at column 1', 1, 1],
    ['lr < 1 & acc > 2', "unexpected '&' at column 8", 8, 1],
  ])('%s → error', (filter, message, column, length) => {
    if (message === null) {
      expect(() => compileFilter(filter, summariesData(RUNS))).not.toThrow();
      return;
    }
    const e = error(filter);
    expect(e.message).toBe(message);
    expect([e.column, e.length]).toEqual([column, length]);
  });

  it('compares values by the documented rules', () => {
    expect(compare('==', undefined, null)).toBe(true);
    expect(compare('!=', undefined, 1)).toBe(false);
    expect(compare('<', undefined, 1)).toBe(false);
    expect(compare('!=', null, 'x')).toBe(true);
    expect(compare('<', null, 1)).toBe(false);
    expect(compare('==', '1e-3', 0.001)).toBe(true);
    expect(compare('<', 'abc', 1)).toBe(false);
    expect(compare('!=', 'abc', 1)).toBe(true);
    expect(compare('<', 'apple', 'banana')).toBe(true);
    expect(compare('==', true, 'true')).toBe(false);
    expect(compare('<', false, true)).toBe(false);
    expect(compare('~', 42, '4')).toBe(true);
    expect(compare('!~', undefined, 'x')).toBe(false);
  });
});

describe('names', () => {
  const data = summariesData(RUNS);
  it.each([
    ['status', { kind: 'field', field: 'status' }],
    ['lr', { kind: 'param', key: 'lr' }],
    ['acc', { kind: 'metric', name: 'acc', stat: 'last' }],
    ['acc.max', { kind: 'metric', name: 'acc', stat: 'max' }],
    ['`val/acc`', { kind: 'param', key: 'val/acc' }],
    ['metrics["val/acc"]', { kind: 'metric', name: 'val/acc', stat: 'last' }],
    ['metrics["val/acc"].last', { kind: 'metric', name: 'val/acc', stat: 'last' }],
    ['metrics["acc.min"]', { kind: 'metric', name: 'acc.min', stat: 'last' }],
    ['params.model.depth', { kind: 'param', key: 'model.depth' }],
    ['model.depth', { kind: 'param', key: 'model.depth' }],
    ['`model.depth`', { kind: 'param', key: 'model.depth' }],
    ['tags.team', { kind: 'tag', key: 'team' }],
    ['params.status', { kind: 'param', key: 'status' }],
  ])('%s', (text, ref) => {
    expect(resolveName(text, data)).toEqual(ref);
  });

  it('writes resolved names back the way they are typed', () => {
    expect(nameOf({ kind: 'metric', name: 'val/acc', stat: 'min' })).toBe('`val/acc`.min');
    expect(nameOf({ kind: 'param', key: 'model.depth' })).toBe('model.depth');
    expect(nameOf({ kind: 'tag', key: 'a-b' })).toBe('tags.`a-b`');
  });

  it('suggests close names', () => {
    expect(closest('lrr', ['lr', 'lr2', 'loss', 'acc'])).toEqual(['lr', 'lr2']);
    expect(closest('depth', ['model.depth', 'width'])).toEqual(['model.depth']);
    expect(closest('zzzz', ['lr'])).toEqual([]);
  });
});

describe('sorting', () => {
  it.each([
    ['lr', 'ebcda'], // 0.001, 0.005, '0.01' (as a number), 0.1; a has no lr: last
    ['-lr', 'dcbea'], // missing is still last
    ['lr:desc', 'dcbea'],
    ['lr:asc', 'ebcda'],
    ['acc,-lr', 'dbeca'],
    ['-acc, name', 'ebdac'],
    ['metrics["val/acc"]:desc', 'ecdba'],
    ['-`val/acc`.min', 'cedba'],
    ['name', 'eabcd'], // code points: 'ResNet…' before 'bare'
    ['started', 'abcde'],
    ['-duration,id', 'eabcd'],
    ['status', 'deabc'], // ties keep the newest-first order
    ['experiment', 'bedca'],
  ])('--sort %s', (sort, expected) => {
    expect(ids(undefined, sort)).toBe(expected);
  });

  it('limits after sorting', () => {
    expect(ids('lr >= 0', '-lr', 2)).toBe('dc');
    expect(queryRuns(RUNS, { filter: 'lr >= 0', limit: 1 }).matched).toBe(4);
  });

  it('points at the key that is wrong', () => {
    const data = summariesData(RUNS);
    expect(() => parseSort('lr,,acc', data)).toThrow('empty sort key at column 4');
    expect(() => parseSort('lr, acx', data)).toThrow("unknown name 'acx' at column 5; did you mean 'acc'?");
    expect(() => parseSort('-lr:asc', data)).toThrow("'-' and ':asc' contradict each other at column 1");
    expect(parseSort('metrics["a,b"]:desc', data)).toEqual([
      { ref: { kind: 'metric', name: 'a,b', stat: 'last' }, desc: true },
    ]);
  });

  it('parses --columns', () => {
    const data = summariesData(RUNS);
    expect(parseColumns('id, lr ,`val/acc`.max', data)).toEqual([
      { kind: 'field', field: 'id' },
      { kind: 'param', key: 'lr' },
      { kind: 'metric', name: 'val/acc', stat: 'max' },
    ]);
    expect(() => parseColumns('id,lr < 1', data)).toThrow('expected a name at column 4');
  });
});
