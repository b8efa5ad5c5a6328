// Diff benchmark: `lineage diff` between two commits of a 100,000-file dataset that differ in 10
// files (CLI and engine in-process), the workspace side, and a table diff of a 1,000,000-row CSV
// against GNU diff on the same two files. Warm cache, interleaved, medians and ratios, the diffs'
// output checked against what was generated. See docs/benchmarks.md.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, prng, uniformSizes } from './lib/datagen.mjs';
import { defaultScratch, freeBytes, rmrf, syncDisks, warm } from './lib/fsutil.mjs';
import { BenchBase } from './lib/benchBase.mjs';
import { benchArgs, bundleEngine, div, runBench, sub } from './lib/benchMain.mjs';
import { waitForQuiet } from './lib/load.mjs';
import { machineInfo, toolVersion } from './lib/machine.mjs';
import { mustSh, q, run, sh, tail } from './lib/proc.mjs';
import { median, round, summarize } from './lib/stats.mjs';
import { fmtBytes, fmtRatio, fmtSeconds, renderTable } from './lib/table.mjs';
import { COLUMNS, writeTablePair } from './lib/tablegen.mjs';

export const about =
  'lineage diff: 100,000-file dataset, 10 changes; 1,000,000-row CSV vs GNU diff (--quick: smaller)';

const ENGINE_SOURCE = fileURLToPath(new URL('./lib/diffEngine.mjs', import.meta.url));
const GiB = 2 ** 30;
/** CPU use by others (fraction of all CPUs) above which a timed run waits, and counts as disturbed. */
const BUSY = 0.2;
/** Bump when the generated repositories change shape, so a kept scratch folder is rebuilt. */
const LAYOUT = 1;

const SIZES = {
  full: { reps: 5, tableReps: 3, calls: 10, files: 100_000, folders: 200, rows: 1_000_000 },
  quick: { reps: 5, tableReps: 5, calls: 10, files: 20_000, folders: 40, rows: 200_000 },
};

/** The targets (DESIGN.md), for the full sizes. */
const TARGET_FILES_S = 0.1;
const TARGET_TABLE_S = 5;

// Row labels (also the keys of the JSON results).
const T = {
  cliCommits: 'lineage diff v1 v2 --json (CLI)',
  engineCommits: 'engine: diffDatasets(v1, v2), in-process',
  cliWorkspace: 'lineage diff v2 workspace --json (CLI)',
  engineWorkspace: 'engine: diffDatasets(v2, workspace), in-process',
  status: 'lineage status (same 10 changes on disk)',
  startup: 'lineage --version (CLI start-up)',
  gnu: 'GNU diff v1.csv v2.csv > /dev/null',
  cliKey: 'lineage diff v1 v2 data/big.csv --key id --json (CLI)',
  engineKey: 'engine: datasetTableDiff --key id, in-process',
  cliContent: 'lineage diff v1 v2 data/big.csv --json (content matching, CLI)',
};

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

const HELP = `usage: npm run bench -- diff [--quick] [--reps N] [--calls N] [--idle-wait S] [--keep] [--dir PATH]

  --quick           20,000 files in 40 folders and a 200,000-row CSV (3-5 minutes here); the
                    full run uses 100,000 files in 200 folders and 1,000,000 rows (6-7 minutes)
  --reps N          repetitions per command (default ${SIZES.full.reps} for the file diffs, ${SIZES.full.tableReps} for the
                    table diffs; ${SIZES.quick.tableReps} with --quick)
  --calls N         timed in-process engine calls per repetition for the file diffs, after one
                    untimed warm-up call (default ${SIZES.full.calls}; table diffs: 1 after 1)
  --idle-wait S     before each timed run, wait up to S seconds (default 5) for other processes to
                    leave the CPUs idle; runs that start busy anyway are counted in the notes
  --keep            keep the generated repositories (reused by the next run with the same sizes)
  --dir PATH        scratch directory (default $LINEAGE_BENCH_DIR, else /work/bench-data, else the
                    temp dir); data goes to PATH/diff
`;

