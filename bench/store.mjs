// Store benchmark: `lineage add` / `status` against sha256sum, cp -r, git lfs and git annex on the
// same files, warm cache, tools interleaved, medians and ratios. See docs/benchmarks.md.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureDebPackages } from './lib/apt.mjs';
import { generate, spreadSizes, uniformSizes } from './lib/datagen.mjs';
import { defaultScratch, exists, freeBytes, rmrf, sizeOf, syncDisks, warm } from './lib/fsutil.mjs';
import { BenchBase } from './lib/benchBase.mjs';
import { waitForQuiet } from './lib/load.mjs';
import { machineInfo, toolVersion } from './lib/machine.mjs';
import { mustSh, q, run, sh, tail } from './lib/proc.mjs';
import { round, summarize } from './lib/stats.mjs';
import { fmtBytes, fmtRatio, fmtSeconds, renderTable } from './lib/table.mjs';

export const about = 'lineage add/status vs sha256sum, cp -r, git lfs, git annex (--quick: small data)';

const HASHFILES = fileURLToPath(new URL('./lib/hashfiles.mjs', import.meta.url));
const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** CPU use by others (fraction of all CPUs) above which a timed run waits, and counts as disturbed. */
const BUSY = 0.2;

const SIZES = {
  full: {
    reps: 3,
    annexReps: 1,
    bigFile: 2 * GiB,
    manyFiles: 20_000,
    manyBytes: 1 * GiB,
    smallFiles: 100_000,
  },
  quick: {
    reps: 3,
    annexReps: 1,
    bigFile: 256 * MiB,
    manyFiles: 2_000,
    manyBytes: 100 * MiB,
    smallFiles: 20_000,
  },
};

// Row labels (also the keys of the JSON results).
const T = {
  addCopy: 'lineage add (copy)',
  statusCopy: 'lineage status, unchanged (copy)',
  readdCopy: 'lineage re-add, unchanged (copy)',
  addLink: 'lineage add (hardlink)',
  statusLink: 'lineage status, unchanged (hardlink)',
  readdLink: 'lineage re-add, unchanged (hardlink)',
  sha: 'sha256sum',
  sha2: 'sha256sum, xargs -P2',
  node: 'node sha256, 1 thread (reference)',
  cp: 'cp -r',
  cpSync: 'cp -r + sync',
  lfs: 'git lfs track + git add',
  annex: 'git annex add',
  smallAdd: 'lineage add (once, default config)',
  smallStatus: 'lineage status, unchanged',
  smallFind: 'find -printf size,mtime (stat walk)',
  startup: 'lineage --version (CLI start-up)',
};

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

const HELP = `usage: npm run bench -- store [--quick] [--reps N] [--annex-reps N] [--idle-wait S] [--keep]
                             [--dir PATH] [--skip-peers]

  --quick           256 MiB file, 2,000 files / 100 MiB, status on 20,000 files (4-7 minutes here;
                    the full run takes 25-30)
  --reps N          repetitions per tool (default ${SIZES.full.reps})
  --annex-reps N    runs of git annex on the many-files set (default ${SIZES.full.annexReps}: it takes minutes
                    per run here, and the target only asks lineage to be far faster; 0 skips it)
  --idle-wait S     before each timed run, wait up to S seconds (default 5) for other processes to
                    leave the CPUs idle; runs that start busy anyway are counted in the notes
  --keep            keep the generated data (reused by the next run with the same sizes)
  --dir PATH        scratch directory (default $LINEAGE_BENCH_DIR, else /work/bench-data, else the
                    temp dir); data goes to PATH/store
  --skip-peers      only lineage (for a quick look while developing the engine)
`;

