// The Runs Table panel's real bundle (dist/webview/runsTable.{js,css}, built by `npm run build`) in
// Chromium, hosted like a VS Code webview by ./harness.ts, driven only through its UI and messages.
// This file: layout (sticky toolbar and headers, many problems) and VS Code themes, with screenshots.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputDir } from '../helpers/chromium';
import { THEMES } from './harness';
import { manyRuns, runsMessage, sampleRuns, usePanels } from './fixtures';

const panel = usePanels();

describe('Runs Table webview', () => {
  it('keeps the toolbar and the column headers in view while the rows scroll', async () => {
    const p = await panel({ theme: 'dark', viewport: { width: 1180, height: 420 } });
    await p.send(runsMessage(manyRuns(200)));
    await p.page.mouse.move(500, 300);
    await p.page.mouse.wheel(0, 2000);
    await p.page.waitForFunction(() => (document.querySelector('.table-wrap')?.scrollTop ?? 0) > 1000);
    const layout = await p.page.evaluate(() => {
      const top = (selector: string): number | undefined =>
        document.querySelector(selector)?.getBoundingClientRect().top;
      return {
        toolbar: top('.toolbar'),
        wrap: top('.table-wrap'),
        header: top('thead th'),
        firstRow: top('tbody tr'),
        refreshAtTop: document.elementFromPoint(1120, 21)?.closest('button')?.textContent,
      };
    });
    expect(layout.toolbar).toBe(0);
    expect(layout.refreshAtTop).toBe('Refresh');
    expect(layout.header).toBe(layout.wrap); // stuck to the top of the scrolling area
    expect(layout.firstRow).toBeLessThan(-1000); // ...while the rows went under it
  });

  // The page does not scroll (only the table does): many problems must not push the table out.
  it('keeps the table visible when there are many problems', async () => {
    const problems = Array.from({ length: 40 }, (_, i) => ({
      file: `.lineage/runs/01kbx8q2m4z7w9c3t5v6y8n${String(i).padStart(3, '0')}/run.json`,
      message: 'run header is missing',
    }));
    const p = await panel({ theme: 'dark', viewport: { width: 1180, height: 420 } });
    await p.send(runsMessage(sampleRuns(), problems));
    const height = await p.page.locator('.table-wrap').evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeGreaterThan(150);
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`is themed by VS Code's ${theme} theme variables (screenshot: runs-table-${theme}.png)`, async () => {
      const colors = THEMES[theme].colors;
      const p = await panel({ theme, viewport: { width: 1180, height: 420 } });
      const runs = sampleRuns();
      await p.send(
        runsMessage(runs, [
          {
            file: '.lineage/runs/01kbx9a7r2e5g8j1m4p6s9u2wx/metrics.jsonl',
            message: "line 3: 'loss' is not a finite number",
          },
        ]),
      );
      await p.page.locator('tbody tr').nth(3).hover(); // show the hover colour too
      const style = await p.page.evaluate(() => {
        const get = (selector: string, property: string): string => {
          const el = document.querySelector(selector);
          return el ? getComputedStyle(el).getPropertyValue(property) : `${selector} missing`;
        };
        return {
          body: [get('body', 'background-color'), get('body', 'color'), get('body', 'font-size')],
          badge: [get('.count', 'background-color'), get('.count', 'color')],
          input: [get('.filter', 'background-color'), get('.filter', 'color')],
          button: [get('.refresh', 'background-color'), get('.refresh', 'color')],
          th: get('th[data-column="name"]', 'background-color'),
          metricHeader: get('th.metric', 'color'),
          status: {
            finished: get('.badge.finished', 'background-color'),
            failed: get('.badge.failed', 'background-color'),
            crashed: get('.badge.crashed', 'background-color'),
            killed: get('.badge.killed', 'background-color'),
            running: get('.badge.running', 'background-color'),
          },
        };
      });
      const rgb = (hex: string | undefined): string => {
        const n = Number.parseInt((hex ?? '').slice(1), 16);
        return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
      };
      expect(style.body).toEqual([rgb(colors['editor-background']), rgb(colors.foreground), '13px']);
      expect(style.badge).toEqual([rgb(colors['badge-background']), rgb(colors['badge-foreground'])]);
      expect(style.input).toEqual([rgb(colors['input-background']), rgb(colors['input-foreground'])]);
      expect(style.button).toEqual([
        rgb(colors['button-secondaryBackground']),
        rgb(colors['button-secondaryForeground']),
      ]);
      expect(style.th).toBe(rgb(colors['editor-background']));
      expect(style.metricHeader).toBe(rgb(colors['symbolIcon-variableForeground']));
      expect(style.status).toEqual({
        finished: rgb(colors['testing-iconPassed']),
        failed: rgb(colors['testing-iconFailed']),
        crashed: rgb(colors['testing-iconFailed']),
        killed: rgb(colors['testing-iconSkipped']),
        running: rgb(colors['charts-blue']),
      });

      await p.page.screenshot({
        path: path.join(outputDir('webview'), `runs-table-${theme}.png`),
        fullPage: true,
        animations: 'disabled',
      });
    });
  }
});
