import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; tests never download a browser. */
export const CHROMIUM = process.env.LINEAGE_CHROMIUM ?? '/usr/bin/chromium';

/** Launch headless Chromium with the flags this offline machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Folder for screenshots under test-output/, created on demand. */
export function outputDir(...parts: string[]): string {
  const dir = path.resolve(__dirname, '../../test-output', ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
