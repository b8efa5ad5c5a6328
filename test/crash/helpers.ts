import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { CLI } from '../helpers/cli';
import { prng } from '../../scripts/lib/prng.mjs';

export { prng };

function randomBytes(rnd: () => number, n: number): Buffer {
  const buf = Buffer.allocUnsafe(Math.ceil(n / 4) * 4);
  for (let i = 0; i < buf.length; i += 4) buf.writeUInt32LE(Math.floor(rnd() * 4294967296), i);
  return buf.subarray(0, n);
}

export interface DatasetSpec {
  seed: number;
  folders: number;
  filesPerFolder: number;
  /** Files (counted over the whole dataset) that are 1–4 MiB instead of 0–4 KiB. */
  bigFiles: number;
}

export interface Dataset {
  files: string[];
  bytes: number;
}

/**
 * A deterministic dataset under `dir`: `folders` × `filesPerFolder` files of random bytes (mostly
 * 0–4 KiB, `bigFiles` of 1–4 MiB), plus an empty folder, an executable script and a file whose name
 * is not ASCII. Same spec, same bytes, same modes.
 */
export function makeDataset(dir: string, spec: DatasetSpec): Dataset {
  const rnd = prng(spec.seed);
  const total = spec.folders * spec.filesPerFolder;
  const big = new Set<number>();
  while (big.size < Math.min(spec.bigFiles, total)) big.add(Math.floor(rnd() * total));
  const files: string[] = [];
  let bytes = 0;
  for (let d = 0; d < spec.folders; d++) {
    const folder = path.join(dir, `part-${String(d).padStart(3, '0')}`);
    mkdirSync(folder, { recursive: true });
    for (let f = 0; f < spec.filesPerFolder; f++) {
      const n = big.has(d * spec.filesPerFolder + f)
        ? 1024 * 1024 + Math.floor(rnd() * 3 * 1024 * 1024)
        : Math.floor(rnd() * 4096);
      const file = path.join(folder, `sample-${f}.bin`);
      writeFileSync(file, randomBytes(rnd, n));
      files.push(file);
      bytes += n;
    }
  }
  mkdirSync(path.join(dir, 'empty'));
  const script = path.join(dir, 'prepare.sh');
  writeFileSync(script, '#!/bin/sh\necho prepared\n');
  chmodSync(script, 0o755);
  const unicode = path.join(dir, 'notes – café.txt');
  writeFileSync(unicode, 'naïve résumé\n');
  files.push(script, unicode);
  return { files, bytes: bytes + statSync(script).size + statSync(unicode).size };
}

/** Change a file's content, then put the original bytes and mode back (in place or by rename). */
export function modifyAndRestore(file: string, byRename: boolean): void {
  const original = readFileSync(file);
  const mode = statSync(file).mode & 0o777;
  chmodSync(file, 0o644); // in case a link strategy made it read-only
  writeFileSync(file, Buffer.concat([original, Buffer.from('modified')]));
  if (byRename) {
    const tmp = `${file}.restore`;
    writeFileSync(tmp, original, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } else {
    writeFileSync(file, original);
    chmodSync(file, mode);
  }
}

// ---- processes ----------------------------------------------------------------------------------

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Running {
  child: ChildProcess;
  pid: number;
  exited: Promise<Exit>;
  stdout: () => string;
  stderr: () => string;
}

/** The CLI under test: dist/cli.js, or another build (e.g. a deliberately broken one, to check that
 * these tests catch it) named by LINEAGE_CRASH_CLI. */
const BUILT_CLI = process.env.LINEAGE_CRASH_CLI ?? CLI;

const live = new Set<Running>();
let accepting = true;

/** Start `node dist/cli.js …args` in `cwd` (not waiting). Tracked until it exits; see killAll. */
export function start(cwd: string, args: string[]): Running {
  // A test that timed out keeps running in the background: it must not start more processes.
  if (!accepting) throw new Error(`the test is over; not starting lineage ${args.join(' ')}`);
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    // 'close' (not 'exit'): the process is gone, reaped, and its output fully read.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid === undefined) {
    exited.catch(() => undefined); // the spawn error is reported here instead
    throw new Error(`could not start lineage ${args.join(' ')} in ${cwd}`);
  }
  const running: Running = { child, pid: child.pid, exited, stdout: () => out, stderr: () => err };
  live.add(running);
  void exited.finally(() => live.delete(running)).catch(() => undefined);
  return running;
}

