import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, outputDir } from '../helpers/chromium';
import { openRunsTable, type OpenOptions, type RunsTablePage } from './harness';

let browser: Browser;
const open: RunsTablePage[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});
afterEach(async () => {
  const pages = open.splice(0);
  const errors = (await Promise.all(pages.map((p) => p.errors()))).flat();
  await Promise.all(pages.map((p) => p.close()));
  expect(errors).toEqual([]);
});

async function panel(options: OpenOptions): Promise<RunsTablePage> {
  const p = await openRunsTable(browser, options);
  open.push(p);
  return p;
}

describe('explore', () => {
  it('loads', async () => {
    const p = await panel({ theme: 'dark' });
    console.log(await p.posted());
    console.log(
      await p.page.evaluate(
        () =>
          getComputedStyle(document.body).backgroundColor + ' ' + getComputedStyle(document.body).fontFamily,
      ),
    );
    await p.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.x = 1';
      document.body.append(s);
      const d = document.createElement('div');
      d.setAttribute('style', 'color: red');
      document.body.append(d);
      const i = document.createElement('img');
      i.src = 'https://example.com/a.png';
      document.body.append(i);
    });
    await p.page.waitForTimeout(300);
    console.log(await p.errors());
    await p.page.screenshot({ path: path.join(outputDir('webview'), 'explore.png') });
  });
});