export async function main(argv, { root, cli }) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      reps: { type: 'string' },
      'annex-reps': { type: 'string' },
      'idle-wait': { type: 'string' },
      dir: { type: 'string' },
      'skip-peers': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const size = { ...(values.quick ? SIZES.quick : SIZES.full) };
  if (values.reps) size.reps = Math.max(1, Number(values.reps));
  if (values['annex-reps']) size.annexReps = Math.max(0, Number(values['annex-reps']));
  size.annexReps = Math.min(size.annexReps, size.reps);
  const scratch = path.resolve(values.dir ?? process.env.LINEAGE_BENCH_DIR ?? defaultScratch(), 'store');
  const idleWaitMs = 1000 * Number(values['idle-wait'] ?? 5);
  const b = new StoreBench({
    root,
    cli,
    scratch,
    size,
    quick: values.quick,
    peers: !values['skip-peers'],
    idleWaitMs,
  });
  try {
    await b.prepare();
    await b.measureDataset('bigfile');
    await b.measureDataset('manyfiles');
    await b.measureStatus();
  } finally {
    if (values.keep) b.log(`kept ${scratch}`);
    else {
      await rmrf(b.work);
      await rmrf(scratch);
    }
  }
  b.report();
  return 0;
}

class StoreBench extends BenchBase {
  constructor({ root, cli, scratch, size, quick, peers, idleWaitMs }) {
    super();
    Object.assign(this, { root, cli, scratch, size, quick, peers, idleWaitMs });
    this.work = path.join(scratch, 'work');
    this.datasets = {};
    this.peerStatus = {};
    this.versions = {};
    this.busySamples = [];
    this.lastBusy = null;
  }

  // ---- setup ------------------------------------------------------------------------------

  async prepare() {
    const s = this.size;
    await fs.mkdir(this.scratch, { recursive: true });
    this.machine = await machineInfo(this.scratch);
    if (this.machine.fs === 'tmpfs')
      this.note(`scratch ${this.scratch} is on tmpfs: copies measure RAM, not disk`);
    const need = 3 * (s.bigFile + s.manyBytes) + s.smallFiles * 6000 + GiB;
    const free = await freeBytes(this.scratch);
    if (free < need)
      throw new Error(`need about ${fmtBytes(need)} free in ${this.scratch}, have ${fmtBytes(free)}`);

    if (this.peers) {
      this.peerStatus = await ensureDebPackages(
        [
          { pkg: 'git-lfs', check: ['git', 'lfs', 'version'] },
          { pkg: 'git-annex', check: ['git', 'annex', 'version', '--raw'] },
        ],
        (m) => this.log(m),
      );
      for (const [pkg, st] of Object.entries(this.peerStatus))
        if (st !== true) this.note(`${pkg}: ${st}; its rows are n/a`);
    }
    const head = await run('git', ['-C', this.root, 'log', '-1', '--format=%h %cI']);
    const dirty = await run('git', ['-C', this.root, 'status', '--porcelain', '--', 'core', 'protocol']);
    this.versions = {
      lineage: head.ok
        ? head.stdout.trim() + (dirty.stdout.trim() ? ' + uncommitted core changes' : '')
        : null,
      git: await toolVersion('git'),
      gitLfs: await toolVersion('git', ['lfs', 'version']),
      gitAnnex: await toolVersion('git', ['annex', 'version', '--raw']),
      sha256sum: await toolVersion('sha256sum'),
      cp: await toolVersion('cp'),
    };

    const data = path.join(this.scratch, 'data');
    this.log(`generating data in ${data} …`);
    const big = await generate(
      path.join(data, 'bigfile'),
      { kind: 'file', name: 'big.bin', size: s.bigFile },
      1,
    );
    const many = await generate(
      path.join(data, 'manyfiles'),
      { kind: 'tree', name: 'files', folders: 100, sizes: spreadSizes(s.manyFiles, s.manyBytes, 2) },
      2,
    );
    const small = await generate(
      path.join(data, 'small'),
      {
        kind: 'tree',
        name: 'small',
        folders: Math.ceil(s.smallFiles / 500),
        sizes: uniformSizes(s.smallFiles, 256, 4096, 3),
      },
      3,
    );
    await syncDisks();
    for (const [id, label, g] of [
      ['bigfile', `one ${fmtBytes(s.bigFile)} file`, big],
      ['manyfiles', `${s.manyFiles.toLocaleString('en')} files in 100 folders`, many],
      ['small', `${s.smallFiles.toLocaleString('en')} small files`, small],
    ]) {
      const { files, bytes } = await sizeOf(g.path);
      this.datasets[id] = { id, label, path: g.path, name: path.basename(g.path), files, bytes, rows: {} };
      this.log(`${id}: ${files} files, ${fmtBytes(bytes)}${g.reused ? ' (reused)' : ''}`);
    }
    // The generated sizes themselves (the files on disk are made from this list).
    const sizes = spreadSizes(s.manyFiles, s.manyBytes, 2).sort((a, b) => a - b);
    const pct = (p) => sizes[Math.floor(p * (sizes.length - 1))];
    this.datasets.manyfiles.spread = {
      min: pct(0),
      p50: pct(0.5),
      p90: pct(0.9),
      p99: pct(0.99),
      max: pct(1),
    };
  }

