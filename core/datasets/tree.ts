import { z } from 'zod';
import { LineageError } from '../errors';
import { HASH_PATTERN } from '../store/hash';

/**
 * A tree object describes one directory of a dataset version: its entries sorted by the UTF-8
 * bytes of their names. It is stored as canonical JSON (fixed key order, no spaces), so equal
 * directories always produce the same bytes and hence the same hash (a Merkle tree).
 */
const nameSchema = z
  .string()
  .min(1)
  .refine((n) => n !== '.' && n !== '..' && !n.includes('/') && !n.includes('\\') && !n.includes('\0'), {
    message: 'entry name must be a single path component',
  });
const hashSchema = z.string().regex(HASH_PATTERN, 'must be a SHA-256 hex digest');

const fileEntrySchema = z.strictObject({
  name: nameSchema,
  type: z.literal('file'),
  hash: hashSchema,
  size: z.number().int().nonnegative(),
  exec: z.boolean(),
});
const dirEntrySchema = z.strictObject({
  name: nameSchema,
  type: z.literal('dir'),
  hash: hashSchema,
  size: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
});
/** A symbolic link kept as a link (setting `symlinks: keep`); `target` is what readlink returns. */
const symlinkEntrySchema = z.strictObject({
  name: nameSchema,
  type: z.literal('symlink'),
  target: z
    .string()
    .min(1)
    .refine((t) => !t.includes('\0'), { message: 'link target must not contain NUL' }),
});
const treeSchema = z.strictObject({
  schema: z.literal(1),
  entries: z.array(z.discriminatedUnion('type', [fileEntrySchema, dirEntrySchema, symlinkEntrySchema])),
});

export type FileEntry = z.infer<typeof fileEntrySchema>;
export type DirEntry = z.infer<typeof dirEntrySchema>;
export type SymlinkEntry = z.infer<typeof symlinkEntrySchema>;
export type TreeEntry = FileEntry | DirEntry | SymlinkEntry;

const SURROGATE_OR_ABOVE = /[\ud800-\uffff]/;

/**
 * Order of names by their UTF-8 bytes (= code point order). JavaScript's `<` compares UTF-16 code
 * units, which agrees except between surrogate pairs and U+E000–U+FFFF; only then are bytes compared.
 */
export function compareNames(a: string, b: string): number {
  if (SURROGATE_OR_ABOVE.test(a) || SURROGATE_OR_ABOVE.test(b)) {
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical bytes of a tree object. Entries are sorted here, whatever order they come in. */
export function encodeTree(entries: TreeEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => compareNames(a.name, b.name));
  const canonical = sorted.map((e) => {
    switch (e.type) {
      case 'file':
        return { name: e.name, type: e.type, hash: e.hash, size: e.size, exec: e.exec };
      case 'dir':
        return { name: e.name, type: e.type, hash: e.hash, size: e.size, files: e.files };
      case 'symlink':
        return { name: e.name, type: e.type, target: e.target };
    }
  });
  return Buffer.from(JSON.stringify({ schema: 1, entries: canonical }), 'utf8');
}

/** Parse and validate a tree object read from the store; `where` names it in errors. */
export function decodeTree(data: Buffer, where: string): TreeEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw new LineageError('tree object is not valid UTF-8 JSON', where);
  }
  const parsed = treeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LineageError(`malformed tree object: ${issue?.path.join('.')} ${issue?.message}`, where);
  }
  const seen = new Set<string>();
  for (const entry of parsed.data.entries) {
    if (seen.has(entry.name))
      throw new LineageError(`malformed tree object: duplicate entry '${entry.name}'`, where);
    seen.add(entry.name);
  }
  return parsed.data.entries;
}