export interface Finished extends Exit {
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run the CLI to completion; SIGKILL it and fail if it takes longer than `timeoutMs` (a hang). */
export async function run(cwd: string, args: string[], timeoutMs = 30_000): Promise<Finished> {
  const started = performance.now();
  const r = start(cwd, args);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    r.child.kill('SIGKILL');
  }, timeoutMs);
  const exit = await r.exited.finally(() => clearTimeout(timer));
  const ms = performance.now() - started;
  if (timedOut) {
    throw new Error(`lineage ${args.join(' ')} did not finish within ${timeoutMs} ms (hang?)\n${r.stderr()}`);
  }
  return { ...exit, stdout: r.stdout(), stderr: r.stderr(), ms };
}

/** SIGKILL every CLI process this file started that is still running, wait for them, start no more. */
export async function killAll(): Promise<void> {
  accepting = false;
  const all = [...live];
  for (const r of all) r.child.kill('SIGKILL');
  await Promise.all(all.map((r) => r.exited.catch(() => undefined)));
}

/** Allow starting processes again (before each test). */
export function allowStart(): void {
  accepting = true;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `check` every few ms until it is true or `ms` pass; returns whether it became true. */
export async function waitFor(check: () => boolean, ms: number, every = 2): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (check()) return true;
    await sleep(every);
  }
  return check();
}

// ---- the store on disk --------------------------------------------------------------------------

/** Object ids in `<root>/.lineage/cache/sha256/`, sorted. */
export function listObjects(root: string): string[] {
  const dir = path.join(root, '.lineage', 'cache', 'sha256');
  if (!existsSync(dir)) return [];
  const ids: string[] = [];
  for (const prefix of readdirSync(dir).sort()) {
    for (const rest of readdirSync(path.join(dir, prefix)).sort()) ids.push(prefix + rest);
  }
  return ids;
}

export function objectPath(root: string, id: string): string {
  return path.join(root, '.lineage', 'cache', 'sha256', id.slice(0, 2), id.slice(2));
}

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Entries of `.lineage/tmp/` (staging folders are `stage-<pid>-<hex>`). */
export function tmpEntries(root: string): string[] {
  const dir = path.join(root, '.lineage', 'tmp');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Files inside the staging folders of process `pid` (a live process may remove one meanwhile). */
export function stagedFiles(root: string, pid: number): number {
  return tmpEntries(root)
    .filter((name) => name.startsWith(`stage-${pid}-`))
    .reduce((n, name) => {
      try {
        return n + readdirSync(path.join(root, '.lineage', 'tmp', name)).length;
      } catch {
        return n; // removed between the two reads
      }
    }, 0);
}

/** The pid written in `.lineage/lock`, null when there is no lock, NaN when it is empty or torn. */
export function lockOwner(root: string): number | null {
  let text: string;
  try {
    text = readFileSync(path.join(root, '.lineage', 'lock'), 'utf8');
  } catch {
    return null;
  }
  try {
    const pid = (JSON.parse(text) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : NaN;
  } catch {
    return NaN;
  }
}

/** `sha256:` of a pointer file (`<name>.lineage`), or null when there is none. */
export function pointerHash(text: string): string | null {
  return /^sha256: ([0-9a-f]{64})$/m.exec(text)?.[1] ?? null;
}

/** Identity of a file (inode and mtime), to tell whether it was replaced; null when absent. */
export function identity(file: string): string | null {
  const st = statSync(file, { throwIfNoEntry: false, bigint: true });
  return st ? `${st.ino}:${st.mtimeNs}` : null;
}

/** Temp files `writeFileAtomic` leaves beside a target when killed before its rename. */
export function strayTemps(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^\..+\.[0-9a-f]{12}\.tmp$/.test(n)) : [];
}

/** `promise`, or an error naming `what` if it takes longer than `ms` (a hang). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms (hang?)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Delete the stat cache (`.lineage/state/stat-cache…`), so the next add re-reads every file. */
export function dropStatCache(root: string): number {
  const dir = path.join(root, '.lineage', 'state');
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('stat-cache')) : [];
  for (const name of names) rmSync(path.join(dir, name), { force: true });
  return names.length;
}
