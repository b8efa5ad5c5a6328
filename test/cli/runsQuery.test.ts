import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../protocol/runs';
import { lineage } from '../helpers/cli';
import { git } from '../helpers/tmp';

/** A training script: logs loss, acc and val/acc for 4 steps, a param of its own, then prints. */
const SCRIPT = [
  'import json, os, sys',
  'lr = float(sys.argv[1]); fail = len(sys.argv) > 2',
  'f = open(os.environ["LINEAGE_METRICS"], "a")',
  'f.write(json.dumps({"params": {"seed": 7}}) + "\\n")',
  'for i in range(4):',
  '    acc = min(0.99, 0.5 + i * lr * 10)',
  '    f.write(json.dumps({"step": i, "loss": 1 / (i + 1), "acc": acc, "val": {"acc": acc - 0.05}}) + "\\n")',
  '    print(f"epoch {i}: acc {acc:.3f}")',
  'f.close()',
  'sys.exit(3 if fail else 0)',
].join('\n');

let root: string;
/** Runs recorded below, by name (the newest for a repeated name). */
const ids: Record<string, string> = {};

function record(name: string, lr: number, ...extra: string[]): void {
  const r = lineage(root, [
    'run',
    '--name',
    name,
    '--set',
    `lr=${lr}`,
    '--',
    'python3',
    'train.py',
    String(lr),
    ...extra,
  ]);
  expect(r.status, r.stderr).toBe(extra.length ? 3 : 0);
  const id = /run ([0-9a-z]{26})/.exec(r.stderr)?.[1];
  expect(id, r.stderr).toBeDefined();
  ids[name] = id as string;
}

// One repository for the whole file (helpers/tmp removes its folders after each test).
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'lineage-runs-query-'));
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'commit', '-q', '--allow-empty', '-m', 'initial');
  expect(lineage(root, ['init']).status).toBe(0);
  writeFileSync(path.join(root, 'train.py'), SCRIPT + '\n');
  record('slow', 0.001);
  record('fast', 0.04);
  record('broken', 0.02, 'fail');
  record('fast', 0.02);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const runsJson = (...args: string[]): RunSummary[] => {
  const r = lineage(root, ['runs', ...args, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { runs: RunSummary[] }).runs;
};

describe('lineage runs', () => {
  it('lists every run newest first, with the summaries of listRuns', () => {
    const runs = runsJson();
    expect(runs.map((r) => r.name)).toEqual(['fast', 'broken', 'fast', 'slow']);
    expect(runs[1]).toMatchObject({ status: 'failed', exitCode: 3, params: { lr: 0.02, seed: 7 } });
    expect(runs[0]!.metrics).toMatchObject({ loss: 0.25, acc: 0.99 });
  });

  it('filters, sorts and limits', () => {
    const names = (...args: string[]): string[] => runsJson(...args).map((r) => `${r.name}:${r.params?.lr}`);
    expect(names('--filter', 'lr < 0.03 and acc > 0.9')).toEqual(['fast:0.02', 'broken:0.02']);
    expect(names('--filter', 'status == "failed" or lr == 0.001')).toEqual(['broken:0.02', 'slow:0.001']);
    expect(names('--filter', 'not (status == "failed")', '--sort', '-lr')).toEqual([
      'fast:0.04',
      'fast:0.02',
      'slow:0.001',
    ]);
    // Ties keep the newest-first order.
    expect(names('--sort', '`val/acc`,name')).toEqual([
      'slow:0.001',
      'broken:0.02',
      'fast:0.02',
      'fast:0.04',
    ]);
    expect(names('--sort', 'metrics["val/acc"]:desc', '--limit', '2')).toEqual(['fast:0.02', 'broken:0.02']);
    expect(names('--filter', 'name ~ "AS"')).toEqual(['fast:0.02', 'fast:0.04']);
    expect(names('--filter', 'duration < 3600 and started > "2020-01-01" and exitCode == 0')).toHaveLength(3);
  });

  it('prints a table with the named params and metrics first, and chosen columns', () => {
    const r = lineage(root, ['runs', '--filter', 'seed == 7 and acc > 0.9', '--sort', 'lr']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS\s+COMMIT\s+STARTED\s+DURATION\s+lr\s+seed\s+acc\s+/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(1, 3).join(' '))).toEqual([
      'fast finished',
      'broken failed',
      'fast finished',
    ]);
    expect(lines[2]).toContain(ids.broken!.slice(-8));
    expect(r.stderr).toBe('lineage: 3 of 4 runs match\n');

    const cols = lineage(root, ['runs', '--columns', 'name,lr,`val/acc`.max,exitCode', '--limit', '2']);
    expect(cols.stdout.split('\n').slice(0, 3)).toEqual([
      'NAME    lr    val/acc.max  EXITCODE',
      'fast    0.02  0.94         0',
      'broken  0.02  0.94         3',
    ]);
    expect(cols.stderr).toBe('lineage: showing 2 of 4 runs\n');

    const none = lineage(root, ['runs', '--filter', 'lr > 1']);
    expect(none.stdout).toBe('No runs match the filter (of 4 runs).\n');
  });

  it('points at the mistake in a filter, a sort key or a column', () => {
    const bad = lineage(root, ['runs', '--filter', 'lrr < 0.01 and acc > 0.9']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      "lineage: --filter: unknown name 'lrr' at column 1; did you mean 'lr'?\n" +
        '  lrr < 0.01 and acc > 0.9\n' +
        '  ^^^\n',
    );
    const slash = lineage(root, ['runs', '--filter', 'val/acc > 0.9']);
    expect(slash.stderr.split('\n')[0]).toBe(
      "lineage: --filter: unexpected '/' at column 4; a name with '/' or '-' needs backquotes: `val/acc`",
    );
    const sort = lineage(root, ['runs', '--sort', 'lr,-acx']);
    expect(sort.stderr).toBe(
      "lineage: --sort: unknown name 'acx' at column 5; did you mean 'acc'?\n  lr,-acx\n      ^^^\n",
    );
    expect(lineage(root, ['runs', '--columns', 'name,,lr']).stderr).toMatch(
      /^lineage: --columns: empty column name at column 6\n/,
    );
    expect(lineage(root, ['runs', '--limit', 'many']).stderr).toBe(
      'lineage: --limit many: expected a whole number\n',
    );
    const warn = lineage(root, ['runs', '--filter', 'params.seeed == 7', '--json']);
    expect(warn.status).toBe(0);
    expect(warn.stderr).toBe("lineage: warning: --filter: no run has param 'seeed'; did you mean 'seed'?\n");
  });
});