  record(ds, label, r, check) {
    const rows = (ds.rows[label] ??= []);
    let ok = r.ok;
    if (ok && check) {
      const problem = check(r);
      if (problem) {
        ok = false;
        this.note(`${ds.id}: ${label}: ${problem}`);
      }
    }
    if (!r.ok)
      this.note(`${ds.id}: ${label} failed (exit ${r.code ?? r.signal}): ${tail(r.stderr || r.stdout)}`);
    rows.push({ ok, seconds: r.seconds, busy: this.lastBusy });
    this.busySamples.push(this.lastBusy);
    this.log(`  ${ds.id}: ${label}: ${ok ? fmtSeconds(r.seconds) + ' s' : 'FAILED'}`);
    return ok;
  }

  na(ds, label, why) {
    ds.rows[label] ??= [];
    this.note(`${ds.id}: ${label}: n/a (${why})`);
  }

  lineage(args, cwd) {
    return run('node', [this.cli, ...args], { cwd });
  }

  async freshRepo(name) {
    const dir = path.join(this.work, name);
    await rmrf(dir);
    await fs.mkdir(dir, { recursive: true });
    await mustSh('git init -q', { cwd: dir, env: GIT_ENV });
    return dir;
  }

  // ---- add / status / peers on one dataset ----------------------------------------------

  async measureDataset(id) {
    const ds = this.datasets[id];
    const groups = [
      ['lineage copy', () => this.lineageGroup(ds, 'copy')],
      ['lineage hardlink', () => this.lineageGroup(ds, 'hardlink')],
    ];
    if (this.peers) {
      groups.push(
        ['sha256sum', () => this.shaGroup(ds)],
        ['node sha256', () => this.nodeHash(ds)],
        ['cp -r', () => this.copyGroup(ds)],
        ['git lfs', () => this.lfsGroup(ds)],
        ['git annex', (rep) => this.annexGroup(ds, rep)],
      );
    }
    for (let rep = 0; rep < this.size.reps; rep++) {
      this.log(`${id}: repetition ${rep + 1}/${this.size.reps}`);
      // Interleave the tools, and rotate which goes first so drift spreads over all of them.
      for (let k = 0; k < groups.length; k++) {
        const [, fn] = groups[(k + rep) % groups.length];
        await fn(rep);
      }
    }
  }

  /** Settle the disk and load `target` into the page cache right before a timed run. */
  async ready(target) {
    await syncDisks();
    await warm(target);
    const { busy } = await waitForQuiet({ threshold: BUSY, maxMs: this.idleWaitMs });
    this.lastBusy = busy;
  }

  async lineageGroup(ds, mode) {
    const repo = await this.freshRepo(`lineage-${mode}`);
    const target = path.join(repo, ds.name);
    const [add, status, readd] =
      mode === 'copy' ? [T.addCopy, T.statusCopy, T.readdCopy] : [T.addLink, T.statusLink, T.readdLink];
    let moved = false;
    try {
      const init = await this.lineage(['init'], repo);
      if (!init.ok) {
        for (const l of [add, status, readd]) this.record(ds, l, init);
        return;
      }
      await fs.writeFile(path.join(repo, 'lineage.yaml'), `schema: 1\nlink: [${mode}]\n`);
      if (mode === 'copy') {
        // Copy mode leaves the data untouched: borrow the pristine copy (a rename) instead of copying it.
        await fs.rename(ds.path, target);
        moved = true;
      } else {
        await mustSh(`cp -r ${q(ds.path)} ${q(target)}`);
      }
      const sample = await firstFile(target);
      await this.ready(target);
      const okAdd = this.record(ds, add, await this.lineage(['add', ds.name], repo));
      if (okAdd) {
        const nlink = (await fs.stat(sample)).nlink;
        if (mode === 'hardlink' && nlink < 2)
          this.note(`${ds.id}: link: [hardlink] did not hardlink the data (nlink 1)`);
        if (mode === 'copy' && nlink > 1)
          this.note(`${ds.id}: link: [copy] left the data hardlinked (nlink ${nlink})`);
        ds.linked ??= {};
        ds.linked[mode] = nlink;
      }
      await this.ready(target);
      this.record(ds, status, await this.lineage(['status'], repo), (r) =>
        /\bclean\b/.test(r.stdout) && !/\b(modified|missing|error)\b/.test(r.stdout)
          ? null
          : `status of unchanged data did not say clean: ${tail(r.stdout)}`,
      );
      await this.ready(target);
      this.record(ds, readd, await this.lineage(['add', ds.name], repo));
    } finally {
      if (moved) await fs.rename(target, ds.path);
      await rmrf(repo);
    }
  }

