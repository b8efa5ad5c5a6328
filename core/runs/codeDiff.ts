import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type {
  RunCodeChange,
  RunCodeDiffResult,
  RunCodeFileResult,
  RunCodeSide,
  RunPatchInfo,
} from '../../protocol/runCompare';
import { storeOf } from '../datasets/add';
import { LineageError } from '../errors';
import type { Repo } from '../repo';
import { writeFileAtomic } from '../util/atomicWrite';
import { listOf, shortRunId } from '../util/format';
import { findRun } from './find';
import { RUN_ID_PATTERN, runFile } from './layout';
import { readRunJson, runHeaderSchema, type RunHeader } from './record';

const run = promisify(execFile);

/** Files larger than this are not shown as text. */
export const CODE_FILE_LIMIT = 16 * 1024 * 1024;
const HASH = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Where the trees of runs' code live: a private git object directory under `.lineage/`, whose
 * alternate is the repository's own object database. Blobs and trees made by applying a run's patch
 * are written here only, so neither the user's index nor `.git/objects` ever changes.
 */
function codeDir(repo: Repo): { objects: string; memo: string } {
  const dir = path.join(repo.dir, 'state', 'code-trees');
  return { objects: path.join(dir, 'objects'), memo: path.join(dir, 'memo') };
}

interface GitEnv {
  top: string;
  env: NodeJS.ProcessEnv;
}

const gitEnvs = new Map<string, Promise<GitEnv>>();
/** The git work tree of the repository, and an environment reading and writing the private objects. */
function gitEnv(repo: Repo): Promise<GitEnv> {
  let found = gitEnvs.get(repo.root);
  if (!found) {
    found = (async () => {
      let top: string;
      let objects: string;
      try {
        top = (await git(repo.root, ['rev-parse', '--show-toplevel'])).trim();
        objects = (
          await git(repo.root, ['rev-parse', '--path-format=absolute', '--git-path', 'objects'])
        ).trim();
      } catch {
        throw new LineageError('not a git repository: runs have no code to compare', repo.root);
      }
      const { objects: own } = codeDir(repo);
      await fs.mkdir(own, { recursive: true });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        GIT_OBJECT_DIRECTORY: own,
        GIT_ALTERNATE_OBJECT_DIRECTORIES: objects,
        GIT_OPTIONAL_LOCKS: '0',
      };
      return { top, env };
    })();
    found.catch(() => gitEnvs.delete(repo.root));
    gitEnvs.set(repo.root, found);
  }
  return found;
}

const trees = new Map<string, Promise<string>>();

/**
 * The git tree of the code a run ran: its commit, plus its uncommitted patch applied onto a
 * temporary index read from that commit (`git apply --cached`, `git write-tree`), with objects
 * written to the private object directory. Memoised in memory and on disk by (commit, patch).
 */
export async function runCodeSide(repo: Repo, rev: string): Promise<RunCodeSide> {
  const header = await findRun(repo, rev, { hexNames: true });
  if (!header) throw new LineageError(`no run '${rev}' in this repository`);
  const label = `run ${header.name} (${shortRunId(header.id)})`;
  if (!header.commit) {
    throw new LineageError(`${label} has no git commit: it was not recorded in a git repository`);
  }
  if (!HASH.test(header.commit)) throw new LineageError(`${label} has a malformed commit '${header.commit}'`);
  const notes: string[] = [];
  if (header.patchOmitted && header.patchOmitted.length > 0) {
    notes.push(
      `${label}: untracked files too large for its patch are left out (${listOf(header.patchOmitted)})`,
    );
  }
  const key = `${header.commit}-${header.patch ?? 'clean'}`;
  let tree = trees.get(`${repo.root}\0${key}`);
  if (!tree) {
    tree = buildTree(repo, header, label, key);
    tree.catch(() => trees.delete(`${repo.root}\0${key}`));
    trees.set(`${repo.root}\0${key}`, tree);
  }
  return { id: header.id, name: header.name, commit: header.commit, tree: await tree, label, notes };
}

async function buildTree(repo: Repo, header: RunHeader, label: string, key: string): Promise<string> {
  const { top, env } = await gitEnv(repo);
  const commit = header.commit as string;
  if (!header.patch) {
    try {
      return (await git(top, ['rev-parse', '--verify', '--quiet', `${commit}^{tree}`], env)).trim();
    } catch {
      throw new LineageError(`${label}: its commit ${commit.slice(0, 12)} is not in this git repository`);
    }
  }
  if (!/^[0-9a-f]{64}$/.test(header.patch)) throw new LineageError(`${label} names a malformed patch object`);
  const memoFile = path.join(codeDir(repo).memo, key);
  const memo = await fs.readFile(memoFile, 'utf8').catch(() => '');
  if (HASH.test(memo.trim()) && (await hasObject(top, env, memo.trim()))) return memo.trim();

  const store = storeOf(repo);
  if (!store.has(header.patch)) {
    throw new LineageError(
      `${label}: its patch of uncommitted changes (object ${header.patch.slice(0, 12)}) is missing from the store`,
      path.relative(repo.root, repo.cache) || repo.cache,
    );
  }
  const patch = await store.readVerified(header.patch);
  await fs.mkdir(repo.tmp, { recursive: true });
  const unique = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const indexFile = path.join(repo.tmp, `code-index-${unique}`);
  const patchFile = path.join(repo.tmp, `code-patch-${unique}`);
  const indexEnv = { ...env, GIT_INDEX_FILE: indexFile };
  try {
    await fs.writeFile(patchFile, patch);
    try {
      await git(top, ['read-tree', commit], indexEnv);
    } catch {
      throw new LineageError(`${label}: its commit ${commit.slice(0, 12)} is not in this git repository`);
    }
    try {
      await git(top, ['apply', '--cached', '--binary', '--whitespace=nowarn', patchFile], indexEnv);
    } catch (err) {
      throw new LineageError(`${label}: its patch does not apply to its commit: ${stderrOf(err)}`);
    }
    const tree = (await git(top, ['write-tree'], indexEnv)).trim();
    await fs.mkdir(path.dirname(memoFile), { recursive: true });
    await writeFileAtomic(memoFile, tree);
    return tree;
  } finally {
    await Promise.all([fs.rm(indexFile, { force: true }), fs.rm(patchFile, { force: true })]);
  }
}

