import type { PersistState } from '../../protocol/panelState';

/** The API VS Code injects into webviews; one call per page load is allowed. */
export interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

let api: VsCodeApi<unknown> | undefined;

export function vscodeApi<State>(): VsCodeApi<State> {
  api ??= persisting(acquireVsCodeApi<unknown>());
  return api as VsCodeApi<State>;
}

/** At most one state posted to the host per this long (typing in a filter, dragging a divider). */
const PERSIST_EVERY_MS = 250;

/**
 * When the host keeps this panel's state per workspace (it put `data-persist` on `#root`), the
 * state VS Code restores comes first, else the workspace's; a restored state is posted to the host
 * at once (it may be newer than what the host has: a change made just before a window reload), and
 * each saved state is posted too: the first of a burst at once, the last when the burst ends, and
 * any pending one when the page goes away.
 */
function persisting(raw: VsCodeApi<unknown>): VsCodeApi<unknown> {
  const seed = document.getElementById('root')?.dataset.persist;
  if (seed === undefined) return raw;
  let stored: unknown;
  try {
    stored = JSON.parse(seed) ?? undefined;
  } catch {
    stored = undefined; // a damaged seed: start from the panel's defaults
  }
  const send = (state: unknown): void => {
    const message: PersistState = { type: 'persistState', state };
    raw.postMessage(message);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: { state: unknown } | null = null;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (pending) send(pending.state);
    pending = null;
  };
  addEventListener('pagehide', flush);
  const restored = raw.getState();
  if (restored !== undefined) send(restored);
  return {
    postMessage: (message) => raw.postMessage(message),
    getState: () => raw.getState() ?? stored,
    setState: (state) => {
      raw.setState(state);
      if (timer === undefined) {
        send(state); // the first change of a burst goes at once
        timer = setTimeout(flush, PERSIST_EVERY_MS);
      } else {
        pending = { state };
      }
    },
  };
}
