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

/** How long state changes are gathered before the host is told (typing in a filter, dragging). */
const PERSIST_DELAY_MS = 250;

/**
 * When the host keeps this panel's state per workspace (it put `data-persist` on `#root`), the
 * state VS Code restores comes first, else the workspace's; and each saved state is also posted
 * to the host, at most every 250 ms and once more when the page goes away.
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
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: unknown;
  let dirty = false;
  const flush = (): void => {
    clearTimeout(timer);
    if (!dirty) return;
    dirty = false;
    const message: PersistState = { type: 'persistState', state: pending };
    raw.postMessage(message);
  };
  addEventListener('pagehide', flush);
  return {
    postMessage: (message) => raw.postMessage(message),
    getState: () => raw.getState() ?? stored,
    setState: (state) => {
      raw.setState(state);
      pending = state;
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(flush, PERSIST_DELAY_MS);
    },
  };
}
