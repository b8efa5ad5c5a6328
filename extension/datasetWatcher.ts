import * as vscode from 'vscode';
import type { LineageModel } from './model';

const SETTLE_MS = 1000;

/**
 * Watches the folders of tracked datasets (from the last status) and asks for a new status once
 * writes have settled, so the Datasets tree turns "modified" when data is edited on disk.
 */
export class DatasetWatcher implements vscode.Disposable {
  private watchers = new Map<string, vscode.Disposable>();
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly model: LineageModel,
    private readonly root: vscode.Uri,
  ) {
    this.subscription = model.onDidChangeDatasets(({ datasets }) => this.follow(datasets.map((d) => d.path)));
    void model.getDatasets().then(({ datasets }) => this.follow(datasets.map((d) => d.path)));
  }

  private follow(paths: string[]): void {
    for (const [p, watcher] of this.watchers) {
      if (!paths.includes(p)) {
        watcher.dispose();
        this.watchers.delete(p);
      }
    }
    for (const p of paths) {
      if (this.watchers.has(p)) continue;
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(this.root, `${p}{,/**}`),
      );
      const changed = (): void => this.settle();
      this.watchers.set(
        p,
        vscode.Disposable.from(
          watcher,
          watcher.onDidChange(changed),
          watcher.onDidCreate(changed),
          watcher.onDidDelete(changed),
        ),
      );
    }
  }

  private settle(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.model.reloadDatasets(), SETTLE_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
  }
}