  async shaGroup(ds) {
    const cwd = path.dirname(ds.path);
    const list = `find ${q(ds.name)} -type f -print0`;
    await this.ready(ds.path);
    this.record(ds, T.sha, await sh(`${list} | xargs -0 sha256sum > /dev/null`, { cwd }));
    await this.ready(ds.path);
    this.record(ds, T.sha2, await sh(`${list} | xargs -0 -P2 -n 256 sha256sum > /dev/null`, { cwd }));
  }

  async nodeHash(ds) {
    await this.ready(ds.path);
    this.record(ds, T.node, await run('node', [HASHFILES, ds.name], { cwd: path.dirname(ds.path) }));
  }

  async copyGroup(ds) {
    const dest = path.join(this.work, 'cp-dest');
    await rmrf(dest);
    await this.ready(ds.path);
    const cp = await run('cp', ['-r', ds.path, dest]);
    const sync = await run('sync');
    this.record(ds, T.cp, cp);
    this.record(ds, T.cpSync, { ...cp, ok: cp.ok && sync.ok, seconds: cp.seconds + sync.seconds });
    await rmrf(dest);
  }

  async lfsGroup(ds) {
    if (this.peerStatus['git-lfs'] !== true) return this.na(ds, T.lfs, 'git-lfs missing');
    const repo = await this.freshRepo('lfs');
    const target = path.join(repo, ds.name);
    let moved = false;
    try {
      await mustSh('git lfs install --local > /dev/null', { cwd: repo, env: GIT_ENV });
      await fs.rename(ds.path, target); // git add leaves the working files alone
      moved = true;
      await this.ready(target);
      const r = await sh(`git lfs track '*.bin' > /dev/null && git add .`, { cwd: repo, env: GIT_ENV });
      this.record(ds, T.lfs, r, () => null);
      if (r.ok && ds.lfsChecked === undefined) {
        const n = (await sh('git lfs ls-files -n | wc -l', { cwd: repo })).stdout.trim();
        ds.lfsChecked = Number(n);
        if (Number(n) !== ds.files) this.note(`${ds.id}: git lfs stored ${n} of ${ds.files} files`);
      }
    } finally {
      if (moved) await fs.rename(target, ds.path);
      await rmrf(repo);
    }
  }

  async annexGroup(ds, rep) {
    if (this.peerStatus['git-annex'] !== true) return this.na(ds, T.annex, 'git-annex missing');
    if (ds.id === 'manyfiles' && rep >= this.size.annexReps) return;
    const repo = await this.freshRepo('annex');
    const target = path.join(repo, ds.name);
    try {
      await mustSh('git annex init -q bench', { cwd: repo, env: GIT_ENV });
      await mustSh(`cp -r ${q(ds.path)} ${q(target)}`); // annex moves the data into .git/annex
      await this.ready(target);
      this.record(ds, T.annex, await sh('git annex add . > /dev/null', { cwd: repo, env: GIT_ENV }));
    } finally {
      await rmrf(repo);
    }
  }

  // ---- status of many small unchanged files -----------------------------------------------

