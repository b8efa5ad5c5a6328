import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineageError, isErrnoCode } from '../errors';
import type { FileStamp } from './statCache';
import { isRegularFile, statFiles } from './statFiles';
import { compareNames } from './tree';

/** A file system tree as found on disk, before hashing. */
export type WalkNode =
  | { type: 'file'; abs: string; stamp: FileStamp; exec: boolean; object?: string }
  | { type: 'symlink'; abs: string; target: string }
  | { type: 'dir'; abs: string; children: Map<string, WalkNode> };

export interface WalkOptions {
  /** Keep symbolic links as links, or follow them to what they point to. */
  symlinks: 'keep' | 'follow';
  /** Nothing outside this folder may be reached through a link. */
  root: string;
  /**
   * The object store's folder: a link into it (placed by checkout with the symlink strategy) stands
   * for the object's content, whatever the symlinks setting, and its hash is the object's name.
   */
  objects?: string;
}

const OBJECT_NAME = /sha256\/([0-9a-f]{2})\/([0-9a-f]{62})$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Walk a file or folder: folders are read with their entries' types (no stat needed), then every
 * regular file is stat'ed in one batch (see statFiles). Children are sorted by the UTF-8 bytes of
 * their names.
 * Refuses, with an error naming the path: names that are not valid UTF-8, special files, unreadable
 * folders, links that lead outside `root`, and link cycles.
 */
export async function walk(abs: string, options: WalkOptions): Promise<WalkNode> {
  const realRoot = fs.realpathSync(options.root);
  const pending: WalkFile[] = [];
  const root = walkPath(abs, options, realRoot, new Set(), pending);
  // Regular files (known from the directory entries' types) are stat'ed in one batch, in parallel.
  const stats = await statFiles(pending.map((f) => f.abs));
  pending.forEach((file, i) => {
    const st = stats[i];
    if (!st) throw new LineageError('file disappeared while the folder was being read', file.abs);
    if (!isRegularFile(st.mode))
      throw new LineageError('changed from a file to something else while being read', file.abs);
    file.stamp = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
    file.exec = (st.mode & 0o111) !== 0;
  });
  return root;
}

function walkPath(
  abs: string,
  options: WalkOptions,
  realRoot: string,
  ancestors: Set<string>,
  pending: WalkFile[],
): WalkNode {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(abs);
  } catch (err) {
    throw describe(err, abs);
  }
  if (stat.isSymbolicLink()) {
    const target = fs.readlinkSync(abs);
    const resolved = path.resolve(path.dirname(abs), target);
    if (!inside(resolved, options.root) && !inside(resolved, realRoot)) {
      throw new LineageError(`symbolic link points outside the repository (to ${target})`, abs);
    }
    if (options.objects && inside(resolved, options.objects)) {
      const name = OBJECT_NAME.exec(resolved.split(path.sep).join('/'));
      const st = name ? fs.statSync(resolved, { throwIfNoEntry: false }) : undefined;
      if (name && st?.isFile()) {
        const stamp = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
        return { type: 'file', abs, stamp, exec: (st.mode & 0o111) !== 0, object: `${name[1]}${name[2]}` };
      }
    }
    if (options.symlinks === 'keep') return { type: 'symlink', abs, target };
    let real: string;
    try {
      real = fs.realpathSync(abs);
    } catch (err) {
      throw new LineageError(
        `symbolic link is broken (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        abs,
      );
    }
    if (!inside(real, realRoot))
      throw new LineageError(`symbolic link points outside the repository (to ${real})`, abs);
    stat = fs.statSync(real);
  }
  if (stat.isFile()) {
    return {
      type: 'file',
      abs,
      stamp: { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino },
      exec: (stat.mode & 0o111) !== 0,
    };
  }
  if (!stat.isDirectory()) {
    throw new LineageError(
      'not a regular file, folder or symbolic link (a socket, FIFO or device); it cannot be tracked',
      abs,
    );
  }
  const real = options.symlinks === 'follow' ? fs.realpathSync(abs) : abs;
  if (ancestors.has(real)) throw new LineageError('symbolic links form a cycle here', abs);
  ancestors.add(real);
  let dirents: fs.Dirent<Buffer>[];
  try {
    dirents = fs.readdirSync(abs, { encoding: 'buffer', withFileTypes: true });
  } catch (err) {
    throw describe(err, abs);
  }
  const entries = dirents.map((dirent) => {
    try {
      return { name: utf8.decode(dirent.name), regular: dirent.isFile() };
    } catch {
      const shown = JSON.stringify(dirent.name.toString('latin1'));
      throw new LineageError(`contains a file name that is not valid UTF-8 (${shown}); rename it`, abs);
    }
  });
  const children = new Map<string, WalkNode>();
  for (const { name, regular } of entries.sort((a, b) => compareNames(a.name, b.name))) {
    const child = `${abs}${path.sep}${name}`;
    if (regular) {
      const file: WalkFile = {
        type: 'file',
        abs: child,
        stamp: { size: 0, mtimeMs: 0, ino: 0 },
        exec: false,
      };
      pending.push(file);
      children.set(name, file);
    } else children.set(name, walkPath(child, options, realRoot, ancestors, pending));
  }
  ancestors.delete(real);
  return { type: 'dir', abs, children };
}

function inside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function describe(err: unknown, abs: string): Error {
  if (isErrnoCode(err, 'EACCES')) return new LineageError('permission denied', abs);
  if (isErrnoCode(err, 'ENOENT')) return new LineageError('no such file or directory', abs);
  return err instanceof Error ? err : new Error(String(err));
}

export type WalkFile = Extract<WalkNode, { type: 'file' }>;

/** Every file node of a walk, depth first, in name order. */
export function walkFiles(node: WalkNode, out: WalkFile[] = []): WalkFile[] {
  if (node.type === 'file') out.push(node);
  else if (node.type === 'dir') for (const child of node.children.values()) walkFiles(child, out);
  return out;
}
