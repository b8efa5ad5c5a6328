import { monotonicFactory } from 'ulid';
import * as vscode from 'vscode';
import { shortRunId } from '../core/util/format';
import type { LineageModel } from './model';

const nextUlid = monotonicFactory();

/** A new run id, as `lineage run` makes them: a lowercase ULID. */
export function newRunId(): string {
  return nextUlid().toLowerCase();
}

/** A run the user asked for: queued until a slot is free, then started in its own terminal. */
export interface Launch {
  /** The run id the extension chose (`lineage run --id`). */
  id: string;
  /** Experiment name or script name: the terminal's and the queue item's label. */
  label: string;
  /** `lineage` arguments after `run --id <id>` (or `reproduce <run> --id <id>`). */
  args: string[];
  /** Set for a reproduction: the run it re-runs (`lineage reproduce`). */
  reproduces?: string;
  /** The `--set` overrides, for display. */
  overrides: string[];
  /** Repository root: the terminal's working directory. */
  cwd: string;
}

/**
 * Starts runs in VS Code terminals, at most `lineage.maxParallelRuns` at a time, counting every
 * running run (also those started outside the editor); the others wait in a queue and start as
 * runs end. Each terminal runs the bundled CLI with the extension host's own Node
 * (`ELECTRON_RUN_AS_NODE`), so nothing needs to be on PATH; closing it stops its run (SIGHUP).
 */
export class RunLauncher implements vscode.Disposable {
  private readonly queue: Launch[] = [];
  /** Started here, not yet listed by the server (the recorder is still writing the header). */
  private readonly starting = new Set<string>();
  private readonly terminals = new Map<string, vscode.Terminal>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** The queue changed (or a terminal opened or closed). */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private pumping: Promise<void> = Promise.resolve();

  constructor(
    private readonly cli: string,
    private readonly model: LineageModel,
  ) {
    this.disposables.push(
      this.emitter,
      model.onDidChangeRuns(() => this.pump()),
      vscode.window.onDidCloseTerminal((t) => this.closed(t)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lineage.maxParallelRuns')) this.pump();
      }),
    );
  }

  get queued(): readonly Launch[] {
    return this.queue;
  }

  terminalOf(id: string): vscode.Terminal | undefined {
    return this.terminals.get(id);
  }

  /** Queue a launch; it starts at once when a slot is free (its terminal is then shown). */
  async launch(launch: Launch): Promise<'started' | 'queued'> {
    this.queue.push(launch);
    this.emitter.fire();
    this.pump();
    await this.pumping;
    if (!this.terminals.has(launch.id)) return 'queued';
    this.terminals.get(launch.id)?.show(true);
    return 'started';
  }

  cancel(id: string): boolean {
    const i = this.queue.findIndex((l) => l.id === id);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    this.emitter.fire();
    return true;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private static maxParallel(): number {
    const n = vscode.workspace.getConfiguration('lineage').get<number>('maxParallelRuns', 2);
    return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
  }

  /** Start queued launches while fewer than the maximum run. Serialised: one pass at a time. */
  private pump(): void {
    this.pumping = this.pumping.then(async () => {
      if (this.queue.length === 0) return;
      const { runs } = await this.model.getRuns();
      for (const r of runs) this.starting.delete(r.id);
      let busy = runs.filter((r) => r.status === 'running').length + this.starting.size;
      const max = RunLauncher.maxParallel();
      let started = false;
      while (this.queue.length > 0 && busy < max) {
        this.start(this.queue.shift() as Launch);
        busy++;
        started = true;
      }
      if (started) this.emitter.fire();
    });
  }

  private start(launch: Launch): void {
    const terminal = vscode.window.createTerminal({
      // The short id tells apart several runs of one experiment in the terminal list.
      name: `Lineage: ${launch.label} (${shortRunId(launch.id)})`,
      iconPath: new vscode.ThemeIcon('beaker'),
      shellPath: process.execPath,
      shellArgs: [
        this.cli,
        ...(launch.reproduces ? ['reproduce', launch.reproduces] : ['run']),
        '--id',
        launch.id,
        ...launch.args,
      ],
      cwd: launch.cwd,
      // The extension host's executable is Electron in desktop VS Code: make it plain Node. Python
      // writes into a pipe (the recorder tees it), so unbuffer it to stream output as it comes.
      // LINEAGE_EDITOR_TERMINAL: a run the user stopped exits 0, so VS Code shows no exit-code error.
      env: { ELECTRON_RUN_AS_NODE: '1', PYTHONUNBUFFERED: '1', LINEAGE_EDITOR_TERMINAL: '1' },
    });
    this.terminals.set(launch.id, terminal);
    this.starting.add(launch.id);
  }

  private closed(terminal: vscode.Terminal): void {
    for (const [id, t] of this.terminals) {
      if (t !== terminal) continue;
      this.terminals.delete(id);
      this.starting.delete(id);
      this.emitter.fire();
      // If the recorder died without a status, no file write says so: read the run again.
      this.model.runsChanged([id]);
      this.pump();
      return;
    }
  }
}