describe('lineage show', () => {
  it('shows everything about a run named by the end of its id', () => {
    const id = ids.broken!;
    const r = lineage(root, ['show', id.slice(-8)]);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(new RegExp(`^Run ${id}  broken\n`));
    expect(out).toMatch(/\n {2}status {6}failed \(exit 3\)\n/);
    expect(out).toMatch(/\n {2}command {5}python3 train\.py 0\.02 fail\n/);
    expect(out).toMatch(/\n {2}commit {6}[0-9a-f]{10} on main\n/);
    expect(out).toMatch(
      /\nParams \(2; \* set with --set, \+ logged by the script\)\n {2}lr\s+0\.02 \*\n {2}seed\s+7 \+\n/,
    );
    expect(out).toMatch(
      /\nMetrics\s+last\s+min\s+max\s+step\s+count\n {2}loss\s+0\.25\s+0\.25\s+1\s+3\s+4\n/,
    );
    expect(out).toMatch(/\n {2}val\/acc\s+0\.94\s+0\.45\s+0\.94\s+3\s+4\n/);
    expect(out).toContain('\noutput.log\n');
    expect(out.trimEnd().split('\n').slice(-4)).toEqual([
      '  epoch 0: acc 0.500',
      '  epoch 1: acc 0.700',
      '  epoch 2: acc 0.900',
      '  epoch 3: acc 0.990',
    ]);
  });

  it('shows the newest of several runs with a name, with --lines and --json', () => {
    const r = lineage(root, ['show', 'fast', '--lines', '2']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("lineage: 2 runs are named 'fast'; showing the newest\n");
    expect(r.stdout).toContain(`Run ${ids.fast}  fast`);
    expect(r.stdout.trimEnd().split('\n').slice(-3)).toEqual([
      'output.log (last 2 lines)',
      '  epoch 2: acc 0.900',
      '  epoch 3: acc 0.990',
    ]);

    const j = JSON.parse(lineage(root, ['show', ids.slow!, '--json']).stdout);
    expect(j).toMatchObject({
      id: ids.slow,
      header: { name: 'slow', overrides: { lr: 0.001 }, command: ['python3', 'train.py', '0.001'] },
      status: { status: 'finished', exitCode: 0 },
      summary: { status: 'finished', params: { lr: 0.001, seed: 7 } },
      metrics: { loss: { last: 0.25, min: 0.25, max: 1, step: 3, count: 4 } },
      log: { lines: expect.arrayContaining(['epoch 3: acc 0.530']), truncated: false },
      problems: [],
    });
  });

  it('reports broken or missing files by name and shows the rest; shows live runs from their stream', () => {
    const id = ids.slow!;
    const dir = path.join(root, '.lineage', 'runs', id);
    writeFileSync(path.join(dir, 'environment.json'), '{"schema": 1, "os": ');
    rmSync(path.join(dir, 'output.log'));
    const r = lineage(root, ['show', id]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `lineage: .lineage/runs/${id}/environment.json: malformed run environment: not valid JSON\n`,
    );
    expect(r.stdout).toContain('status      finished (exit 0)');
    expect(r.stdout).toContain('output.log: none');

    // A run still going (its recorder is this test process): status and metrics come from the stream.
    const live = '01m8zzzzzzzzzzzzzzzzzzzzzz';
    mkdirSync(path.join(root, '.lineage', 'runs', live));
    const header = {
      schema: 1,
      id: live,
      name: 'live',
      command: ['python3', 'long.py'],
      cwd: '',
      commit: null,
      branch: null,
      dirty: false,
      startedAt: new Date(Date.now() - 5000).toISOString(),
      host: os.hostname(),
      pid: process.pid,
    };
    writeFileSync(path.join(root, '.lineage', 'runs', live, 'run.json'), JSON.stringify(header));
    writeFileSync(
      path.join(root, '.lineage', 'runs', live, 'metrics.jsonl'),
      '{"step":0,"loss":3}\n{"step":1,"loss":2}\n',
    );
    const s = lineage(root, ['show', 'live']);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/status {6}running\n/);
    expect(s.stdout).toMatch(/duration \d+\.\ds so far/);
    expect(s.stdout).toMatch(/\n {2}loss\s+2\s+2\s+3\s+1\s+2\n/);
    expect(runsJson('--filter', 'status == "running"').map((x) => x.id)).toEqual([live]);
    rmSync(path.join(root, '.lineage', 'runs', live), { recursive: true });

    // Inputs (one modified), a reproduction, an import source, outputs.
    const imported = '01m8yyyyyyyyyyyyyyyyyyyyyy';
    const idir = path.join(root, '.lineage', 'runs', imported);
    mkdirSync(idir);
    writeFileSync(
      path.join(idir, 'run.json'),
      JSON.stringify({
        ...header,
        id: imported,
        name: 'imported',
        pid: undefined,
        dirty: true,
        patch: 'c'.repeat(64),
        experiment: 'train',
        tags: { team: 'vision' },
        reproduces: ids.slow,
        source: { tool: 'mlflow', id: 'abc123', experiment: 'exp1', path: '/data/mlruns/1/abc123' },
        inputs: [
          { path: 'data/train', type: 'dir', sha256: 'a'.repeat(64), size: 2048, files: 2, modified: true },
          { path: 'data/test.csv', type: 'file', sha256: 'b'.repeat(64), size: 10, files: 1 },
        ],
      }),
    );
    writeFileSync(
      path.join(idir, 'status.json'),
      JSON.stringify({
        schema: 1,
        status: 'crashed',
        exitCode: null,
        signal: null,
        endedAt: new Date().toISOString(),
        metrics: {},
        lastStep: null,
        outputs: [
          { kind: 'artifact', path: 'models/m.pkl', type: 'file', sha256: 'd'.repeat(64), size: 5, files: 1 },
        ],
      }),
    );
    const shown = lineage(root, ['show', 'imported']).stdout;
    expect(shown).toContain('  status      crashed\n');
    expect(shown).toContain(`  dirty       uncommitted changes saved as patch cccccccccccc\n`);
    expect(shown).toContain(`  reproduces  ${ids.slow} (slow)\n`);
    expect(shown).toContain(
      '  source      imported from mlflow run abc123 (experiment exp1), /data/mlruns/1/abc123\n',
    );
    expect(shown).toMatch(
      /\n {2}data\/train\s+dir\s+aaaaaaaaaaaa\s+2 files, 2\.0 KiB\s+warning: modified \(/,
    );
    expect(shown).toMatch(/\n {2}data\/test\.csv\s+file\s+bbbbbbbbbbbb\s+1 file, 10 B\n/);
    expect(shown).toMatch(/\nOutputs\n {2}artifact\s+models\/m\.pkl\s+file\s+dddddddddddd\s+1 file, 5 B\n/);
    expect(shown).toContain('\nTags\n  team  vision\n');
    expect(shown).toContain('Metrics: none logged');
    rmSync(idir, { recursive: true });

    const missing = lineage(root, ['show', 'nothing-like-this']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^lineage: no run 'nothing-like-this' here/);
    expect(readdirSync(path.join(root, '.lineage', 'runs'))).toHaveLength(4);
  });
});
