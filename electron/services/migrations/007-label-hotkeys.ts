/**
 * Migration 7: label hotkeys become a person's explicit choice only (issue 12). Imports used to store each
 * label's position + 1 as its hotkey, so the same label got different keys in two datasets (ORG 1 in one,
 * PER 1 in the other). The renderer now assigns stable keys per label name
 * (renderer/src/views/annotate/labelHotkeys.ts); this clears every stored hotkey that is exactly the old
 * import default, and keeps the ones set to something else through labels.update.
 */
import type { Migration } from './migration';

export const labelHotkeysMigration: Migration = {
  version: 7,
  description:
    'clear label hotkeys that are the old import default (position + 1): keys are stable per name now',
  up(db) {
    db.exec(`
      UPDATE dataset_labels SET hotkey = NULL WHERE position < 9 AND hotkey = CAST(position + 1 AS TEXT);
    `);
  },
};