export async function main(argv, { root, cli }) {
  const args = benchArgs(argv, {
    name: 'diff',
    help: HELP,
    sizes: SIZES,
    options: { calls: { type: 'string' } },
    repsKeys: ['reps', 'tableReps'],
    defaultScratch,
  });
  if (!args) return 0;
  if (args.values.calls) args.size.calls = Math.max(1, Number(args.values.calls));
  const b = new DiffBench({ root, cli, ...args });
  return runBench(b, args, [() => b.prepare(), () => b.measureFiles(), () => b.measureTable()]);
}

class DiffBench extends BenchBase {
  constructor({ root, cli, scratch, size, quick, idleWaitMs }) {
    super();
    Object.assign(this, { root, cli, scratch, size, quick, idleWaitMs });
    this.rows = {};
    this.checks = {};
    this.setup = {};
    this.busySamples = [];
    this.lastBusy = null;
    this.engineFirst = {};
    this.timeCmd = null;
  }

  // ---- setup ------------------------------------------------------------------------------

  async prepare() {
    const s = this.size;
    await fs.mkdir(this.scratch, { recursive: true });
    this.machine = await machineInfo(this.scratch);
    if (this.machine.fs === 'tmpfs') this.note(`scratch ${this.scratch} is on tmpfs`);
    // Files: data + store objects, 4 KiB blocks each; table: 2 sources, 2 objects, the workspace
    // copy and the diff's partition files.
    const need = s.files * 16_384 + s.rows * 60 * 8 + GiB;
    const free = await freeBytes(this.scratch);
    if (free < need)
      throw new Error(`need about ${fmtBytes(need)} free in ${this.scratch}, have ${fmtBytes(free)}`);

    const head = await run('git', ['-C', this.root, 'log', '-1', '--format=%h %cI']);
    const dirty = await run('git', ['-C', this.root, 'status', '--porcelain', '--', 'core', 'protocol']);
    this.versions = {
      lineage: head.ok
        ? head.stdout.trim() + (dirty.stdout.trim() ? ' + uncommitted core changes' : '')
        : null,
      git: await toolVersion('git'),
      gnuDiff: await toolVersion('diff'),
    };
    const time = await run('/usr/bin/time', ['-f', '%M', 'true']);
    if (time.ok && /^\d+\s*$/.test(time.stderr.trim().split('\n').pop() ?? ''))
      this.timeCmd = '/usr/bin/time';
    else this.note('/usr/bin/time is not usable here: no peak RSS');

    await this.bundleEngine();
    await this.prepareFiles();
    await this.prepareTable();
    await syncDisks();
  }

  /** The in-process runner: bench/lib/diffEngine.mjs bundled with the engine's sources. */
  async bundleEngine() {
    this.engine = await bundleEngine(ENGINE_SOURCE, path.join(this.scratch, 'engine.cjs'));
  }

  /** A marker records what a kept repository was built from; returns true when it matches. */
  async reusable(dir, id) {
    try {
      return readFileSync(`${dir}.ready`, 'utf8') === id && existsSync(dir);
    } catch {
      return false;
    }
  }

  async timedSetup(label, script, cwd) {
    const r = await sh(script, { cwd, env: GIT_ENV });
    if (!r.ok)
      throw new Error(`setup step failed (exit ${r.code}): ${script}\n${tail(r.stderr || r.stdout)}`);
    this.setup[label] = round(r.seconds);
    this.log(`  ${label}: ${fmtSeconds(r.seconds)} s`);
    return r;
  }

  lineageSh(args) {
    return `node ${q(this.cli)} ${args}`;
  }

