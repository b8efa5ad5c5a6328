// Views benchmark: the webview panels' real built bundles (dist/webview/*.js) in headless Chromium,
// hosted as VS Code hosts them (test/webview/harness.ts). Times the Runs Table's first paint of
// 10,000 runs × 500 columns and its frame times while scrolling, the Metric Plots' draw of 100 runs ×
// 10,000 steps (from a history message, and through the real built language server), and the live
// latency from a metric line appended by a running run to the frame that shows it; lists each
// bundle's size. Peers in the same run: a plain <table> of the same runs, uPlot alone drawing every
// raw point. Medians of interleaved repetitions. See docs/benchmarks.md.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchBase } from './lib/benchBase.mjs';
import { benchArgs, runBench } from './lib/benchMain.mjs';
import { defaultScratch } from './lib/fsutil.mjs';
import { waitForQuiet } from './lib/load.mjs';
import { machineInfo } from './lib/machine.mjs';
import { run, tail } from './lib/proc.mjs';
import { reportViews } from './lib/viewsReport.mjs';

export const about =
  'webviews in Chromium: Runs Table 10,000 × 500 paint + scroll, Metric Plots 100 × 10,000 draw, live latency, bundle sizes (--quick: smaller)';

/** What this benchmark needs built (bench/run.mjs rebuilds when these are older than their sources). */
export const build = {
  outputs: ['dist/cli.js', 'dist/server.js', 'dist/webview/runsTable.js', 'dist/webview/metricPlots.js'],
  sources: ['core', 'protocol', 'language-server', 'webview-ui'],
};

const BUSY = 0.2;
const SIZES = {
  full: {
    tableRuns: 10_000,
    peerRows: 1_000,
    reps: 5,
    frames: 240,
    plotRuns: 100,
    plotSteps: 10_000,
    serverReps: 3,
    live: 20,
  },
  quick: {
    tableRuns: 2_000,
    peerRows: 500,
    reps: 3,
    frames: 120,
    plotRuns: 100,
    plotSteps: 2_000,
    serverReps: 2,
    live: 10,
  },
};

/** Row labels (also the keys of the JSON results) for sizes `s`. */
function labels(s) {
  const n = (x) => x.toLocaleString('en');
  return {
    table: `Runs Table: runs message → rows painted, ${n(s.tableRuns)} × 500`,
    tableJson: '  the same, with JSON.parse of the message',
    tableSmall: `Runs Table, ${n(s.peerRows)} × 500 (the baseline's size)`,
    peerTable: `baseline: plain <table>, ${n(s.peerRows)} × 500, every cell in the DOM`,
    plot: `Metric Plots: history message → drawn, ${s.plotRuns} runs × ${n(s.plotSteps)} steps`,
    plotCold: '  through dist/server.js: request → drawn, streams not yet read',
    plotWarm: '  through dist/server.js: request → drawn, streams already read',
    peerPlot: `baseline: uPlot alone, all ${n(s.plotRuns * s.plotSteps)} raw points`,
    live: 'live: metric line appended → point drawn (via dist/server.js)',
    liveServer: '  of which: appended → server notification received',
  };
}

const HELP = `usage: npm run bench -- views [--quick] [--reps N] [--idle-wait S] [--keep] [--dir PATH]

  --quick           2,000 runs in the table (baseline: 500), 100 runs × 2,000 steps in the plot,
                    3 repetitions, 10 live points; the full run: 10,000 runs (baseline 1,000),
                    100 × 10,000, 5 repetitions, 20 live points
  --reps N          repetitions of each timed step (default ${SIZES.full.reps})
  --idle-wait S     before each timed step, wait up to S seconds (default 5) for other processes to
                    leave the CPUs idle; steps that start busy anyway are counted in the notes
  --keep            keep the generated workspaces
  --dir PATH        scratch directory (default $LINEAGE_BENCH_DIR, else /work/bench-data, else the
                    temp dir); data goes to PATH/views
Needs /usr/bin/chromium (or $LINEAGE_CHROMIUM) and the built bundles (npm run build).
`;

export async function main(argv, { root, cli }) {
  const args = benchArgs(argv, { name: 'views', help: HELP, sizes: SIZES, defaultScratch });
  if (!args) return 0;
  const b = new ViewsBench({ root, cli, ...args });
  return runBench(b, args, [() => b.prepare(), () => b.measure(), () => b.close()]);
}

