/**
 * Entry of `dist/cli.js`: loads the CLI bundle (`dist/cli-main.js`) with a V8 code cache, so a
 * `lineage` command does not re-compile 1 MB of JavaScript each time (start-up drops by more than
 * half). Node 22 has this built in (`module.enableCompileCache`); Node 20 does not.
 *
 * The cache is only a hint: one file per bundle build under the temp folder, written once (after
 * the command ran, so it holds the functions that were compiled lazily too) by a temp file and a
 * rename. V8 checks it and falls back to compiling when it does not match; any failure to read or
 * write it is ignored.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

const bundle = path.join(__dirname, 'cli-main.js');
const source = fs.readFileSync(bundle, 'utf8');
const stat = fs.statSync(bundle);
const cacheDir = path.join(os.tmpdir(), `lineage-${os.userInfo().uid}`, 'compile-cache');
const cacheFile = path.join(cacheDir, `cli-${process.version}-${stat.size}-${Math.trunc(stat.mtimeMs)}.bin`);

let cachedData: Buffer | undefined;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData,
});
if (!cachedData || script.cachedDataRejected) {
  process.once('exit', () => {
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      for (const old of fs.readdirSync(cacheDir))
        if (old.startsWith('cli-')) fs.rmSync(path.join(cacheDir, old));
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // A read-only or full temp folder only costs start-up time.
    }
  });
}
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(
  module.exports,
  createRequire(bundle),
  module,
  bundle,
  __dirname,
);