  /**
   * `files/`: a git repository with one dataset `data` of `files` small files in `folders` folders;
   * tag v1, then 10 changes and tag v2, then 10 more changes left in the workspace.
   */
  async prepareFiles() {
    const s = this.size;
    const repo = path.join(this.scratch, 'files');
    this.filesRepo = repo;
    const id = JSON.stringify({ LAYOUT, files: s.files, folders: s.folders });
    this.filesExpected = { v2: changeSet(s, 0, 'v2'), workspace: changeSet(s, 1, 'ws') };
    this.filesInfo = { files: s.files, folders: s.folders, bytes: null };
    if (await this.reusable(repo, id)) {
      this.log(`files: reusing ${repo}`);
      this.filesInfo.bytes = await bytesAt(repo, 'v1');
      return;
    }
    await rmrf(`${repo}.ready`);
    await rmrf(repo);
    this.log(`files: generating ${s.files.toLocaleString('en')} files in ${s.folders} folders …`);
    const src = path.join(this.scratch, 'src');
    const g = await generate(
      src,
      { kind: 'tree', name: 'data', folders: s.folders, sizes: uniformSizes(s.files, 256, 4096, 3) },
      3,
    );
    await fs.mkdir(repo, { recursive: true });
    await mustSh('git init -q', { cwd: repo, env: GIT_ENV });
    await mustSh(this.lineageSh('init > /dev/null'), { cwd: repo });
    await fs.rename(g.path, path.join(repo, 'data'));
    await rmrf(src);
    await this.timedSetup(`lineage add data (${s.files} files, first add)`, this.lineageSh('add data'), repo);
    await mustSh('git add -A && git commit -qm v1 && git tag v1', { cwd: repo, env: GIT_ENV });
    this.filesInfo.bytes = await bytesAt(repo, 'v1');
    await applyChanges(repo, this.filesExpected.v2);
    await this.timedSetup('lineage add data (10 changed files)', this.lineageSh('add data'), repo);
    await mustSh('git add -A && git commit -qm v2 && git tag v2', { cwd: repo, env: GIT_ENV });
    await applyChanges(repo, this.filesExpected.workspace);
    await fs.writeFile(`${repo}.ready`, id);
  }

  /** `table/`: a dataset `data` holding big.csv (and a README): v1 and v2 committed and tagged. */
  async prepareTable() {
    const s = this.size;
    const repo = path.join(this.scratch, 'table');
    const src = path.join(this.scratch, 'table-src');
    this.tableRepo = repo;
    this.csv = [path.join(src, 'v1.csv'), path.join(src, 'v2.csv')];
    const id = JSON.stringify({ LAYOUT, rows: s.rows });
    if (await this.reusable(repo, id)) {
      this.log(`table: reusing ${repo}`);
      this.tableExpected = JSON.parse(readFileSync(path.join(src, 'expected.json'), 'utf8'));
      return;
    }
    await rmrf(`${repo}.ready`);
    await rmrf(repo);
    await rmrf(src);
    await fs.mkdir(src, { recursive: true });
    this.log(`table: generating two versions of a ${s.rows.toLocaleString('en')}-row CSV …`);
    this.tableExpected = writeTablePair(this.csv[0], this.csv[1], { rows: s.rows, seed: 7 });
    await fs.writeFile(path.join(src, 'expected.json'), JSON.stringify(this.tableExpected));
    await fs.mkdir(path.join(repo, 'data'), { recursive: true });
    await fs.writeFile(path.join(repo, 'data', 'README.md'), 'Benchmark table (bench/diff.mjs).\n');
    await mustSh('git init -q', { cwd: repo, env: GIT_ENV });
    await mustSh(this.lineageSh('init > /dev/null'), { cwd: repo });
    const big = q(path.join(repo, 'data', 'big.csv'));
    await mustSh(`cp ${q(this.csv[0])} ${big}`);
    await this.timedSetup('lineage add data (table v1)', this.lineageSh('add data'), repo);
    await mustSh('git add -A && git commit -qm v1 && git tag v1', { cwd: repo, env: GIT_ENV });
    await mustSh(`cp ${q(this.csv[1])} ${big}`);
    await this.timedSetup('lineage add data (table v2)', this.lineageSh('add data'), repo);
    await mustSh('git add -A && git commit -qm v2 && git tag v2', { cwd: repo, env: GIT_ENV });
    await fs.writeFile(`${repo}.ready`, id);
  }

  // ---- timing -----------------------------------------------------------------------------

  /** Settle the disk, load what the next run reads into the page cache, wait for quiet CPUs. */
  async ready({ targets = [], warmup } = {}) {
    await syncDisks();
    if (targets.length) await warm(...targets);
    if (warmup) await warmup();
    const { busy } = await waitForQuiet({ threshold: BUSY, maxMs: this.idleWaitMs });
    this.lastBusy = busy;
  }

