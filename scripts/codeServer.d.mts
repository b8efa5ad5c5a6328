import type { ChildProcess } from 'node:child_process';
export const CODE_SERVER_DIR: string;
export function codeServerEntry(): string;
export function freePort(): Promise<number>;
export interface CodeServer {
  url: string;
  logDir: string;
  child: ChildProcess;
  stop(): void;
}
export function startCodeServer(options: {
  folder: string;
  vsix: string;
  scratch: string;
  port?: number;
  settings?: Record<string, unknown>;
  stdio?: 'log' | 'inherit';
}): Promise<CodeServer>;
