import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);

export const environmentSchema = z.looseObject({
  schema: z.literal(1),
  os: z.object({ platform: z.string(), release: z.string(), arch: z.string() }),
  host: z.string(),
  cpus: z.object({ model: z.string(), count: z.number() }),
  memory: z.number(),
  node: z.string().optional(),
  python: z
    .object({ executable: z.string(), version: z.string(), packages: z.record(z.string(), z.string()) })
    .optional(),
  gpus: z.array(z.object({ name: z.string(), memoryMiB: z.number(), driver: z.string() })).optional(),
});
export type Environment = z.infer<typeof environmentSchema>;

/**
 * Where a run runs: OS, host, CPUs, memory, Node; for a Python command, the interpreter it names
 * with its version and installed packages; GPUs when `nvidia-smi` answers. Probes that fail are
 * left out: the environment is a record, never a reason for a run to fail.
 */
export async function probeEnvironment(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<Environment> {
  const cpus = os.cpus();
  const [python, gpus] = await Promise.all([probePython(argv, env, cwd), probeGpus()]);
  return {
    schema: 1,
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    host: os.hostname(),
    cpus: { model: cpus[0]?.model.trim() ?? 'unknown', count: cpus.length },
    memory: os.totalmem(),
    node: process.versions.node,
    ...(python && { python }),
    ...(gpus.length > 0 && { gpus }),
  };
}

/** The interpreter of `python …`, `python3.11 …` or `/path/to/venv/bin/python …`, if that is the command. */
export function pythonOf(argv: string[]): string | null {
  const first = argv[0];
  if (!first) return null;
  return /^python[\d.]*$/.test(path.basename(first)) ? first : null;
}

async function probePython(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<Environment['python']> {
  const interpreter = pythonOf(argv);
  if (!interpreter) return undefined;
  try {
    // The Python client's own probe (on the command's PYTHONPATH): one definition of the record.
    const { stdout } = await run(interpreter, ['-m', 'lineage._env'], { env, cwd, timeout: 20_000 });
    return JSON.parse(stdout) as Environment['python'];
  } catch {
    return undefined;
  }
}

async function probeGpus(): Promise<NonNullable<Environment['gpus']>> {
  try {
    const { stdout } = await run(
      'nvidia-smi',
      ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'],
      { timeout: 10_000 },
    );
    return stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', memory = '0', driver = ''] = line.split(',').map((s) => s.trim());
        return { name, memoryMiB: Number(memory) || 0, driver };
      });
  } catch {
    return [];
  }
}
