/**
 * An error the user can act on: one line naming the file (when there is one) and the problem.
 * The CLI prints `message` without a stack trace; the server reports it as a problem.
 */
export class LineageError extends Error {
  constructor(
    /** The problem, without the file name. */
    readonly detail: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${detail}` : detail);
    this.name = 'LineageError';
  }
}

/** The message of any thrown value, without a stack. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True for a Node system error with the given code (ENOENT, EEXIST, ...). */
export function isErrnoCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
