import * as z from 'zod/mini';
import { listRunsResultSchema } from './runs';

/**
 * Messages between the Runs Table webview and the extension. The webview sends `ready` once it
 * listens; the extension answers with `runs` and sends it again whenever runs change.
 */
export const runsTableToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('refresh') }),
]);
export type RunsTableToHost = z.infer<typeof runsTableToHostSchema>;

export const runsTableToWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runs'), result: listRunsResultSchema }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type RunsTableToWebview = z.infer<typeof runsTableToWebviewSchema>;
