#!/usr/bin/env node
// Benchmark dispatcher: `npm run bench -- <name> [options]`. Each benchmark is a module in bench/
// exporting `about` (one line) and `main(args, context)`; add one by adding a line to BENCHMARKS.
// Before running, the bundles a benchmark uses (its `build` export; by default dist/cli.js from core/
// and protocol/) are (re)built when missing or older than their sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = {
  store: () => import('./store.mjs'),
  diff: () => import('./diff.mjs'),
  runs: () => import('./runs.mjs'),
  views: () => import('./views.mjs'),
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');

async function usage(out) {
  out.write(
    'usage: npm run bench -- <benchmark> [options]   (options: see `npm run bench -- <benchmark> --help`)\n\n',
  );
  for (const [name, load] of Object.entries(BENCHMARKS))
    out.write(`  ${name.padEnd(8)} ${(await load()).about}\n`);
}

/** Newest mtime (ms) of the sources the CLI bundle is built from. */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|mts|js|mjs|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** What a benchmark uses unless it says otherwise (`export const build = { outputs, sources }`). */
const CLI_BUILD = { outputs: ['dist/cli.js'], sources: ['core', 'protocol'] };

function ensureBuilt({ outputs, sources } = CLI_BUILD) {
  const dirs = sources.map((d) => path.join(root, d)).filter(existsSync);
  const newest = Math.max(0, ...dirs.map(newestSource), statSync(path.join(root, 'package.json')).mtimeMs);
  const missing = outputs.find((o) => !existsSync(path.join(root, o)));
  const stale = outputs.find(
    (o) => existsSync(path.join(root, o)) && statSync(path.join(root, o)).mtimeMs < newest,
  );
  const why = missing ? `${missing} is missing` : stale ? `${stale} is older than its sources` : null;
  if (!why) return;
  process.stderr.write(`bench: ${why}; running npm run build\n`);
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('bench: npm run build failed\n');
    process.exit(1);
  }
}

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  await usage(process.stdout);
  process.exit(name ? 0 : 2);
}
const load = BENCHMARKS[name];
if (!load) {
  process.stderr.write(`bench: no benchmark named '${name}'\n`);
  await usage(process.stderr);
  process.exit(2);
}
const bench = await load();
if (!args.includes('--help') && !args.includes('-h')) ensureBuilt(bench.build);
process.exitCode = (await bench.main(args, { root, cli })) ?? 0;