  /** `lineage args…` in `cwd`, with peak RSS (KiB) when /usr/bin/time works. */
  async lineage(args, cwd) {
    if (!this.timeCmd) return { ...(await run('node', [this.cli, ...args], { cwd })), rssKiB: null };
    const r = await run(this.timeCmd, ['-f', 'maxrss=%M', 'node', this.cli, ...args], { cwd });
    const m = /(?:^|\n)maxrss=(\d+)\s*$/.exec(r.stderr);
    return { ...r, stderr: m ? r.stderr.slice(0, m.index) : r.stderr, rssKiB: m ? Number(m[1]) : null };
  }

  /** The bundled engine runner; resolves like `run` plus `parsed` (its JSON line) when it worked. */
  async engineRun(spec, cwd) {
    const r = await run('node', [this.engine, JSON.stringify(spec)], { cwd });
    if (!r.ok) return r;
    try {
      return { ...r, parsed: JSON.parse(r.stdout.trim().split('\n').pop()) };
    } catch (err) {
      return { ...r, ok: false, stderr: `unreadable output (${err}): ${tail(r.stdout)}` };
    }
  }

  /** An engine run's timed calls as samples; remembers its first call. */
  engineSamples(label, parsed) {
    (this.engineFirst[label] ??= []).push(parsed.first);
    return { list: parsed.seconds, rssKiB: parsed.peakRssKiB ?? null };
  }

  /**
   * Record samples for a row. `r.seconds` may be a list (engine calls). `check(r)` returns a
   * problem (string) or null; a failed check keeps the timing but is reported loudly.
   */
  record(section, label, r, check) {
    const rows = (this.rows[section] ??= {});
    const row = (rows[label] ??= { samples: [], rss: [], check: null });
    if (!r.ok) {
      this.note(`${section}: ${label} failed (exit ${r.code ?? r.signal}): ${tail(r.stderr || r.stdout)}`);
      row.samples.push({ ok: false, seconds: r.seconds, busy: this.lastBusy });
    } else {
      for (const seconds of Array.isArray(r.list) ? r.list : [r.seconds])
        row.samples.push({ ok: true, seconds, busy: this.lastBusy });
      if (r.rssKiB) row.rss.push(r.rssKiB);
      if (check) {
        let problem;
        try {
          problem = check(r);
        } catch (err) {
          problem = `output could not be checked: ${err.message}`;
        }
        if (problem) {
          row.check = 'FAIL';
          this.note(`CHECK FAILED: ${section}: ${label}: ${problem}`);
        } else row.check ??= 'ok';
      }
    }
    this.busySamples.push(this.lastBusy);
    const shown = Array.isArray(r.list)
      ? `median of ${r.list.length}: ${fmtSeconds(median(r.list))}`
      : fmtSeconds(r.seconds);
    this.log(
      `  ${section}: ${label}: ${r.ok ? shown + ' s' : 'FAILED'}${row.check === 'FAIL' ? ' (check FAILED)' : ''}`,
    );
    return r.ok;
  }

  async interleave(section, reps, groups) {
    for (let rep = 0; rep < reps; rep++) {
      this.log(`${section}: repetition ${rep + 1}/${reps}`);
      for (let k = 0; k < groups.length; k++) await groups[(k + rep) % groups.length]();
    }
  }

  // ---- file-level diffs -------------------------------------------------------------------

  async measureFiles() {
    const repo = this.filesRepo;
    const { v2, workspace } = this.filesExpected;
    const checkCli = (expected) => (r) => compareChanges(JSON.parse(r.stdout), expected);
    const checkEngine = (expected) => (r) => compareChanges(r.parsed.summary, expected);
    const cliRow = (label, args, expected) => async () => {
      // The warm-up run reads what the timed one will (git objects, trees, the stat cache).
      await this.ready({ warmup: () => this.lineage(args, repo) });
      this.record('files', label, await this.lineage(args, repo), checkCli(expected));
    };
    const engineRow = (label, a, b, expected) => async () => {
      await this.ready({ warmup: () => this.lineage(['diff', a, b, '--json'], repo) });
      const r = await this.engineRun({ mode: 'files', a, b, warmup: 1, calls: this.size.calls }, repo);
      if (r.ok) Object.assign(r, this.engineSamples(label, r.parsed));
      this.record('files', label, r, checkEngine(expected));
    };
    await this.interleave('files', this.size.reps, [
      cliRow(T.cliCommits, ['diff', 'v1', 'v2', '--json'], v2),
      engineRow(T.engineCommits, 'v1', 'v2', v2),
      cliRow(T.cliWorkspace, ['diff', 'v2', 'workspace', '--json'], workspace),
      engineRow(T.engineWorkspace, 'v2', 'workspace', workspace),
      async () => {
        await this.ready({ warmup: () => this.lineage(['status'], repo) });
        this.record('files', T.status, await this.lineage(['status'], repo), (r) =>
          /\bmodified\b/.test(r.stdout) ? null : `status did not report the changes: ${tail(r.stdout)}`,
        );
      },
      async () => {
        await this.ready({ warmup: () => this.lineage(['--version'], repo) });
        this.record('files', T.startup, await this.lineage(['--version'], repo));
      },
    ]);
  }

