// What machine a benchmark ran on: CPUs, memory, kernel, file system of the scratch directory.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { run } from './proc.mjs';

export async function machineInfo(scratchDir) {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    /* not Linux */
  }
  const nproc = await run('nproc');
  const fs = await run('findmnt', ['-n', '-o', 'FSTYPE,SOURCE,OPTIONS', '-T', scratchDir]);
  const [fsType, device, mountOptions] = fs.ok ? fs.stdout.trim().split(/\s+/) : ['unknown'];
  return {
    cpus: nproc.ok ? Number(nproc.stdout.trim()) : os.availableParallelism(),
    cpuModel,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: os.release(),
    fs: fsType,
    device: device ?? null,
    mountOptions: mountOptions ?? null,
    scratch: scratchDir,
  };
}

/** First line of `<tool> --version`, or null when the tool is missing. */
export async function toolVersion(cmd, args = ['--version']) {
  const r = await run(cmd, args, { timeoutMs: 30_000 });
  if (!r.ok) return null;
  return (r.stdout || r.stderr).split('\n')[0].trim();
}
