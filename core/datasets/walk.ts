import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineageError, isErrnoCode } from '../errors';
import type { FileStamp } from './statCache';
import { listDir, listDirs, type DirListing } from './listDirs';

/** A file system tree as found on disk, before hashing. */
export type WalkNode =
  | { type: 'file'; abs: string; stamp: FileStamp; exec: boolean; object?: string }
  | { type: 'symlink'; abs: string; target: string }
  | { type: 'dir'; abs: string; children: Map<string, WalkNode>; listing?: ListingStamp };

/**
 * What a folder's own entries looked like (see DirListing): set only for a folder read directly
 * (not through a link) whose entries are all regular files and folders, so that an equal digest
 * means equal content for every file in it.
 */
export interface ListingStamp {
  digest: string;
  newestMs: number;
}

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
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

interface WalkState {
  options: WalkOptions;
  realRoot: string;
  ancestors: Set<string>;
  listings: Map<string, DirListing>;
}

/**
 * Walk a file or folder. Folders are read (entries and their lstat) by listDirs, on worker threads
 * for big trees. Children are sorted by the UTF-8 bytes of their names.
 * Refuses, with an error naming the path: names that are not valid UTF-8, special files, unreadable
 * folders, links that lead outside `root`, and link cycles.
 */
export async function walk(abs: string, options: WalkOptions): Promise<WalkNode> {
  const realRoot = fs.realpathSync(options.root);
  const stat = lstat(abs);
  const listings = stat.isDirectory() ? await listDirs(abs) : new Map<string, DirListing>();
  return walkPath(abs, { options, realRoot, ancestors: new Set(), listings }, stat);
}

function lstat(abs: string): fs.Stats {
  try {
    return fs.lstatSync(abs);
  } catch (err) {
    throw describe(err, abs);
  }
}

function walkPath(abs: string, state: WalkState, stat = lstat(abs)): WalkNode {
  const { options, realRoot } = state;
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
  return walkDir(abs, state);
}

function walkDir(abs: string, state: WalkState): WalkNode {
  const real = state.options.symlinks === 'follow' ? fs.realpathSync(abs) : abs;
  if (state.ancestors.has(real)) throw new LineageError('symbolic links form a cycle here', abs);
  state.ancestors.add(real);
  // Folders reached through a followed link are not in `listings`: read them here.
  const listed = state.listings.get(abs);
  const listing = listed ?? listDir(abs);
  if (listing.error) throw listingError(listing.error, abs);
  const children = new Map<string, WalkNode>();
  let plain = true;
  const { names, stats } = listing;
  names.forEach((name, i) => {
    const child = `${abs}${path.sep}${name}`;
    // Tree entries are portable path components: a backslash would be a separator on Windows.
    if (name.includes('\\')) throw new LineageError('a file name contains a backslash; rename it', child);
    const mode = stats[i * 4 + 3] as number;
    const kind = mode & S_IFMT;
    if (kind === S_IFREG) {
      const stamp = {
        size: stats[i * 4] as number,
        mtimeMs: stats[i * 4 + 1] as number,
        ino: stats[i * 4 + 2] as number,
      };
      children.set(name, { type: 'file', abs: child, stamp, exec: (mode & 0o111) !== 0 });
    } else if (kind === S_IFDIR) {
      children.set(name, walkDir(child, state));
    } else if (mode === 0) {
      throw new LineageError('disappeared while the folder was being read', child);
    } else {
      plain = false;
      children.set(name, walkPath(child, state));
    }
  });
  state.ancestors.delete(real);
  const stamp = listed && plain ? { digest: listing.digest, newestMs: listing.newestMs } : undefined;
  return { type: 'dir', abs, children, ...(stamp ? { listing: stamp } : {}) };
}

function listingError(error: NonNullable<DirListing['error']>, abs: string): Error {
  if (error.badName !== undefined) {
    const shown = JSON.stringify(error.badName);
    return new LineageError(`contains a file name that is not valid UTF-8 (${shown}); rename it`, abs);
  }
  if (error.code === 'EACCES') return new LineageError('permission denied', abs);
  if (error.code === 'ENOENT') return new LineageError('disappeared while it was being read', abs);
  return new LineageError(`cannot read folder (${error.code})`, abs);
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

/** Every file node of a walk, depth first, in name order; none below the nodes in `skip`. */
export function walkFiles(
  node: WalkNode,
  skip?: ReadonlyMap<WalkNode, unknown>,
  out: WalkFile[] = [],
): WalkFile[] {
  if (skip?.has(node)) return out;
  if (node.type === 'file') out.push(node);
  else if (node.type === 'dir') for (const child of node.children.values()) walkFiles(child, skip, out);
  return out;
}
