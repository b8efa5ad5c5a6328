// The skeleton every benchmark's `main` shares: the common options (--quick, --reps, --idle-wait,
// --keep, --dir, --help), the size table, the scratch folder kept or removed at the end; and the
// small formatting helpers of its report (milliseconds, PASS/MISS verdicts, ratios of maybe-null).
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { rmrf } from './fsutil.mjs';
import { fmtSeconds } from './table.mjs';

/**
 * Parse `argv` with the common options plus `options` (parseArgs specs). Returns null after printing
 * `help` for --help; else { values, size, quick, scratch, idleWaitMs, keep } where `size` is a copy
 * of sizes.quick or sizes.full with --reps applied (to `repsKeys`, default ['reps']) and `scratch`
 * is <dir>/<name>.
 */
export function benchArgs(argv, { name, help, sizes, options = {}, repsKeys = ['reps'], defaultScratch }) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      reps: { type: 'string' },
      'idle-wait': { type: 'string' },
      dir: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      ...options,
    },
  });
  if (values.help) {
    process.stdout.write(help);
    return null;
  }
  const size = { ...(values.quick ? sizes.quick : sizes.full) };
  if (values.reps) for (const k of repsKeys) size[k] = Math.max(1, Number(values.reps));
  return {
    values,
    size,
    quick: values.quick,
    keep: values.keep,
    scratch: path.resolve(values.dir ?? process.env.LINEAGE_BENCH_DIR ?? defaultScratch(), name),
    idleWaitMs: 1000 * Number(values['idle-wait'] ?? 5),
  };
}

/** Run `steps` (async functions) in order, then keep or remove the scratch folder, then report. */
export async function runBench(bench, { keep, scratch }, steps) {
  try {
    for (const step of steps) await step();
  } finally {
    if (keep) bench.log(`kept ${scratch}`);
    else await rmrf(scratch);
  }
  bench.report();
  return 0;
}

/** Seconds as "12 ms" / "1.23 s". */
export function fmtMs(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return 'n/a';
  return s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 1 : 0)} ms` : `${fmtSeconds(s)} s`;
}

/** A target row: `value` (seconds) against `limit` (seconds, lower is better). */
export function target(name, value, limit) {
  if (value === null || value === undefined || !Number.isFinite(value))
    return { name, value: null, pass: null, text: 'n/a', verdict: 'n/a' };
  const pass = value < limit;
  return { name, value, pass, text: fmtMs(value), verdict: pass ? 'PASS' : 'MISS' };
}

export function div(a, b) {
  return a === null || b === null || a === undefined || b === undefined || b === 0 ? null : a / b;
}

export function sub(a, b) {
  return a === null || b === null || a === undefined || b === undefined ? null : a - b;
}

/** Bundle a bench's in-process runner (`source`, with the engine's sources) into `outfile` (CommonJS). */
export async function bundleEngine(source, outfile) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    define: { LINEAGE_VERSION: JSON.stringify('bench') },
  });
  return outfile;
}