  // ---- table diff -------------------------------------------------------------------------

  async measureTable() {
    const repo = this.tableRepo;
    const exp = this.tableExpected;
    const targets = [...this.csv, path.join(repo, '.lineage', 'cache')];
    const keyArgs = ['diff', 'v1', 'v2', 'data/big.csv', '--key', 'id', '--json'];
    const keyed = { ...exp, duplicateKeys: 0 };
    await this.interleave('table', this.size.tableReps, [
      async () => {
        await this.ready({ targets });
        const [a, b] = this.csv.map(q);
        // Exit status 1 (files differ) is success here.
        const r = await sh(`diff ${a} ${b} > /dev/null; test $? -eq 1`);
        this.record('table', T.gnu, r);
      },
      async () => {
        await this.ready({ targets });
        this.record('table', T.cliKey, await this.lineage(keyArgs, repo), (r) =>
          compareTable(JSON.parse(r.stdout), keyed, true),
        );
      },
      async () => {
        await this.ready({ targets });
        const r = await this.engineRun(
          { mode: 'table', a: 'v1', b: 'v2', path: 'data/big.csv', keys: ['id'], warmup: 1, calls: 1 },
          repo,
        );
        if (r.ok) Object.assign(r, this.engineSamples(T.engineKey, r.parsed));
        this.record('table', T.engineKey, r, (x) => compareTable(x.parsed.summary, keyed, false));
      },
    ]);
    // Content matching (no key), once, for information.
    await this.ready({ targets });
    const content = {
      before: exp.before,
      after: exp.after,
      added: exp.added + exp.changed,
      removed: exp.removed + exp.changed,
      changed: 0,
      unchanged: exp.unchanged,
    };
    this.record(
      'table',
      T.cliContent,
      await this.lineage(['diff', 'v1', 'v2', 'data/big.csv', '--json'], repo),
      (r) => {
        const t = JSON.parse(r.stdout);
        if (t.matching !== 'content') return `matching is ${t.matching}, not content`;
        return compareRows(t.rows, content);
      },
    );
  }

  // ---- report -----------------------------------------------------------------------------

