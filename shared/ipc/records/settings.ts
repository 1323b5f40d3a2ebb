/** The app's own records: what `app.info` reports and the settings the person chooses. */
import { z } from 'zod';

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' for the desktop app, 'serve' for the browser host. */
  host: 'electron' | 'serve';
  platform: string;
  nodeVersion: string;
  dataDir: string;
  schemaVersion: number;
}

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const backendPreferenceSchema = z.enum(['auto', 'webgpu', 'wasm', 'cpu']);

/**
 * Who is annotating: the author of every edit (annotations.*, review.*). Trimmed, 1-200 characters, no
 * control characters (it is shown in the review and stored in the history).
 */
export const annotatorNameSchema = z
  .string()
  .trim()
  .min(1, 'the annotator name is empty; type a name')
  .max(200, 'the annotator name is longer than 200 characters')
  .regex(/^[^\p{Cc}]+$/u, 'the annotator name contains a control character (tab, newline, ...)');

export const settingsSchema = z.object({
  theme: themeSchema,
  backend: backendPreferenceSchema,
  /** Default on the main side: the OS user name ("annotator" when it cannot be read). */
  annotatorName: annotatorNameSchema,
});
export type Settings = z.infer<typeof settingsSchema>;
export const defaultSettings: Settings = { theme: 'system', backend: 'auto', annotatorName: 'annotator' };
