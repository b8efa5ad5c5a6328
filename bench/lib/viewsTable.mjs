// Runs Table measurements for bench/views.mjs, in headless Chromium (bundled by views.mjs with
// esbuild: this imports the webview tests' TypeScript harness and run generator). The real built
// bundle (dist/webview/runsTable.js) in the extension's HTML shell and CSP: time from the `runs`
// message to the first frame with rows, and rAF frame times while scrolling. The peer: a plain
// <table> of the same runs (every cell in the DOM, as a non-virtualized table does).
import { openPanel, RUNS_TABLE } from '../../test/webview/harness';
import { BIG, generateRuns } from '../../test/webview/runsTableFixtures';

const VIEWPORT = { width: 1280, height: 800 };

/** In-page: wait frame by frame until `ready()` holds; resolves with performance.now() after that frame. */
const PAINTED = `(ready) => new Promise((resolve, reject) => {
  const start = performance.now();
  const frame = () => requestAnimationFrame(() => setTimeout(() => {
    if (ready()) resolve(performance.now());
    else if (performance.now() - start > 120000) reject(new Error('nothing painted after 120 s'));
    else frame();
  }, 0));
  frame();
})`;

/** 10,000 runs × 500 columns, as the webview tests' BIG (7 run columns, 150 params, 300 metrics, …). */
export const BIG_COLUMNS = 7 + BIG.params + BIG.metrics + BIG.tags + BIG.inputs;

/** BIG's columns with `runs` runs. */
export function tableShape(runs) {
  return { ...BIG, runs };
}

/**
 * Open the Runs Table, generate `shape` runs in the page, deliver them as a `runs` message and time
 * it to the first frame showing rows. With `json`, the message is first serialized and the timing
 * includes JSON.parse of it (what decoding the host's message costs). Returns the page (open, for
 * scrolling) and { ms, handlerMs, rows, cells, payloadBytes }.
 */
export async function tableFirstPaint(browser, shape, { json = false } = {}) {
  const p = await openPanel(browser, { theme: 'dark', panel: RUNS_TABLE, viewport: VIEWPORT });
  const result = await p.page.evaluate(`(async () => {
    const painted = ${PAINTED};
    const generate = ${generateRuns.toString()};
    const runs = generate(${JSON.stringify(shape)});
    const text = ${json} ? JSON.stringify({ type: 'runs', result: { runs, problems: [] } }) : null;
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    const data = text ? JSON.parse(text) : { type: 'runs', result: { runs, problems: [] } };
    window.dispatchEvent(new MessageEvent('message', { data }));
    const handlerMs = performance.now() - t0;
    const at = await painted(() => document.querySelector('.grid-body .grid-row') !== null);
    return {
      ms: at - t0,
      handlerMs,
      rows: document.querySelectorAll('.grid-body .grid-row').length,
      cells: document.querySelectorAll('.grid-body .cell').length,
      payloadBytes: text ? text.length : null,
    };
  })()`);
  return { page: p, ...result };
}

/**
 * rAF frame times while `selector` scrolls by `step` px per frame along `axis` ('y' or 'x') for
 * `frames` frames. Returns { deltas (ms), scrolled (px), cells (in the DOM at the end) }.
 */
export async function scrollFrames(page, { selector, axis, step, frames }) {
  return page.evaluate(`(async () => {
    const el = ${JSON.stringify(selector)} === 'document' ? document.scrollingElement : document.querySelector(${JSON.stringify(selector)});
    const prop = ${JSON.stringify(axis)} === 'y' ? 'scrollTop' : 'scrollLeft';
    el[prop] = 0;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const deltas = [];
    let last = null;
    await new Promise((resolve) => {
      let n = 0;
      const tick = (t) => {
        if (last !== null) deltas.push(t - last);
        last = t;
        if (n++ >= ${frames}) return resolve();
        el[prop] += ${step};
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    return { deltas, scrolled: el[prop], cells: document.querySelectorAll('td, .grid-body .cell').length };
  })()`);
}

/** The plain-table peer's page: no CSP, no bundle; the same generator and the same columns. */
export async function plainTableFirstPaint(browser, shape) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.setContent(
    '<!doctype html><html><head><style>' +
      'body{margin:0;font:13px system-ui,sans-serif;background:#1f1f1f;color:#ccc}' +
      'table{border-collapse:collapse;white-space:nowrap}' +
      'th,td{padding:0 6px;height:23px;border-bottom:1px solid #333;text-align:right}' +
      'th{position:sticky;top:0;background:#252526}' +
      '</style></head><body></body></html>',
  );
  const result = await page.evaluate(`(async () => {
    const painted = ${PAINTED};
    const generate = ${generateRuns.toString()};
    const runs = generate(${JSON.stringify(shape)});
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    const first = runs[0];
    const groups = ['params', 'metrics', 'tags', 'inputs'];
    const keys = groups.map((g) => Object.keys(first[g]));
    const esc = (v) => String(v ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const head = ['Name', 'Status', 'Run', 'Experiment', 'Commit', 'Started', 'Duration',
      ...groups.flatMap((g, i) => keys[i].map((k) => g + '.' + k))];
    const parts = ['<table><thead><tr>', ...head.map((h) => '<th>' + esc(h) + '</th>'), '</tr></thead><tbody>'];
    for (const r of runs) {
      parts.push('<tr><td>', esc(r.name), '</td><td>', r.status, '</td><td>', r.id.slice(-8), '</td><td>',
        esc(r.experiment), '</td><td>', (r.commit ?? '').slice(0, 8), '</td><td>',
        new Date(r.startedAt).toLocaleString('en-US'), '</td><td>', String(Math.round(r.durationMs / 1000)), 's</td>');
      groups.forEach((g, i) => { for (const k of keys[i]) parts.push('<td>', esc(r[g][k]), '</td>'); });
      parts.push('</tr>');
    }
    parts.push('</tbody></table>');
    document.body.innerHTML = parts.join('');
    const at = await painted(() => document.querySelector('tbody tr') !== null);
    return { ms: at - t0, cells: document.querySelectorAll('td').length, columns: head.length };
  })()`);
  return { page: { page, close: () => context.close() }, ...result };
}
