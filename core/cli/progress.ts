import { formatBytes } from '../util/format';

export interface ProgressLine {
  update(label: string, files: number, totalFiles: number, bytes: number, totalBytes: number): void;
  done(): void;
}

/**
 * One self-rewriting status line on a terminal (files, bytes, rate), at most ten updates a second.
 * Prints nothing when the stream is not a TTY, so scripts and logs stay clean.
 */
export function progressLine(stream: NodeJS.WritableStream & { isTTY?: boolean }): ProgressLine {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(label, files, totalFiles, bytes, totalBytes) {
      const now = Date.now();
      if (now - last < 100 && files < totalFiles) return;
      last = now;
      const seconds = Math.max(0.001, (now - started) / 1000);
      const pct = totalBytes > 0 ? Math.floor((100 * bytes) / totalBytes) : 100;
      const line =
        `${label}: ${pct}%  ${files.toLocaleString('en')}/${totalFiles.toLocaleString('en')} files  ` +
        `${formatBytes(bytes)}/${formatBytes(totalBytes)}  ${formatBytes(bytes / seconds)}/s`;
      stream.write(`\r\x1b[2K${line}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
