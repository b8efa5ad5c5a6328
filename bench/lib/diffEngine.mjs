// In-process timing of the diff engine, without Node start-up or the CLI around it. Not run as is:
// bench/diff.mjs bundles it with esbuild (it imports the engine's TypeScript sources) into its
// scratch folder and runs `node engine.cjs '<json spec>'` in the repository, where spec is
//   { mode: 'files', a, b, paths?, warmup, calls }          → diffDatasets(repo, a, b, paths)
//   { mode: 'table', a, b, path, keys?, warmup, calls }     → what `lineage diff a b path [--key]` does
// It makes `warmup` untimed calls, then `calls` timed ones (process.hrtime), and prints one JSON
// line: { seconds: [...], first: s, summary: …, peakRssKiB } (summary: the last call's result,
// condensed; first: the first call, warm-up or not).
import * as path from 'node:path';
import { datasetsOn, diffDatasets, readSides, targetOf } from '../../core/diff/datasets';
import { resolveRevision } from '../../core/diff/sides';
import { datasetTableDiff } from '../../core/diff/tables';
import { requireRepo } from '../../core/repo';

const spec = JSON.parse(process.argv[2] ?? '{}');
const repo = requireRepo(process.cwd());

async function filesDiff() {
  const paths = (spec.paths ?? []).map((p) => path.resolve(process.cwd(), p));
  const diffs = await diffDatasets(repo, spec.a, spec.b, paths);
  return diffs.map((d) => ({
    dataset: d.dataset,
    counts: d.counts,
    changes: d.changes.map((c) => ({ change: c.change, path: c.path, ...(c.from ? { from: c.from } : {}) })),
    missing: d.missing.length,
  }));
}

/** The steps of `lineage diff a b <table file> [--key k]` (core/cli/diffCommands.ts), minus printing. */
async function tableDiff() {
  const [ra, rb] = await Promise.all([resolveRevision(repo, spec.a), resolveRevision(repo, spec.b)]);
  const known = await datasetsOn(repo, [ra, rb]);
  const target = targetOf(repo, path.resolve(process.cwd(), spec.path), known);
  const sides = await readSides(repo, target.dataset, ra, rb);
  const t = await datasetTableDiff(repo, target.dataset, sides, target.file ?? '', {
    ...(spec.keys ? { keys: spec.keys } : {}),
    offset: 0,
    pageSize: 20,
  });
  return {
    matching: t.matching,
    rows: t.rows,
    duplicateKeys: t.duplicateKeys,
    changedCells: Object.fromEntries(t.columns.map((c) => [c.name, c.changedCells])),
    types: Object.fromEntries(t.columns.map((c) => [c.name, c.after])),
    pageRows: t.page.rows.length,
    warnings: t.warnings.length,
  };
}

async function main() {
  const once = spec.mode === 'table' ? tableDiff : filesDiff;
  const warmup = spec.warmup ?? 1;
  const seconds = [];
  let first = null;
  let summary = null;
  for (let i = 0; i < warmup + (spec.calls ?? 5); i++) {
    const started = process.hrtime.bigint();
    summary = await once();
    const s = Number(process.hrtime.bigint() - started) / 1e9;
    if (i === 0) first = s;
    if (i >= warmup) seconds.push(s);
  }
  const peakRssKiB = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ seconds, first, summary, peakRssKiB }) + '\n');
}

// Bundled as CommonJS (like the CLI), so no top-level await.
main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
