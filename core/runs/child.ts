import { execFileSync, spawn } from 'node:child_process';

export interface ChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each chunk of the command's stdout / stderr, as it comes. */
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
}

export interface ChildExit {
  code: number | null;
  signal: string | null;
  /** A stop or kill was asked for (a signal to the recorder) before the command exited. */
  stopped: boolean;
  /** The command could not be started. */
  startError?: string;
}

/**
 * Run a command without a shell and wait for it, passing on what the recorder is asked:
 * - SIGINT (Ctrl-C reaches the whole foreground process group, so the command has it already),
 *   SIGTERM and SIGHUP stop it gracefully (passed on); a second such signal kills it;
 * - SIGUSR2 kills it at once (SIGKILL), with every process it started: the editor's Kill.
 */
export async function runChild(argv: string[], opts: ChildOptions): Promise<ChildExit> {
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['inherit', 'pipe', 'pipe'] });
  child.stdout.on('data', opts.onStdout);
  child.stderr.on('data', opts.onStderr);
  let stops = 0;
  const kill = (): void => {
    // The whole tree: a training script's data loaders and subprocesses must not outlive it.
    for (const pid of [child.pid, ...descendants(child.pid)]) {
      try {
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const stop = (signal: NodeJS.Signals) => (): void => {
    stops++;
    if (stops > 1) return kill();
    if (signal !== 'SIGINT') child.kill(signal);
  };
  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGINT', stop('SIGINT')],
    ['SIGTERM', stop('SIGTERM')],
    ['SIGHUP', stop('SIGHUP')],
    [
      'SIGUSR2',
      () => {
        stops++;
        kill();
      },
    ],
  ];
  for (const [sig, handler] of handlers) process.on(sig, handler);
  try {
    return await new Promise<ChildExit>((resolve) => {
      child.on('error', (err: NodeJS.ErrnoException) => {
        const startError =
          err.code === 'ENOENT' ? `command not found: ${command}` : `cannot start ${command}: ${err.message}`;
        resolve({ code: 127, signal: null, stopped: false, startError });
      });
      child.on('close', (code, signal) => resolve({ code, signal, stopped: stops > 0 }));
    });
  } finally {
    for (const [sig, handler] of handlers) process.off(sig, handler);
  }
}

/** Every process below `pid` (children, their children, …), from `ps`; empty when it cannot tell. */
function descendants(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  let table: string;
  try {
    table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (p === undefined || pp === undefined || Number.isNaN(p) || Number.isNaN(pp)) continue;
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift() as number) ?? []) {
      found.push(c);
      queue.push(c);
    }
  }
  return found;
}
