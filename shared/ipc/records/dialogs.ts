/** What `dialogs.pick` takes: the purpose of a native file dialog, where it opens and its filters. */
import { z } from 'zod';

/** What a native file dialog is for: pick an existing file, an existing folder, or a file to write. */
export const pathPurposeSchema = z.enum(['open-file', 'open-folder', 'save-file']);
export type PathPurpose = z.infer<typeof pathPurposeSchema>;
// A NUL byte ends a path at the OS level; refuse it rather than let the dialog truncate silently.
const dialogPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => !path.includes('\0'), 'must not contain NUL bytes');
/** A dialog filter as Electron takes it: extensions without the dot ('txt'), or '*' for any file. */
export const dialogFilterSchema = z
  .object({
    name: z.string().min(1).max(100),
    extensions: z
      .array(z.string().regex(/^(\*|[A-Za-z0-9_-]{1,16})$/, "expected an extension without the dot, or '*'"))
      .min(1)
      .max(20),
  })
  .strict();
export const pickPathRequestSchema = z
  .object({
    purpose: pathPurposeSchema,
    title: z.string().min(1).max(200).optional(),
    /** Where the dialog opens (a folder, or a file name for 'save-file'); usually the typed value. */
    defaultPath: dialogPathSchema.optional(),
    filters: z.array(dialogFilterSchema).max(10).optional(),
  })
  .strict();
export type PickPathRequest = z.infer<typeof pickPathRequestSchema>;
