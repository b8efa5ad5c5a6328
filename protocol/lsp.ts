import { NotificationType, RequestType0 } from 'vscode-languageserver-protocol';
import type { ListRunsResult } from './runs';
import type { StatusResult } from './datasets';

/** Custom LSP methods between the extension and the language server. Declared once, used by both. */
export const listRunsRequest = new RequestType0<ListRunsResult, void>('lineage/listRuns');
export const statusRequest = new RequestType0<StatusResult, void>('lineage/status');

export interface RunsChangedParams {
  /** Ids of runs whose files changed; empty when unknown (reload all). */
  ids: string[];
}
export const runsChangedNotification = new NotificationType<RunsChangedParams>('lineage/runsChanged');
export const datasetsChangedNotification = new NotificationType<Record<string, never>>(
  'lineage/datasetsChanged',
);
