/** Request pieces every namespace's channels share. */
import { z } from 'zod';

/** A stored record's id (checkpoint, dataset, run, job). */
export const idSchema = z.string().min(1).max(200);
/** The request of a channel that takes nothing: left out, or `{}`. */
export const none = z.undefined().or(z.object({}).strict());