class ViewsBench extends BenchBase {
  constructor({ root, cli, scratch, size, quick, idleWaitMs }) {
    super();
    Object.assign(this, { root, cli, scratch, size, quick, idleWaitMs });
    this.rows = {};
    this.frames = {};
    this.parts = {};
    this.busySamples = [];
    this.lastBusy = null;
    this.info = {};
    this.labels = labels(size);
  }

  async prepare() {
    mkdirSync(this.scratch, { recursive: true });
    this.machine = await machineInfo(this.scratch);
    const head = await run('git', ['-C', this.root, 'log', '-1', '--format=%h %cI']);
    const dirty = await run('git', [
      '-C',
      this.root,
      'status',
      '--porcelain',
      '--',
      'webview-ui',
      'core',
      'language-server',
    ]);
    this.versions = {
      lineage: head.ok ? head.stdout.trim() + (dirty.stdout.trim() ? ' + uncommitted changes' : '') : null,
    };
    this.e = await this.bundleEngine();
    this.browser = await this.e.launchChromium();
    this.versions.chromium = this.browser.version();
    const s = this.size;
    this.ids = this.e.runIds(s.plotRuns);
    this.workspace = path.join(this.scratch, 'workspace');
    this.log(`writing ${s.plotRuns} runs × ${s.plotSteps.toLocaleString('en')} steps to ${this.workspace} …`);
    this.e.makeWorkspace(this.workspace, this.cli, this.ids, s.plotSteps);
  }

  /** The page-driving code (TypeScript test harness included) as one CommonJS file next to node_modules. */
  async bundleEngine() {
    const esbuild = await import('esbuild');
    const lib = path.dirname(fileURLToPath(import.meta.url));
    const out = path.join(this.root, 'node_modules', '.cache', 'lineage-bench', 'views-engine.cjs');
    await esbuild.build({
      stdin: {
        contents: [
          "export * from './lib/viewsTable.mjs';",
          "export * from './lib/viewsPlots.mjs';",
          "export * from './lib/viewsLive.mjs';",
          "export { launchChromium } from '../test/helpers/chromium';",
        ].join('\n'),
        resolveDir: lib,
        loader: 'js',
      },
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
      // The harness finds dist/webview from its own folder (test/webview), two levels below the root.
      define: { __dirname: JSON.stringify(path.join(this.root, 'test', 'webview')) },
    });
    return import(out);
  }

  async ready() {
    const { busy } = await waitForQuiet({ threshold: BUSY, maxMs: this.idleWaitMs });
    this.lastBusy = busy;
  }

  record(label, fn) {
    return this.recordMany(label, async () => [await fn()]);
  }

