/** Everything the handlers need, built once per process from a data dir (and a resources dir for builtins). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { AppInfo } from '../../shared/ipc';
import { CheckpointLibrary } from './checkpoints';
import { databaseFileName, openDatabase, schemaVersion } from './database';
import { DatasetService } from './datasets';
import { EventBus } from './events';
import { SettingsService } from './settings';

export interface ServicesOptions {
  dataDir: string;
  /** Folder holding checkpoints/index.json etc.; null to start without builtins. */
  resourcesDir: string | null;
  host: AppInfo['host'];
  /** The app's version (package.json's in dev, app.getVersion() when packaged). */
  version?: string;
}

export interface Services {
  readonly dataDir: string;
  readonly db: DatabaseSync;
  readonly checkpoints: CheckpointLibrary;
  readonly settings: SettingsService;
  readonly datasets: DatasetService;
  readonly events: EventBus;
  appInfo(): AppInfo;
  /** Problems found while loading builtins (shown to the person, not fatal). */
  readonly startupProblems: string[];
  close(): void;
}

export const appName = 'Nezha Studio';

/** The version in the repo's package.json (two levels above electron/services). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function createServices(options: ServicesOptions): Promise<Services> {
  const db = openDatabase(join(options.dataDir, databaseFileName));
  const checkpoints = new CheckpointLibrary(db);
  let startupProblems: string[];
  try {
    startupProblems = await checkpoints.syncBuiltins(options.resourcesDir);
  } catch (error) {
    db.close();
    throw error;
  }
  const version = options.version ?? packageVersion();
  return {
    dataDir: options.dataDir,
    db,
    checkpoints,
    settings: new SettingsService(db),
    datasets: new DatasetService(db),
    events: new EventBus(),
    startupProblems,
    appInfo: () => ({
      name: appName,
      version,
      host: options.host,
      platform: process.platform,
      nodeVersion: process.versions.node,
      dataDir: options.dataDir,
      schemaVersion: schemaVersion(db),
    }),
    close: () => db.close(),
  };
}
