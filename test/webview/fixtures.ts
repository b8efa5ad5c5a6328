// Shared by the webview tests: a per-file browser with pages that fail the test on any error.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { openRunsTable, type OpenOptions, type RunsTablePage } from './harness';
import { prng } from '../../scripts/lib/prng.mjs';

export { prng };

/**
 * Call once at the top level of a test file: launches Chromium for the file and returns a function
 * that opens pages with `open`; each page is closed after its test, and the test fails on any
 * uncaught exception, console error, CSP violation or stray request on any of them.
 */
export function usePages<O, P extends { errors(): Promise<string[]>; close(): Promise<void> }>(
  open: (browser: Browser, options: O) => Promise<P>,
): (options: O) => Promise<P> {
  let browser: Browser;
  const opened: P[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    const pages = opened.splice(0);
    const errors = (await Promise.all(pages.map((p) => p.errors()))).flat();
    await Promise.all(pages.map((p) => p.close()));
    expect(errors).toEqual([]);
  });

  return async (options: O): Promise<P> => {
    const p = await open(browser, options);
    opened.push(p);
    return p;
  };
}

/** `usePages` for the Runs Table. */
export function usePanels(): (options: OpenOptions) => Promise<RunsTablePage> {
  return usePages(openRunsTable);
}
