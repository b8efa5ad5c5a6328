import { spawn } from 'node:child_process';

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
 * - SIGUSR2 kills it at once (SIGKILL): the editor's Kill.
 */
export async function runChild(argv: string[], opts: ChildOptions): Promise<ChildExit> {
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['inherit', 'pipe', 'pipe'] });
  child.stdout.on('data', opts.onStdout);
  child.stderr.on('data', opts.onStderr);
  let stops = 0;
  const kill = (): void => {
    child.kill('SIGKILL');
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
