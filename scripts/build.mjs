// One esbuild script for every bundle: extension host, language server, CLI, and one browser bundle
// per webview panel. `--watch` rebuilds on change; `--minify` for smaller bundles.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify') || process.env.LINEAGE_MINIFY === '1';
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  minify,
  logLevel: 'warning',
  define: { LINEAGE_VERSION: JSON.stringify(version) },
};

/** A webview panel's browser bundle: dist/webview/<name>.{js,css}. */
function webview(entryPoints) {
  return {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    sourcemap: 'linked',
    minify: true,
    logLevel: 'warning',
    entryPoints,
    outdir: 'dist/webview',
    loader: { '.css': 'css' },
    metafile: true,
  };
}

const builds = [
  { ...node, entryPoints: { extension: 'extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: { server: 'language-server/main.ts' }, outdir: 'dist' },
  // `lineage` is a small loader (code cache, see core/cli/loader.ts) in front of the CLI bundle.
  { ...node, entryPoints: { 'cli-main': 'core/cli/bin.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { tableWorker: 'core/diff/table/sideWorker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { historyWorker: 'core/runs/historyWorker.ts' }, outdir: 'dist' },
  {
    ...node,
    entryPoints: { cli: 'core/cli/loader.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
  // One browser build per webview panel, so each panel loads only its own code.
  webview({ runsTable: 'webview-ui/runs-table/main.ts' }),
  webview({ datasetDiff: 'webview-ui/dataset-diff/main.ts' }),
  webview({ metricPlots: 'webview-ui/metric-plots/main.ts' }),
  webview({ runCompare: 'webview-ui/run-compare/main.ts' }),
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('watching for changes…');
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build(options)));
  for (const { metafile } of results) {
    for (const [file, info] of Object.entries(metafile?.outputs ?? {})) {
      if (!file.endsWith('.map')) console.log(`${file}  ${(info.bytes / 1024).toFixed(1)} KiB`);
    }
  }
}