  report() {
    const out = [];
    const date = new Date().toISOString();
    const m = this.machine;
    const json = {
      bench: 'diff',
      quick: this.quick,
      date,
      machine: {
        cpus: m.cpus,
        cpuModel: m.cpuModel,
        mem: `${m.memGiB} GiB`,
        node: m.node,
        kernel: m.kernel,
        fs: m.fs,
        mountOptions: m.mountOptions,
      },
      versions: this.versions,
      reps: { files: this.size.reps, table: this.size.tableReps },
      engineCalls: { files: this.size.calls, table: 1 },
      setupSeconds: this.setup,
      results: {},
    };
    const s = this.size;
    const e = this.tableExpected;
    out.push(
      `\nLineage diff benchmark${this.quick ? ' (--quick)' : ''} — ${date.slice(0, 10)}, ${m.cpus} × ${m.cpuModel}, ` +
        `${m.memGiB} GiB RAM, ${m.fs}, Node ${m.node}`,
    );
    out.push(
      `lineage ${this.versions.lineage ?? '?'}; medians of ${s.reps} (file diffs) / ${s.tableReps} (table diffs) ` +
        `warm runs, commands interleaved; engine rows: ${s.calls} timed in-process calls per run after one ` +
        `warm-up (table: 1 after 1)`,
    );
    out.push(
      `peak RSS: /usr/bin/time for CLI runs, the runner's maxRSS (warm-up included) for engine rows; ` +
        `check = the output listed exactly what was generated; busy = runs that started with other ` +
        `processes using > ${BUSY * 100}% CPU\n`,
    );

    const stat = (section, label) => summarize(this.rows[section]?.[label]?.samples ?? []);
    const med = (section, label) => stat(section, label)?.median ?? null;
    const section = (id, ratioTo) => {
      const rows = [];
      const stats = {};
      for (const [label, row] of Object.entries(this.rows[id] ?? {})) {
        const st = summarize(row.samples);
        const failed = row.samples.filter((x) => !x.ok).length;
        const busy = row.samples.filter((x) => x.ok && x.busy !== null && x.busy > BUSY).length;
        const rss = row.rss.length ? Math.max(...row.rss) / 1024 : null;
        stats[label] = {
          n: st?.n ?? 0,
          median: round(st?.median),
          min: round(st?.min),
          max: round(st?.max),
          failed,
          peakRssMiB: rss === null ? null : Math.round(rss),
          check: row.check,
          ...(this.engineFirst[label] ? { firstCallInProcess: this.engineFirst[label].map(round) } : {}),
        };
        rows.push([
          label,
          st ? (failed ? `${st.n} (+${failed} failed)` : st.n) : `all ${failed} failed`,
          fmtSeconds(st?.median),
          fmtSeconds(st?.min),
          fmtSeconds(st?.max),
          ...(ratioTo ? [fmtRatio(div(st?.median, ratioTo))] : []),
          rss === null ? '' : rss.toFixed(0),
          row.check ?? '',
          busy || '',
        ]);
      }
      return { rows, stats };
    };

    const fi = this.filesInfo;
    const files = section('files');
    const count = (list, kind) => list.filter((c) => c.change === kind).length;
    const v2 = this.filesExpected.v2;
    out.push(
      `${fi.files.toLocaleString('en')} files in ${fi.folders} folders (${fmtBytes(fi.bytes ?? 0)}), v1 → v2: ` +
        `${v2.length} changes (${count(v2, 'modified')} modified, ${count(v2, 'added')} added, ` +
        `${count(v2, 'removed')} removed, ${count(v2, 'renamed')} renamed); the workspace has 10 more`,
    );
    out.push(
      renderTable(
        ['what', 'runs', 'median s', 'min s', 'max s', 'peak RSS MiB', 'check', 'busy'],
        files.rows,
      ),
    );
    const startup = med('files', T.startup);
    const firstCall = median(this.engineFirst[T.engineCommits] ?? []);
    out.push(
      `CLI v1 v2 minus CLI start-up: ${fmtSeconds(sub(med('files', T.cliCommits), startup))} s; ` +
        `engine v1 v2, first call in a fresh process (module loading excluded): median ` +
        `${fmtSeconds(firstCall)} s\n`,
    );
    json.results.files = {
      files: fi.files,
      folders: fi.folders,
      bytes: fi.bytes,
      changes: { v2: v2.length, workspace: this.filesExpected.workspace.length },
      medians: Object.fromEntries(Object.entries(files.stats).map(([k, v]) => [k, v.median])),
      stats: files.stats,
      ratios: {
        'CLI v1 v2 ÷ engine v1 v2': round(div(med('files', T.cliCommits), med('files', T.engineCommits))),
        'CLI v1 v2 − CLI start-up s': round(sub(med('files', T.cliCommits), startup)),
        'CLI v2 workspace − CLI start-up s': round(sub(med('files', T.cliWorkspace), startup)),
        'CLI v2 workspace ÷ status': round(div(med('files', T.cliWorkspace), med('files', T.status))),
        'engine v1 v2 first call in process s': round(firstCall),
      },
    };

    const gnu = med('table', T.gnu);
    const table = section('table', gnu);
    out.push(
      `${e.before.toLocaleString('en')}-row CSV, ${COLUMNS.length} columns (${fmtBytes(e.bytesA)} → ${fmtBytes(e.bytesB)}): ` +
        `${e.changed.toLocaleString('en')} rows changed (${sumValues(e.changedCells).toLocaleString('en')} cells), ` +
        `${e.added.toLocaleString('en')} added, ${e.removed.toLocaleString('en')} removed; ÷ GNU diff = median ÷ GNU diff's`,
    );
    out.push(
      renderTable(
        ['what', 'runs', 'median s', 'min s', 'max s', '÷ GNU diff', 'peak RSS MiB', 'check', 'busy'],
        table.rows,
      ),
    );
    json.results.table = {
      rows: e.before,
      columns: COLUMNS.length,
      bytes: [e.bytesA, e.bytesB],
      generated: {
        changed: e.changed,
        added: e.added,
        removed: e.removed,
        changedCells: e.changedCells,
      },
      medians: Object.fromEntries(Object.entries(table.stats).map(([k, v]) => [k, v.median])),
      stats: table.stats,
      ratios: {
        'CLI --key ÷ GNU diff': round(div(med('table', T.cliKey), gnu)),
        'engine --key ÷ GNU diff': round(div(med('table', T.engineKey), gnu)),
        'CLI content ÷ GNU diff': round(div(med('table', T.cliContent), gnu)),
        'CLI content ÷ CLI --key': round(div(med('table', T.cliContent), med('table', T.cliKey))),
        'rows per second (CLI --key, both sides)': round(div(e.before + e.after, med('table', T.cliKey))),
      },
    };

    const quickNote = this.quick ? ' (--quick size; stated for the full size)' : '';
    const targets = [
      target(
        `file diff, engine in-process, ${fi.files.toLocaleString('en')} files / 10 changes < ${TARGET_FILES_S * 1000} ms${quickNote}`,
        med('files', T.engineCommits),
        (v) => v < TARGET_FILES_S,
      ),
      target(
        `table diff --key id, ${e.before.toLocaleString('en')} rows (CLI) < ${TARGET_TABLE_S} s${quickNote}`,
        med('table', T.cliKey),
        (v) => v < TARGET_TABLE_S,
      ),
    ];
    out.push(
      'Targets (DESIGN.md: file diff of 100,000 files under 100 ms; table diff of 1,000,000 rows in a few seconds):',
    );
    out.push(
      renderTable(
        ['target', 'measured', 'verdict'],
        targets.map((t) => [t.name, t.text, t.verdict]),
      ),
    );
    json.targets = targets.map((t) => ({ name: t.name, value: round(t.value), pass: t.pass }));

    const busy = this.busySamples.filter((x) => x !== null);
    const disturbed = busy.filter((x) => x > BUSY).length;
    json.busyBeforeRuns = { runs: busy.length, disturbed, max: round(Math.max(0, ...busy)) };
    if (disturbed) {
      this.notes.add(
        `${disturbed} of ${busy.length} timed runs started while other processes kept the CPUs more than ` +
          `${BUSY * 100}% busy (max ${Math.round(100 * Math.max(...busy))}%): those numbers are noisy`,
      );
    }
    const failedChecks = Object.values(this.rows)
      .flatMap((rows) => Object.entries(rows))
      .filter(([, r]) => r.check === 'FAIL')
      .map(([label]) => label);
    json.checks = { failed: failedChecks };
    if (this.notes.size) out.push('Notes:\n' + [...this.notes].map((n) => `  - ${n}`).join('\n') + '\n');
    json.notes = [...this.notes];
    json.elapsedSeconds = Math.round((Date.now() - this.started) / 1000);
    process.stdout.write(out.join('\n') + '\n');
    process.stdout.write(JSON.stringify(json) + '\n');
  }
}

