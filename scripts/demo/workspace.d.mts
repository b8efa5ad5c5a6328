export const CLI: string;
export function lineage(dir: string, ...args: string[]): string;
export function createDemoWorkspace(
  dir: string,
  runs?: { name: string; lr: number; epochs: number }[],
): string;