  /** Time `fn` (→ list of samples in ms, or throws); failures are noted, not fatal. */
  async recordMany(label, fn) {
    const row = (this.rows[label] ??= { samples: [] });
    await this.ready();
    try {
      const list = await fn();
      for (const ms of list) row.samples.push({ ok: true, seconds: ms / 1000, busy: this.lastBusy });
      this.log(`  ${label.trim()}: ${list.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    } catch (err) {
      row.samples.push({ ok: false, seconds: 0, busy: this.lastBusy });
      this.note(`${label.trim()} failed: ${tail(err.stack ?? String(err), 4)}`);
    }
    this.busySamples.push(this.lastBusy);
  }

  /** A part of a timed step (ms), reported in the breakdown. */
  part(label, ms) {
    (this.parts[label] ??= []).push(ms);
  }

  frameSamples(label, result) {
    (this.frames[label] ??= []).push(...result.deltas);
  }

  /** Frame times scrolling `selector` down, then right; with `control`, first a run of frames without scrolling. */
  async scrollBoth(page, name, selector, control = false) {
    const frames = this.size.frames;
    if (control)
      this.frameSamples(
        'control: same page, not scrolling',
        await this.e.scrollFrames(page, { selector, axis: 'y', step: 0, frames }),
      );
    for (const [axis, step, dir] of [
      ['y', 120, 'vertical'],
      ['x', 60, 'horizontal'],
    ])
      this.frameSamples(`${name}, ${dir}`, await this.e.scrollFrames(page, { selector, axis, step, frames }));
  }

  async measure() {
    const s = this.size;
    const n = (x) => x.toLocaleString('en');
    const e = this.e;
    /** Open a Runs Table with `runs` runs, time its first paint, then `after(result)`; closes it. */
    const table = (label, runs, options, after) =>
      this.record(label, async () => {
        const r = await e.tableFirstPaint(this.browser, e.tableShape(runs), options);
        try {
          if (r.rows === 0) throw new Error('no rows painted');
          await after?.(r);
          this.check(await r.page.errors(), 'Runs Table');
        } finally {
          await r.page.close();
        }
        return r.ms;
      });
    const groups = [
      () =>
        table(this.labels.table, s.tableRuns, {}, async (r) => {
          this.info.tableCells = r.cells;
          await this.scrollBoth(r.page.page, `Runs Table ${n(s.tableRuns)} × 500`, '.grid', true);
        }),
      () =>
        table(
          this.labels.tableJson,
          s.tableRuns,
          { json: true },
          (r) => (this.info.payloadBytes = r.payloadBytes),
        ),
      () => table(this.labels.tableSmall, s.peerRows, {}),
      () =>
        this.record(this.labels.peerTable, async () => {
          const r = await e.plainTableFirstPaint(this.browser, e.tableShape(s.peerRows));
          try {
            this.info.peerCells = r.cells;
            // Its frames take seconds each: scrolled in the first two repetitions only.
            if (this.rep < 2)
              await this.scrollBoth(
                r.page.page,
                `baseline: plain <table> ${n(s.peerRows)} × 500`,
                'document',
              );
          } finally {
            await r.page.close();
          }
          return r.ms;
        }),
      () =>
        this.record(this.labels.plot, async () => {
          const r = await e.plotFirstDraw(this.browser, this.ids, s.plotSteps);
          this.check(r.errors, 'Metric Plots');
          this.part('Metric Plots: JSON.parse of the history message', r.parseMs);
          this.part("Metric Plots: the view's message handler → uPlot's draw hook", r.drawMs);
          this.part("Metric Plots: uPlot's draw hook → end of that frame", r.ms - r.parseMs - r.drawMs);
          Object.assign(this.info, {
            plotBuckets: r.buckets,
            plotPointsSent: r.pointsSent,
            plotBytes: r.bytes,
            plotStatus: r.status,
          });
          return r.ms;
        }),
      () =>
        this.record(
          this.labels.peerPlot,
          async () => (await e.uplotRawDraw(this.browser, this.root, s.plotRuns, s.plotSteps)).ms,
        ),
    ];
    for (let rep = 0; rep < s.reps; rep++) {
      this.rep = rep;
      this.log(`repetition ${rep + 1}/${s.reps}`);
      for (let k = 0; k < groups.length; k++) await groups[(k + rep) % groups.length]();
    }
    await this.measureServer();
  }

  /** Draws through the real server (cold: a fresh server; warm: the same again), then the live latency. */
  async measureServer() {
    const e = this.e;
    const serverJs = path.join(this.root, 'dist', 'server.js');
    for (let rep = 0; rep < this.size.serverReps; rep++) {
      this.log(`through dist/server.js ${rep + 1}/${this.size.serverReps}`);
      const server = await e.startServer(serverJs, this.workspace);
      try {
        for (const label of [this.labels.plotCold, this.labels.plotWarm])
          await this.record(label, async () => {
            const r = await e.plotThroughServer(this.browser, server, this.ids);
            this.check(r.errors, 'Metric Plots (server)');
            if (!r.status.startsWith(`${this.size.plotRuns} runs`))
              throw new Error(`the view shows "${r.status}"`);
            this.part(`${label.trim()}: server answer`, r.serverMs);
            return r.total;
          });
      } finally {
        server.stop();
      }
    }
    this.log(`live: ${this.size.live} points appended to a running run`);
    let live;
    await this.recordMany(this.labels.live, async () => {
      live = await e.liveLatency(this.browser, {
        cli: this.cli,
        serverJs,
        root: this.workspace,
        points: this.size.live,
        log: (m) => this.log(`  ${m}`),
      });
      this.check(live.errors, 'Metric Plots (live)');
      const missed = live.samples.filter((x) => !x.ok).length;
      if (missed)
        this.note(`live: ${missed} of ${live.samples.length} appended points were not drawn within 10 s`);
      return live.samples.filter((x) => x.ok).map((x) => x.totalMs);
    });
    const ok = live?.samples.filter((x) => x.ok) ?? [];
    this.rows[this.labels.liveServer] = {
      samples: ok.map((x) => ({ ok: true, seconds: x.serverMs / 1000, busy: this.lastBusy })),
    };
  }

  check(errors, what) {
    if (errors.length) this.note(`${what}: page errors: ${errors.slice(0, 3).join(' | ')}`);
  }

  async close() {
    await this.browser?.close();
  }

  report() {
    reportViews(this);
  }
}
