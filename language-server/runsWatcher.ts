import { processAlive } from '../core/store/lock';
import { watch, type FSWatcher } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Repo } from '../core/repo';
import { RUN_FILES, RUN_ID_PATTERN } from '../core/runs/layout';

const DEBOUNCE_MS = 50;
const RESCAN_MS = 2000;

/**
 * Watches `.lineage/runs/` for new runs and each unfinished run's folder for metric and status
 * writes, calling `onChange` with the ids that changed (debounced). It holds one OS watch for the
 * runs folder plus one per unfinished run, so cost follows the runs in flight, not all runs.
 * A slow rescan covers what watches miss: the folder appearing after start, a lost event, or a run
 * whose recorder died without a final status (it turns `crashed`, which no file write announces).
 */
export class RunsWatcher {
  private rootWatch: FSWatcher | null = null;
  private readonly runWatches = new Map<string, FSWatcher>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private rescan: NodeJS.Timeout | null = null;
  /** Runs already looked at; each is checked for a final status once, not on every rescan. */
  private readonly known = new Set<string>();
  /** Recorder pid of each watched run on this host (null: none, or another host), read once. */
  private readonly recorders = new Map<string, number | null>();

  constructor(
    private readonly repo: Repo,
    private readonly onChange: (ids: string[]) => void,
  ) {}

  start(): void {
    void this.sync(false);
    this.rescan = setInterval(() => void this.sync(true).then(() => this.checkRecorders()), RESCAN_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.rescan) clearInterval(this.rescan);
    this.rootWatch?.close();
    for (const w of this.runWatches.values()) w.close();
    this.runWatches.clear();
  }

  /** Runs whose recorder on this host has exited without a status: report them once, stop watching. */
  private async checkRecorders(): Promise<void> {
    for (const id of [...this.runWatches.keys()]) {
      let pid = this.recorders.get(id);
      if (pid === undefined) {
        pid = await recorderPid(path.join(this.repo.runs, id, RUN_FILES.header));
        this.recorders.set(id, pid);
      }
      if (pid === null || processAlive(pid)) continue;
      this.runWatches.get(id)?.close();
      this.runWatches.delete(id);
      this.recorders.delete(id);
      this.changed(id);
    }
  }

  /** Attach a watch to the runs folder; look at runs not seen before and watch the unfinished ones. */
  private async sync(reportNew: boolean): Promise<void> {
    let ids: string[];
    try {
      ids = (await fs.readdir(this.repo.runs)).filter((n) => RUN_ID_PATTERN.test(n));
    } catch {
      return;
    }
    this.rootWatch ??= this.tryWatch(this.repo.runs, (name) => {
      if (!name || !RUN_ID_PATTERN.test(name)) return;
      if (!this.known.has(name)) void this.sync(false);
      this.changed(name);
    });
    for (const id of ids) {
      if (this.known.has(id)) continue;
      this.known.add(id);
      if (reportNew) this.changed(id);
      if (!(await exists(path.join(this.repo.runs, id, RUN_FILES.status)))) {
        const w = this.tryWatch(path.join(this.repo.runs, id), () => this.changed(id));
        if (w) this.runWatches.set(id, w);
        // It may have finished between the check and the watch: report it, which closes the watch.
        if (await exists(path.join(this.repo.runs, id, RUN_FILES.status))) this.changed(id);
      }
    }
  }

  private changed(id: string): void {
    this.pending.add(id);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const ids = [...this.pending];
      this.pending.clear();
      void this.closeFinished(ids);
      this.onChange(ids);
    }, DEBOUNCE_MS);
  }

  private async closeFinished(ids: string[]): Promise<void> {
    for (const id of ids) {
      const w = this.runWatches.get(id);
      if (w && (await exists(path.join(this.repo.runs, id, RUN_FILES.status)))) {
        w.close();
        this.runWatches.delete(id);
        this.recorders.delete(id);
      }
    }
  }

  private tryWatch(dir: string, listener: (name: string | null) => void): FSWatcher | null {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => listener(name ? String(name) : null));
      w.on('error', () => w.close());
      return w;
    } catch {
      return null;
    }
  }
}

/** The pid of a run's recorder when it records on this host, else null. */
async function recorderPid(headerFile: string): Promise<number | null> {
  try {
    const header = JSON.parse(await fs.readFile(headerFile, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof header.pid === 'number' && header.host === os.hostname() ? header.pid : null;
  } catch {
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