  async measureStatus() {
    const ds = this.datasets.small;
    const repo = await this.freshRepo('lineage-status');
    const target = path.join(repo, ds.name);
    try {
      await fs.rename(ds.path, target);
      const init = await this.lineage(['init'], repo);
      if (!init.ok) return void this.record(ds, T.smallAdd, init);
      await this.ready(target);
      if (!this.record(ds, T.smallAdd, await this.lineage(['add', ds.name], repo))) return;
      for (let rep = 0; rep < this.size.reps; rep++) {
        this.log(`small: repetition ${rep + 1}/${this.size.reps}`);
        await this.ready(target);
        this.record(ds, T.smallStatus, await this.lineage(['status'], repo), (r) =>
          /\bclean\b/.test(r.stdout) ? null : `status did not say clean: ${tail(r.stdout)}`,
        );
        await this.ready(target);
        this.record(
          ds,
          T.smallFind,
          await sh(`find ${q(ds.name)} -printf '%s %T@\\n' > /dev/null`, { cwd: repo }),
        );
        this.record(ds, T.startup, await this.lineage(['--version'], repo));
      }
    } finally {
      if (await exists(target)) await fs.rename(target, ds.path);
      await rmrf(repo);
    }
  }

  // ---- report -----------------------------------------------------------------------------

