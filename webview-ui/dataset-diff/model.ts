// The file tree of a dataset diff as plain data: folders built from the changed paths, then flattened
// into the rows on screen for the current filter, kinds and collapsed folders. No DOM here.
import type { FileChangeKind, FileDiffEntry } from '../../protocol/diff';

/** The change kinds in display order. */
export const KINDS: readonly FileChangeKind[] = ['added', 'removed', 'modified', 'renamed'];

/** Changed files per kind. */
export type KindCounts = Record<FileChangeKind, number>;

/** A folder that holds changed files (directly or below). */
export interface FolderNode {
  kind: 'folder';
  /** Shown name; `a/b` when single-child folders are compacted, as VS Code's trees do. */
  name: string;
  /** Full path of the (deepest) folder inside the dataset. */
  path: string;
  folders: FolderNode[];
  files: FileNode[];
}

/** A changed file (or empty folder, `entry.type === 'dir'`). */
export interface FileNode {
  kind: 'file';
  name: string;
  path: string;
  entry: FileDiffEntry;
}

/** One row on screen. */
export type TreeRow = (
  | { kind: 'folder'; node: FolderNode; counts: KindCounts; expanded: boolean }
  | { kind: 'file'; node: FileNode }
) & {
  depth: number;
  /** 1-based position among the row's siblings on screen, and their number (aria-posinset/setsize). */
  position: number;
  siblings: number;
};

/** Which files are shown: a case-insensitive substring of the path (or the old path) and the kinds. */
export interface TreeFilter {
  text: string;
  kinds: ReadonlySet<FileChangeKind>;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const byName = (a: { name: string }, b: { name: string }): number => collator.compare(a.name, b.name);

/** Zero files of every kind. */
export function emptyCounts(): KindCounts {
  return { added: 0, removed: 0, modified: 0, renamed: 0 };
}

/**
 * The folder tree of the changed paths, folders before files, in natural order, with chains of
 * folders that hold only one folder compacted into one row. `rootName` names a dataset that is a
 * single file (its change has the path '').
 */
export function buildTree(changes: readonly FileDiffEntry[], rootName: string): FolderNode {
  const root: FolderNode = { kind: 'folder', name: '', path: '', folders: [], files: [] };
  const folders = new Map<string, FolderNode>([['', root]]);
  const folderAt = (path: string): FolderNode => {
    const known = folders.get(path);
    if (known) return known;
    const slash = path.lastIndexOf('/');
    const parent = folderAt(slash < 0 ? '' : path.slice(0, slash));
    const folder: FolderNode = { kind: 'folder', name: path.slice(slash + 1), path, folders: [], files: [] };
    parent.folders.push(folder);
    folders.set(path, folder);
    return folder;
  };
  for (const entry of changes) {
    const slash = entry.path.lastIndexOf('/');
    const name = entry.path === '' ? rootName : entry.path.slice(slash + 1);
    folderAt(slash < 0 ? '' : entry.path.slice(0, slash)).files.push({
      kind: 'file',
      name,
      path: entry.path,
      entry,
    });
  }
  const finish = (folder: FolderNode): void => {
    folder.folders.sort(byName);
    folder.files.sort(byName);
    folder.folders = folder.folders.map(compact);
    for (const child of folder.folders) finish(child);
  };
  finish(root);
  return root;
}

function compact(folder: FolderNode): FolderNode {
  let current = folder;
  let name = folder.name;
  for (let only = current.folders[0]; current.files.length === 0 && current.folders.length === 1 && only;) {
    name = `${name}/${only.name}`;
    current = only;
    only = current.folders[0];
  }
  return current === folder ? folder : { ...current, name };
}

/** Whether `entry` passes the filter. `needle` is the filter text, trimmed and lowercased. */
function matches(entry: FileDiffEntry, needle: string, kinds: ReadonlySet<FileChangeKind>): boolean {
  if (!kinds.has(entry.change)) return false;
  if (!needle) return true;
  return entry.path.toLowerCase().includes(needle) || (entry.from?.toLowerCase().includes(needle) ?? false);
}

/** The rows on screen and how many files pass the filter. */
export interface FlatTree {
  rows: TreeRow[];
  /** Files that pass the filter, collapsed or not. */
  shown: number;
  /** Every changed file. */
  total: number;
}

/**
 * The rows on screen: folders holding at least one file that passes the filter (with the counts of
 * those files), and those files unless their folder is collapsed.
 */
export function flatten(root: FolderNode, filter: TreeFilter, collapsed: ReadonlySet<string>): FlatTree {
  const needle = filter.text.trim().toLowerCase();
  const rows: TreeRow[] = [];
  let total = 0;
  // Returns the counts of the folder's passing files; appends its rows (after its own row) to `rows`.
  const visit = (folder: FolderNode, depth: number, visible: boolean): KindCounts => {
    const counts = emptyCounts();
    for (const child of folder.folders) {
      const expanded = !collapsed.has(child.path);
      const at = rows.length;
      if (visible) rows.push({ kind: 'folder', node: child, counts: emptyCounts(), expanded, ...at0(depth) });
      const inner = visit(child, depth + 1, visible && expanded);
      const sum = KINDS.reduce((n, k) => n + inner[k], 0);
      if (!visible) {
        for (const k of KINDS) counts[k] += inner[k];
        continue;
      }
      if (sum === 0) {
        rows.length = at; // nothing passes in there: drop the folder row
        continue;
      }
      const row = rows[at];
      if (row?.kind === 'folder') row.counts = inner;
      for (const k of KINDS) counts[k] += inner[k];
    }
    for (const file of folder.files) {
      total += 1;
      if (!matches(file.entry, needle, filter.kinds)) continue;
      counts[file.entry.change] += 1;
      if (visible) rows.push({ kind: 'file', node: file, ...at0(depth) });
    }
    return counts;
  };
  const counts = visit(root, 0, true);
  numberSiblings(rows);
  return { rows, shown: KINDS.reduce((n, k) => n + counts[k], 0), total };
}

const at0 = (depth: number): { depth: number; position: number; siblings: number } => ({
  depth,
  position: 0,
  siblings: 0,
});

/** Sets `position` and `siblings` of every row: rows in depth-first order, a depth step at most +1. */
function numberSiblings(rows: TreeRow[]): void {
  const groups: TreeRow[][] = [];
  const close = (depth: number): void => {
    while (groups.length > depth) {
      const group = groups.pop() ?? [];
      group.forEach((row, i) => {
        row.position = i + 1;
        row.siblings = group.length;
      });
    }
  };
  for (const row of rows) {
    close(row.depth + 1);
    (groups[row.depth] ??= []).push(row);
  }
  close(0);
}

/** Folder paths that contain `path` (every ancestor, so a restored selection can be revealed). */
export function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}