// ---- the 10 changes -------------------------------------------------------------------------

/**
 * Ten changes to the generated tree, one per folder, spread over the folders: 7 files modified,
 * 1 added, 1 removed, 1 moved to another folder under a new name (a rename: same content). `round`
 * 0 is the v2 commit, 1 the workspace; they touch different files. Generated files are named
 * dFFF/fIIIII.bin with file i in folder i % folders.
 */
function changeSet({ files, folders }, round, tag) {
  const width = String(files - 1).length;
  const folder = (f) => `d${String(f).padStart(3, '0')}`;
  const out = [];
  for (let k = 0; k < 10; k++) {
    const f = (37 * k + 11 + 100 * round) % folders;
    const j = (13 * k + 5 + 3 * round) % Math.floor(files / folders);
    const name = `${folder(f)}/f${String(f + folders * j).padStart(width, '0')}.bin`;
    if (k < 7) out.push({ change: 'modified', path: name, seed: 1000 * (round + 1) + k });
    else if (k === 7)
      out.push({ change: 'added', path: `${folder(f)}/added-${tag}.bin`, seed: 1000 * (round + 1) + k });
    else if (k === 8) out.push({ change: 'removed', path: name });
    else out.push({ change: 'renamed', path: `${folder((f + 1) % folders)}/renamed-${tag}.bin`, from: name });
  }
  return out;
}

