/** Everything the handlers need, built once per process from a data dir (and a resources dir for builtins). */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { annotatorNameSchema, defaultSettings, type AppInfo } from '../../shared/ipc';
import { AnnotationService } from './annotations';
import { BenchmarkDataFiles } from './benchmarkData';
import { BenchmarkRunStore } from './benchmarkRuns';
import { CheckpointLibrary } from './checkpoints';
import { databaseFileName, openDatabase, schemaVersion } from './database';
import { lockDataDir, type DataDirLock } from './dataDirLock';
import { DatasetStore } from './datasets';
import { EventBus } from './events';
import { JobRegistry, WriteQueue } from './jobs';
import { ReviewService } from './review';
import { SettingsService } from './settings';
import { AccountStore } from './team/accounts';
import type { ScryptParameters } from './team/passwords';
import { SessionStore } from './team/sessions';
import { TaskRouter } from './team/taskRouter';
import { TrainingRunStore } from './trainingRuns';

export interface ServicesOptions {
  dataDir: string;
  /** Folder holding checkpoints/index.json etc.; null to start without builtins. */
  resourcesDir: string | null;
  host: AppInfo['host'];
  /** The app's version (package.json's in dev, app.getVersion() when packaged). */
  version?: string;
  /** Largest training file one upload may be (default MAX_TRAINING_FILE_BYTES; tests set a small one). */
  maxTrainingFileBytes?: number;
  /** scrypt parameters for new team passwords (tests pass cheap ones; default passwords.ts's). */
  passwordHashing?: ScryptParameters;
}

export interface Services {
  readonly dataDir: string;
  readonly db: DatabaseSync;
  readonly checkpoints: CheckpointLibrary;
  readonly settings: SettingsService;
  readonly events: EventBus;
  /** The datasets: list, import/export, remove, example queries and label sets (issue 5). */
  readonly datasetStore: DatasetStore;
  readonly annotations: AnnotationService;
  /** Double-annotation review: agreement of two authors and adjudication into gold (issue 5). */
  readonly review: ReviewService;
  /** Stored benchmark runs: predictions, metrics and records (issue 6). */
  readonly benchmarkRuns: BenchmarkRunStore;
  /** The Train view's runs on disk; their state and output bytes arrive over the file routes (issue 7). */
  readonly trainingRuns: TrainingRunStore;
  /** Datasets as benchmark data files, hashed and cached under the data dir (served to the worker). */
  readonly benchmarkData: BenchmarkDataFiles;
  readonly jobs: JobRegistry;
  /** The team layer (issue 17): accounts and sessions (used by a team server) and task routing. */
  readonly team: { accounts: AccountStore; sessions: SessionStore; router: TaskRouter };
  /** Dataset-store writes go through this queue so they never meet an import's open transaction. */
  readonly writes: WriteQueue;
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
  // First: a second process on this data dir stops here, saying which process holds it.
  const lock = lockDataDir(options.dataDir, options.host);
  let db: DatabaseSync;
  try {
    db = openDatabase(join(options.dataDir, databaseFileName));
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    return await buildServices(options, db, lock);
  } catch (error) {
    db.close();
    lock.release();
    throw error;
  }
}

async function buildServices(
  options: ServicesOptions,
  db: DatabaseSync,
  lock: DataDirLock,
): Promise<Services> {
  const dbFile = join(options.dataDir, databaseFileName);
  const checkpoints = new CheckpointLibrary(db);
  const startupProblems = await checkpoints.syncBuiltins(options.resourcesDir);
  const version = options.version ?? packageVersion();
  const events = new EventBus();
  const jobs = new JobRegistry();
  const annotations = new AnnotationService(db);
  const datasetStore = new DatasetStore({ db, dbFile, events, jobs });
  startupProblems.push(...(await datasetStore.syncBuiltins(options.resourcesDir)));
  return {
    dataDir: options.dataDir,
    db,
    checkpoints,
    settings: new SettingsService(db, { ...defaultSettings, annotatorName: osAnnotatorName() }),
    events,
    datasetStore,
    annotations,
    review: new ReviewService(db, annotations),
    benchmarkRuns: new BenchmarkRunStore(db),
    trainingRuns: new TrainingRunStore(options.dataDir, { maxFileBytes: options.maxTrainingFileBytes }),
    benchmarkData: new BenchmarkDataFiles(db, datasetStore, join(options.dataDir, 'cache', 'benchmark-data')),
    jobs,
    team: {
      accounts: new AccountStore(db, { scrypt: options.passwordHashing }),
      sessions: new SessionStore(db),
      router: new TaskRouter(db),
    },
    writes: new WriteQueue(),
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
    close: () => {
      try {
        db.close();
      } finally {
        lock.release();
      }
    },
  };
}

/** The OS user name as the default annotator name; "annotator" when it is unavailable or unusable. */
function osAnnotatorName(): string {
  try {
    const parsed = annotatorNameSchema.safeParse(userInfo().username);
    return parsed.success ? parsed.data : defaultSettings.annotatorName;
  } catch {
    return defaultSettings.annotatorName;
  }
}
