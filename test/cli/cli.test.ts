import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineage } from '../helpers/cli';
import { git, tempDir, tempGitRepo } from '../helpers/tmp';

function initialized(): string {
  const root = tempGitRepo();
  expect(lineage(root, ['init']).status).toBe(0);
  return root;
}

describe('lineage CLI', () => {
  it('init creates .lineage/, a commented lineage.yaml and the .gitignore entries, and is idempotent', () => {
    const root = tempGitRepo();
    const r = lineage(root, ['init']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Initialized Lineage');
    expect(readFileSync(path.join(root, 'lineage.yaml'), 'utf8')).toMatch(
      /^# Lineage configuration[\s\S]*\nschema: 1\n/,
    );
    expect(readFileSync(path.join(root, '.lineage', '.gitignore'), 'utf8')).toMatch(
      /\/cache\/[\s\S]*\/runs\//,
    );
    expect(existsSync(path.join(root, '.lineage', 'cache'))).toBe(true);
    expect(git(root, 'status', '--porcelain', '--untracked-files=all').split('\n').sort()).toEqual([
      '?? .lineage/.gitignore',
      '?? lineage.yaml',
    ]);
    expect(lineage(root, ['init']).stdout).toContain('already set up');
  });

  it('add, then status reports clean, modified with counts (--json) and missing', () => {
    const root = initialized();
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data', 'a.csv'), 'x\n1\n');
    writeFileSync(path.join(root, 'data', 'b.csv'), 'x\n2\n');
    const add = lineage(root, ['add', 'data']);
    expect(add.status).toBe(0);
    expect(add.stdout).toContain('Added data (2 files, 8 B) → data.lineage');
    expect(lineage(root, ['status']).stdout).toMatch(/data\s+clean\s+2 files, 8 B/);

    writeFileSync(path.join(root, 'data', 'a.csv'), 'x\n9\n');
    writeFileSync(path.join(root, 'data', 'c.csv'), 'new');
    const json = JSON.parse(lineage(root, ['status', '--json']).stdout);
    expect(json.datasets).toEqual([
      expect.objectContaining({
        path: 'data',
        pointer: 'data.lineage',
        state: 'modified',
        added: 1,
        removed: 0,
        modified: 1,
      }),
    ]);
    expect(lineage(root, ['status']).stdout).toMatch(
      /data\s+modified\s+2 files, 8 B\s+\+1 added, -0 removed, ~1 modified/,
    );
  });

  it('run passes the exit status on and records metrics appended to $LINEAGE_METRICS; runs lists them', () => {
    const root = initialized();
    writeFileSync(
      path.join(root, 'train.py'),
      'import json, os\nf = open(os.environ["LINEAGE_METRICS"], "a")\nfor i in range(4):\n    f.write(json.dumps({"step": i, "loss": 0.5 ** i, "acc": i / 4}) + "\\n")\nprint("ok")\n',
    );
    const run = lineage(root, ['run', '--name', 'baseline', '--', 'python3', 'train.py']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ok\n');
    expect(run.stderr).toMatch(/^lineage: run [0-9a-z]{26} finished\n$/);
    const failed = lineage(root, ['run', 'python3', '-c', 'import sys; sys.exit(4)']);
    expect(failed.status).toBe(4);

    const table = lineage(root, ['runs']).stdout.split('\n');
    expect(table[0]).toMatch(/^ID\s+NAME\s+STATUS\s+COMMIT\s+STARTED\s+DURATION\s+loss\s+acc$/);
    expect(table[1]).toMatch(/python3\s+failed/);
    expect(table[2]).toMatch(/baseline\s+finished\s+[0-9a-f]{7}\*?\s+\S+\s+\S+\s+\S+\s+0\.125\s+0\.75$/);

    const { runs } = JSON.parse(lineage(root, ['runs', '--json']).stdout);
    expect(runs.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
      ['python3', 'failed'],
      ['baseline', 'finished'],
    ]);
    expect(runs[1]).toMatchObject({
      command: ['python3', 'train.py'],
      metrics: { loss: 0.125, acc: 0.75 },
      lastStep: 3,
    });
    expect(runs[1].commit).toBe(git(root, 'rev-parse', 'HEAD'));
  });

  it.each([
    [
      'outside a repository',
      (dir: string) => dir,
      ['status'],
      /^lineage: .*: not a Lineage repository .*run `lineage init`\n$/,
    ],
    ['a missing path', undefined, ['add', 'nope'], /^lineage: .*\/nope: no such file or directory\n$/],
    ['an unknown command', undefined, ['frobnicate'], /^lineage: unknown command 'frobnicate'\n$/],
    [
      'run without a command',
      undefined,
      ['run'],
      /^lineage: no command given: use `lineage run -- <command> \[args...\]` or `--experiment <name>`\n$/,
    ],
  ])('errors on %s with one line and no stack trace', (_what, dirOf, args, message) => {
    const dir = dirOf ? dirOf(tempDir()) : initialized();
    const r = lineage(dir, args as string[]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a malformed pointer makes status fail naming the file, without a stack trace', () => {
    const root = initialized();
    writeFileSync(path.join(root, 'broken.lineage'), 'schema: 1\npath: [oops\n');
    const r = lineage(root, ['status']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /broken\s+error\s+.*broken\.lineage: malformed pointer file: invalid YAML at line \d+/,
    );
  });
});

describe('lineage CLI: store commands', () => {
  it('checkout restores, gc lists then deletes unreferenced objects, fsck reports corruption with exit 1', () => {
    const root = initialized();
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data', 'a.csv'), 'v1\n');
    lineage(root, ['add', 'data']);
    writeFileSync(path.join(root, 'data', 'a.csv'), 'v2\n');
    lineage(root, ['add', 'data']);
    rmSync(path.join(root, 'data'), { recursive: true });
    expect(lineage(root, ['status']).stdout).toMatch(/data\s+missing/);
    expect(lineage(root, ['checkout']).stdout).toBe('data: 1 added, 0 removed, 0 modified\n');
    expect(readFileSync(path.join(root, 'data', 'a.csv'), 'utf8')).toBe('v2\n');

    const dry = lineage(root, ['gc']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(
      /^ {2}[0-9a-f]{64} {2}\d+ B\n {2}[0-9a-f]{64} {2}\d+ B\nWould delete 2 unreferenced object\(s\)/,
    );
    expect(lineage(root, ['gc', '--force']).stdout).toMatch(/Deleted 2 unreferenced object\(s\)/);
    const prefixes = readdirSync(path.join(root, '.lineage', 'cache', 'sha256'));
    expect(
      prefixes.every((p) => readdirSync(path.join(root, '.lineage', 'cache', 'sha256', p)).length > 0),
    ).toBe(true);
    expect(lineage(root, ['fsck']).stdout).toMatch(/Checked 2 objects .*: all sound\./);

    const objects = path.join(root, '.lineage', 'cache', 'sha256');
    const victim = readdirSync(objects)
      .flatMap((prefix) =>
        readdirSync(path.join(objects, prefix)).map((rest) => path.join(objects, prefix, rest)),
      )
      .at(0)!;
    chmodSync(victim, 0o644);
    writeFileSync(victim, 'rot');
    const bad = lineage(root, ['fsck']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(
      /^corrupt: [0-9a-f]{64}: content hashes to [0-9a-f]{64}; moved to quarantine$/m,
    );
  });
});
