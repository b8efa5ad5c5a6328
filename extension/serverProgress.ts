import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type CancellationToken, type LanguageClient } from 'vscode-languageclient/node';

/**
 * Run a server request in a cancellable notification that shows the server's `$/progress` reports.
 * Cancelling the notification cancels the request, which the server turns into an abort.
 */
export function withServerProgress<R>(
  client: LanguageClient,
  title: string,
  send: (workDoneToken: string, token: CancellationToken) => Promise<R>,
): Thenable<R> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const workDoneToken = randomUUID();
      let reported = 0;
      const subscription = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === 'end') return;
        const percentage = value.percentage ?? reported;
        progress.report({ message: value.message, increment: Math.max(0, percentage - reported) });
        reported = Math.max(reported, percentage);
      });
      try {
        return await send(workDoneToken, token);
      } finally {
        subscription.dispose();
      }
    },
  );
}
