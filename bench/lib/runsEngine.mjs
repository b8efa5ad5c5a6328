// In-process timing of the runs index and queries, without Node start-up or the CLI around it. Not
// run as is: bench/runs.mjs bundles it with esbuild (it imports the engine's TypeScript sources)
// into its scratch folder and runs `node runs-engine.cjs '<json spec>'` in the repository, where
// spec is { mode, filter?, sort?, fresh?, warmup, calls }:
//   cold   delete .lineage/state/runs-index, then loadRuns (reads every run folder, writes the index)
//   list   listRuns(repo): every summary, newest first (what the language server answers)
//   query  loadRuns + filter + sort + the matching summaries (what `lineage runs --filter --sort` does)
// With `fresh`, each call first forgets what the process remembers of the index (the memo that
// makes a server's repeated listings cheap), so it reads and decodes the file and builds summaries
// as a new process would, with warm JIT.
//   phases one warm query, timed step by step (readdir, index read, decode, filter+sort, summaries,
//          and building all summaries), for "where the time goes"
// It makes `warmup` untimed calls, then `calls` timed ones (process.hrtime), and prints one JSON
// line: { seconds: [...], first, summary, stats, peakRssKiB }.
import { promises as fs, rmSync } from 'node:fs';
import { decodeIndex } from '../../core/runs/indexFormat';
import { clearRunsMemo, lastIndexStats, loadRuns, runsIndexFile } from '../../core/runs/index';
import { listRuns } from '../../core/runs/list';
import { selectRows } from '../../core/runs/query';
import { requireRepo } from '../../core/repo';

const spec = JSON.parse(process.argv[2] ?? '{}');
const repo = requireRepo(process.cwd());
const clock = () => process.hrtime.bigint();
const secs = (a, b) => Number(b - a) / 1e9;

async function once() {
  if (spec.fresh) clearRunsMemo();
  switch (spec.mode) {
    case 'cold': {
      rmSync(runsIndexFile(repo), { force: true });
      const t = await loadRuns(repo);
      return { runs: t.size, problems: t.problems.length };
    }
    case 'list': {
      const { runs, problems } = await listRuns(repo);
      return { runs: runs.length, problems: problems.length, newest: runs[0]?.id };
    }
    case 'query': {
      const t = await loadRuns(repo);
      const sel = selectRows(t, { filter: spec.filter, sort: spec.sort });
      const runs = t.summaries(sel.rows);
      return { runs: t.size, matched: runs.length, ids: runs.map((r) => r.id) };
    }
    default:
      throw new Error(`unknown mode ${spec.mode}`);
  }
}

/** One warm query, step by step (the steps loadRuns takes, then the query's). */
async function phases() {
  clearRunsMemo();
  const steps = {};
  let t0 = clock();
  const lap = (name) => {
    const t1 = clock();
    steps[name] = secs(t0, t1);
    t0 = t1;
  };
  const names = await fs.readdir(repo.runs);
  lap('readdir');
  const bytes = await fs.readFile(runsIndexFile(repo));
  lap('read index file');
  const decoded = decodeIndex(bytes);
  lap('decode index');
  if (!('table' in decoded)) throw new Error(`index unusable: ${decoded.unusable}`);
  clearRunsMemo();
  t0 = clock();
  const t = await loadRuns(repo);
  lap('loadRuns (all of the above, and checks)');
  const sel = selectRows(t, { filter: spec.filter, sort: spec.sort });
  lap('filter + sort');
  t.summaries(sel.rows);
  lap('summaries of the matches');
  t.summaries();
  lap('summaries of every run (listRuns)');
  return { steps, files: names.length, indexBytes: bytes.length };
}

async function main() {
  if (spec.mode === 'phases') {
    await phases(); // warm-up
    const runs = [];
    for (let i = 0; i < (spec.calls ?? 5); i++) runs.push((await phases()).steps);
    const steps = Object.fromEntries(
      Object.keys(runs[0]).map((k) => [
        k,
        runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)],
      ]),
    );
    const last = await phases();
    process.stdout.write(JSON.stringify({ steps, files: last.files, indexBytes: last.indexBytes }) + '\n');
    return;
  }
  const warmup = spec.warmup ?? 1;
  const seconds = [];
  let first = null;
  let summary = null;
  const stats = [];
  for (let i = 0; i < warmup + (spec.calls ?? 5); i++) {
    const started = clock();
    summary = await once();
    const s = secs(started, clock());
    stats.push({ ...lastIndexStats });
    if (i === 0) first = s;
    if (i >= warmup) seconds.push(s);
  }
  const peakRssKiB = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ seconds, first, summary, stats, peakRssKiB }) + '\n');
}

// Bundled as CommonJS (like the CLI), so no top-level await.
main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