/** The dataset's size as its pointer at `rev` records it. */
async function bytesAt(repo, rev) {
  const r = await run('git', ['show', `${rev}:data.lineage`], { cwd: repo });
  const m = /^size: (\d+)$/m.exec(r.stdout);
  return m ? Number(m[1]) : null;
}

async function applyChanges(repo, changes) {
  const at = (p) => path.join(repo, 'data', ...p.split('/'));
  for (const c of changes) {
    if (c.change === 'modified' || c.change === 'added') await fs.writeFile(at(c.path), bytesFor(c.seed));
    else if (c.change === 'removed') await fs.rm(at(c.path));
    else await fs.rename(at(c.from), at(c.path));
  }
}

/** 256 B – 4 KiB of bytes unique to `seed` (no generated file has them). */
function bytesFor(seed) {
  const rand = prng(seed);
  const size = 256 + Math.floor(rand() * 3841);
  const chunks = [];
  for (let i = 0; chunks.length * 32 < size; i++)
    chunks.push(createHash('sha256').update(`lineage-bench-diff-${seed}-${i}`).digest());
  return Buffer.concat(chunks).subarray(0, size);
}

/** Compare a diff's change list (CLI JSON or the engine's summary) with the generated changes. */
function compareChanges(diffs, expected) {
  if (!Array.isArray(diffs) || diffs.length !== 1) return `expected one dataset diff, got ${diffs?.length}`;
  const [d] = diffs;
  if (d.dataset !== 'data') return `dataset is ${d.dataset}, not data`;
  if (d.missing?.length) return `${d.missing.length} trees missing from the store`;
  const key = (c) => `${c.change} ${c.path}${c.from ? ` from ${c.from}` : ''}`;
  const got = new Set(d.changes.map(key));
  const want = new Set(expected.map(key));
  const extra = [...got].filter((x) => !want.has(x));
  const absent = [...want].filter((x) => !got.has(x));
  if (extra.length || absent.length)
    return (
      `listed ${got.size} changes, expected ${want.size}` +
      (absent.length ? `; missing: ${absent.slice(0, 4).join(', ')}` : '') +
      (extra.length ? `; unexpected: ${extra.slice(0, 4).join(', ')}` : '')
    );
  return null;
}

function compareRows(rows, expected) {
  const bad = ['before', 'after', 'added', 'removed', 'changed', 'unchanged'].filter(
    (k) => rows?.[k] !== expected[k],
  );
  return bad.length
    ? `rows ${bad.map((k) => `${k} ${rows?.[k]} (expected ${expected[k]})`).join(', ')}`
    : null;
}

/** Compare a keyed table diff (CLI JSON, or the engine's summary) with what was generated. */
function compareTable(t, expected, fromCli) {
  if (t.matching !== 'key') return `matching is ${t.matching}, not key`;
  const rows = compareRows(t.rows, expected);
  if (rows) return rows;
  if (t.duplicateKeys !== 0) return `${t.duplicateKeys} duplicate keys`;
  const cells = fromCli ? Object.fromEntries(t.columns.map((c) => [c.name, c.changedCells])) : t.changedCells;
  const bad = COLUMNS.filter((c) => cells[c] !== expected.changedCells[c]);
  if (bad.length)
    return `changed cells ${bad.map((c) => `${c} ${cells[c]} (expected ${expected.changedCells[c]})`).join(', ')}`;
  return null;
}

function target(name, value, test) {
  if (value === null || value === undefined || !Number.isFinite(value))
    return { name, value: null, pass: null, text: 'n/a', verdict: 'n/a' };
  const pass = test(value);
  const text = value < 1 ? `${(value * 1000).toFixed(0)} ms` : `${fmtSeconds(value)} s`;
  return { name, value, pass, text, verdict: pass ? 'PASS' : 'MISS' };
}

function sumValues(o) {
  return Object.values(o).reduce((a, b) => a + b, 0);
}
