// Runs benchmark: 10,000 generated run folders (50 params, 20 metrics, a few hundred logged points
// each). Times building the runs index from nothing, listing every run, and list + filter + sort
// (engine in-process and through the CLI), against a Python peer doing what MLflow's file store
// does for a search (read every run's files, filter and sort in Python). Warm cache, interleaved,
// medians and ratios; the CLI's and the peers' answers are checked against each other. See
// docs/benchmarks.md.
import { existsSync, mkdirSync, promises as fs, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchBase } from './lib/benchBase.mjs';
import { benchArgs, bundleEngine, div, fmtMs, runBench, sub } from './lib/benchMain.mjs';
import { prng } from './lib/datagen.mjs';
import { defaultScratch, freeBytes, rmrf, sizeOf, syncDisks } from './lib/fsutil.mjs';
import { waitForQuiet } from './lib/load.mjs';
import { machineInfo, toolVersion } from './lib/machine.mjs';
import { q as shq, run, sh, tail } from './lib/proc.mjs';
import { median, round, summarize } from './lib/stats.mjs';
import { fmtBytes, fmtRatio, fmtSeconds, renderTable } from './lib/table.mjs';

export const about =
  'lineage runs: index, list, filter + sort of 10,000 runs vs a Python MLflow-style search (--quick: 2,000)';

