import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

const CHUNK = 1024 * 1024;

export interface FileDigest {
  hash: string;
  size: number;
}

/** SHA-256 of bytes, lowercase hex. */
export function hashBytes(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of a file's bytes, read in 1 MiB chunks so memory stays flat for any size. */
export async function hashFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  const handle = await fs.open(file, 'r');
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { hash: hash.digest('hex'), size };
}

export const HASH_PATTERN = /^[0-9a-f]{64}$/;
