import * as z from 'zod/mini';

/** Something wrong with one file on disk, reported instead of failing a whole request. */
export const problemSchema = z.object({
  /** Path relative to the workspace root. */
  file: z.string(),
  message: z.string(),
});
export type Problem = z.infer<typeof problemSchema>;
