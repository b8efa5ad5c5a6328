// Metric Plots fed by the real built language server (dist/server.js --stdio), without VS Code: this
// module plays the extension's part (extension/metricPlotsView.ts), forwarding the view's `history`
// requests to `lineage/metricHistory` and the server's `lineage/metricPoints` to the view. Used by
// bench/views.mjs (bundled with esbuild) for the draw time through the server and for the live
// latency: a metric line appended to a running run's metrics.jsonl → the frame that shows it.
/* global window, document, requestAnimationFrame -- page functions passed to page.evaluate */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  InitializedNotification,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { metricHistoryRequest, metricPointsNotification } from '../../protocol/lsp';
import { deliverTimed, lossAt, nextHistory, openPlots } from './viewsPlots.mjs';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'b@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'b@example.invalid',
};

/** A Lineage workspace (git + `lineage init`) with finished runs `ids` of `steps` loss points each. */
export function makeWorkspace(dir, cli, ids, steps) {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: dir, env: { ...process.env, ...GIT_ENV } });
  execFileSync(process.execPath, [cli, 'init'], { cwd: dir, stdio: 'ignore' });
  for (const [r, id] of ids.entries()) {
    const run = path.join(dir, '.lineage', 'runs', id);
    mkdirSync(run, { recursive: true });
    writeFileSync(
      path.join(run, 'run.json'),
      JSON.stringify({ schema: 1, id, name: `run-${r}`, startedAt: '2025-11-25T09:00:00.000Z' }),
    );
    const lines = new Array(steps);
    for (let i = 0; i < steps; i++)
      lines[i] = `{"step":${i},"time":${1_764_061_200 + i},"loss":${lossAt(r, i)}}`;
    writeFileSync(path.join(run, 'metrics.jsonl'), lines.join('\n') + '\n');
    writeFileSync(path.join(run, 'status.json'), JSON.stringify({ schema: 1, status: 'finished' }));
  }
}

/** Start dist/server.js --stdio on `root` and initialize it; { conn, stop }. */
export async function startServer(serverJs, root) {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  conn.listen();
  const uri = pathToFileURL(root).toString();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: [{ uri, name: 'ws' }],
    capabilities: {},
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    conn,
    stop: () => {
      conn.dispose();
      child.kill();
    },
  };
}

/** Answer the view's history request through the server, as the extension does. */
async function relayHistory(conn, p, request) {
  const t0 = performance.now();
  const result = await conn.sendRequest(metricHistoryRequest, {
    ids: request.ids,
    buckets: request.buckets,
    x: request.x,
    ...(request.metric !== undefined && { metric: request.metric }),
  });
  const serverMs = performance.now() - t0;
  const { series, metric, metrics } = result;
  return {
    serverMs,
    ...(await deliverTimed(p, { type: 'history', seq: request.seq, metric, metrics, series })),
  };
}

/**
 * The view's history request → lineage/metricHistory → drawn frame, for `ids`, on a server that has
 * (warm) or has not (cold) read their streams: the server's answer (request → response, in this
 * process) plus the page's time from the message to the drawn frame. The hop between them (the
 * extension host's postMessage in VS Code; a CDP call here) is not counted.
 */
export async function plotThroughServer(browser, server, ids) {
  const { p, request } = await openPlots(browser, ids);
  try {
    const r = await relayHistory(server.conn, p, request);
    return { ...r, total: r.serverMs + r.ms, errors: await p.errors() };
  } finally {
    await p.close();
  }
}

/** The Python a live run executes: 200 points, then one more each time the bench creates `<go><k>`. */
function liveScript(go, points) {
  return [
    'import json, os, time',
    "f = os.open(os.environ['LINEAGE_METRICS'], os.O_WRONLY | os.O_APPEND)",
    'def log(**kw):',
    "    os.write(f, (json.dumps(dict(kw, time=time.time())) + '\\n').encode())",
    'for i in range(200): log(step=i, loss=1 / (i + 1))',
    "print('ready', flush=True)",
    `for k in range(${points}):`,
    `    while not os.path.exists(${JSON.stringify(go)} + str(k)): time.sleep(0.002)`,
    '    log(step=200 + k, loss=1 / (201 + k))',
    `while not os.path.exists(${JSON.stringify(go)} + 'end'): time.sleep(0.05)`,
  ].join('\n');
}

/**
 * Live latency: start `lineage run -- python3 -c …` in `root`, plot it, then `points` times append one
 * metric line and time it to the frame showing it. Returns per point { totalMs (append → frame),
 * serverMs (append → notification in this process) }.
 */
export async function liveLatency(browser, { cli, serverJs, root, points, gapMs = 300, log = () => {} }) {
  const go = path.join(root, 'go-');
  const before = new Set(readdirSync(path.join(root, '.lineage', 'runs')));
  const child = spawn(
    process.execPath,
    [cli, 'run', '--name', 'live', '--', 'python3', '-c', liveScript(go, points)],
    { cwd: root, stdio: 'ignore' },
  );
  const server = await startServer(serverJs, root);
  let p;
  try {
    let id = '';
    for (const started = Date.now(); !id; await sleep(50)) {
      if (Date.now() - started > 30_000) throw new Error('the live run did not start within 30 s');
      const fresh = readdirSync(path.join(root, '.lineage', 'runs')).find((x) => !before.has(x));
      const out = fresh && path.join(root, '.lineage', 'runs', fresh, 'output.log');
      if (out && existsSync(out) && readFileSync(out, 'utf8').includes('ready')) id = fresh;
    }
    ({ p } = await openPlots(browser, [id]));
    const request = await nextHistory(p, 0);
    const first = await relayHistory(server.conn, p, request);
    log(`live run ${id}: ${first.status}`);
    await p.page.evaluate(() => {
      const root = document.getElementById('root');
      window.__live = [];
      window.addEventListener('message', (e) => {
        if (e.data?.type !== 'points') return;
        const drawnBefore = root.dataset.drawn;
        const steps = e.data.points.map((x) => x.step);
        requestAnimationFrame(() =>
          setTimeout(
            () =>
              window.__live.push({
                steps,
                drawn: root.dataset.drawn !== drawnBefore,
                at: performance.timeOrigin + performance.now(),
              }),
            0,
          ),
        );
      });
    });
    const received = new Map();
    server.conn.onNotification(metricPointsNotification, (params) => {
      if (params.id !== id) return;
      for (const pt of params.points)
        received.set(pt.step, { time: pt.time, at: performance.timeOrigin + performance.now() });
      void p.send({ type: 'points', ...params });
    });
    const samples = [];
    for (let k = 0; k < points; k++) {
      await sleep(gapMs);
      const step = 200 + k;
      writeFileSync(go + k, '');
      let seen;
      for (const started = Date.now(); !seen && Date.now() - started < 10_000; await sleep(10))
        seen = (await p.page.evaluate(() => window.__live)).find((x) => x.steps.includes(step) && x.drawn);
      const got = received.get(step);
      if (!seen || !got) samples.push({ ok: false, step });
      else
        samples.push({
          ok: true,
          step,
          totalMs: seen.at - got.time * 1000,
          serverMs: got.at - got.time * 1000,
        });
    }
    return { id, samples, errors: await p.errors() };
  } finally {
    writeFileSync(go + 'end', '');
    await p?.close();
    server.stop();
    await Promise.race([new Promise((r) => child.on('exit', r)), sleep(5_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
