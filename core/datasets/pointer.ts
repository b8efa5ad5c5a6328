import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { parseYaml } from '../util/yaml';
import { z } from 'zod';
import { LineageError } from '../errors';
import { HASH_PATTERN } from '../store/hash';
import { writeFileAtomic } from '../util/atomicWrite';

export const POINTER_SUFFIX = '.lineage';

/**
 * A pointer file `<name>.lineage` sits beside the data it pins and is committed to git.
 * Format (YAML, schema 1): path (the data's name, in the same folder), type, sha256 (file object
 * or root tree), size in bytes, files (count).
 */
const pointerSchema = z.strictObject({
  schema: z.literal(1, { error: 'must be 1' }),
  path: z
    .string()
    .min(1)
    .refine((p) => !p.includes('/') && !p.includes('\\') && p !== '.' && p !== '..' && !path.isAbsolute(p), {
      message: 'must be a plain name in the pointer file’s folder (no "/", "..", or absolute path)',
    }),
  type: z.enum(['file', 'dir']),
  sha256: z.string().regex(HASH_PATTERN, 'must be a SHA-256 hex digest'),
  size: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
});
export type Pointer = z.infer<typeof pointerSchema>;

export function pointerPathFor(dataPath: string): string {
  return dataPath + POINTER_SUFFIX;
}

export function formatPointer(p: Pointer): string {
  const body = stringify(
    { schema: 1, path: p.path, type: p.type, sha256: p.sha256, size: p.size, files: p.files },
    { lineWidth: 0 },
  );
  return `# Lineage pointer: pins one version of '${p.path}'. Commit this file; the data itself is git-ignored.\n${body}`;
}

/** Parse a pointer file's text; errors name `shown` (e.g. `data.lineage at 3f2a1c0`), default `file`. */
export function parsePointer(text: string, file: string, shown = file): Pointer {
  const parsed = pointerSchema.safeParse(parseYaml(text, shown, 'malformed pointer file'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? `'${issue.path.join('.')}' ` : '';
    throw new LineageError(`malformed pointer file: ${field}${issue?.message ?? 'invalid'}`, shown);
  }
  const expected = path.basename(file).slice(0, -POINTER_SUFFIX.length);
  if (parsed.data.path !== expected) {
    throw new LineageError(
      `malformed pointer file: 'path' is '${parsed.data.path}' but the file is named for '${expected}'`,
      shown,
    );
  }
  return parsed.data;
}

export async function readPointer(file: string): Promise<Pointer> {
  const data = await fs.readFile(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new LineageError('malformed pointer file: not valid UTF-8', file);
  }
  return parsePointer(text, file);
}

export async function writePointer(file: string, pointer: Pointer): Promise<void> {
  await writeFileAtomic(file, formatPointer(pointer));
}