const ENGINE_SOURCE = fileURLToPath(new URL('./lib/runsEngine.mjs', import.meta.url));
const PEER = fileURLToPath(new URL('./lib/runs_peer.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const BUSY = 0.2;
/** Bump when the generated runs change shape, so a kept scratch folder is rebuilt. */
const LAYOUT = 2;

const SIZES = {
  full: { runs: 10_000, reps: 5, coldReps: 3, calls: 10 },
  quick: { runs: 2_000, reps: 5, coldReps: 3, calls: 10 },
};
const PARAMS = 50;
const METRICS = 20;
const STEPS = 15; // × 20 metrics = 300 logged points per finished run

/** The target (the issue): list + filter + sort of 10,000 runs, warm, under 200 ms. */
const TARGET_S = 0.2;

/** The query, as a lineage filter and sort, and the same for the Python peer. */
const QUERY = {
  filter: 'status == "finished" and lr < 0.01 and `val/acc` > 0.94',
  sort: '-`val/acc`,name',
  peer: {
    where: [
      ['field', 'status', '==', 'finished'],
      ['param', 'lr', '<', 0.01],
      ['metric', 'val/acc', '>', 0.94],
    ],
    order: [
      ['metric', 'val/acc', true],
      ['field', 'name', false],
    ],
  },
};

const T = {
  cold: 'engine: index build, cold (no index)',
  queryFirst: 'engine: list + filter + sort, first call in a process',
  queryFresh: 'engine: list + filter + sort, each call reads the index',
  queryMemo: 'engine: list + filter + sort, repeated (memo, as a server)',
  listFirst: 'engine: listRuns, every summary, first call in a process',
  listFresh: 'engine: listRuns, each call reads the index',
  listMemo: 'engine: listRuns, repeated (memo, as a server)',
  cliJson: 'lineage runs --filter … --sort … --json (CLI)',
  cliTable: 'lineage runs --filter … --sort … --limit 20 (CLI, table)',
  startup: 'lineage --version (CLI start-up)',
  peer: 'python3 peer, MLflow file-store style (all files)',
  peerLight: 'python3, run.json + status.json only',
};

const HELP = `usage: npm run bench -- runs [--quick] [--reps N] [--calls N] [--idle-wait S] [--keep] [--dir PATH]

  --quick           2,000 runs instead of 10,000 (each: 50 params, 20 metrics, ${STEPS * METRICS} points)
  --reps N          repetitions of each command (default ${SIZES.full.reps}; the cold index build: ${SIZES.full.coldReps})
  --calls N         timed in-process engine calls per repetition, after one untimed warm-up
                    (default ${SIZES.full.calls})
  --idle-wait S     before each timed run, wait up to S seconds (default 5) for other processes to
                    leave the CPUs idle; runs that start busy anyway are counted in the notes
  --keep            keep the generated runs (reused by the next run with the same size)
  --dir PATH        scratch directory (default $LINEAGE_BENCH_DIR, else /work/bench-data, else the
                    temp dir); data goes to PATH/runs
`;

export async function main(argv, { root, cli }) {
  const args = benchArgs(argv, {
    name: 'runs',
    help: HELP,
    sizes: SIZES,
    options: { calls: { type: 'string' } },
    defaultScratch,
  });
  if (!args) return 0;
  if (args.values.calls) args.size.calls = Math.max(1, Number(args.values.calls));
  const b = new RunsBench({ root, cli, ...args });
  return runBench(b, args, [() => b.prepare(), () => b.measure()]);
}

class RunsBench extends BenchBase {
  constructor({ root, cli, scratch, size, quick, idleWaitMs }) {
    super();
    Object.assign(this, { root, cli, scratch, size, quick, idleWaitMs });
    this.rows = {};
    this.busySamples = [];
    this.lastBusy = null;
    this.expected = null;
    this.phases = null;
  }

  // ---- setup ------------------------------------------------------------------------------

  async prepare() {
    await fs.mkdir(this.scratch, { recursive: true });
    this.machine = await machineInfo(this.scratch);
    const need = this.size.runs * 64 * 1024;
    const free = await freeBytes(this.scratch);
    if (free < need)
      throw new Error(`need about ${fmtBytes(need)} free in ${this.scratch}, have ${fmtBytes(free)}`);
    const head = await run('git', ['-C', this.root, 'log', '-1', '--format=%h %cI']);
    const dirty = await run('git', ['-C', this.root, 'status', '--porcelain', '--', 'core', 'protocol']);
    this.versions = {
      lineage: head.ok
        ? head.stdout.trim() + (dirty.stdout.trim() ? ' + uncommitted core changes' : '')
        : null,
      python: await toolVersion(PYTHON),
    };
    if (!this.versions.python) this.note(`${PYTHON} is missing: no peer rows`);
    await this.bundleEngine();
    this.repo = path.join(this.scratch, 'repo');
    const id = JSON.stringify({ LAYOUT, runs: this.size.runs });
    let ready = false;
    try {
      ready = readFileSync(`${this.repo}.ready`, 'utf8') === id && existsSync(this.repo);
    } catch {
      /* not generated yet */
    }
    if (ready) this.log(`reusing ${this.repo}`);
    else {
      await rmrf(`${this.repo}.ready`);
      await rmrf(this.repo);
      this.log(`generating ${this.size.runs.toLocaleString('en')} runs …`);
      const started = Date.now();
      generateRuns(this.repo, this.size.runs);
      this.log(`  generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      writeFileSync(`${this.repo}.ready`, id);
    }
    this.dataInfo = await sizeOf(path.join(this.repo, '.lineage', 'runs'));
    await syncDisks();
  }

  async bundleEngine() {
    this.engine = await bundleEngine(ENGINE_SOURCE, path.join(this.scratch, 'runs-engine.cjs'));
  }

  // ---- timing -----------------------------------------------------------------------------

  async ready(warmup) {
    await syncDisks();
    if (warmup) await warmup();
    const { busy } = await waitForQuiet({ threshold: BUSY, maxMs: this.idleWaitMs });
    this.lastBusy = busy;
  }

  async engineRun(spec) {
    const r = await run('node', [this.engine, JSON.stringify(spec)], { cwd: this.repo });
    if (!r.ok) return r;
    try {
      return { ...r, parsed: JSON.parse(r.stdout.trim().split('\n').pop()) };
    } catch (err) {
      return { ...r, ok: false, stderr: `unreadable output (${err}): ${tail(r.stdout)}` };
    }
  }

  lineage(args) {
    return run('node', [this.cli, ...args], { cwd: this.repo });
  }

  peer(mode) {
    return run(PYTHON, [PEER, path.join(this.repo, '.lineage', 'runs'), mode, JSON.stringify(QUERY.peer)], {
      cwd: this.repo,
    });
  }

  record(label, r, check) {
    const row = (this.rows[label] ??= { samples: [], check: null });
    if (!r.ok) {
      this.note(`${label} failed (exit ${r.code ?? r.signal}): ${tail(r.stderr || r.stdout)}`);
      row.samples.push({ ok: false, seconds: r.seconds, busy: this.lastBusy });
    } else {
      for (const seconds of Array.isArray(r.list) ? r.list : [r.seconds])
        row.samples.push({ ok: true, seconds, busy: this.lastBusy });
      if (check) {
        let problem;
        try {
          problem = check(r);
        } catch (err) {
          problem = `output could not be checked: ${err.message}`;
        }
        if (problem) {
          row.check = 'FAIL';
          this.note(`CHECK FAILED: ${label}: ${problem}`);
        } else row.check ??= 'ok';
      }
    }
    this.busySamples.push(this.lastBusy);
    const shown = Array.isArray(r.list)
      ? `median of ${r.list.length}: ${fmtSeconds(median(r.list))}`
      : fmtSeconds(r.seconds);
    this.log(`  ${label}: ${r.ok ? shown + ' s' : 'FAILED'}${row.check === 'FAIL' ? ' (check FAILED)' : ''}`);
  }

  /** Compare a list of ids with the engine's answer (the reference every other row must match). */
  sameIds(ids, what) {
    if (!this.expected) return null;
    if (!Array.isArray(ids)) return `${what}: no id list`;
    if (ids.length !== this.expected.length)
      return `${what}: ${ids.length} runs, the engine found ${this.expected.length}`;
    const i = ids.findIndex((id, k) => id !== this.expected[k]);
    return i < 0 ? null : `${what}: run ${i + 1} is ${ids[i]}, the engine's is ${this.expected[i]}`;
  }

  async measure() {
    const s = this.size;
    const q = { filter: QUERY.filter, sort: QUERY.sort };
    // The reference answer, and the warm index the warm rows use.
    const ref = await this.engineRun({ mode: 'query', ...q, warmup: 0, calls: 1 });
    if (!ref.ok) throw new Error(`engine query failed: ${tail(ref.stderr || ref.stdout)}`);
    this.expected = ref.parsed.summary.ids;
    this.matched = this.expected.length;
    this.log(`the query matches ${this.matched} of ${ref.parsed.summary.runs} runs`);

    /** One process of `calls` fresh calls (first call, and the rest), then one of memo calls. */
    const engineRows =
      (mode, [first, fresh, memo], check) =>
      async () => {
        for (const spec of [
          { mode, ...q, fresh: true, warmup: 0, calls: s.calls + 1 },
          { mode, ...q, warmup: 1, calls: s.calls },
        ]) {
          await this.ready(() => this.lineage(['runs', '--limit', '1']));
          const r = await this.engineRun(spec);
          if (!r.ok) {
            this.record(spec.fresh ? fresh : memo, r);
            continue;
          }
          if (spec.fresh) {
            const [one, ...rest] = r.parsed.seconds;
            this.record(first, { ...r, list: [one] }, check);
            this.record(fresh, { ...r, list: rest }, check);
          } else this.record(memo, { ...r, list: r.parsed.seconds }, check);
        }
      };
    const cliJson = ['runs', '--filter', QUERY.filter, '--sort', QUERY.sort, '--json'];
    const cliTable = ['runs', '--filter', QUERY.filter, '--sort', QUERY.sort, '--limit', '20'];
    const jsonOut = path.join(this.scratch, 'cli-out.json');
    const groups = [
      engineRows('list', [T.listFirst, T.listFresh, T.listMemo], (r) =>
        r.parsed.summary.runs === s.runs && r.parsed.summary.problems === 0
          ? null
          : `listed ${r.parsed.summary.runs} runs, ${r.parsed.summary.problems} problems`,
      ),
      engineRows('query', [T.queryFirst, T.queryFresh, T.queryMemo], (r) =>
        this.sameIds(r.parsed.summary.ids, 'engine'),
      ),
      async () => {
        // Output to a file: the whole JSON is checked (a pipe here keeps only its first 64 KiB).
        const cmd = `node ${shq(this.cli)} ${cliJson.map(shq).join(' ')} > ${shq(jsonOut)}`;
        await this.ready(() => sh(cmd, { cwd: this.repo }));
        this.record(T.cliJson, await sh(cmd, { cwd: this.repo }), () =>
          this.sameIds(
            JSON.parse(readFileSync(jsonOut, 'utf8')).runs.map((x) => x.id),
            'CLI',
          ),
        );
      },
      async () => {
        await this.ready(() => this.lineage(cliTable));
        this.record(T.cliTable, await this.lineage(cliTable), (r) => {
          const lines = r.stdout.trim().split('\n');
          const rows = lines.filter((l) => /^[0-9a-z]{8}\s/.test(l));
          return rows.length === Math.min(20, this.matched) ? null : `printed ${rows.length} rows`;
        });
      },
      async () => {
        await this.ready(() => this.lineage(['--version']));
        this.record(T.startup, await this.lineage(['--version']));
      },
    ];
    if (this.versions.python) {
      for (const [label, mode] of [
        [T.peer, 'mlflow'],
        [T.peerLight, 'summaries'],
      ]) {
        groups.push(async () => {
          await this.ready(() => this.peer(mode));
          this.record(label, await this.peer(mode), (r) => {
            const out = JSON.parse(r.stdout);
            if (out.runs !== s.runs) return `read ${out.runs} runs`;
            return this.sameIds(out.ids, 'peer');
          });
        });
      }
    }
    for (let rep = 0; rep < s.reps; rep++) {
      this.log(`repetition ${rep + 1}/${s.reps}`);
      for (let k = 0; k < groups.length; k++) await groups[(k + rep) % groups.length]();
    }
    // The cold build rewrites the index; it runs last, then one warm step-by-step run.
    for (let rep = 0; rep < s.coldReps; rep++) {
      await this.ready(() => this.peer('summaries'));
      const r = await this.engineRun({ mode: 'cold', warmup: 0, calls: 1 });
      if (r.ok) r.list = r.parsed.seconds;
      this.record(T.cold, r, (x) =>
        x.parsed.summary.runs === s.runs &&
        x.parsed.stats[0]?.wrote &&
        x.parsed.stats[0]?.rebuilt === 'missing'
          ? null
          : `built ${x.parsed.summary.runs} runs, stats ${JSON.stringify(x.parsed.stats[0])}`,
      );
    }
    await this.ready(() => this.lineage(['runs', '--limit', '1']));
    const ph = await this.engineRun({ mode: 'phases', ...q, calls: 5 });
    if (ph.ok) this.phases = ph.parsed;
    else this.note(`step-by-step run failed: ${tail(ph.stderr)}`);
  }

  // ---- report -----------------------------------------------------------------------------

  report() {
    const out = [];
    const date = new Date().toISOString();
    const m = this.machine;
    const s = this.size;
    const json = {
      bench: 'runs',
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
      data: { runs: s.runs, params: PARAMS, metrics: METRICS, points: STEPS * METRICS, ...this.dataInfo },
      query: { filter: QUERY.filter, sort: QUERY.sort, matched: this.matched },
      reps: s.reps,
      engineCalls: s.calls,
      results: {},
    };
    out.push(
      `\nLineage runs benchmark${this.quick ? ' (--quick)' : ''} — ${date.slice(0, 10)}, ${m.cpus} × ${m.cpuModel}, ` +
        `${m.memGiB} GiB RAM, ${m.fs}, Node ${m.node}, ${this.versions.python ?? 'no python3'}`,
    );
    out.push(
      `${s.runs.toLocaleString('en')} runs (${PARAMS} params, ${METRICS} metrics, ${STEPS * METRICS} points each; ` +
        `${this.dataInfo.files.toLocaleString('en')} files, ${fmtBytes(this.dataInfo.bytes)}); lineage ${this.versions.lineage ?? '?'}`,
    );
    out.push(`query: --filter '${QUERY.filter}' --sort '${QUERY.sort}' → ${this.matched} runs`);
    out.push(
      `medians of ${s.reps} warm runs (cold build: ${s.coldReps}); engine rows: ${s.calls} timed in-process calls per run ` +
        `after one warm-up; check = same runs in the same order as the engine; busy = runs started with other ` +
        `processes using > ${BUSY * 100}% CPU\n`,
    );
    const peer = summarize(this.rows[T.peer]?.samples ?? [])?.median ?? null;
    const rows = [];
    const stats = {};
    for (const [label, row] of Object.entries(this.rows)) {
      const st = summarize(row.samples);
      const failed = row.samples.filter((x) => !x.ok).length;
      const busy = row.samples.filter((x) => x.ok && x.busy !== null && x.busy > BUSY).length;
      stats[label] = {
        n: st?.n ?? 0,
        median: round(st?.median),
        min: round(st?.min),
        max: round(st?.max),
        failed,
        check: row.check,
      };
      rows.push([
        label,
        st ? (failed ? `${st.n} (+${failed} failed)` : st.n) : `all ${failed} failed`,
        fmtMs(st?.median),
        fmtMs(st?.min),
        fmtMs(st?.max),
        fmtRatio(div(peer, st?.median)),
        row.check ?? '',
        busy || '',
      ]);
    }
    out.push(renderTable(['what', 'runs', 'median', 'min', 'max', 'peer ÷ this', 'check', 'busy'], rows));
    const med = (label) => stats[label]?.median ?? null;
    out.push(`CLI --json minus CLI start-up: ${fmtMs(sub(med(T.cliJson), med(T.startup)))}\n`);
    if (this.phases) {
      out.push('One warm query, step by step (medians of 5):');
      out.push(
        renderTable(
          ['step', 'time'],
          Object.entries(this.phases.steps).map(([k, v]) => [k, fmtMs(v)]),
        ),
      );
      out.push(`index file: ${fmtBytes(this.phases.indexBytes)}\n`);
    }
    json.results = {
      medians: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v.median])),
      stats,
      ratios: {
        'peer ÷ engine query (first call)': round(div(peer, med(T.queryFirst))),
        'peer ÷ CLI --json': round(div(peer, med(T.cliJson))),
        'light peer ÷ engine query (first call)': round(div(med(T.peerLight), med(T.queryFirst))),
        'light peer ÷ CLI --json': round(div(med(T.peerLight), med(T.cliJson))),
        'cold build ÷ engine query (first call)': round(div(med(T.cold), med(T.queryFirst))),
        'CLI --json − CLI start-up s': round(sub(med(T.cliJson), med(T.startup))),
      },
      phases: this.phases,
    };
    const quickNote = this.quick ? ' (--quick size; stated for 10,000)' : '';
    const n = s.runs.toLocaleString('en');
    const targets = [
      target(
        `list + filter + sort of ${n} runs, engine, first call in a process < 200 ms${quickNote}`,
        med(T.queryFirst),
      ),
      target(`the same, each call reading the index (warm JIT) < 200 ms${quickNote}`, med(T.queryFresh)),
      target(
        `the same through the CLI, minus Node start-up, < 200 ms${quickNote}`,
        sub(med(T.cliJson), med(T.startup)),
      ),
      target(`listing every run (listRuns), first call in a process < 200 ms${quickNote}`, med(T.listFirst)),
      target(`listRuns, each call reading the index < 200 ms${quickNote}`, med(T.listFresh)),
      target(`listRuns, repeated in one process (the language server) < 200 ms${quickNote}`, med(T.listMemo)),
    ];
    out.push('Targets (the issue: listing, filtering and sorting 10,000 runs warm under 200 ms):');
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
    if (disturbed)
      this.notes.add(
        `${disturbed} of ${busy.length} timed runs started while other processes kept the CPUs more than ` +
          `${BUSY * 100}% busy (max ${Math.round(100 * Math.max(...busy))}%): those numbers are noisy`,
      );
    json.checks = {
      failed: Object.entries(this.rows)
        .filter(([, r]) => r.check === 'FAIL')
        .map(([label]) => label),
    };
    if (this.notes.size) out.push('Notes:\n' + [...this.notes].map((n) => `  - ${n}`).join('\n') + '\n');
    json.notes = [...this.notes];
    json.elapsedSeconds = Math.round((Date.now() - this.started) / 1000);
    process.stdout.write(out.join('\n') + '\n');
    process.stdout.write(JSON.stringify(json) + '\n');
  }
}

// ---- generated runs ---------------------------------------------------------------------------

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

function ulid(ms, rand) {
  let time = '';
  for (let i = 0, t = ms; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  let tailPart = '';
  for (let i = 0; i < 16; i++) tailPart += CROCKFORD[Math.floor(rand() * 32)];
  return time + tailPart;
}

function hex(rand, length) {
  let s = '';
  for (let i = 0; i < length; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
  return s;
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const gauss = (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

const METRIC_NAMES = [
  'loss',
  'acc',
  'top5',
  'f1',
  'precision',
  'recall',
  'auc',
  'val/loss',
  'val/acc',
  'val/top5',
  'val/f1',
  'val/precision',
  'val/recall',
  'val/auc',
  'grad_norm',
  'lr_now',
  'throughput',
  'epoch_time',
  'gpu_mem',
  'samples',
];

/** A run's params: 31 named ones (the experiment's), then model block widths up to 50. */
function paramsFor(rand, experiment) {
  const p = {
    lr: Number((10 ** (-5 + 4 * rand())).toPrecision(3)),
    batch_size: pick(rand, [16, 32, 64, 128, 256]),
    optimizer: pick(rand, ['adam', 'adamw', 'sgd', 'rmsprop']),
    epochs: STEPS,
    seed: Math.floor(rand() * 10_000),
    dropout: Number((rand() * 0.5).toFixed(2)),
    weight_decay: pick(rand, [0, 1e-5, 1e-4, 5e-4, 1e-3]),
    momentum: pick(rand, [0.8, 0.9, 0.95, 0.99]),
    warmup_steps: pick(rand, [0, 100, 500, 1000]),
    grad_clip: pick(rand, [null, 0.5, 1, 5]),
    label_smoothing: pick(rand, [0, 0.05, 0.1]),
    scheduler: pick(rand, ['cosine', 'step', 'linear', 'constant']),
    'model.name': pick(rand, ['resnet18', 'resnet50', 'vit-b16', 'convnext-t', 'efficientnet-b0']),
    'model.depth': pick(rand, [18, 34, 50, 101]),
    'model.width': pick(rand, [32, 64, 128]),
    'model.activation': pick(rand, ['relu', 'gelu', 'silu']),
    'model.norm': pick(rand, ['batch', 'layer', 'group']),
    'model.pretrained': rand() < 0.5,
    'data.path': 'data/train',
    'data.val_split': 0.1,
    'data.num_workers': pick(rand, [2, 4, 8]),
  };
  if (experiment !== 'eval') {
    Object.assign(p, {
      'aug.flip': rand() < 0.7,
      'aug.crop': rand() < 0.7,
      'aug.mixup': pick(rand, [0, 0.2, 0.4]),
      'aug.cutmix': pick(rand, [0, 0.5, 1]),
      'aug.randaug_n': pick(rand, [0, 1, 2, 3]),
      'aug.randaug_m': pick(rand, [5, 9, 15]),
      precision: pick(rand, ['bf16', 'fp16', 'fp32']),
      compile: rand() < 0.5,
      ema: rand() < 0.3,
      ema_decay: pick(rand, [0.999, 0.9999]),
    });
  }
  for (let k = 0; Object.keys(p).length < PARAMS; k++)
    p[`model.block${k}.channels`] = pick(rand, [64, 128, 256, 512]);
  return p;
}

/** One metric line's values at `step` for a run of quality q (final accuracy). */
function metricsAt(rand, q, step, lr) {
  const t = 1 - Math.exp(-(step + 1) / 4);
  const acc = Math.min(0.999, q * t + 0.02 * gauss(rand));
  const vacc = Math.min(0.999, acc - 0.015 - 0.01 * rand());
  const m = {
    loss: 2.3 * (1 - t) + (1 - q) + 0.05 * rand(),
    acc,
    top5: Math.min(0.9999, acc + 0.05 + 0.03 * rand()),
    f1: acc - 0.01 * rand(),
    precision: acc + 0.01 * gauss(rand),
    recall: acc + 0.01 * gauss(rand),
    auc: Math.min(0.9999, 0.5 + acc / 2 + 0.01 * rand()),
  };
  const val = {
    loss: m.loss + 0.1 + 0.05 * rand(),
    acc: vacc,
    top5: Math.min(0.9999, vacc + 0.05 + 0.03 * rand()),
    f1: vacc - 0.01 * rand(),
    precision: vacc + 0.01 * gauss(rand),
    recall: vacc + 0.01 * gauss(rand),
    auc: Math.min(0.9999, 0.5 + vacc / 2 + 0.01 * rand()),
  };
  return {
    ...m,
    val,
    grad_norm: 5 * (1 - t) + rand(),
    lr_now: lr * (1 - step / STEPS),
    throughput: 900 + 200 * rand(),
    epoch_time: 50 + 20 * rand(),
    gpu_mem: 10_000 + Math.floor(2000 * rand()),
    samples: (step + 1) * 50_000,
  };
}

const json2 = (v) => JSON.stringify(v, null, 2) + '\n';

/**
 * `n` run folders as `lineage run` writes them (header, environment, status with metric
 * summaries, the metric stream, output.log), one every 37 s from 2026-11-01, under
 * `<repo>/.lineage/runs/`; `<repo>` gets a `lineage.yaml` so it is a Lineage repository.
 */
export function generateRuns(repo, n) {
  const rand = prng(2026);
  const runsDir = path.join(repo, '.lineage', 'runs');
  mkdirSync(runsDir, { recursive: true });
  writeFileSync(path.join(repo, 'lineage.yaml'), 'schema: 1\n');
  const commits = Array.from({ length: Math.ceil(n / 40) }, () => hex(rand, 40));
  const dataHash = hex(rand, 64);
  const environment = json2({
    schema: 1,
    os: { platform: 'linux', release: '6.18.0', arch: 'x64' },
    host: 'bench-host',
    cpus: { model: 'AMD EPYC', count: 32 },
    memory: 270_000_000_000,
    node: '20.20.2',
    python: {
      executable: '/usr/bin/python3',
      version: '3.11.2',
      packages: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`package-${i}`, `1.${i}.0`])),
    },
    gpus: [{ name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, driver: '550.54.15' }],
  });
  const base = Date.parse('2026-11-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const startMs = base + i * 37_000;
    const id = ulid(startMs, rand);
    const experiment = rand() < 0.8 ? 'train' : rand() < 0.5 ? 'eval' : 'finetune';
    const params = paramsFor(rand, experiment);
    const lr = params.lr;
    const bonus = { adam: 0.01, adamw: 0.015, sgd: -0.01, rmsprop: 0 }[params.optimizer];
    const q = Math.min(0.985, 0.965 - 0.1 * Math.abs(Math.log10(lr) + 3) + bonus + 0.02 * gauss(rand));
    const roll = rand();
    const status = roll < 0.9 ? 'finished' : roll < 0.97 ? 'failed' : 'killed';
    const steps = status === 'finished' ? STEPS : 1 + Math.floor(rand() * (STEPS - 1));
    const header = {
      schema: 1,
      id,
      name: `${experiment}-${String(i).padStart(5, '0')}`,
      command: ['python', 'train.py', '--epochs', String(STEPS)],
      cwd: '',
      commit: commits[Math.floor(i / 40)],
      branch: rand() < 0.8 ? 'main' : 'exp/augment',
      dirty: rand() < 0.1,
      patch: null,
      startedAt: new Date(startMs).toISOString(),
      host: 'bench-host',
      pid: 10_000 + i,
      experiment,
      params,
      ...(rand() < 0.3 && { overrides: { lr } }),
      paramsFiles: ['params.yaml'],
      tags: { model: params['model.name'] },
      inputs: [{ path: 'data/train', type: 'dir', sha256: dataHash, size: 52_428_800, files: 1000 }],
    };
    const lines = [];
    const log = [];
    const summary = {};
    let time = startMs / 1000;
    for (let step = 0; step < steps; step++) {
      time += 30 + 10 * rand();
      const values = metricsAt(rand, q, step, lr);
      lines.push(JSON.stringify({ step, time, ...values }));
      log.push(`epoch ${step + 1}/${STEPS}: loss ${values.loss.toFixed(4)} acc ${values.acc.toFixed(4)}\n`);
      const flat = {
        ...values,
        ...Object.fromEntries(Object.entries(values.val).map(([k, v]) => [`val/${k}`, v])),
      };
      delete flat.val;
      for (const name of METRIC_NAMES) {
        const v = flat[name];
        const m = summary[name];
        if (!m) summary[name] = { last: v, min: v, max: v, step, count: 1 };
        else
          Object.assign(m, {
            last: v,
            min: Math.min(m.min, v),
            max: Math.max(m.max, v),
            step,
            count: m.count + 1,
          });
      }
    }
    const end = {
      schema: 1,
      status,
      exitCode: status === 'finished' ? 0 : status === 'failed' ? 1 : null,
      signal: status === 'killed' ? 'SIGTERM' : null,
      endedAt: new Date(time * 1000 + 2000).toISOString(),
      metrics: summary,
      lastStep: steps - 1,
      ...(status === 'finished' && {
        outputs: [
          { kind: 'output', path: 'models', type: 'dir', sha256: hex(rand, 64), size: 94_371_840, files: 3 },
        ],
      }),
    };
    const dir = path.join(runsDir, id);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'run.json'), json2(header));
    writeFileSync(path.join(dir, 'environment.json'), environment);
    writeFileSync(path.join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
    writeFileSync(path.join(dir, 'output.log'), log.join(''));
    writeFileSync(path.join(dir, 'status.json'), json2(end));
  }
}

// ---- helpers ----------------------------------------------------------------------------------

function target(name, value) {
  if (value === null || value === undefined || !Number.isFinite(value))
    return { name, value: null, pass: null, text: 'n/a', verdict: 'n/a' };
  const pass = value < TARGET_S;
  return { name, value, pass, text: fmtMs(value), verdict: pass ? 'PASS' : 'MISS' };
}
