import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from './database';
import { SettingsService } from './settings';

const dir = mkdtempSync(join(tmpdir(), 'nezha-settings-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('settings default, update, persist, reject bad values and survive a stale stored value', () => {
  const file = join(dir, 's.sqlite');
  let db = openDatabase(file);
  let settings = new SettingsService(db);
  expect(settings.get()).toEqual({ theme: 'system', backend: 'auto', annotatorName: 'annotator' });
  expect(settings.update({ backend: 'wasm' })).toEqual({
    theme: 'system',
    backend: 'wasm',
    annotatorName: 'annotator',
  });
  expect(() => settings.update({ backend: 'tpu' } as never)).toThrow(/backend/);
  db.close();
  db = openDatabase(file);
  settings = new SettingsService(db);
  expect(settings.get().backend).toBe('wasm');
  db.prepare(`UPDATE settings SET value_json = '"plaid"' WHERE key = 'backend'`).run();
  expect(settings.get()).toEqual({ theme: 'system', backend: 'auto', annotatorName: 'annotator' });
  settings.setInternal('windowState', { width: 800 });
  expect(settings.getInternal('windowState')).toEqual({ width: 800 });
  expect(settings.get()).not.toHaveProperty('internal.windowState');
  db.close();
});
