import * as z from 'zod/mini';

/**
 * A panel whose UI state is kept per workspace: its host seeds the page with the stored state
 * (`data-persist` on `#root`, see extension/webviewDocument.ts), and the page posts every state it
 * saves with `setState` (debounced) as this message, which the host stores (extension/panelState.ts)
 * before its own message handling. So closing and reopening the panel, or reloading the window,
 * brings back its sorts, filters, columns and selection.
 */
export const persistStateSchema = z.object({ type: z.literal('persistState'), state: z.unknown() });
export type PersistState = z.infer<typeof persistStateSchema>;