/** The files that differ between two runs' code, renames detected (`git diff-tree -M`). */
export async function diffRunCode(repo: Repo, a: string, b: string): Promise<RunCodeDiffResult> {
  const [sideA, sideB] = await Promise.all([runCodeSide(repo, a), runCodeSide(repo, b)]);
  if (sideA.tree === sideB.tree) return { a: sideA, b: sideB, files: [] };
  const { top, env } = await gitEnv(repo);
  const out = await git(
    top,
    ['-c', 'core.quotePath=off', 'diff-tree', '-r', '-z', '--name-status', '-M', sideA.tree, sideB.tree],
    env,
  );
  return { a: sideA, b: sideB, files: parseNameStatus(out) };
}

/** `--name-status -z` output: status, then one path (two for renames and copies). */
export function parseNameStatus(out: string): RunCodeChange[] {
  const parts = out.split('\0');
  const files: RunCodeChange[] = [];
  for (let i = 0; i < parts.length;) {
    const code = parts[i++] ?? '';
    if (code === '') continue;
    const letter = code[0];
    if (letter === 'R' || letter === 'C') {
      const oldPath = parts[i++] ?? '';
      const newPath = parts[i++] ?? '';
      // A copy leaves its source in place: it shows as an added file.
      files.push(letter === 'R' ? { status: 'R', path: newPath, oldPath } : { status: 'A', path: newPath });
    } else {
      const status = letter === 'A' || letter === 'D' || letter === 'T' ? letter : 'M';
      files.push({ status, path: parts[i++] ?? '' });
    }
  }
  return files;
}

/** One file's text in a tree made by runCodeSide (or any tree of the repository). */
export async function readRunCodeFile(repo: Repo, tree: string, file: string): Promise<RunCodeFileResult> {
  if (!HASH.test(tree)) throw new LineageError(`not a git tree id: '${tree}'`);
  if (file === '' || file.startsWith('/') || file.split('/').includes('..')) {
    throw new LineageError(`not a path inside the repository: '${file}'`);
  }
  const { top, env } = await gitEnv(repo);
  if (!(await hasObject(top, env, tree))) {
    throw new LineageError(`tree ${tree.slice(0, 12)} is not in the repository; compare the runs again`);
  }
  const spec = `${tree}:${file}`;
  let size: number;
  try {
    size = Number((await git(top, ['cat-file', '-s', spec], env)).trim());
  } catch {
    return { text: null, note: `${file} is absent here` };
  }
  if (size > CODE_FILE_LIMIT) {
    return { text: null, note: `${file} is ${Math.round(size / 1024 / 1024)} MB: too large to show as text` };
  }
  const bytes = await gitBytes(top, ['cat-file', 'blob', spec], env);
  if (bytes.subarray(0, 8000).includes(0)) return { text: null, note: `${file} is a binary file` };
  return { text: bytes.toString('utf8') };
}

/** What a run's patch holds: files and lines added and removed (`+`/`-` lines of the diff). */
export async function runPatchInfo(repo: Repo, id: string): Promise<RunPatchInfo> {
  if (!RUN_ID_PATTERN.test(id)) throw new LineageError(`not a run id: ${id}`);
  const header = await readRunJson(runFile(repo, id, 'header'), runHeaderSchema, 'run header');
  const info: RunPatchInfo = {
    id,
    patch: header.patch ?? null,
    missing: false,
    files: 0,
    added: 0,
    removed: 0,
    omitted: header.patchOmitted ?? [],
  };
  if (!header.patch) return info;
  const store = storeOf(repo);
  if (!/^[0-9a-f]{64}$/.test(header.patch) || !store.has(header.patch)) return { ...info, missing: true };
  const text = (await store.readVerified(header.patch)).toString('latin1');
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) info.files++;
    else if (line.startsWith('+') && !line.startsWith('+++ ')) info.added++;
    else if (line.startsWith('-') && !line.startsWith('--- ')) info.removed++;
  }
  return info;
}

async function hasObject(top: string, env: NodeJS.ProcessEnv, hash: string): Promise<boolean> {
  return git(top, ['cat-file', '-e', hash], env).then(
    () => true,
    () => false,
  );
}

function stderrOf(err: unknown): string {
  const stderr = (err as { stderr?: Buffer | string }).stderr;
  const text = stderr ? stderr.toString().trim() : String(err);
  return text.split('\n')[0] ?? text;
}

async function gitBytes(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const { stdout } = await run('git', args, { cwd, env, encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 });
  return stdout;
}

async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return (await gitBytes(cwd, args, env)).toString('utf8');
}
