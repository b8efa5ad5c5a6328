import type * as vscode from 'vscode';
import { persistStateSchema } from '../protocol/panelState';

/**
 * A panel's UI state kept per workspace (`workspaceState`), so that closing and reopening the panel,
 * or reloading the window, restores its sorts, filters, columns and selection. The host passes
 * `persist` to `webviewHtml` and offers each message to `accept` before its own handling.
 */
export class PanelState {
  constructor(
    private readonly memento: vscode.Memento,
    private readonly key: string,
  ) {}

  /** What the next page of the panel starts from. */
  get persist(): { state: unknown } {
    return { state: this.memento.get<unknown>(this.key) ?? null };
  }

  /** Stores a `persistState` message and returns true; false for any other message. */
  accept(raw: unknown): boolean {
    const parsed = persistStateSchema.safeParse(raw);
    if (!parsed.success) return false;
    void this.memento.update(this.key, parsed.data.state);
    return true;
  }
}