  report() {
    const out = [];
    const json = {
      bench: 'store',
      quick: this.quick,
      date: new Date().toISOString(),
      machine: this.machine,
      versions: this.versions,
    };
    json.machine = {
      cpus: this.machine.cpus,
      cpuModel: this.machine.cpuModel,
      mem: `${this.machine.memGiB} GiB`,
      node: this.machine.node,
      kernel: this.machine.kernel,
      fs: this.machine.fs,
      mountOptions: this.machine.mountOptions,
    };
    json.reps = { default: this.size.reps, annexManyFiles: this.size.annexReps };
    json.datasets = Object.fromEntries(Object.values(this.datasets).map((d) => [d.id, d.label]));
    json.results = {};
    const targets = [];
    out.push(
      `\nLineage store benchmark${this.quick ? ' (--quick)' : ''} — ${json.date.slice(0, 10)}, ${this.machine.cpus} × ${this.machine.cpuModel}, ` +
        `${this.machine.memGiB} GiB RAM, ${this.machine.fs}, Node ${this.machine.node}`,
    );
    out.push(
      `lineage ${this.versions.lineage ?? '?'}; medians of ${this.size.reps} warm-cache runs, tools interleaved`,
    );
    out.push(
      `MB/s = dataset bytes ÷ median; tool÷add = this row's median ÷ lineage add's; busy = runs that started with other processes using > ${BUSY * 100}% CPU\n`,
    );

    for (const id of ['bigfile', 'manyfiles', 'small']) {
      const ds = this.datasets[id];
      if (!ds) continue;
      const med = (label) => summarize(ds.rows[label] ?? [])?.median ?? null;
      const addCopy = med(T.addCopy);
      const addLink = med(T.addLink);
      const stats = {};
      const rows = [];
      for (const [label, samples] of Object.entries(ds.rows)) {
        const s = summarize(samples);
        const failed = samples.filter((x) => !x.ok).length;
        stats[label] = s
          ? {
              n: s.n,
              median: round(s.median),
              min: round(s.min),
              max: round(s.max),
              failed,
              busy: samples.map((x) => round(x.busy)),
            }
          : { n: 0, median: null, failed };
        rows.push([
          label,
          s
            ? failed
              ? `${s.n} (+${failed} failed)`
              : s.n
            : samples.length
              ? `all ${samples.length} failed`
              : 'n/a',
          fmtSeconds(s?.median),
          fmtSeconds(s?.min),
          fmtSeconds(s?.max),
          s ? (ds.bytes / 1e6 / s.median).toFixed(0) : '',
          id === 'small' ? '' : ratioText(s?.median, addCopy),
          id === 'small' ? '' : ratioText(s?.median, addLink),
          samples.filter((x) => x.busy !== null && x.busy > BUSY).length || '',
        ]);
      }
      const head =
        `${ds.label}: ${ds.files.toLocaleString('en')} files, ${fmtBytes(ds.bytes)}` +
        (ds.spread
          ? ` (sizes: median ${fmtBytes(ds.spread.p50)}, p90 ${fmtBytes(ds.spread.p90)}, max ${fmtBytes(ds.spread.max)})`
          : '');
      out.push(head);
      out.push(
        renderTable(
          ['tool', 'runs', 'median s', 'min s', 'max s', 'MB/s', 'tool÷add copy', 'tool÷add link', 'busy'],
          rows,
        ),
      );

      const result = {
        files: ds.files,
        bytes: ds.bytes,
        spread: ds.spread,
        nlinkAfterAdd: ds.linked,
        medians: {},
        stats,
      };
      for (const [label, s] of Object.entries(stats)) result.medians[label] = s.median;
      if (id !== 'small') {
        const shaPeer = minNonNull(med(T.sha), med(T.sha2));
        const copyPeer = maxNonNull(shaPeer, med(T.cp));
        const lfs = med(T.lfs);
        const annex = med(T.annex);
        result.ratios = {
          'add copy ÷ max(sha256sum, cp -r)': round(div(addCopy, copyPeer)),
          'add copy ÷ max(sha256sum, cp -r + sync)': round(div(addCopy, maxNonNull(shaPeer, med(T.cpSync)))),
          'add hardlink ÷ sha256sum': round(div(addLink, shaPeer)),
          'git lfs ÷ add copy': round(div(lfs, addCopy)),
          'git lfs ÷ add hardlink': round(div(lfs, addLink)),
          'git annex ÷ add copy': round(div(annex, addCopy)),
          'git annex ÷ add hardlink': round(div(annex, addLink)),
          'add hardlink MB/s ÷ node sha256 1-thread MB/s': round(div(med(T.node), addLink)),
          're-add unchanged (copy) s': round(med(T.readdCopy)),
        };
        const ds2 = id === 'bigfile' ? 'one big file' : 'many files';
        targets.push(
          target(
            `add (copy) ≤ 1.2 × max(sha256sum, cp -r) [${ds2}]`,
            div(addCopy, copyPeer),
            (v) => v <= 1.2,
            '×',
          ),
          target(`add (hardlink) < 0.5 × sha256sum [${ds2}]`, div(addLink, shaPeer), (v) => v < 0.5, '×'),
          target(`git lfs ≥ 3 × add (copy) [${ds2}]`, div(lfs, addCopy), (v) => v >= 3, '×'),
          target(`git lfs ≥ 3 × add (hardlink) [${ds2}]`, div(lfs, addLink), (v) => v >= 3, '×'),
        );
      } else {
        targets.push(
          target(
            `status of ${ds.files.toLocaleString('en')} unchanged files < 1 s`,
            med(T.smallStatus),
            (v) => v < 1,
            ' s',
          ),
        );
      }
      json.results[id] = result;
    }
    out.push('Targets (DESIGN.md; the ratio is lineage ÷ peer, or peer ÷ lineage for "≥ 3 ×"):');
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
    if (this.notes.size) out.push('Notes:\n' + [...this.notes].map((n) => `  - ${n}`).join('\n') + '\n');
    json.notes = [...this.notes];
    json.elapsedSeconds = Math.round((Date.now() - this.started) / 1000);
    process.stdout.write(out.join('\n') + '\n');
    process.stdout.write(JSON.stringify(json) + '\n');
  }
}

function target(name, value, test, unit) {
  if (value === null || value === undefined || !Number.isFinite(value))
    return { name, value: null, pass: null, text: 'n/a', verdict: 'n/a' };
  const pass = test(value);
  const text = unit === '×' ? fmtRatio(value) : `${fmtSeconds(value)}${unit}`;
  return { name, value, pass, text, verdict: pass ? 'PASS' : 'MISS' };
}

function ratioText(a, b) {
  return fmtRatio(div(a, b));
}

function div(a, b) {
  return a === null || b === null || a === undefined || b === undefined || b === 0 ? null : a / b;
}

function minNonNull(...xs) {
  const v = xs.filter((x) => x !== null && x !== undefined);
  return v.length ? Math.min(...v) : null;
}

function maxNonNull(...xs) {
  const v = xs.filter((x) => x !== null && x !== undefined);
  return v.length ? Math.max(...v) : null;
}

/** The first regular file under `p` in name order (p itself when it is a file). */
async function firstFile(p) {
  const st = await fs.stat(p);
  if (st.isFile()) return p;
  for (const name of (await fs.readdir(p)).sort()) {
    const found = await firstFile(path.join(p, name)).catch(() => null);
    if (found) return found;
  }
  return null;
}
