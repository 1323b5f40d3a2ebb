/** Settings, one row per key in the settings table (JSON values), validated with the contract's zod schema. */
import type { DatabaseSync } from 'node:sqlite';
import { defaultSettings, settingsSchema, type Settings } from '../../shared/ipc';
import { transaction } from './database';
import { ServiceError } from './errors';

export class SettingsService {
  /** `defaults` fills keys never set (services.ts passes the OS user name as the annotator name). */
  constructor(
    private readonly db: DatabaseSync,
    private readonly defaults: Settings = defaultSettings,
  ) {}

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value_json FROM settings').all() as {
      key: string;
      value_json: string;
    }[];
    const stored: Record<string, unknown> = {};
    for (const row of rows) {
      try {
        stored[row.key] = JSON.parse(row.value_json);
      } catch {
        // A damaged value falls back to its default below rather than blocking start-up.
      }
    }
    // Validate key by key so one stale value (e.g. an enum member a newer version removed) resets only itself.
    const settings: Settings = { ...this.defaults };
    for (const key of Object.keys(this.defaults) as (keyof Settings)[]) {
      const parsed = settingsSchema.shape[key].safeParse(stored[key]);
      if (parsed.success) (settings as Record<string, unknown>)[key] = parsed.data;
    }
    return settings;
  }

  update(patch: Partial<Settings>): Settings {
    const parsed = settingsSchema.partial().strict().safeParse(patch);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServiceError(
        'bad-request',
        `Invalid setting ${issue.path.join('.') || '(patch)'}: ${issue.message}`,
      );
    }
    transaction(this.db, () => {
      const upsert = this.db.prepare(
        'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json',
      );
      for (const [key, value] of Object.entries(parsed.data)) {
        if (value !== undefined) upsert.run(key, JSON.stringify(value));
      }
    });
    return this.get();
  }

  /** Main-process-only values (e.g. window bounds) that are not part of the renderer's Settings. */
  getInternal<T>(key: string): T | null {
    const row = this.db.prepare('SELECT value_json FROM settings WHERE key = ?').get(`internal.${key}`) as
      { value_json: string } | undefined;
    if (!row) return null;
    try {
      return JSON.parse(row.value_json) as T;
    } catch {
      return null;
    }
  }

  setInternal(key: string, value: unknown): void {
    transaction(this.db, () => {
      this.db
        .prepare(
          'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json',
        )
        .run(`internal.${key}`, JSON.stringify(value));
    });
  }
}
