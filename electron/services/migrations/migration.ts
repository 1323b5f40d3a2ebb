/** One numbered schema change (see index.ts for the rules). */
import type { DatabaseSync } from 'node:sqlite';

export interface Migration {
  version: number;
  /** What the migration does, for logs and error messages. */
  description: string;
  up(db: DatabaseSync): void;
}
