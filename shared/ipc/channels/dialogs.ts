import { pickPathRequestSchema } from '../records/dialogs';

export const dialogsChannels = {
  /**
   * Opens the OS file/folder dialog, parented to the caller's window; `path: null` when the person cancelled.
   * Desktop app only: serve mode answers bad-request (a browser page cannot show a native dialog).
   */
  'dialogs.pick': { request: pickPathRequestSchema, response: {} as { path: string | null } },
} as const;
