// The report of bench/views.mjs: timings with ratios to the baselines, frame times while scrolling,
// the webview bundles' sizes, the issue's targets (PASS/MISS), notes, and one final JSON line.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { div, fmtMs, target } from './benchMain.mjs';
import { median, round, summarize } from './stats.mjs';
import { fmtBytes, fmtRatio, renderTable } from './table.mjs';

const FRAME_MS = 1000 / 60;
const BUSY = 0.2;

/** p-th percentile (0..100) of a list, nearest rank. */
function percentile(values, p) {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}

/** Frames a 60 Hz display missed: a delta of two vsync intervals is one dropped frame. */
function dropped(deltas) {
  return deltas.reduce((n, d) => n + Math.max(0, Math.round(d / FRAME_MS) - 1), 0);
}

/** Raw and gzip sizes of dist/webview/*.js and *.css, and of uPlot's own minified build (a reference). */
export function bundleSizes(root) {
  const dir = path.join(root, 'dist', 'webview');
  const files = readdirSync(dir)
    .filter((f) => /\.(js|css)$/.test(f))
    .sort()
    .map((f) => [f, path.join(dir, f)]);
  files.push([
    '(reference) uPlot.iife.min.js, uPlot alone',
    path.join(root, 'node_modules', 'uplot', 'dist', 'uPlot.iife.min.js'),
  ]);
  return files.map(([name, file]) => {
    const body = readFileSync(file);
    return { name, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
}

export function reportViews(b) {
  const s = b.size;
  const m = b.machine;
  const date = new Date().toISOString();
  const out = [];
  const n = (x) => x.toLocaleString('en');
  out.push(
    `\nLineage views benchmark${b.quick ? ' (--quick)' : ''} — ${date.slice(0, 10)}, ${m.cpus} × ${m.cpuModel}, ` +
      `${m.memGiB} GiB RAM, Node ${m.node}, Chromium ${b.versions.chromium ?? '?'} (headless, software rendering); lineage ${b.versions.lineage ?? '?'}`,
  );
  out.push(
    `medians of ${s.reps} repetitions (through the server: ${s.serverReps}; live: ${s.live} points); times are page-side ` +
      `performance.now() from the message to the end of the first frame that shows it; busy = steps started with other ` +
      `processes using > ${BUSY * 100}% CPU\n`,
  );
  const stats = {};
  const med = (label) => stats[label]?.median ?? null;
  for (const [label, row] of Object.entries(b.rows)) {
    const st = summarize(row.samples);
    stats[label] = {
      n: st?.n ?? 0,
      median: round(st?.median),
      min: round(st?.min),
      max: round(st?.max),
      failed: row.samples.filter((x) => !x.ok).length,
      busy: row.samples.filter((x) => x.ok && x.busy !== null && x.busy > BUSY).length,
    };
  }
  const L = b.labels;
  const peerOf = {
    [L.tableSmall]: L.peerTable,
    [L.table]: L.peerTable,
    [L.plot]: L.peerPlot,
  };
  const rows = Object.entries(stats).map(([label, st]) => [
    label,
    st.failed ? `${st.n} (+${st.failed} failed)` : st.n,
    fmtMs(st.median),
    fmtMs(st.min),
    fmtMs(st.max),
    peerOf[label] ? fmtRatio(div(med(peerOf[label]), st.median)) : '',
    st.busy || '',
  ]);
  out.push(renderTable(['what', 'n', 'median', 'min', 'max', 'baseline ÷ this', 'busy'], rows));
  if (b.info.payloadBytes)
    out.push(
      `runs message as JSON: ${fmtBytes(b.info.payloadBytes)}; cells in the DOM after the first paint: Runs Table ${n(b.info.tableCells ?? 0)}, plain table ${n(b.info.peerCells ?? 0)}`,
    );
  if (b.info.plotPointsSent)
    out.push(
      `history message: ${n(b.info.plotPointsSent)} points sent (${b.info.plotBuckets} buckets per run, min/max band kept), ${fmtBytes(b.info.plotBytes)} as JSON; the view shows "${b.info.plotStatus}"`,
    );
  if (Object.keys(b.parts).length) {
    out.push('Breakdown (medians):');
    out.push(
      renderTable(
        ['part', 'median'],
        Object.entries(b.parts).map(([k, v]) => [k, fmtMs(median(v) / 1000)]),
      ),
    );
  }
  out.push(
    `the Runs Table row at ${n(s.tableRuns)} runs is divided into the baseline at ${n(s.peerRows)} rows (not the same size)\n`,
  );

  out.push(
    `Frame times while scrolling (rAF deltas over ${s.frames} frames per repetition; 120 px/frame down, 60 px/frame right; dropped = missed 60 Hz frames):`,
  );
  const frames = {};
  const frameRows = Object.entries(b.frames).map(([label, deltas]) => {
    const f = {
      frames: deltas.length,
      p50: percentile(deltas, 50),
      p95: percentile(deltas, 95),
      max: Math.max(...deltas),
      dropped: dropped(deltas),
    };
    frames[label] = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v)]));
    return [
      label,
      f.frames,
      f.p50.toFixed(1),
      f.p95.toFixed(1),
      f.max.toFixed(1),
      `${f.dropped} (${((100 * f.dropped) / (f.frames + f.dropped)).toFixed(1)}%)`,
    ];
  });
  out.push(renderTable(['scrolling', 'frames', 'p50 ms', 'p95 ms', 'max ms', 'dropped'], frameRows));

  const sizes = bundleSizes(b.root);
  out.push('Webview bundles (dist/webview, as packaged: minified):');
  out.push(
    renderTable(
      ['file', 'raw', 'gzip -9'],
      sizes.map((x) => [x.name, fmtBytes(x.raw), fmtBytes(x.gzip)]),
    ),
  );

  const quickNote = b.quick ? ' (--quick size; the target is stated for the full size)' : '';
  const targets = [
    target(
      `Runs Table first paint, ${n(s.tableRuns)} runs × 500 columns, < 500 ms${quickNote}`,
      med(L.table),
      0.5,
    ),
    target(`  the same including JSON.parse of the message, < 500 ms${quickNote}`, med(L.tableJson), 0.5),
    target(
      `Metric Plots draw, ${s.plotRuns} runs × ${n(s.plotSteps)} steps, < 300 ms${quickNote}`,
      med(L.plot),
      0.3,
    ),
    target(`  the same through the server, streams already read, < 300 ms${quickNote}`, med(L.plotWarm), 0.3),
    target('live: metric line appended → point drawn, < 500 ms', med(L.live), 0.5),
  ];
  const worstTable = Object.entries(frames).find(
    ([k]) => k.startsWith('Runs Table') && k.endsWith('vertical'),
  );
  out.push('Targets (the issue: first paint under 500 ms, plot under 300 ms, live latency under 500 ms):');
  out.push(
    renderTable(
      ['target', 'measured', 'verdict'],
      targets.map((t) => [t.name, t.text, t.verdict]),
    ),
  );

  const busy = b.busySamples.filter((x) => x !== null);
  const disturbed = busy.filter((x) => x > BUSY).length;
  if (disturbed)
    b.notes.add(
      `${disturbed} of ${busy.length} timed steps started while other processes kept the CPUs more than ` +
        `${BUSY * 100}% busy (max ${Math.round(100 * Math.max(...busy))}%): those numbers are noisy`,
    );
  if (b.notes.size) out.push('Notes:\n' + [...b.notes].map((x) => `  - ${x}`).join('\n') + '\n');
  const json = {
    bench: 'views',
    quick: b.quick,
    date,
    machine: { cpus: m.cpus, cpuModel: m.cpuModel, mem: `${m.memGiB} GiB`, node: m.node, kernel: m.kernel },
    versions: b.versions,
    sizes: s,
    results: {
      medians: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k.trim(), v.median])),
      stats,
      frames,
      ratios: {
        'plain table ÷ Runs Table, same size': round(div(med(L.peerTable), med(L.tableSmall))),
        'uPlot raw ÷ Metric Plots': round(div(med(L.peerPlot), med(L.plot))),
        'Runs Table vertical scroll p95 ms': worstTable ? worstTable[1].p95 : null,
      },
      parts: Object.fromEntries(Object.entries(b.parts).map(([k, v]) => [k, round(median(v) / 1000)])),
      info: b.info,
      bundles: sizes,
    },
    targets: targets.map((t) => ({ name: t.name.trim(), value: round(t.value), pass: t.pass })),
    busyBeforeRuns: { runs: busy.length, disturbed, max: round(Math.max(0, ...busy)) },
    notes: [...b.notes],
    elapsedSeconds: Math.round((Date.now() - b.started) / 1000),
  };
  process.stdout.write(out.join('\n') + '\n');
  process.stdout.write(JSON.stringify(json) + '\n');
}
